//! Box.
//!
//! - Headers: `BOX-DELIVERY-TIMESTAMP: <RFC 3339>`, `BOX-SIGNATURE-PRIMARY: <base64>` and
//!   `BOX-SIGNATURE-SECONDARY: <base64>`, each an HMAC-SHA256 of the body **followed by** the timestamp as sent.
//! - Keys: the first configured key is the primary key and is compared only with the primary header, the second only
//!   with the secondary one (as Box's Java SDK does); either match is enough, and at least one header must be there.
//!   `BOX-SIGNATURE-VERSION` other than `1` or `BOX-SIGNATURE-ALGORITHM` other than `HmacSHA256` is malformed.
//! - Window: 600 s each way by default (Box: not older than ten minutes). Id: the body's `id` (signed);
//!   `BOX-DELIVERY-ID` changes with every retry.
//!
//! Sources: `box/box-java-sdk` `BoxWebHookSignatureVerifierTest.java` (the example in `tests/schemes.rs`),
//! <https://developer.box.com/guides/webhooks/v2/signatures-v2/>.

use http::{HeaderMap, HeaderName, HeaderValue};

use super::IdSource;
use super::Parsed;
use super::headers::{one, optional_str, required_bytes, rfc3339_seconds, rfc3339_text, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static TIMESTAMP: HeaderName = HeaderName::from_static("box-delivery-timestamp");
static PRIMARY: HeaderName = HeaderName::from_static("box-signature-primary");
static SECONDARY: HeaderName = HeaderName::from_static("box-signature-secondary");
static VERSION: HeaderName = HeaderName::from_static("box-signature-version");
static ALGORITHM: HeaderName = HeaderName::from_static("box-signature-algorithm");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    if optional_str(request.headers, &VERSION)?.is_some_and(|version| version != "1") {
        return Err(Error::malformed(VERSION.clone(), "is not `1`"));
    }
    if optional_str(request.headers, &ALGORITHM)?.is_some_and(|algorithm| algorithm != "HmacSHA256") {
        return Err(Error::malformed(ALGORITHM.clone(), "is not `HmacSHA256`"));
    }
    let stamp = required_bytes(request.headers, &TIMESTAMP)?;
    let seconds = rfc3339_seconds(stamp)
        .ok_or_else(|| Error::malformed(TIMESTAMP.clone(), "is not an RFC 3339 date and time"))?;
    let mut candidates = Candidates::new();
    for (slot, header) in [&PRIMARY, &SECONDARY].into_iter().enumerate() {
        if let Some(text) = one(request.headers, header)?.map(HeaderValue::as_bytes) {
            let candidate =
                Candidate { for_key: ForKey::Position(slot), kind: KeyKind::Hmac, encoding: Encoding::Base64, text };
            candidates.push(candidate, header)?;
        }
    }
    if candidates.iter().next().is_none() {
        return Err(Error::missing(PRIMARY.clone()));
    }
    Ok(Parsed {
        id: IdSource::BodyField(&["id"]),
        timestamp: Some((seconds, Some(&TIMESTAMP))),
        signature_header: Some(&PRIMARY),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[Piece::Bytes(request.body), Piece::Bytes(stamp)]),
    })
}

/// The headers Box sends at `timestamp` (unix seconds, written as RFC 3339), signed with the primary key.
pub(super) fn render(headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    let stamp = rfc3339_text(timestamp)
        .ok_or_else(|| Error::malformed(TIMESTAMP.clone(), "is not an RFC 3339 date and time"))?;
    headers.insert(TIMESTAMP.clone(), value(&stamp, &TIMESTAMP)?);
    headers.insert(VERSION.clone(), HeaderValue::from_static("1"));
    headers.insert(ALGORITHM.clone(), HeaderValue::from_static("HmacSHA256"));
    headers.insert(PRIMARY.clone(), value(&tag.to_base64(), &PRIMARY)?);
    Ok(())
}

/// The [`Scheme::Box`](crate::Scheme::Box) provider.
pub(super) struct BoxCom;

impl Provider for BoxCom {
    fn name(&self) -> Cow<'static, str> {
        "box".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn default_tolerance(&self) -> Duration {
        Duration::from_secs(600)
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["trigger"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(headers, timestamp, tag)
    }
}

//! Ripple (Collections webhooks).
//!
//! - Headers: `X-Webhook-Timestamp: <unix milliseconds>` and `X-Webhook-Signature: t=<the same value>,v1=<hex>`; the
//!   `t` element must equal the timestamp header byte for byte.
//! - Signed: `{timestamp}.{hex SHA-256(body)}`, HMAC-SHA256 keyed with the **base64-decoded**
//!   `signature_verification_key` (decoded at build; a key that is not base64 is a `ConfigError`).
//! - Window: 300 s each way. Id: none (deduplication on the signed body).
//!
//! Source: <https://docs.ripple.com/products/collections/guides/verifying-webhooks>.

use http::{HeaderMap, HeaderName};
use sha2::{Digest as _, Sha256};

use super::IdSource;
use super::Parsed;
use super::headers::{ListFormat, required_bytes, timestamped_list, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static TIMESTAMP: HeaderName = HeaderName::from_static("x-webhook-timestamp");
static SIGNATURE: HeaderName = HeaderName::from_static("x-webhook-signature");
const FORMAT: ListFormat =
    ListFormat { separator: b',', trim: false, timestamp_key: "t", signature_key: "v1", milliseconds: true };

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let stamp = required_bytes(request.headers, &TIMESTAMP)?;
    let mut candidates = Candidates::new();
    let (t, seconds) =
        timestamped_list(required_bytes(request.headers, &SIGNATURE)?, &SIGNATURE, &FORMAT, |entry| match entry {
            Some(text) => candidates.push(
                Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text },
                &SIGNATURE,
            ),
            None => candidates.skip(&SIGNATURE),
        })?;
    if t != stamp {
        return Err(Error::malformed(SIGNATURE.clone(), "carries a `t` that is not the timestamp header's value"));
    }
    let digest = hex::encode(Sha256::digest(request.body)).into_bytes();
    Ok(Parsed {
        id: IdSource::None,
        timestamp: Some((seconds, Some(&TIMESTAMP))),
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[Piece::Bytes(stamp), Piece::Bytes(b"."), Piece::Built]).with_built(digest),
    })
}

/// The headers for `timestamp` in unix seconds (sent as milliseconds).
pub(super) fn render(headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    let millis = format!("{timestamp}000");
    headers.insert(TIMESTAMP.clone(), value(&millis, &TIMESTAMP)?);
    headers.insert(SIGNATURE.clone(), value(&format!("t={millis},v1={}", tag.to_hex()), &SIGNATURE)?);
    Ok(())
}

/// The [`Scheme::Ripple`](crate::Scheme::Ripple) provider.
pub(super) struct Ripple;

impl Provider for Ripple {
    fn name(&self) -> Cow<'static, str> {
        "ripple".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Base64))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
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

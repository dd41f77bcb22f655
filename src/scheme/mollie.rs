//! Mollie (next-generation webhooks).
//!
//! - Header: `X-Mollie-Signature: sha256=<hex HMAC-SHA256(signing secret, body)>`. During a 24-hour secret roll two
//!   header lines arrive, one per secret: every line is checked against every configured secret, any may match. The
//!   prefix is required on every line (a bare hex value is malformed).
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.mollie.com/reference/webhooks-new>.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::value;
use super::provider::prelude::*;
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static SIGNATURE: HeaderName = HeaderName::from_static("x-mollie-signature");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let mut candidates = Candidates::new();
    for line in request.headers.get_all(&SIGNATURE) {
        let Some(text) = line.as_bytes().strip_prefix(b"sha256=") else {
            return Err(Error::malformed(SIGNATURE.clone(), "has a line that does not start with `sha256=`"));
        };
        candidates
            .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &SIGNATURE)?;
    }
    if candidates.iter().next().is_none() {
        return Err(Error::missing(SIGNATURE.clone()));
    }
    Ok(Parsed::over_body(IdSource::None, &SIGNATURE, candidates, request.body))
}

pub(super) fn render(headers: &mut HeaderMap, tag: &Tag) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), value(&format!("sha256={}", tag.to_hex()), &SIGNATURE)?);
    Ok(())
}

/// The [`Scheme::Mollie`](crate::Scheme::Mollie) provider.
pub(super) struct Mollie;

impl Provider for Mollie {
    fn name(&self) -> Cow<'static, str> {
        "mollie".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(headers, tag)
    }
}

//! DocuSign Connect.
//!
//! - Headers: `X-DocuSign-Signature-1`, `X-DocuSign-Signature-2`, … (one per active HMAC key, up to 100), each a
//!   base64 HMAC-SHA256 of the entire body, line endings included. Every numbered header is compared with every
//!   configured key; any match is enough, and a header that does not decode is a plain mismatch.
//!   `x-authorization-digest: HMACSHA256` is informational and not read.
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://developers.docusign.com/platform/webhooks/connect/validate/>.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::value;
use super::provider::prelude::*;
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static FIRST: HeaderName = HeaderName::from_static("x-docusign-signature-1");

/// The number `n` of an `x-docusign-signature-<n>` header name, 1 to 100.
fn number(name: &HeaderName) -> Option<u8> {
    let digits = name.as_str().strip_prefix("x-docusign-signature-")?;
    let canonical = !digits.starts_with('0') && digits.bytes().all(|byte| byte.is_ascii_digit());
    digits.parse::<u8>().ok().filter(|&number| canonical && (1..=100).contains(&number))
}

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let mut candidates = Candidates::new();
    for (name, line) in request.headers {
        if number(name).is_some() {
            let text = line.as_bytes();
            candidates.push(
                Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Base64, text },
                name,
            )?;
        }
    }
    if candidates.iter().next().is_none() {
        return Err(Error::missing(FIRST.clone()));
    }
    Ok(Parsed::over_body(IdSource::None, &FIRST, candidates, request.body))
}

pub(super) fn render(headers: &mut HeaderMap, tag: &Tag) -> Result<(), Error> {
    headers.insert(FIRST.clone(), value(&tag.to_base64(), &FIRST)?);
    Ok(())
}

/// The [`Scheme::DocuSign`](crate::Scheme::DocuSign) provider.
pub(super) struct DocuSign;

impl Provider for DocuSign {
    fn name(&self) -> Cow<'static, str> {
        "docusign".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event"])
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

//! Pusher Channels webhooks.
//!
//! - Headers: `X-Pusher-Key: <app key>` and `X-Pusher-Signature: <hex HMAC-SHA256(app secret, body)>`.
//! - Keys: give each app's secret with the app key as its id (`Secret::new(secret).id(app_key)`); a request is
//!   checked only with the secret whose id is its `X-Pusher-Key`, and a key with no such secret is refused (no
//!   fallback to another secret).
//! - No timestamp (the body's `time_ms` is not checked); deduplication is on the signed body.
//!
//! Source: `pusher/pusher-http-node` `tests/unit/webhook.js` (the example in `tests/schemes.rs`).

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{required_bytes, required_str, value};
use super::provider::prelude::*;
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static KEY: HeaderName = HeaderName::from_static("x-pusher-key");
static SIGNATURE: HeaderName = HeaderName::from_static("x-pusher-signature");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let key = required_str(request.headers, &KEY)?;
    let text = required_bytes(request.headers, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    let candidate =
        Candidate { for_key: ForKey::Id(key.as_bytes()), kind: KeyKind::Hmac, encoding: Encoding::Hex, text };
    candidates.push(candidate, &SIGNATURE)?;
    Ok(Parsed::over_body(IdSource::None, &SIGNATURE, candidates, request.body))
}

/// The headers for a delivery signed by the app whose key is `id` (`"1"`, the first key's default id, when empty).
pub(super) fn render(headers: &mut HeaderMap, id: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(KEY.clone(), value(if id.is_empty() { "1" } else { id }, &KEY)?);
    headers.insert(SIGNATURE.clone(), value(&tag.to_hex(), &SIGNATURE)?);
    Ok(())
}

/// The [`Scheme::Pusher`](crate::Scheme::Pusher) provider.
pub(super) struct Pusher;

impl Provider for Pusher {
    fn name(&self) -> Cow<'static, str> {
        "pusher".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
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
        (id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(headers, id, tag)
    }
}

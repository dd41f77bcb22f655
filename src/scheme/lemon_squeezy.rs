//! Lemon Squeezy.
//!
//! - Header: `X-Signature: <hex HMAC-SHA256(secret, body)>`, no prefix.
//! - No timestamp, and no delivery id: deduplication falls back to the signed body. `X-Event-Name` is not signed:
//!   route on the body's `meta.event_name`.
//!
//! Source: <https://docs.lemonsqueezy.com/help/webhooks/signing-requests>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::LemonSqueezy`](crate::Scheme::LemonSqueezy) provider.
pub(super) struct LemonSqueezy;

impl Provider for LemonSqueezy {
    fn name(&self) -> Cow<'static, str> {
        "lemon-squeezy".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["meta", "event_name"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::body_only::parse(request, &TAG, IdSource::None)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::body_only::render(&TAG, headers, tag)
    }
}

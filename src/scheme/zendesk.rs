//! Zendesk.
//!
//! - Headers: `X-Zendesk-Webhook-Signature-Timestamp: <RFC 3339>` and `X-Zendesk-Webhook-Signature: <base64>`.
//! - Signed: `{timestamp}{body}`, no separator, the timestamp as sent; HMAC-SHA256 with the signing secret used as
//!   text (even the docs' base64-looking test secret).
//! - Window: 300 s each way. Id: none (deduplication on the signed body).
//!
//! Source: <https://developer.zendesk.com/documentation/webhooks/verifying/>.

use http::HeaderName;

use super::provider::prelude::*;
use super::stamped::{Notation, Order, Stamped};
use super::tag::Encoding;

pub(super) static HEADERS: Stamped = Stamped {
    signature: HeaderName::from_static("x-zendesk-webhook-signature"),
    timestamp: HeaderName::from_static("x-zendesk-webhook-signature-timestamp"),
    notation: Notation::Rfc3339,
    encoding: Encoding::Base64,
    order: Order::TimestampFirst(b""),
};

/// The [`Scheme::Zendesk`](crate::Scheme::Zendesk) provider.
pub(super) struct Zendesk;

impl Provider for Zendesk {
    fn name(&self) -> Cow<'static, str> {
        "zendesk".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::stamped::parse(request, &HEADERS, IdSource::None)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::stamped::render(&HEADERS, headers, timestamp, tag)
    }
}

//! Webflow.
//!
//! - Headers: `x-webflow-timestamp: <unix milliseconds>` and `x-webflow-signature: <hex>`.
//! - Signed: `{timestamp}:{body}`, the timestamp as sent; HMAC-SHA256 with the webhook secret.
//! - Window: 300 s each way. Id: none (deduplication on the signed body).
//!
//! Source: <https://developers.webflow.com/data/docs/working-with-webhooks>.

use http::HeaderName;

use super::provider::prelude::*;
use super::stamped::{Notation, Order, Stamped};
use super::tag::Encoding;

pub(super) static HEADERS: Stamped = Stamped {
    signature: HeaderName::from_static("x-webflow-signature"),
    timestamp: HeaderName::from_static("x-webflow-timestamp"),
    notation: Notation::Millis,
    encoding: Encoding::Hex,
    order: Order::TimestampFirst(b":"),
};

/// The [`Scheme::Webflow`](crate::Scheme::Webflow) provider.
pub(super) struct Webflow;

impl Provider for Webflow {
    fn name(&self) -> Cow<'static, str> {
        "webflow".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["triggerType"])
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

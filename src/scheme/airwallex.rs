//! Airwallex.
//!
//! - Headers: `x-timestamp: <unix milliseconds>` and `x-signature: <hex>`.
//! - Signed: `{timestamp}{body}`, no separator, the timestamp as sent; HMAC-SHA256 with the webhook secret.
//! - Window: 300 s each way. Id: the event's `id`, from the signed body.
//!
//! Source: <https://www.airwallex.com/docs/developer-tools__listen-for-webhook-events__code-examples>.

use http::HeaderName;

use super::provider::prelude::*;
use super::stamped::{Notation, Order, Stamped};
use super::tag::Encoding;

pub(super) static HEADERS: Stamped = Stamped {
    signature: HeaderName::from_static("x-signature"),
    timestamp: HeaderName::from_static("x-timestamp"),
    notation: Notation::Millis,
    encoding: Encoding::Hex,
    order: Order::TimestampFirst(b""),
};

/// The [`Scheme::Airwallex`](crate::Scheme::Airwallex) provider.
pub(super) struct Airwallex;

impl Provider for Airwallex {
    fn name(&self) -> Cow<'static, str> {
        "airwallex".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["name"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::stamped::parse(request, &HEADERS, IdSource::BodyField(&["id"]))
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

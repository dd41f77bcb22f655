//! Klaviyo system webhooks.
//!
//! - Headers: `Klaviyo-Timestamp: <HTTP date>` and `Klaviyo-Signature: <hex>`.
//! - Signed: `{body}{timestamp}` (the body **first**), the timestamp as sent; HMAC-SHA256 with the webhook secret.
//! - Window: 300 s each way. Id: none. `Klaviyo-Webhook-Id` is not signed: compare it with `meta.klaviyo_webhook_id`
//!   after verification if you need to.
//!
//! Source: <https://developers.klaviyo.com/en/docs/system-webhooks>.

use http::HeaderName;

use super::provider::prelude::*;
use super::stamped::{Notation, Order, Stamped};
use super::tag::Encoding;

pub(super) static HEADERS: Stamped = Stamped {
    signature: HeaderName::from_static("klaviyo-signature"),
    timestamp: HeaderName::from_static("klaviyo-timestamp"),
    notation: Notation::HttpDate,
    encoding: Encoding::Hex,
    order: Order::BodyFirst,
};

/// The [`Scheme::Klaviyo`](crate::Scheme::Klaviyo) provider.
pub(super) struct Klaviyo;

impl Provider for Klaviyo {
    fn name(&self) -> Cow<'static, str> {
        "klaviyo".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
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

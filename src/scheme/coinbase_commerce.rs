//! Coinbase Commerce (not Coinbase CDP, whose `X-Hook0-Signature` is another scheme).
//!
//! - Header: `X-CC-Webhook-Signature: <hex HMAC-SHA256(shared secret, body)>`, no prefix.
//! - No timestamp. Id: the event's `event.id`, from the signed body (the top-level `id` counts delivery attempts
//!   of the webhook, not events).
//!
//! Sources: `coinbase/coinbase-commerce-node` `lib/resources/Webhook.js` and `test/testWebhook.spec.js` (the example
//! in `tests/schemes.rs`).

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-cc-webhook-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::CoinbaseCommerce`](crate::Scheme::CoinbaseCommerce) provider.
pub(super) struct CoinbaseCommerce;

impl Provider for CoinbaseCommerce {
    fn name(&self) -> Cow<'static, str> {
        "coinbase-commerce".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event", "type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::body_only::parse(request, &TAG, IdSource::BodyField(&["event", "id"]))
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

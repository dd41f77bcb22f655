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
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-cc-webhook-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::CoinbaseCommerce`](crate::Scheme::CoinbaseCommerce) provider.
pub(super) static COINBASE_COMMERCE: Declared = Declared::new("coinbase-commerce", Wire::Body(&TAG))
    .id(&["event", "id"])
    .event_type(EventTypeSource::Body(&["event", "type"]));

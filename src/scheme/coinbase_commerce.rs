//! Coinbase Commerce (not Coinbase CDP, whose `X-Hook0-Signature` is another scheme).
//!
//! - Header: `X-CC-Webhook-Signature: <hex HMAC-SHA256(shared secret, body)>`, no prefix.
//! - No timestamp. The event id is nested (`event.id`), so deduplication falls back to the signed body; use
//!   `ReceiverBuilder::key` to key on `event.id` yourself.
//!
//! Source: `coinbase/coinbase-commerce-node` `lib/resources/Webhook.js`.

use http::HeaderName;

use super::body_only::BodyTag;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-cc-webhook-signature"), prefix: "", encoding: Encoding::Hex };

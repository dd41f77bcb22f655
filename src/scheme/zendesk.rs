//! Zendesk.
//!
//! - Headers: `X-Zendesk-Webhook-Signature-Timestamp: <RFC 3339>` and `X-Zendesk-Webhook-Signature: <base64>`.
//! - Signed: `{timestamp}{body}`, no separator, the timestamp as sent; HMAC-SHA256 with the signing secret used as
//!   text (even the docs' base64-looking test secret).
//! - Window: 300 s each way. Id: none (deduplication on the signed body).
//!
//! Source: <https://developer.zendesk.com/documentation/webhooks/verifying/>.

use http::HeaderName;

use super::declared::{Declared, Wire};
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
pub(super) static ZENDESK: Declared =
    Declared::new("zendesk", Wire::Stamped(&HEADERS)).event_type(EventTypeSource::Body(&["type"]));

//! Webflow.
//!
//! - Headers: `x-webflow-timestamp: <unix milliseconds>` and `x-webflow-signature: <hex>`.
//! - Signed: `{timestamp}:{body}`, the timestamp as sent; HMAC-SHA256 with the webhook secret.
//! - Window: 300 s each way. Id: none (deduplication on the signed body).
//!
//! Source: <https://developers.webflow.com/data/docs/working-with-webhooks>.

use http::HeaderName;

use super::declared::{Declared, Wire};
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
pub(super) static WEBFLOW: Declared =
    Declared::new("webflow", Wire::Stamped(&HEADERS)).event_type(EventTypeSource::Body(&["triggerType"]));

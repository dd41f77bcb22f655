//! Airwallex.
//!
//! - Headers: `x-timestamp: <unix milliseconds>` and `x-signature: <hex>`.
//! - Signed: `{timestamp}{body}`, no separator, the timestamp as sent; HMAC-SHA256 with the webhook secret.
//! - Window: 300 s each way. Id: the event's `id`, from the signed body.
//!
//! Source: <https://www.airwallex.com/docs/developer-tools__listen-for-webhook-events__code-examples>.

use http::HeaderName;

use super::declared::{Declared, Wire};
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
pub(super) static AIRWALLEX: Declared =
    Declared::new("airwallex", Wire::Stamped(&HEADERS)).id(&["id"]).event_type(EventTypeSource::Body(&["name"]));

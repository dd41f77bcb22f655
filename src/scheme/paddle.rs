//! Paddle Billing.
//!
//! - Header: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`; unknown keys ignored, any `h1` may match.
//! - Signed: `{ts}:{body}`; HMAC-SHA256, hex; the secret's text is the key.
//! - Id: the event's `event_id` field, from the signed body.
//!
//! Source: <https://developer.paddle.com/webhooks/signature-verification>.

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("paddle-signature"),
    format: ListFormat { separator: b';', trim: false, timestamp_key: "ts", signature_key: "h1", milliseconds: false },
    joiner: b":",
    rendered_separator: ";",
};

/// The [`Scheme::Paddle`](crate::Scheme::Paddle) provider.
pub(super) static PADDLE: Declared =
    Declared::new("paddle", Wire::List(&LIST)).id(&["event_id"]).event_type(EventTypeSource::Body(&["event_type"]));

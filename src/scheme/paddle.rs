//! Paddle Billing.
//!
//! - Header: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`; unknown keys ignored, any `h1` may match.
//! - Signed: `{ts}:{body}`; HMAC-SHA256, hex; the secret's text is the key.
//! - Id: the event's `event_id` field, from the signed body.
//!
//! Source: <https://developer.paddle.com/webhooks/signature-verification>.

use http::HeaderName;

use super::headers::ListFormat;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("paddle-signature"),
    format: ListFormat { separator: b';', trim: false, timestamp_key: "ts", signature_key: "h1", milliseconds: false },
    joiner: b":",
    rendered_separator: ";",
};

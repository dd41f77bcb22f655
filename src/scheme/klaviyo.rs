//! Klaviyo system webhooks.
//!
//! - Headers: `Klaviyo-Timestamp: <HTTP date>` and `Klaviyo-Signature: <hex>`.
//! - Signed: `{body}{timestamp}` (the body **first**), the timestamp as sent; HMAC-SHA256 with the webhook secret.
//! - Window: 300 s each way. Id: none. `Klaviyo-Webhook-Id` is not signed: compare it with `meta.klaviyo_webhook_id`
//!   after verification if you need to.
//!
//! Source: <https://developers.klaviyo.com/en/docs/system-webhooks>.

use http::HeaderName;

use super::declared::{Declared, Wire};
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
pub(super) static KLAVIYO: Declared = Declared::new("klaviyo", Wire::Stamped(&HEADERS));

//! Lemon Squeezy.
//!
//! - Header: `X-Signature: <hex HMAC-SHA256(secret, body)>`, no prefix.
//! - No timestamp, and no delivery id: deduplication falls back to the signed body. `X-Event-Name` is not signed:
//!   route on the body's `meta.event_name`.
//!
//! Source: <https://docs.lemonsqueezy.com/help/webhooks/signing-requests>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-signature"), prefix: "", encoding: Encoding::Hex };

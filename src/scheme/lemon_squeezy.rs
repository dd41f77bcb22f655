//! Lemon Squeezy.
//!
//! - Header: `X-Signature: <hex HMAC-SHA256(secret, body)>`, no prefix.
//! - No timestamp, and no delivery id: deduplication falls back to the signed body. `X-Event-Name` is not signed:
//!   route on the body's `meta.event_name`.
//!
//! Source: <https://docs.lemonsqueezy.com/help/webhooks/signing-requests>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::LemonSqueezy`](crate::Scheme::LemonSqueezy) provider.
pub(super) static LEMON_SQUEEZY: Declared =
    Declared::new("lemon-squeezy", Wire::Body(&TAG)).event_type(EventTypeSource::Body(&["meta", "event_name"]));

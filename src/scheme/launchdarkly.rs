//! LaunchDarkly.
//!
//! - Header: `X-LD-Signature: <hex HMAC-SHA256(secret, body)>`, no prefix.
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.launchdarkly.com/home/connecting/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-ld-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::LaunchDarkly`](crate::Scheme::LaunchDarkly) provider.
pub(super) static LAUNCH_DARKLY: Declared = Declared::new("launchdarkly", Wire::Body(&TAG));

//! Expo EAS.
//!
//! - Header: `expo-signature: sha1=<hex HMAC-SHA1(secret, body)>`. The secret is at least 16 characters (checked at
//!   build).
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.expo.dev/eas/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("expo-signature"), prefix: "sha1=", encoding: Encoding::Hex };

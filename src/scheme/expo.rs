//! Expo EAS.
//!
//! - Header: `expo-signature: sha1=<hex HMAC-SHA1(secret, body)>`. The secret is at least 16 characters (checked at
//!   build).
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.expo.dev/eas/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("expo-signature"), prefix: "sha1=", encoding: Encoding::Hex };

/// Expo: "the secret must be at least 16 characters long".
fn at_least_sixteen_characters(text: &str, index: usize, _allow_short: bool) -> Result<(), ConfigError> {
    if text.len() < 16 {
        return Err(ConfigError::WeakSecret { index, len: text.len(), min: 16 });
    }
    Ok(())
}

/// The [`Scheme::Expo`](crate::Scheme::Expo) provider.
pub(super) static EXPO: Declared = Declared::new("expo", Wire::Body(&TAG))
    .mac(Mac::Hmac(Algorithm::HmacSha1))
    .secret_rule(at_least_sixteen_characters);

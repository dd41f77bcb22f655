//! Expo EAS.
//!
//! - Header: `expo-signature: sha1=<hex HMAC-SHA1(secret, body)>`. The secret is at least 16 characters (checked at
//!   build).
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.expo.dev/eas/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("expo-signature"), prefix: "sha1=", encoding: Encoding::Hex };

/// The [`Scheme::Expo`](crate::Scheme::Expo) provider.
pub(super) struct Expo;

impl Provider for Expo {
    fn name(&self) -> Cow<'static, str> {
        "expo".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    // "The secret must be at least 16 characters long".
    fn check_secret(&self, text: &str, index: usize, _allow_short: bool) -> Result<(), ConfigError> {
        if text.len() < 16 {
            return Err(ConfigError::WeakSecret { index, len: text.len(), min: 16 });
        }
        Ok(())
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha1), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::body_only::parse(request, &TAG, IdSource::None)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::body_only::render(&TAG, headers, tag)
    }
}

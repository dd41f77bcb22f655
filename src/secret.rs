//! Secrets: how each scheme turns the text a provider's dashboard shows into an HMAC key, keyed once.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::ConfigError;
use crate::scheme::{Message, Scheme, SecretEncoding, TAG_LEN, Tag};

/// Standard Webhooks requires keys of at least this many bytes.
const STANDARD_MIN_KEY_LEN: usize = 24;

/// Secrets are configuration, not attacker input: accept them with or without base64 padding.
const SECRET_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A secret's HMAC state, keyed once when the verifier is built and cloned per request. The raw key is not kept;
/// the keyed state is zeroized on drop.
#[derive(Clone)]
pub(crate) struct Key(Hmac<Sha256>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key { .. }")
    }
}

impl Key {
    /// Derives the key for `scheme` from `secret`, the `index`-th one configured (from 1, for messages).
    pub(crate) fn new(scheme: &Scheme, secret: &str, index: usize) -> Result<Self, ConfigError> {
        if secret.trim() != secret {
            return Err(ConfigError::SecretWhitespace { index });
        }
        let encoding = match scheme {
            Scheme::StandardWebhooks | Scheme::Svix => SecretEncoding::Base64,
            Scheme::Custom(custom) => custom.secret_encoding_value(),
            _ => SecretEncoding::Utf8,
        };
        let text = match scheme {
            Scheme::StandardWebhooks | Scheme::Svix => secret.strip_prefix("whsec_").unwrap_or(secret),
            _ => secret,
        };
        // `whsec_` alone is an empty secret whatever the scheme: it is the prefix of a value that was not pasted.
        if text.is_empty() || text == "whsec_" {
            return Err(ConfigError::EmptySecret { index });
        }
        let bytes = match encoding {
            SecretEncoding::Utf8 => Zeroizing::new(text.as_bytes().to_vec()),
            SecretEncoding::Base64 => SECRET_BASE64
                .decode(text)
                .map(Zeroizing::new)
                .map_err(|_| ConfigError::UndecodableSecret { index, encoding: "base64" })?,
            SecretEncoding::Hex => hex::decode(text)
                .map(Zeroizing::new)
                .map_err(|_| ConfigError::UndecodableSecret { index, encoding: "hex" })?,
        };
        if matches!(scheme, Scheme::StandardWebhooks | Scheme::Svix) && bytes.len() < STANDARD_MIN_KEY_LEN {
            return Err(ConfigError::SecretTooShort { index, len: bytes.len(), min: STANDARD_MIN_KEY_LEN });
        }
        if bytes.is_empty() {
            return Err(ConfigError::EmptySecret { index });
        }
        // HMAC accepts keys of any length; this cannot fail.
        Hmac::new_from_slice(&bytes).map(Key).map_err(|_| ConfigError::EmptySecret { index })
    }

    /// An HMAC of a fixed label: identifies the key without revealing it.
    pub(crate) fn fingerprint(&self) -> [u8; TAG_LEN] {
        let mut mac = self.0.clone();
        mac.update(b"hooksafe/namespace");
        let mut out = [0u8; TAG_LEN];
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }

    /// The tag of `message` under this key, streaming the signed parts without concatenating them.
    pub(crate) fn sign(&self, scheme: &Scheme, message: &Message<'_>) -> Tag {
        let mut mac = self.0.clone();
        scheme.write_signed(message, &mut |part| mac.update(part));
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&mac.finalize().into_bytes());
        Tag(tag)
    }
}

#[cfg(test)]
mod tests {
    use super::Key;
    use crate::Scheme;

    #[test]
    fn a_key_debugs_without_its_material() {
        let key = Key::new(&Scheme::GitHub, "very-secret-value", 1).unwrap();
        assert_eq!(format!("{key:?}"), "Key { .. }");
    }

    #[test]
    fn fingerprints_identify_the_secret_without_being_constant() {
        let first = Key::new(&Scheme::GitHub, "secret-one", 1).unwrap().fingerprint();
        let again = Key::new(&Scheme::GitHub, "secret-one", 1).unwrap().fingerprint();
        let second = Key::new(&Scheme::GitHub, "secret-two", 1).unwrap().fingerprint();
        assert_eq!(first, again);
        assert_ne!(first, second);
        assert!(first != [0; 32] && first != [1; 32]);
    }
}

//! Keys of every kind a scheme accepts (HMAC secrets, Ed25519 and P-256 public keys), each with an id, and how the
//! text a provider's dashboard shows becomes one. Secrets are redacted in `Debug` and zeroized when dropped.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use p256::pkcs8::DecodePublicKey as _;

use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::error::ConfigError;

mod hmac;

pub use hmac::{Algorithm, SecretEncoding};
pub(crate) use hmac::{HmacKey, Mac};

/// Secrets and keys are configuration, not attacker input: accept them with or without base64 padding.
pub(crate) const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A shared secret, exactly as the provider shows it, with an optional id reported when it matches.
///
/// `&str` and `String` convert into it, so `.secret("whsec_…")` works as it reads; name a key with
/// `Secret::new("whsec_…").id("2025-rotation")`. Its `Debug` never shows the secret, and its text is zeroized
/// when dropped.
#[derive(Clone)]
pub struct Secret {
    text: Zeroizing<String>,
    id: Option<String>,
    validity: Validity,
}

/// When a key may be used: never before `not_before`, never after `not_after` (unix seconds, both inclusive); and
/// whether it is only reported, never trusted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Validity {
    pub(crate) not_before: Option<i64>,
    pub(crate) not_after: Option<i64>,
    /// A key on trial: a delivery it signs is counted, never accepted on its strength.
    pub(crate) report_only: bool,
}

impl Validity {
    /// Whether the key may be tried at `now` (unix seconds).
    pub(crate) fn contains(self, now: i64) -> bool {
        self.not_before.is_none_or(|start| now >= start) && self.not_after.is_none_or(|end| now <= end)
    }

    /// Whether it has a bound at all, so the clock must be read.
    pub(crate) const fn is_bounded(self) -> bool {
        self.not_before.is_some() || self.not_after.is_some()
    }
}

/// What a [`Secret`] and a [`PublicKey`] share, written once: the id reported when the key matches, and when it may be
/// tried. Each has the `id` and `validity` fields these fill.
macro_rules! key_naming {
    () => {
        /// The id [`Verified::key_id`](crate::Verified::key_id) reports when this key matches. Defaults to the key's
        /// position among the verifier's keys, from `"1"`.
        #[must_use]
        pub fn id(mut self, id: impl Into<String>) -> Self {
            self.id = Some(id.into());
            self
        }

        /// The first moment this key is tried: before it, a delivery it signed is refused. For a rotation, give the
        /// new key a start and the old one an end ([`not_after`](Self::not_after)); nothing else changes.
        #[must_use]
        pub const fn not_before(mut self, start: OffsetDateTime) -> Self {
            self.validity.not_before = Some(start.unix_timestamp());
            self
        }

        /// The last moment this key is tried: after it, a delivery it signed is refused.
        #[must_use]
        pub const fn not_after(mut self, end: OffsetDateTime) -> Self {
            self.validity.not_after = Some(end.unix_timestamp());
            self
        }

        /// Puts this key **on trial, not trusted**: a delivery it would have matched is counted (in
        /// [`Keys::usage`](crate::Keys::usage), the `hooksafe_report_only_key_matches_total` counter and an info log)
        /// but never accepted on its strength, nor used to answer an endpoint check (X's CRC); the other keys decide,
        /// and where a scheme names keys by position (Box's primary and secondary), keys on trial count apart. Add a
        /// provider's new key this way before a rotation, watch that it matches real traffic, then drop
        /// `report_only()`. A verifier needs at least one key that is not on trial.
        #[must_use]
        pub const fn report_only(mut self) -> Self {
            self.validity.report_only = true;
            self
        }

        pub(crate) const fn validity(&self) -> Validity {
            self.validity
        }

        pub(crate) fn id_value(&self) -> Option<&str> {
            self.id.as_deref()
        }
    };
}

impl Secret {
    /// A secret from its text.
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: Zeroizing::new(text.into()), id: None, validity: Validity::default() }
    }

    key_naming!();

    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl From<&String> for Secret {
    fn from(text: &String) -> Self {
        Self::new(text.as_str())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A shared string that is not a key (Meta's Verify Token): zeroized when dropped, never shown by `Debug`.
#[derive(Clone)]
pub(crate) struct SharedToken(Zeroizing<String>);

impl SharedToken {
    pub(crate) fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for SharedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedToken(..)")
    }
}

/// A provider's public key, exactly as the provider shows it, with an optional id reported when it matches:
/// Standard Webhooks / Svix `whpk_` + base64 (Ed25519), Discord's hex application key (Ed25519), SendGrid's
/// base64 DER key (ECDSA P-256).
#[derive(Debug, Clone)]
pub struct PublicKey {
    text: String,
    id: Option<String>,
    validity: Validity,
}

impl PublicKey {
    /// A public key from its text.
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into(), id: None, validity: Validity::default() }
    }

    key_naming!();

    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

impl From<&str> for PublicKey {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for PublicKey {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

/// How a scheme's public keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublicKeyFormat {
    /// `whpk_` + base64 of a 32-byte Ed25519 key (Standard Webhooks `v1a`).
    StandardWebhooks,
    /// 64 hex digits of an Ed25519 key (Discord).
    Ed25519Hex,
    /// Base64 of a DER SubjectPublicKeyInfo holding a P-256 key (SendGrid).
    P256Der,
}

/// What checks a signature entry.
#[derive(Clone)]
pub(crate) enum Material {
    Hmac(HmacKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
    /// The SHA-256 of a shared token in its wire form, for the schemes that send a token instead of a signature.
    Token(Zeroizing<[u8; 32]>),
    /// An RSA key from a certificate (PayPal).
    Rsa(rsa::PublicKey),
}

/// A verifier's key: its material, the id reported when it matches, when it may be tried, and how many deliveries
/// it has verified.
pub(crate) struct Key {
    pub(crate) id: Arc<str>,
    pub(crate) material: Material,
    pub(crate) validity: Validity,
    pub(crate) uses: std::sync::atomic::AtomicU64,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.material {
            Material::Hmac(_) => "hmac",
            Material::Ed25519(_) => "ed25519",
            Material::P256(_) => "p256",
            Material::Token(_) => "token",
            Material::Rsa(_) => "rsa",
        };
        f.debug_struct("Key")
            .field("id", &self.id)
            .field("kind", &kind)
            .field("validity", &self.validity)
            .finish_non_exhaustive()
    }
}

/// Parses a public key written as `format`. `index` counts from 1, for messages.
pub(crate) fn parse_public_key(format: PublicKeyFormat, text: &str, index: usize) -> Result<Material, ConfigError> {
    let invalid = |why| ConfigError::InvalidPublicKey { index, why };
    if text.trim() != text {
        return Err(ConfigError::SecretWhitespace { index });
    }
    match format {
        PublicKeyFormat::StandardWebhooks => {
            if text.starts_with("whsk_") {
                return Err(invalid("is a `whsk_` signing secret: give the verifier the `whpk_` public key"));
            }
            let Some(encoded) = text.strip_prefix("whpk_") else {
                return Err(invalid("does not start with `whpk_`"));
            };
            let bytes = LENIENT_BASE64.decode(encoded).map_err(|_| invalid("is not base64"))?;
            ed25519(&bytes).map_err(invalid)
        }
        PublicKeyFormat::Ed25519Hex => {
            let bytes = hex::decode(text).map_err(|_| invalid("is not hex"))?;
            ed25519(&bytes).map_err(invalid)
        }
        PublicKeyFormat::P256Der => {
            let der = LENIENT_BASE64.decode(text).map_err(|_| invalid("is not base64"))?;
            p256::ecdsa::VerifyingKey::from_public_key_der(&der)
                .map(Material::P256)
                .map_err(|_| invalid("is not a DER-encoded P-256 public key"))
        }
    }
}

/// An Ed25519 public key from its 32 bytes: a valid point, and not one of small order (which would verify
/// signatures it never made).
fn ed25519(bytes: &[u8]) -> Result<Material, &'static str> {
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| "is not 32 bytes, the length of an Ed25519 key")?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| "is not a valid Ed25519 point")?;
    if key.is_weak() {
        return Err("is an Ed25519 point of small order");
    }
    Ok(Material::Ed25519(key))
}

#[cfg(test)]
mod tests {
    use hmac::{KeyInit as _, Mac as _};

    use super::{Algorithm, HmacKey, Key, Mac, Material, SecretEncoding};

    #[test]
    fn rfc_4231_case_2_through_the_keyed_state() {
        // RFC 4231 section 4.3: key "Jefe".
        let key = HmacKey::new(Algorithm::HmacSha256, b"Jefe");
        assert_eq!(
            hex::encode(key.tag_of(b"what do ya want for nothing?").as_slice()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_cloned_state_gives_the_same_tag_as_a_fresh_key() {
        let key = HmacKey::new(Algorithm::HmacSha512, b"key");
        let fresh = hmac::Hmac::<sha2::Sha512>::new_from_slice(b"key").unwrap().chain_update(b"message");
        for _ in 0..2 {
            assert_eq!(key.tag_of(b"message").as_slice(), fresh.clone().finalize().into_bytes().as_slice());
        }
    }

    #[test]
    fn a_key_debugs_without_its_material() {
        let mac = HmacKey::from_secret(Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8, "very-secret-value", 1)
            .unwrap();
        let key =
            Key { id: "1".into(), material: Material::Hmac(mac), validity: super::Validity::default(), uses: 0.into() };
        let debug = format!("{key:?}");
        assert!(!debug.contains("very-secret-value") && debug.contains("hmac"), "{debug}");
        assert!(!format!("{:?}", super::Secret::new("very-secret-value")).contains("very"));
    }
}

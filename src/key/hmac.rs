//! Shared-secret keys: the MAC a scheme computes, how a secret's text becomes its key, and the key itself, keyed once
//! at build so that no request re-keys it.

use base64::Engine as _;
use sha2::{Digest as _, Sha256, Sha512};
use zeroize::Zeroizing;

use super::LENIENT_BASE64;
use crate::error::ConfigError;

/// The MAC a scheme uses. Most providers use HMAC-SHA256; a few legacy schemes need SHA-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA256: a 32-byte tag.
    #[default]
    HmacSha256,
    /// HMAC-SHA1: a 20-byte tag. Only for providers that still sign this way (Twilio, GitHub's legacy header).
    HmacSha1,
    /// HMAC-SHA512: a 64-byte tag.
    HmacSha512,
}

impl Algorithm {
    /// The tag's length in bytes.
    pub const fn tag_len(self) -> usize {
        match self {
            Self::HmacSha256 => 32,
            Self::HmacSha1 => 20,
            Self::HmacSha512 => 64,
        }
    }
}

/// What a scheme's secrets compute: an HMAC, or, for HubSpot's legacy v1 and v2 signatures only, a bare SHA-256 of
/// the secret followed by the message (not a MAC: it is open to length extension; never offered to custom schemes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mac {
    Hmac(Algorithm),
    SecretPrefixedSha256,
}

impl Mac {
    /// The tag's length in bytes.
    pub(crate) const fn tag_len(self) -> usize {
        match self {
            Self::Hmac(algorithm) => algorithm.tag_len(),
            Self::SecretPrefixedSha256 => 32,
        }
    }
}

/// How a secret's text becomes the HMAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SecretEncoding {
    /// The secret's UTF-8 bytes are the key, as GitHub, Stripe, Slack, Shopify and Paddle do.
    #[default]
    Utf8,
    /// The secret is standard base64 of the key.
    Base64,
    /// The secret is hex of the key.
    Hex,
    /// Standard Webhooks: `whsec_` (optional) + base64 of 24 to 64 bytes.
    StandardWebhooks,
}

/// Standard Webhooks secrets decode to 24 to 64 bytes.
const STANDARD_KEY_LEN: std::ops::RangeInclusive<usize> = 24..=64;

/// An HMAC keyed once at build; each request starts from a clone, so nothing is re-keyed per call.
#[derive(Clone)]
pub(crate) enum HmacKey {
    Sha256(hmac::Hmac<Sha256>),
    Sha1(hmac::Hmac<sha1::Sha1>),
    Sha512(hmac::Hmac<Sha512>),
    /// SHA-256 that has absorbed the secret ([`Mac::SecretPrefixedSha256`]).
    SecretPrefixedSha256(Sha256),
}

/// A computed MAC, in a fixed buffer large enough for HMAC-SHA512.
pub(crate) struct Computed {
    bytes: [u8; 64],
    len: usize,
}

impl Computed {
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl HmacKey {
    /// Keys `algorithm` with `bytes`.
    pub(crate) fn new(algorithm: Algorithm, bytes: &[u8]) -> Self {
        fn keyed<M: hmac::KeyInit>(bytes: &[u8]) -> M {
            // HMAC takes a key of any length (RFC 2104), so keying cannot fail.
            M::new_from_slice(bytes).unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"))
        }
        match algorithm {
            Algorithm::HmacSha256 => Self::Sha256(keyed(bytes)),
            Algorithm::HmacSha1 => Self::Sha1(keyed(bytes)),
            Algorithm::HmacSha512 => Self::Sha512(keyed(bytes)),
        }
    }

    /// Decodes `secret` as `encoding`, then keys `mac` with it. `index` counts from 1, for messages.
    pub(crate) fn from_secret(
        mac: Mac,
        encoding: SecretEncoding,
        secret: &str,
        index: usize,
    ) -> Result<Self, ConfigError> {
        if secret.trim() != secret {
            return Err(ConfigError::SecretWhitespace { index });
        }
        let text = match encoding {
            SecretEncoding::StandardWebhooks => secret.strip_prefix("whsec_").unwrap_or(secret),
            _ => secret,
        };
        // `whsec_` alone is an empty secret whatever the scheme: it is the prefix of a value that was not pasted.
        if text.is_empty() || text == "whsec_" {
            return Err(ConfigError::EmptySecret { index });
        }
        let bytes = match encoding {
            SecretEncoding::Utf8 => Zeroizing::new(text.as_bytes().to_vec()),
            SecretEncoding::Base64 | SecretEncoding::StandardWebhooks => LENIENT_BASE64
                .decode(text)
                .map(Zeroizing::new)
                .map_err(|_| ConfigError::UndecodableSecret { index, encoding: "base64" })?,
            SecretEncoding::Hex => hex::decode(text)
                .map(Zeroizing::new)
                .map_err(|_| ConfigError::UndecodableSecret { index, encoding: "hex" })?,
        };
        if encoding == SecretEncoding::StandardWebhooks && !STANDARD_KEY_LEN.contains(&bytes.len()) {
            return Err(ConfigError::SecretLength { index, len: bytes.len(), min: 24, max: 64 });
        }
        if bytes.is_empty() {
            return Err(ConfigError::EmptySecret { index });
        }
        Ok(match mac {
            Mac::Hmac(algorithm) => Self::new(algorithm, &bytes),
            Mac::SecretPrefixedSha256 => Self::SecretPrefixedSha256(Sha256::new_with_prefix(&bytes)),
        })
    }

    /// The MAC of one byte string (Zoom's handshake token).
    pub(crate) fn tag_of(&self, bytes: &[u8]) -> Computed {
        self.tag_parts(std::iter::once(bytes))
    }

    /// The MAC of a message given in parts, fed one after another.
    pub(crate) fn tag_parts<'p>(&self, parts: impl Iterator<Item = &'p [u8]>) -> Computed {
        fn run<'p, M: hmac::Mac + Clone>(mac: &M, parts: impl Iterator<Item = &'p [u8]>) -> Computed {
            let mut mac = mac.clone();
            parts.for_each(|part| mac.update(part));
            let output = mac.finalize().into_bytes();
            let mut computed = Computed { bytes: [0; 64], len: output.len() };
            computed.bytes[..output.len()].copy_from_slice(&output);
            computed
        }
        match self {
            Self::Sha256(mac) => run(mac, parts),
            Self::Sha1(mac) => run(mac, parts),
            Self::Sha512(mac) => run(mac, parts),
            Self::SecretPrefixedSha256(hasher) => {
                let mut hasher = hasher.clone();
                parts.for_each(|part| hasher.update(part));
                let mut computed = Computed { bytes: [0; 64], len: 32 };
                computed.bytes[..32].copy_from_slice(&hasher.finalize());
                computed
            }
        }
    }
}

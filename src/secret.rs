//! Secrets: how each scheme turns the text a provider's dashboard shows into an HMAC key, keyed once.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use sha2::block_api::compress256;
use sha2::{Digest as _, Sha256};
use zeroize::{Zeroize as _, Zeroizing};

use crate::error::ConfigError;
use crate::scheme::{Message, Scheme, SecretEncoding, TAG_LEN, Tag};

/// Standard Webhooks requires keys of at least this many bytes.
const STANDARD_MIN_KEY_LEN: usize = 24;

/// Secrets are configuration, not attacker input: accept them with or without base64 padding.
const SECRET_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A secret's HMAC-SHA256 state, keyed once when the verifier is built: the SHA-256 chaining values after the
/// key's inner and outer pad blocks (RFC 2104). Each request starts from a copy, so nothing is re-keyed per call.
/// The raw key is not kept; the states are zeroized on drop.
#[derive(Clone)]
pub(crate) struct Key {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl Drop for Key {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

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
        Ok(Self::from_bytes(&bytes))
    }

    /// The pad states of `key`: a key longer than a block is hashed first, a shorter one padded with zeros.
    fn from_bytes(key: &[u8]) -> Self {
        let mut block = Zeroizing::new([0u8; BLOCK_LEN]);
        if key.len() > BLOCK_LEN {
            block[..TAG_LEN].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let state_after = |pad: u8| {
            let mut padded = Zeroizing::new(*block);
            padded.iter_mut().for_each(|byte| *byte ^= pad);
            let mut state = SHA256_INITIAL;
            compress256(&mut state, std::slice::from_ref(&*padded));
            state
        };
        Self { inner: state_after(0x36), outer: state_after(0x5c) }
    }

    /// An HMAC of a fixed label: identifies the key without revealing it.
    pub(crate) fn fingerprint(&self) -> [u8; TAG_LEN] {
        let mut mac = Mac::new(self);
        mac.update(b"hooksafe/namespace");
        mac.finish().0
    }

    /// The tag of `message` under this key, streaming the signed parts without concatenating them.
    pub(crate) fn sign(&self, scheme: &Scheme, message: &Message<'_>) -> Tag {
        let mut mac = Mac::new(self);
        scheme.write_signed(message, &mut |part| mac.update(part));
        mac.finish()
    }
}

/// SHA-256's block size.
const BLOCK_LEN: usize = 64;

/// SHA-256's initial chaining value (FIPS 180-4, 5.3.3).
const SHA256_INITIAL: [u32; 8] =
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// One HMAC computation: the inner hash, fed in parts, then the outer hash of its digest.
///
/// The parts are copied into the block buffer only until it fills; whole blocks are compressed straight from the
/// caller's bytes (with SHA-NI or AVX where the CPU has them: `sha2` detects them at run time).
struct Mac<'k> {
    key: &'k Key,
    state: [u32; 8],
    block: [u8; BLOCK_LEN],
    filled: usize,
    /// Bytes hashed so far, counting the inner pad block.
    len: u64,
}

impl<'k> Mac<'k> {
    fn new(key: &'k Key) -> Self {
        Self { key, state: key.inner, block: [0; BLOCK_LEN], filled: 0, len: BLOCK_LEN as u64 }
    }

    #[inline]
    fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u64;
        if self.filled > 0 {
            let take = data.len().min(BLOCK_LEN - self.filled);
            self.block[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled < BLOCK_LEN {
                return;
            }
            compress256(&mut self.state, std::slice::from_ref(&self.block));
        }
        let (blocks, rest) = data.as_chunks::<BLOCK_LEN>();
        if !blocks.is_empty() {
            compress256(&mut self.state, blocks);
        }
        self.block[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    /// Pads the inner hash (`0x80`, zeros, the length in bits), then hashes its digest under the outer state.
    fn finish(&mut self) -> Tag {
        self.block[self.filled] = 0x80;
        self.block[self.filled + 1..].fill(0);
        if self.filled + 1 > BLOCK_LEN - 8 {
            compress256(&mut self.state, std::slice::from_ref(&self.block));
            self.block = [0; BLOCK_LEN];
        }
        self.block[BLOCK_LEN - 8..].copy_from_slice(&(self.len * 8).to_be_bytes());
        compress256(&mut self.state, std::slice::from_ref(&self.block));

        let mut outer = [0u8; BLOCK_LEN];
        write_words(&mut outer[..TAG_LEN], &self.state);
        outer[TAG_LEN] = 0x80;
        outer[BLOCK_LEN - 8..].copy_from_slice(&(((BLOCK_LEN + TAG_LEN) * 8) as u64).to_be_bytes());
        let mut state = self.key.outer;
        compress256(&mut state, std::slice::from_ref(&outer));
        let mut tag = [0u8; TAG_LEN];
        write_words(&mut tag, &state);
        Tag(tag)
    }
}

/// The chaining value as big-endian bytes.
fn write_words(out: &mut [u8], state: &[u32; 8]) {
    for (bytes, word) in out.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit as _, Mac as _};
    use proptest::prelude::*;
    use sha2::Sha256;

    use super::{Key, Mac};
    use crate::Scheme;

    /// The tag of `parts` fed one after another, with `key` as raw bytes.
    fn tag(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        let key = Key::from_bytes(key);
        let mut mac = Mac::new(&key);
        parts.iter().for_each(|part| mac.update(part));
        mac.finish().0
    }

    #[test]
    fn rfc_4231_test_vectors() {
        // RFC 4231 section 4: cases 1 (short key), 2 (key shorter than the output), 6 and 7 (131-byte keys,
        // hashed before use, with a one-block and a multi-block message).
        let cases: [(&[u8], &[u8], &str); 4] = [
            (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                &[0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than block-size data. The key \
                  needs to be hashed before being used by the HMAC algorithm.",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, message, expected) in cases {
            assert_eq!(hex::encode(tag(key, &[message])), expected);
        }
    }

    proptest! {
        #[test]
        fn streaming_in_any_parts_matches_the_hmac_crate(
            key in proptest::collection::vec(any::<u8>(), 1..=200),
            message in proptest::collection::vec(any::<u8>(), 0..=300),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..=4),
        ) {
            let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut.index(message.len() + 1)).collect();
            cuts.sort_unstable();
            let mut parts = Vec::new();
            let mut start = 0;
            for cut in cuts.into_iter().chain([message.len()]) {
                parts.push(&message[start..cut]);
                start = cut;
            }
            let mut reference = Hmac::<Sha256>::new_from_slice(&key).unwrap();
            reference.update(&message);
            prop_assert_eq!(tag(&key, &parts).to_vec(), reference.finalize().into_bytes().to_vec());
        }
    }

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

//! Signature values as they travel in headers: how each is spelled, and the candidates one request carries.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderName;
use subtle::ConstantTimeEq as _;

use crate::error::Error;

/// How a signature header spells the bytes of a tag or signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Encoding {
    /// Hex digits, either case, exactly two per byte.
    #[default]
    Hex,
    /// Standard base64 with canonical padding.
    Base64,
}

/// Which kind of key can check a signature entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// An HMAC tag, checked with a shared secret.
    Hmac,
    /// An Ed25519 signature, checked with a public key.
    Ed25519,
    /// A DER-encoded ECDSA P-256 signature, checked with a public key.
    P256,
    /// A shared token sent as is (GitLab's `X-Gitlab-Token`, HTTP Basic credentials): no signature at all. It is
    /// compared by its SHA-256, so neither its content nor its length shows in the time the comparison takes.
    Token,
    /// An RSASSA-PKCS1-v1_5 signature over SHA-256 (PayPal's `SHA256withRSA`), checked with a certificate's key.
    RsaSha256,
    /// The same over SHA-1 (PayPal's `SHA1withRSA`), accepted only where the verifier allows it.
    RsaSha1,
}

impl KeyKind {
    /// Whether signatures of this kind are checked with a public key.
    pub(crate) const fn is_public_key(self) -> bool {
        matches!(self, Self::Ed25519 | Self::P256 | Self::RsaSha256 | Self::RsaSha1)
    }
}

/// The most signatures one header may carry. Rotation needs two or three; Svix may add one `v1a` per key.
pub const MAX_SIGNATURES: usize = 16;

/// The most public-key signatures (Ed25519, P-256, RSA) one request may carry. Each is checked against every
/// configured key of its kind, and a check costs far more than a MAC (Ed25519 hashes the whole body for each), so a
/// forged request is refused before it can make more than this many per key. A rotation needs two.
pub const MAX_PUBLIC_KEY_SIGNATURES: usize = 4;

/// The longest signature this crate decodes: a DER ECDSA P-256 signature is at most 72 bytes.
const MAX_DECODED: usize = 72;

/// A signature entry decoded into a fixed buffer: no allocation per request.
#[derive(Clone, Copy)]
pub(crate) struct Decoded {
    bytes: [u8; MAX_DECODED],
    len: usize,
}

impl Decoded {
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The SHA-256 of a token as received, the form tokens are compared in.
pub(crate) fn digest(text: &[u8]) -> Decoded {
    use sha2::Digest as _;
    let mut decoded = Decoded { bytes: [0; MAX_DECODED], len: 32 };
    decoded.bytes[..32].copy_from_slice(&sha2::Sha256::digest(text));
    decoded
}

/// Decodes `text` strictly. `None` unless it is exactly one value in `encoding` of `len` bytes (or, when `len` is
/// `None`, of at most [`MAX_DECODED`] bytes).
pub(crate) fn decode(text: &[u8], encoding: Encoding, len: Option<usize>) -> Option<Decoded> {
    let mut decoded = Decoded { bytes: [0; MAX_DECODED], len: 0 };
    match encoding {
        Encoding::Hex => {
            // `decode_to_slice` refuses text that is not exactly two digits per byte.
            let bytes = text.len() / 2;
            if bytes > MAX_DECODED {
                return None;
            }
            hex::decode_to_slice(text, &mut decoded.bytes[..bytes]).ok()?;
            decoded.len = bytes;
        }
        Encoding::Base64 => {
            // The engine wants room for its estimate (up to three bytes over the exact length).
            if text.len() > MAX_DECODED / 3 * 4 {
                return None;
            }
            let mut buffer = [0u8; MAX_DECODED + 3];
            let written = STANDARD.decode_slice(text, &mut buffer).ok()?;
            decoded.len = written;
            decoded.bytes[..written].copy_from_slice(&buffer[..written]);
        }
    }
    match len {
        Some(len) if len != decoded.len => None,
        _ => Some(decoded),
    }
}

/// Which of the configured keys of its kind may check a signature entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ForKey<'a> {
    /// Any.
    Any,
    /// Only the key at this position, for schemes that pair each key with its own header (Box's primary and secondary
    /// keys).
    Position(usize),
    /// Only the key with this id, for schemes whose request names its key (Pusher's `X-Pusher-Key`).
    Id(&'a [u8]),
}

impl ForKey<'_> {
    /// Whether the key at `position`, with `id`, may check the entry.
    pub(crate) fn admits(self, position: usize, id: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Position(only) => only == position,
            Self::Id(only) => only == id.as_bytes(),
        }
    }
}

/// One signature entry of a request: its text, how it is spelled and which kind of key checks it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate<'a> {
    /// Which keys of its kind may check it.
    pub for_key: ForKey<'a>,
    pub kind: KeyKind,
    pub encoding: Encoding,
    pub text: &'a [u8],
}

/// The signature entries of one request that some key kind can check, without allocating. Entries of versions the
/// scheme does not check are counted, so the cap bounds the work on any header.
#[derive(Debug)]
pub(crate) struct Candidates<'a> {
    entries: [Option<Candidate<'a>>; MAX_SIGNATURES],
    len: usize,
    seen: usize,
    /// How many of the entries are public-key signatures.
    public_key: usize,
}

impl<'a> Candidates<'a> {
    pub(crate) const fn new() -> Self {
        Self { entries: [None; MAX_SIGNATURES], len: 0, seen: 0, public_key: 0 }
    }

    /// The one entry of a scheme that carries exactly one signature (Mailgun's, in the body).
    pub(crate) const fn single(candidate: Candidate<'a>) -> Self {
        let mut candidates = Self::new();
        candidates.entries[0] = Some(candidate);
        candidates.len = 1;
        candidates.seen = 1;
        candidates
    }

    /// Records one entry of a version the scheme checks.
    pub(crate) fn push(&mut self, candidate: Candidate<'a>, header: &HeaderName) -> Result<(), Error> {
        self.skip(header)?;
        if candidate.kind.is_public_key() {
            if self.public_key == MAX_PUBLIC_KEY_SIGNATURES {
                return Err(Error::malformed(
                    header.clone(),
                    "carries more public-key signatures (Ed25519, ECDSA, RSA) than any rotation needs",
                ));
            }
            self.public_key += 1;
        }
        self.entries[self.len] = Some(candidate);
        self.len += 1;
        Ok(())
    }

    /// Counts an entry of a version the scheme does not check.
    pub(crate) fn skip(&mut self, header: &HeaderName) -> Result<(), Error> {
        if self.seen == MAX_SIGNATURES {
            return Err(Error::malformed(header.clone(), "carries more signatures than any rotation needs"));
        }
        self.seen += 1;
        Ok(())
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Candidate<'a>> {
        self.entries[..self.len].iter().flatten()
    }
}

/// A computed tag or signature, as [`Signer::tag`](crate::sign::Signer::tag) returns it.
///
/// Deliberately not `PartialEq`: the only comparison is [`matches`](Self::matches), in constant time, so no code
/// (ours or yours) can compare tags with an early-exit `==`. Its `Debug` is redacted.
///
/// ```compile_fail
/// # use hooksafe::{Scheme, sign::Signer};
/// # let signer = Signer::new(Scheme::GitHub, "secret").unwrap();
/// # let now = time::OffsetDateTime::now_utc();
/// let tag = signer.tag("", now, b"{}").unwrap();
/// assert!(tag == signer.tag("", now, b"{}").unwrap()); // error: `Tag` is not `PartialEq`
/// ```
#[derive(Clone)]
pub struct Tag(pub(crate) Vec<u8>);

impl Tag {
    /// Whether the two tags are equal, compared in constant time (tags of different lengths never are).
    pub fn matches(&self, other: &Tag) -> bool {
        self.0.ct_eq(&other.0).into()
    }

    /// The tag as lowercase hex, as GitHub, Stripe, Slack, Paddle and Discord send it.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    /// The tag as padded standard base64, as Standard Webhooks, Shopify, Twilio and SendGrid send it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// The tag spelled as `encoding`.
    pub(crate) fn encode(&self, encoding: Encoding) -> String {
        match encoding {
            Encoding::Hex => self.to_hex(),
            Encoding::Base64 => self.to_base64(),
        }
    }
}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tag { .. }")
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use proptest::prelude::*;

    use super::{Encoding, decode};

    proptest! {
        #[test]
        fn base64_is_accepted_exactly_when_strict_base64_decodes_to_the_length(text in "[A-Za-z0-9+/=_-]{40,48}") {
            let strict = STANDARD.decode(&text).ok().filter(|bytes| bytes.len() == 32);
            let ours = decode(text.as_bytes(), Encoding::Base64, Some(32)).map(|d| d.as_slice().to_vec());
            prop_assert_eq!(ours, strict);
        }

        #[test]
        fn hex_is_accepted_exactly_when_hex_decodes_to_the_length(text in "[0-9a-fA-FgG]{62,66}") {
            let strict = hex::decode(&text).ok().filter(|bytes| bytes.len() == 32);
            let ours = decode(text.as_bytes(), Encoding::Hex, Some(32)).map(|d| d.as_slice().to_vec());
            prop_assert_eq!(ours, strict);
        }
    }

    #[test]
    fn a_changed_trailing_bit_is_not_another_spelling_of_the_same_tag() {
        // `=` pads 32 bytes to 44 characters; the last digit carries two bits that must be zero.
        let text = STANDARD.encode([0u8; 32]);
        let altered = format!("{}B=", &text[..42]);
        assert!(decode(text.as_bytes(), Encoding::Base64, Some(32)).is_some());
        assert!(decode(altered.as_bytes(), Encoding::Base64, Some(32)).is_none());
    }

    #[test]
    fn overlong_text_is_refused_before_decoding() {
        assert!(decode(&[b'A'; 200], Encoding::Base64, None).is_none());
        assert!(decode(&[b'0'; 200], Encoding::Hex, None).is_none());
    }

    #[test]
    fn a_tag_debugs_without_its_bytes() {
        assert_eq!(format!("{:?}", super::Tag(vec![0xab; 32])), "Tag { .. }");
    }
}

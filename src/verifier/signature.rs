//! The signature checks: which configured key, if any, one of a request's signatures matches, over every message the
//! scheme may have signed; MACs compared in constant time, public-key signatures verified strictly.

use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use super::Verifier;
use crate::error::Error;
use crate::key::{Key, Material};
use crate::keys::KeySet;
use crate::scheme::tag::{Candidate, Decoded, decode, digest};
use crate::scheme::{Candidates, KeyKind, Message, Parsed, Signed};

impl Verifier {
    /// The first key that one of the request's signatures matches, over every message the scheme may have signed;
    /// that key must also have signed every further message of a batch.
    /// Keys outside their validity at `now` are not tried.
    pub(super) fn matching_key<'k>(
        &self,
        parsed: &Parsed<'_, '_>,
        keys: &'k KeySet,
        now: Option<i64>,
    ) -> Result<&'k Key, Error> {
        let mut well_formed = false;
        if keys.on_trial {
            self.try_keys_on_trial(parsed, &keys.keys, now);
        }
        let key = self.first_match(&parsed.signed, &parsed.candidates, &keys.keys, now, false, &mut well_formed);
        let Some(key) = key else { return Err(self.no_match(parsed, well_formed)) };
        for (signed, candidates) in &parsed.batch {
            if self.first_match(signed, candidates, std::slice::from_ref(key), now, false, &mut well_formed).is_none() {
                return Err(Error::invalid_signature(
                    parsed.signature_header.cloned(),
                    "has an item that the key matching the first did not sign",
                ));
            }
        }
        Ok(key)
    }

    /// Counts a delivery that a key [on trial](crate::Secret::report_only) would have matched (its first message):
    /// in the key's uses, a counter and an info log. Nothing is decided by it.
    fn try_keys_on_trial(&self, parsed: &Parsed<'_, '_>, keys: &[Key], now: Option<i64>) {
        let mut well_formed = false;
        if let Some(key) = self.first_match(&parsed.signed, &parsed.candidates, keys, now, true, &mut well_formed) {
            key.uses.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            crate::telemetry::report_only_key_matched(&self.scheme, &key.id);
        }
    }

    /// The first of `keys` that one of `candidates` matches, over every message `signed` may stand for: among the
    /// trusted keys, or among those [on trial](crate::Secret::report_only) when `on_trial`. Records whether any
    /// candidate of a configured kind decoded.
    fn first_match<'k>(
        &self,
        signed: &Signed<'_>,
        candidates: &Candidates<'_>,
        keys: &'k [Key],
        now: Option<i64>,
        on_trial: bool,
        well_formed: &mut bool,
    ) -> Option<&'k Key> {
        let tag_len = self.scheme.provider().hmac().map(|(mac, _)| mac.tag_len());
        for message in signed.messages() {
            // Positions (Box's primary and secondary slots) count among the keys of the same trust only, so a key on
            // trial never moves a trusted key to another slot.
            for (position, key) in keys.iter().filter(|key| key.validity.report_only == on_trial).enumerate() {
                if now.is_some_and(|now| !key.validity.contains(now)) {
                    continue;
                }
                let admitted = candidates
                    .iter()
                    .filter(|candidate| key.checks(candidate.kind) && candidate.for_key.admits(position, &key.id));
                if let Material::Rsa(public) = &key.material {
                    if rsa_matches(public, &message, admitted, well_formed) {
                        return Some(key);
                    }
                    continue;
                }
                let mine = admitted
                    .filter_map(|candidate| match candidate.kind {
                        KeyKind::Token => Some(digest(candidate.text)),
                        kind => decode(candidate.text, candidate.encoding, kind.len(tag_len)),
                    })
                    .inspect(|_| *well_formed = true);
                if key.matches(&message, mine) {
                    return Some(key);
                }
            }
        }
        None
    }

    /// Why no key matched.
    #[cold]
    fn no_match(&self, parsed: &Parsed<'_, '_>, well_formed: bool) -> Error {
        let why = if well_formed {
            "matches no configured key"
        } else {
            // Also when every entry is of a kind no configured key checks: which kind was tried is not revealed.
            "carries no well-formed signature that the configured keys can check"
        };
        Error::invalid_signature(parsed.signature_header.cloned(), why)
    }
}

impl KeyKind {
    /// The decoded length of this kind's signatures: the MAC's for HMAC, 64 bytes for Ed25519, variable DER for
    /// P-256.
    const fn len(self, tag_len: Option<usize>) -> Option<usize> {
        match self {
            Self::Hmac => tag_len,
            Self::Ed25519 => Some(ed25519_dalek::SIGNATURE_LENGTH),
            Self::P256 => None,
            Self::Token => Some(32),
            // Decoded on their own path: an RSA signature is as long as the key's modulus.
            Self::RsaSha256 | Self::RsaSha1 => None,
        }
    }
}

impl Key {
    /// Whether this key can check signature entries of `kind`.
    const fn checks(&self, kind: KeyKind) -> bool {
        matches!(
            (&self.material, kind),
            (Material::Hmac(_), KeyKind::Hmac)
                | (Material::Ed25519(_), KeyKind::Ed25519)
                | (Material::P256(_), KeyKind::P256)
                | (Material::Token(_), KeyKind::Token)
                | (Material::Rsa(_), KeyKind::RsaSha256 | KeyKind::RsaSha1)
        )
    }

    /// Whether any of `candidates` (decoded signatures of this key's kind) is this key's signature of `message`.
    /// MACs are compared in constant time, and computed only if some candidate decodes; Ed25519 is verified
    /// strictly (no small-order points, canonical encodings).
    fn matches(&self, message: &Message<'_>, mut candidates: impl Iterator<Item = Decoded>) -> bool {
        match &self.material {
            Material::Token(digest) => candidates.any(|candidate| bool::from(digest.ct_eq(candidate.as_slice()))),
            Material::Hmac(mac) => {
                let mut expected = None;
                candidates.any(|candidate| {
                    let expected = expected.get_or_insert_with(|| mac.tag_parts(message.parts()));
                    bool::from(expected.as_slice().ct_eq(candidate.as_slice()))
                })
            }
            Material::Ed25519(key) => {
                // Ed25519 hashes the message twice, so it cannot take it in pieces: one copy per request.
                let mut whole = None;
                candidates.any(|candidate| {
                    let Ok(bytes) = <[u8; 64]>::try_from(candidate.as_slice()) else { return false };
                    let whole = whole.get_or_insert_with(|| message.concatenated());
                    key.verify_strict(whole, &ed25519_dalek::Signature::from_bytes(&bytes)).is_ok()
                })
            }
            // Checked by `rsa_matches`: its signatures do not fit a `Decoded`.
            Material::Rsa(_) => false,
            Material::P256(key) => {
                let mut digest = None;
                candidates.any(|candidate| {
                    let Ok(signature) = p256::ecdsa::Signature::from_der(candidate.as_slice()) else { return false };
                    let digest = digest.get_or_insert_with(|| {
                        let mut hasher = Sha256::new();
                        message.parts().for_each(|part| hasher.update(part));
                        hasher.finalize()
                    });
                    key.verify_prehash(digest, &signature).is_ok()
                })
            }
        }
    }
}

/// Whether one of `candidates` (base64 RSA signatures, PayPal's) is `key`'s signature of `message`, with the hash
/// each names. The message is hashed in pieces, once per hash.
fn rsa_matches<'c>(
    key: &rsa::PublicKey,
    message: &Message<'_>,
    candidates: impl Iterator<Item = &'c Candidate<'c>>,
    well_formed: &mut bool,
) -> bool {
    use base64::Engine as _;
    use rsa::pkcs1v15::Pkcs1v15Sign;
    /// The longest signature decoded: an 8192-bit key's.
    const MAX_RSA_SIGNATURE: usize = 1024;
    fn hashed<D: Digest>(message: &Message<'_>) -> Vec<u8> {
        let mut hasher = D::new();
        message.parts().for_each(|part| hasher.update(part));
        hasher.finalize().to_vec()
    }
    candidates.into_iter().any(|candidate| {
        if candidate.text.len() > MAX_RSA_SIGNATURE / 3 * 4 + 4 {
            return false;
        }
        let Ok(signature) = base64::engine::general_purpose::STANDARD.decode(candidate.text) else { return false };
        *well_formed = true;
        let checked = match candidate.kind {
            KeyKind::RsaSha1 => {
                key.verify(Pkcs1v15Sign::new::<sha1::Sha1>(), &hashed::<sha1::Sha1>(message), &signature)
            }
            _ => key.verify(Pkcs1v15Sign::new::<Sha256>(), &hashed::<Sha256>(message), &signature),
        };
        checked.is_ok()
    })
}

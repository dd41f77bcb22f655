//! X.509 certificates as keys: PEM to DER, a chain checked to trusted roots at a given time (on `rustls-webpki`,
//! with signature checks written as calls into the RustCrypto crates), and a certificate's RSA key with its validity
//! period as a key's. Used by PayPal's pinned and fetched certificates.

use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::pkcs8::DecodePublicKey as _;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{
    AlgorithmIdentifier, CertificateDer, InvalidSignature, SignatureVerificationAlgorithm, TrustAnchor, UnixTime,
    alg_id,
};
use sha2::Digest;
use x509_cert::der::{Decode as _, Encode as _};

use crate::error::ConfigError;
use crate::key::{Material, Validity};

/// The leaf of `pem` (leaf first, then intermediates), when it chains to one of `roots` at `now` (unix seconds).
pub(crate) fn verified_chain(
    roots: &[TrustAnchor<'_>],
    pem: &[u8],
    now: i64,
) -> Result<x509_cert::Certificate, &'static str> {
    let ders = certificates(pem)?;
    let (leaf, intermediates) = ders.split_first().ok_or("is empty")?;
    let end_entity = webpki::EndEntityCert::try_from(leaf).map_err(|_| "is not an X.509 v3 certificate")?;
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(u64::try_from(now).unwrap_or(0)));
    end_entity
        .verify_for_usage(ALGORITHMS, roots, intermediates, time, AnyPurpose, None, None)
        .map_err(|_| "does not chain to a trusted root at the verification time")?;
    x509_cert::Certificate::from_der(leaf).map_err(|_| "is not an X.509 certificate")
}

/// The subject common name of `certificate`, if it has one.
pub(crate) fn common_name(certificate: &x509_cert::Certificate) -> Option<String> {
    let name = certificate.tbs_certificate().subject().common_name().ok().flatten()?;
    Some(name.value().into_owned())
}

/// The trust anchors of PEM root certificates (`roots[i]` is the `i + 1`th configured).
///
/// # Errors
/// [`ConfigError::InvalidCertificate`] for a root that is not a PEM X.509 v3 certificate.
pub(crate) fn anchors(roots: &[String]) -> Result<Vec<TrustAnchor<'static>>, ConfigError> {
    let mut anchors = Vec::new();
    for (position, pem) in roots.iter().enumerate() {
        let invalid = |why| ConfigError::InvalidCertificate { index: position + 1, why };
        for der in &certificates(pem.as_bytes()).map_err(invalid)? {
            let anchor =
                webpki::anchor_from_trusted_cert(der).map_err(|_| invalid("is not an X.509 v3 certificate"))?;
            anchors.push(anchor.to_owned());
        }
    }
    Ok(anchors)
}

/// The RSA key and validity period of the first certificate of `pem`, for a pinned certificate.
pub(crate) fn pinned(pem: &str, index: usize) -> Result<(Material, Validity), ConfigError> {
    let invalid = |why| ConfigError::InvalidCertificate { index, why };
    let ders = certificates(pem.as_bytes()).map_err(invalid)?;
    let leaf = ders.first().ok_or(invalid("holds no certificate"))?;
    let certificate = x509_cert::Certificate::from_der(leaf).map_err(|_| invalid("is not an X.509 certificate"))?;
    leaf_key(&certificate).map_err(invalid)
}

/// The DER certificates of a PEM text.
pub(crate) fn certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, &'static str> {
    let ders =
        CertificateDer::pem_slice_iter(pem).collect::<Result<Vec<_>, _>>().map_err(|_| "is not PEM certificates")?;
    if ders.is_empty() {
        return Err("holds no certificate");
    }
    Ok(ders)
}

/// A certificate's RSA key, and its validity period as a key's.
pub(crate) fn leaf_key(certificate: &x509_cert::Certificate) -> Result<(Material, Validity), &'static str> {
    let tbs = certificate.tbs_certificate();
    let spki = tbs.subject_public_key_info().to_der().map_err(|_| "has an unreadable public key")?;
    let key =
        rsa::PublicKey::from_public_key_der(&spki).map_err(|_| "does not hold an RSA key of 1024 to 8192 bits")?;
    let seconds = |time: x509_cert::time::Time| i64::try_from(time.to_unix_duration().as_secs()).ok();
    let validity = Validity {
        not_before: Some(seconds(tbs.validity().not_before).ok_or("has an unreadable validity period")?),
        not_after: Some(seconds(tbs.validity().not_after).ok_or("has an unreadable validity period")?),
        report_only: false,
    };
    Ok((Material::Rsa(key), validity))
}

/// PayPal's SDKs check no extended key usage: neither does hooksafe, beyond its being well formed.
struct AnyPurpose;

impl webpki::ExtendedKeyUsageValidator for AnyPurpose {
    fn validate(&self, purposes: webpki::KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        for purpose in purposes {
            purpose?;
        }
        Ok(())
    }
}

/// The signature algorithms a certificate chain may use: RSA PKCS#1 v1.5 with SHA-256, -384 and -512, and ECDSA
/// P-256 with SHA-256, on the RustCrypto crates.
static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[
    &RsaPkcs1::<sha2::Sha256>::new(alg_id::RSA_PKCS1_SHA256),
    &RsaPkcs1::<sha2::Sha384>::new(alg_id::RSA_PKCS1_SHA384),
    &RsaPkcs1::<sha2::Sha512>::new(alg_id::RSA_PKCS1_SHA512),
    &EcdsaP256Sha256,
];

/// RSA PKCS#1 v1.5 over the digest `D`.
struct RsaPkcs1<D> {
    signature: AlgorithmIdentifier,
    digest: std::marker::PhantomData<fn() -> D>,
}

impl<D> RsaPkcs1<D> {
    const fn new(signature: AlgorithmIdentifier) -> Self {
        Self { signature, digest: std::marker::PhantomData }
    }
}

impl<D> std::fmt::Debug for RsaPkcs1<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RsaPkcs1")
    }
}

impl<D: Digest + rsa::pkcs8::AssociatedOid> SignatureVerificationAlgorithm for RsaPkcs1<D> {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let key = rsa::PublicKey::from_pkcs1_der(public_key).map_err(|_| InvalidSignature)?;
        key.verify(Pkcs1v15Sign::new::<D>(), &D::digest(message), signature).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature
    }
}

/// ECDSA P-256 over SHA-256.
#[derive(Debug)]
struct EcdsaP256Sha256;

impl SignatureVerificationAlgorithm for EcdsaP256Sha256 {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        use p256::ecdsa::signature::Verifier as _;
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let signature = p256::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &signature).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_P256
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_SHA256
    }
}

//! PayPal's certificates: how a [`Scheme::paypal`] verifier gets the key that checks a
//! delivery.
//!
//! PayPal signs each delivery with RSA and names the certificate in the request (`PAYPAL-CERT-URL`), so the URL is
//! attacker input. hooksafe makes no network call of its own and never lets the request choose a key freely:
//!
//! - **Pinned** ([`VerifierBuilder::certificate`](crate::VerifierBuilder::certificate)): you download the
//!   certificate once and configure its PEM. It is trusted as given (you pinned it), but only inside its validity
//!   period at the verification time. The request's certificate URL must still pass the allow-list.
//! - **Fetched** ([`VerifierBuilder::certificate_source`](crate::VerifierBuilder::certificate_source)): hooksafe
//!   checks the URL against the allow-list ([`CertificateUrl`]: `https`, PayPal's certificate hosts, the
//!   certificates' path) before your [`CertificateSource`] sees it, then checks what it returns as PayPal's SDKs do:
//!   a chain to a trusted root (Mozilla's roots unless you give
//!   [`certificate_root`](crate::VerifierBuilder::certificate_root)s) valid at the verification time, and a subject
//!   common name ending in `.paypal.com`. With the `paypal-fetch` feature, `HttpsCertificateSource` fetches over
//!   HTTPS.
//!
//! A forged request can name any certificate on those hosts, so fetching is bounded: the certificates are cached by
//! URL (32 entries; failures are evicted before certificates, so forged requests never push PayPal's out);
//! concurrent requests for one URL wait for a single fetch; a failure (the source's, or a certificate refused) is
//! remembered for a minute; and at most 10 fetches start in any minute, beyond which a request is answered `503`
//! without a fetch. What that leaves open: while someone sends requests naming unknown certificates, a certificate
//! not yet cached (after a restart, or when PayPal rotates) may wait for the next minute's fetches, and PayPal's
//! deliveries meanwhile get `503` and are retried. Your source should time out (`HttpsCertificateSource` gives up after 10
//! seconds): requests for a URL wait as long as its fetch does.
//!
//! A certificate that fails those checks is [`ErrorKind::UntrustedCertificate`](crate::ErrorKind::UntrustedCertificate)
//! (`401`); a source that fails is [`ErrorKind::KeysUnavailable`](crate::ErrorKind::KeysUnavailable) (`503` with
//! `Retry-After`, so PayPal retries). Either way no handler runs.
//!
//! ```
//! use hooksafe::{Scheme, Verifier, paypal::CertificateUrl};
//!
//! // Serve certificates you stored yourself (or from a test fixture): any async closure is a source.
//! let verifier = Verifier::builder(Scheme::paypal("6XE614444P001923J"))
//!     .certificate_source(|url: &CertificateUrl| {
//!         let name = url.name().to_owned();
//!         async move { std::fs::read(format!("certs/{name}.pem")).map_err(hooksafe::ResolveError::new) }
//!     })
//!     .build()?;
//! # let _ = verifier;
//! # Ok::<(), hooksafe::ConfigError>(())
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rustls_pki_types::TrustAnchor;

pub use crate::scheme::certificate_url::CertificateUrl;

use crate::certificate;
use crate::error::{ConfigError, Error};
use crate::fetch_cache::{Failure, Fetch, FetchCache, Limits};
use crate::key::{Key, Material, Validity};
use crate::keys::KeySet;
use crate::resolver::ResolveError;
use crate::scheme::Scheme;

/// The bounds of the certificate cache: PayPal uses a handful of certificates at a time, so a forged request naming
/// new ones can cost at most ten fetches a minute in all, and a failing URL one fetch a minute.
const LIMITS: Limits = Limits { capacity: 32, failure_ttl: std::time::Duration::from_secs(60), fetches_per_minute: 10 };

/// Supplies the PEM of the certificate chain at an allow-listed PayPal certificate URL: your own HTTP client, a
/// store of certificates you downloaded, or a test fixture. Only ever called with a URL that passed the allow-list,
/// and only after the request's size, headers and transmission time passed.
///
/// Any `Fn(&CertificateUrl) -> impl Future<Output = Result<Vec<u8>, ResolveError>>` is a source (see the
/// [module](self) example). The future must not borrow the URL: copy what it needs first.
pub trait CertificateSource: Send + Sync + 'static {
    /// The PEM text (leaf first, then any intermediates) served at `url`.
    fn fetch(&self, url: &CertificateUrl) -> impl Future<Output = Result<Vec<u8>, ResolveError>> + Send + 'static;
}

impl<F, Fut> CertificateSource for F
where
    F: Fn(&CertificateUrl) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<u8>, ResolveError>> + Send + 'static,
{
    fn fetch(&self, url: &CertificateUrl) -> impl Future<Output = Result<Vec<u8>, ResolveError>> + Send + 'static {
        self(url)
    }
}

type Fetching = Pin<Box<dyn Future<Output = Result<Vec<u8>, ResolveError>> + Send>>;

/// [`CertificateSource`] with its future boxed, so it can be held as a trait object.
pub(crate) trait DynSource: Send + Sync {
    fn fetch_boxed(&self, url: &CertificateUrl) -> Fetching;
}

impl<S: CertificateSource> DynSource for S {
    fn fetch_boxed(&self, url: &CertificateUrl) -> Fetching {
        Box::pin(self.fetch(url))
    }
}

/// A verifier's fetched certificates: the source, the roots a chain must reach, and the keys of the certificates
/// that passed, by URL.
pub(crate) struct Certificates {
    source: Arc<dyn DynSource>,
    roots: Arc<[TrustAnchor<'static>]>,
    cache: FetchCache<CertificateUrl, Arc<KeySet>>,
}

impl std::fmt::Debug for Certificates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificates").field("roots", &self.roots.len()).finish_non_exhaustive()
    }
}

impl Certificates {
    /// Certificates from `source`, trusted when they chain to one of `roots` (PEM; none: Mozilla's roots).
    pub(crate) fn new(source: Box<dyn DynSource>, roots: &[String]) -> Result<Self, ConfigError> {
        let roots =
            if roots.is_empty() { webpki_roots::TLS_SERVER_ROOTS.to_vec() } else { certificate::anchors(roots)? };
        Ok(Self { source: Arc::from(source), roots: Arc::from(roots), cache: FetchCache::new(LIMITS) })
    }

    /// The key of the certificate at `url`, as of `now` (unix seconds): from the cache, or fetched and checked.
    pub(crate) async fn keys(&self, url: CertificateUrl, now: i64) -> Result<Arc<KeySet>, Error> {
        let (source, roots, target) = (self.source.clone(), self.roots.clone(), url.clone());
        let fetch = move || -> Fetch<Arc<KeySet>> {
            let (fetching, name) = (source.fetch_boxed(&target), target.name().to_owned());
            Box::pin(async move {
                let pem = fetching.await.map_err(|error| Failure::Unavailable(error.to_string().into()))?;
                let (material, validity) = trusted(&roots, &pem, now).map_err(Failure::Refused)?;
                let key = Key { id: name.into(), material, validity, uses: 0.into() };
                Ok(Arc::new(KeySet::new(Scheme::paypal("").into(), Box::new([key]), None)))
            })
        };
        self.cache.get(&url, fetch).await.map_err(|failure| match failure {
            Failure::Refused(why) => {
                Error::untrusted_certificate(crate::scheme::certificate_url::CERT_URL.clone(), why)
            }
            Failure::Unavailable(cause) => Error::keys_unavailable(
                Some(ResolveError::new(cause.to_string())),
                "could not be verified: its certificate could not be fetched",
            ),
            Failure::Throttled => Error::keys_unavailable(
                None,
                "could not be verified: too many certificate fetches this minute; it was not fetched",
            ),
        })
    }
}

/// The leaf's key, when `pem` is a chain from a PayPal leaf to one of `roots`, valid at `now`.
fn trusted(roots: &[TrustAnchor<'_>], pem: &[u8], now: i64) -> Result<(Material, Validity), &'static str> {
    let leaf = certificate::verified_chain(roots, pem, now)?;
    let common_name = certificate::common_name(&leaf).ok_or("has no subject common name")?;
    if !common_name.ends_with(".paypal.com") {
        return Err("is not issued to a `.paypal.com` name");
    }
    certificate::leaf_key(&leaf)
}

/// The default [`CertificateSource`] (feature `paypal-fetch`): a `GET` over HTTPS with ureq and rustls (Mozilla's
/// roots), on tokio's blocking pool, following no redirect, reading at most 64 KiB, within 10 seconds. It is only
/// ever given URLs on PayPal's certificate hosts; what it returns is then checked like any source's.
///
/// ```no_run
/// use hooksafe::paypal::HttpsCertificateSource;
/// use hooksafe::{Scheme, Verifier};
///
/// let verifier = Verifier::builder(Scheme::paypal(std::env::var("PAYPAL_WEBHOOK_ID")?))
///     .certificate_source(HttpsCertificateSource::new())
///     .build()?;
/// # let _ = verifier;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "paypal-fetch")]
#[derive(Debug, Clone)]
pub struct HttpsCertificateSource {
    agent: ureq::Agent,
}

#[cfg(feature = "paypal-fetch")]
impl HttpsCertificateSource {
    /// The most bytes read of a certificate chain.
    const MAX_PEM: u64 = 64 * 1024;

    /// A source with its own connection pool.
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .https_only(true)
            .max_redirects(0)
            .timeout_global(Some(std::time::Duration::from_secs(10)))
            .build();
        Self { agent: config.into() }
    }

    fn get(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, ResolveError> {
        let mut response = agent.get(url).call().map_err(ResolveError::new)?;
        if !response.status().is_success() {
            return Err(ResolveError::new(format!("the certificate host answered {}", response.status())));
        }
        response.body_mut().with_config().limit(Self::MAX_PEM).read_to_vec().map_err(ResolveError::new)
    }
}

#[cfg(feature = "paypal-fetch")]
impl Default for HttpsCertificateSource {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "paypal-fetch")]
impl CertificateSource for HttpsCertificateSource {
    fn fetch(&self, url: &CertificateUrl) -> impl Future<Output = Result<Vec<u8>, ResolveError>> + Send + 'static {
        let (agent, url) = (self.agent.clone(), url.as_str().to_owned());
        async move { tokio::task::spawn_blocking(move || Self::get(&agent, &url)).await.map_err(ResolveError::new)? }
    }
}

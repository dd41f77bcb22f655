//! [`VerifierBuilder`]: a verifier's policy, every mistake reported at [`build`](VerifierBuilder::build).

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use super::{KeySource, MAX_TOLERANCE, Verifier, Window};
use crate::error::ConfigError;
use crate::keys::{KeySet, KeySpec, prepare};
use crate::paypal::{CertificateSource, Certificates, DynSource};
use crate::request::PublicUrl;
use crate::resolver::{DynResolver, KeyResolver};
use crate::scheme::Scheme;

/// Configures a [`Verifier`]. Every mistake is reported by [`build`](Self::build), never at request time.
///
/// Defaults: a tolerance of 300 s in both directions ([`DEFAULT_TOLERANCE`](crate::DEFAULT_TOLERANCE)), the scheme's
/// [`default_max_body_size`](Scheme::default_max_body_size) (25 MiB for GitHub, 256 KiB for Standard Webhooks and Svix, 5 MiB otherwise), no public URL.
pub struct VerifierBuilder {
    scheme: Scheme,
    specs: Vec<KeySpec>,
    past: Duration,
    future: Duration,
    max_body_size: usize,
    check_timestamp: bool,
    allow_short_secrets: bool,
    public_url: Option<String>,
    resolver: Option<Arc<dyn DynResolver>>,
    reveal_unknown_tenant: bool,
    certificate_source: Option<Box<dyn DynSource>>,
    certificate_roots: Vec<String>,
    report_only: bool,
}

impl std::fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("scheme", &self.scheme)
            .field("keys", &self.specs)
            .field("past", &self.past)
            .field("future", &self.future)
            .field("max_body_size", &self.max_body_size)
            .field("check_timestamp", &self.check_timestamp)
            .field("public_url", &self.public_url)
            .field("resolver", &self.resolver.is_some())
            .field("report_only", &self.report_only)
            .finish_non_exhaustive()
    }
}

impl VerifierBuilder {
    crate::keys::key_setters!();

    /// A builder with the defaults: see [`Verifier::builder`].
    pub(super) fn new(scheme: Scheme) -> Self {
        let tolerance = scheme.default_tolerance();
        VerifierBuilder {
            max_body_size: scheme.default_max_body_size(),
            scheme,
            specs: Vec::new(),
            past: tolerance,
            future: tolerance,
            check_timestamp: true,
            allow_short_secrets: false,
            public_url: None,
            resolver: None,
            reveal_unknown_tenant: false,
            certificate_source: None,
            certificate_roots: Vec::new(),
            report_only: false,
        }
    }

    /// **Does not enforce verification: for a rollout only.** A delivery that fails verification (a missing or
    /// malformed header, a timestamp outside the window, a signature that matches no key, an unknown tenant, a body
    /// not in the form the scheme signs, or a URL-signing scheme without its URL) is still handed to the handler,
    /// *marked unverified*, where an enforcing verifier refuses it (`400`, `401`, `404` or `500`); the failure is
    /// logged at warn with its reason and counted in `hooksafe_unverified_total` by `reason`. Turn it on to watch a
    /// day of real traffic before enforcing, then remove it.
    ///
    /// Only the adapters let such a delivery through, and only to a handler that asks for it: the inner service gets
    /// an empty body and an [`Unverified`](crate::Unverified) holding the real one in its extensions; the typed
    /// extractors (`Webhook<T>`, `VerifiedWebhook`) still refuse it with the verification error's status, and
    /// `axum::MaybeVerified<T>` / `actix::MaybeVerified<T>` hand it over marked. A refused unsigned endpoint check
    /// (X's CRC, Dropbox's challenge) is never let through. An unverified delivery is never claimed in the store
    /// (its id is the sender's word, and claiming it would let a forger pre-empt a real event), so it has no
    /// exactly-once guarantee. [`Verifier::verify`] and [`Receiver`](crate::Receiver)'s calls still refuse it; a
    /// serverless handler decides with [`Verifier::let_through`]. A body that cannot be read or is too large, and
    /// keys that cannot be looked up, are refused as usual. The [`Inbox`](crate::inbox::Inbox) always enforces.
    ///
    /// Not for Discord, which sends badly signed requests on purpose and removes an endpoint that accepts one
    /// ([`ConfigError::ReportOnlyRefused`]). To try a new key instead, while the others still decide, see
    /// [`Secret::report_only`](crate::Secret::report_only).
    #[must_use]
    pub const fn report_only(mut self) -> Self {
        self.report_only = true;
        self
    }

    /// The URL the provider was configured with, up to the path this server sees: scheme, host, optional port and
    /// any path prefix a proxy strips, such as `https://hooks.example.com` (`https` even when TLS ends at the proxy).
    /// For schemes that sign the URL (Twilio, a custom `{url}`), the request's path and query are appended to it
    /// raw. Without it, the request's URI is used when it is absolute, and otherwise verification fails with
    /// [`ErrorKind::PublicUrlRequired`](crate::ErrorKind::PublicUrlRequired). The URL is never taken from `Host` or `X-Forwarded-*`.
    #[must_use]
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// How far the timestamp may be from now in either direction. Defaults to 300 s. Counted in whole seconds.
    #[must_use]
    pub const fn tolerance(mut self, tolerance: Duration) -> Self {
        self.past = tolerance;
        self.future = tolerance;
        self
    }

    /// How far in the past the timestamp may be (a late delivery or a replay). Defaults to 300 s.
    #[must_use]
    pub const fn past_tolerance(mut self, tolerance: Duration) -> Self {
        self.past = tolerance;
        self
    }

    /// How far in the future the timestamp may be (clock skew). Defaults to 300 s.
    #[must_use]
    pub const fn future_tolerance(mut self, tolerance: Duration) -> Self {
        self.future = tolerance;
        self
    }

    /// The largest body accepted, in bytes; larger bodies are [`ErrorKind::PayloadTooLarge`](crate::ErrorKind::PayloadTooLarge).
    #[must_use]
    pub const fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Looks the keys up for each request instead of holding them: a tenant's, from your database (see
    /// [`KeyResolver`]). Give no [`secret`](Self::secret) or [`public_key`](Self::public_key) then. Everything else
    /// (window, cap, adapters, deduplication, which now happens per tenant) works the same; verify with the `async`
    /// methods ([`verify_async`](Verifier::verify_async)),
    /// as a [`Receiver`](crate::Receiver) and the adapters do.
    #[must_use]
    pub fn resolver(mut self, resolver: impl KeyResolver) -> Self {
        self.resolver = Some(Arc::new(resolver));
        self
    }

    /// PayPal: fetches the certificate each delivery names through `source`, which is only given URLs on PayPal's
    /// certificate hosts. What it returns must chain to a trusted root at the verification time and be issued to a
    /// `.paypal.com` name; certificates that pass are cached by URL. Verify with the `async` methods, as a
    /// [`Receiver`](crate::Receiver) and the adapters do. See [`crate::paypal`].
    #[must_use]
    pub fn certificate_source(mut self, source: impl CertificateSource) -> Self {
        self.certificate_source = Some(Box::new(source));
        self
    }

    /// PayPal: a root that fetched certificates may chain to (PEM), instead of Mozilla's roots; call it again for
    /// each root. For a private PKI in tests, or to trust only the root PayPal's certificates are issued from.
    #[must_use]
    pub fn certificate_root(mut self, pem: impl Into<String>) -> Self {
        self.certificate_roots.push(pem.into());
        self
    }

    /// Answers a request whose tenant the resolver does not know with [`ErrorKind::UnknownTenant`](crate::ErrorKind::UnknownTenant) (`404`) instead
    /// of the `401` of a bad signature, which tells any sender which tenants exist. Off by default.
    #[must_use]
    pub const fn reveal_unknown_tenant(mut self) -> Self {
        self.reveal_unknown_tenant = true;
        self
    }

    /// **Dangerous:** accepts any timestamp, however old, so a captured delivery can be replayed forever. Only for
    /// re-verifying stored deliveries, never for a live endpoint.
    #[must_use]
    pub const fn dangerous_skip_timestamp_check(mut self) -> Self {
        self.check_timestamp = false;
        self
    }

    /// Checks the configuration and prepares every key.
    ///
    /// # Errors
    /// [`ConfigError`] when there is no key or too many; a key is of a kind the scheme does not take; a secret is
    /// empty, has surrounding white space, does not decode or has a length the scheme refuses; a public key does
    /// not decode to a valid key; two keys share an id; a tolerance is under one second; the body cap is zero; the
    /// public URL is not an `http`/`https` origin; or a custom scheme is inconsistent.
    pub fn build(mut self) -> Result<Verifier, ConfigError> {
        self.scheme.provider().validate()?;
        self.check_certificates()?;
        let keys = match (&self.resolver, self.specs.is_empty()) {
            (None, true) if self.certificate_source.is_some() => {
                let source = self.certificate_source.take().ok_or(ConfigError::NoSecret)?;
                KeySource::Certificates(Arc::new(Certificates::new(source, &self.certificate_roots)?))
            }
            (_, false) if self.certificate_source.is_some() => {
                return Err(ConfigError::PayPal("takes pinned certificates or a certificate source, not both"));
            }
            (Some(resolver), true) => KeySource::Resolver(resolver.clone()),
            (Some(_), false) => return Err(ConfigError::KeysAndResolver),
            (None, true) if self.scheme.provider().has_setup_period() => {
                // Notion's setup period: no key until its verification token arrives.
                KeySource::Fixed(Arc::new(ArcSwap::from_pointee(KeySet::notion_setup(None))))
            }
            (None, _) => {
                let keys = prepare(&self.scheme, &self.specs, self.allow_short_secrets)?;
                let set = KeySet::new(self.scheme.clone(), keys, None);
                KeySource::Fixed(Arc::new(ArcSwap::from_pointee(set)))
            }
        };
        let whole_seconds = |duration: Duration, which| match duration.as_secs() {
            seconds if (1..=MAX_TOLERANCE.as_secs()).contains(&seconds) => Ok(seconds.cast_signed()),
            _ => Err(ConfigError::InvalidTolerance { which }),
        };
        let window = Window { past: whole_seconds(self.past, "past")?, future: whole_seconds(self.future, "future")? };
        if self.max_body_size == 0 {
            return Err(ConfigError::InvalidMaxBodySize);
        }
        let public_url = self.public_url.as_deref().map(PublicUrl::parse).transpose()?;
        if self.report_only && matches!(self.scheme, Scheme::Discord) {
            return Err(ConfigError::ReportOnlyRefused(
                "Discord sends badly signed requests on purpose and removes an endpoint that accepts one",
            ));
        }
        Ok(Verifier {
            scheme: self.scheme,
            keys,
            window: self.check_timestamp.then_some(window),
            max_body_size: self.max_body_size,
            public_url,
            reveal_unknown_tenant: self.reveal_unknown_tenant,
            report_only: self.report_only,
        })
    }

    /// The certificate settings, checked: a scheme whose keys are certificates needs some (pinned, fetched or
    /// resolved), and no other scheme takes a certificate source or root.
    fn check_certificates(&self) -> Result<(), ConfigError> {
        let fetching = self.certificate_source.is_some() || !self.certificate_roots.is_empty();
        if !self.scheme.provider().takes_certificates() {
            return if fetching {
                Err(ConfigError::PayPal("a certificate source or root is a PayPal setting"))
            } else {
                Ok(())
            };
        }
        if self.specs.is_empty() && self.certificate_source.is_none() && self.resolver.is_none() {
            return Err(ConfigError::PayPal("needs a pinned `.certificate(..)` or a `.certificate_source(..)`"));
        }
        Ok(())
    }
}

//! [`VerifierBuilder`]: a verifier's policy, every mistake reported at [`build`](VerifierBuilder::build).

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use super::{KeySource, MAX_TOLERANCE, TokenCallback, Verifier, Window};
use crate::error::ConfigError;
use crate::key::{PublicKey, Secret, SharedToken};
use crate::keys::{KeySet, KeySpec, prepare};
use crate::paypal::{CertificateSource, Certificates, DynSource};
use crate::request::PublicUrl;
use crate::resolver::{DynResolver, KeyResolver};
use crate::scheme::{Scheme, paypal};

/// Configures a [`Verifier`]. Every mistake is reported by [`build`](Self::build), never at request time.
///
/// Defaults: a tolerance of 300 s in both directions ([`DEFAULT_TOLERANCE`](crate::DEFAULT_TOLERANCE)), the scheme's
/// [`default_max_body_size`](Scheme::default_max_body_size) (25 MiB for GitHub, 256 KiB for Standard Webhooks and Svix, 5 MiB otherwise), no public URL.
pub struct VerifierBuilder {
    scheme: Scheme,
    keys: Vec<KeySpec>,
    past: Duration,
    future: Duration,
    max_body_size: usize,
    check_timestamp: bool,
    allow_short_secrets: bool,
    public_url: Option<String>,
    resolver: Option<Arc<dyn DynResolver>>,
    reveal_unknown_tenant: bool,
    verify_token: Option<SharedToken>,
    on_verification_token: Option<TokenCallback>,
    paypal: PayPalOptions,
    adyen_batches: bool,
}

/// What a PayPal verifier is being configured with, beside pinned certificates.
#[derive(Default)]
struct PayPalOptions {
    webhook_id: Option<String>,
    sandbox: bool,
    allow_sha1: bool,
    source: Option<Box<dyn DynSource>>,
    roots: Vec<String>,
}

impl PayPalOptions {
    /// Whether any PayPal setting was given.
    fn any(&self) -> bool {
        self.webhook_id.is_some() || self.sandbox || self.allow_sha1 || self.source.is_some() || !self.roots.is_empty()
    }
}

impl std::fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("scheme", &self.scheme)
            .field("keys", &self.keys)
            .field("past", &self.past)
            .field("future", &self.future)
            .field("max_body_size", &self.max_body_size)
            .field("check_timestamp", &self.check_timestamp)
            .field("public_url", &self.public_url)
            .field("resolver", &self.resolver.is_some())
            .finish_non_exhaustive()
    }
}

impl VerifierBuilder {
    /// A builder with the defaults: see [`Verifier::builder`].
    pub(super) fn new(scheme: Scheme) -> Self {
        let tolerance = scheme.default_tolerance();
        VerifierBuilder {
            max_body_size: scheme.default_max_body_size(),
            scheme,
            keys: Vec::new(),
            past: tolerance,
            future: tolerance,
            check_timestamp: true,
            allow_short_secrets: false,
            public_url: None,
            resolver: None,
            reveal_unknown_tenant: false,
            verify_token: None,
            on_verification_token: None,
            paypal: PayPalOptions::default(),
            adyen_batches: false,
        }
    }

    /// Adds a shared secret, exactly as the provider's dashboard shows it (Standard Webhooks and Svix: `whsec_` +
    /// base64, the prefix optional; Stripe: the whole `whsec_…` string; Twilio: the Auth Token; others: the text as
    /// given). Give a [`Secret`] to name it: `Secret::new("…").id("2025-rotation")`. Call it again for each secret
    /// during a rotation: a delivery signed by any of them is accepted, and
    /// [`Verified::key_id`](crate::Verified::key_id) says which.
    #[must_use]
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.keys.push(KeySpec::Secret(secret.into()));
        self
    }

    /// Adds a provider's public key, for the asymmetric schemes: Standard Webhooks / Svix `v1a` (`whpk_` +
    /// base64), Discord (the application's hex public key), SendGrid (the base64 verification key). Give a
    /// [`PublicKey`] to name it. A Standard Webhooks verifier may hold secrets and public keys together: each
    /// signature entry is compared only with keys of its own kind.
    #[must_use]
    pub fn public_key(mut self, key: impl Into<PublicKey>) -> Self {
        self.keys.push(KeySpec::Public(key.into()));
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

    /// Meta's Verify Token: the string you entered beside the callback URL. Meta's subscription check (`GET
    /// ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`) is answered with the challenge only when the token
    /// matches (compared in constant time); otherwise, or without this setting, it is refused with `403`.
    #[must_use]
    pub fn verify_token(mut self, token: impl Into<String>) -> Self {
        self.verify_token = Some(SharedToken::new(token.into()));
        self
    }

    /// Receives Notion's verification token during setup: Notion's unsigned `POST {"verification_token":"…"}` is
    /// handed to `callback` with the tenant (when a [`resolver`](Self::resolver) names one) and answered `200`, never
    /// given to an event handler. Setup lasts while no key is configured: build the verifier (or the tenant's
    /// [`Keys`](crate::Keys)) without a secret, and the callback runs; once the token is configured as the secret,
    /// the request is refused (`403`) and the callback is not called. Without this setting it is always refused.
    /// Anyone can send such a request: only a token you then confirm in Notion's settings is genuine.
    ///
    /// ```
    /// use hooksafe::{Scheme, Verifier};
    ///
    /// let setup = Verifier::builder(Scheme::Notion)
    ///     .on_verification_token(|tenant, token| println!("Notion sent {token} for {tenant:?}; confirm it in Notion"))
    ///     .build()?; // no secret yet: the setup period
    /// # let _ = setup;
    /// # Ok::<(), hooksafe::ConfigError>(())
    /// ```
    #[must_use]
    pub fn on_verification_token(mut self, callback: impl Fn(Option<&str>, &str) + Send + Sync + 'static) -> Self {
        self.on_verification_token = Some(TokenCallback(Arc::new(callback)));
        self
    }

    /// PayPal: the id of the webhook subscription (`WH-…` in the developer dashboard, or the id the webhooks API
    /// returned), part of every message PayPal signs. Required for [`Scheme::PayPal`].
    #[must_use]
    pub fn webhook_id(mut self, id: impl Into<String>) -> Self {
        self.paypal.webhook_id = Some(id.into());
        self
    }

    /// PayPal: pins a certificate, as the PEM PayPal serves at the `PAYPAL-CERT-URL` of its deliveries. It is
    /// trusted as given, but only inside its validity period at the verification time; call it again to pin the
    /// next certificate before PayPal switches. See [`crate::paypal`].
    #[must_use]
    pub fn certificate(mut self, pem: impl Into<String>) -> Self {
        self.keys.push(KeySpec::Certificate(pem.into()));
        self
    }

    /// PayPal: fetches the certificate each delivery names through `source`, which is only given URLs on PayPal's
    /// certificate hosts. What it returns must chain to a trusted root at the verification time and be issued to a
    /// `.paypal.com` name; certificates that pass are cached by URL. Verify with the `async` methods, as a
    /// [`Receiver`](crate::Receiver) and the adapters do. See [`crate::paypal`].
    #[must_use]
    pub fn certificate_source(mut self, source: impl CertificateSource) -> Self {
        self.paypal.source = Some(Box::new(source));
        self
    }

    /// PayPal: a root that fetched certificates may chain to (PEM), instead of Mozilla's roots; call it again for
    /// each root. For a private PKI in tests, or to trust only the root PayPal's certificates are issued from.
    #[must_use]
    pub fn certificate_root(mut self, pem: impl Into<String>) -> Self {
        self.paypal.roots.push(pem.into());
        self
    }

    /// PayPal: also accepts `SHA1withRSA` signatures, which older deliveries carry. SHA-1 is broken for collision
    /// resistance: leave it off unless your deliveries need it.
    #[must_use]
    pub const fn allow_sha1(mut self) -> Self {
        self.paypal.allow_sha1 = true;
        self
    }

    /// PayPal: accepts certificate URLs on PayPal's sandbox hosts too (`api.sandbox.paypal.com`,
    /// `api-m.sandbox.paypal.com`), for a sandbox webhook.
    #[must_use]
    pub const fn sandbox(mut self) -> Self {
        self.paypal.sandbox = true;
        self
    }

    /// Adds a secret that is standard base64 of the key with no prefix, such as Brex's (which is Standard Webhooks
    /// underneath, its secrets listed without `whsec_`). Standard Webhooks keeps its 24 to 64 byte bound; other
    /// schemes key with the decoded bytes.
    #[must_use]
    pub fn raw_base64_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.keys.push(KeySpec::RawBase64(secret.into()));
        self
    }

    /// Adds HTTP Basic credentials, `user:password`: for Bitbucket Server configured with a username and password
    /// instead of a secret (Azure DevOps takes them through [`secret`](Self::secret) too). Compared in constant
    /// time; they protect neither the body nor against replays.
    #[must_use]
    pub fn basic_auth(mut self, credentials: impl Into<Secret>) -> Self {
        self.keys.push(KeySpec::BasicAuth(credentials.into()));
        self
    }

    /// Answers a request whose tenant the resolver does not know with [`ErrorKind::UnknownTenant`](crate::ErrorKind::UnknownTenant) (`404`) instead
    /// of the `401` of a bad signature, which tells any sender which tenants exist. Off by default.
    #[must_use]
    pub const fn reveal_unknown_tenant(mut self) -> Self {
        self.reveal_unknown_tenant = true;
        self
    }

    /// **Dangerous**, Adyen only: accepts notifications that carry more than one item. Each item is signed on its
    /// own, so a batch can be recombined from captured items (`[B, A]`, `[A, A]` or `[A]` out of `[A, B]`); by
    /// default a notification with more than one item is refused (`400`), as Adyen sends one item per
    /// notification. With this, a batch is deduplicated on the set of its items' `pspReference:eventCode` (order
    /// and repeats ignored), but a subset of a processed batch is new to the receiver: **deduplicate each item in
    /// your handler** by its `pspReference`.
    #[must_use]
    pub const fn dangerous_allow_adyen_batches(mut self) -> Self {
        self.adyen_batches = true;
        self
    }

    /// **Dangerous:** accepts any timestamp, however old, so a captured delivery can be replayed forever. Only for
    /// re-verifying stored deliveries, never for a live endpoint.
    #[must_use]
    pub const fn dangerous_skip_timestamp_check(mut self) -> Self {
        self.check_timestamp = false;
        self
    }

    /// **Dangerous:** accepts HMAC secrets shorter than 6 bytes, which no provider issues and anyone can guess, and
    /// Stripe secrets without their `whsec_` prefix. Only for test fixtures, such as Twilio's published example token
    /// `12345` or the `webhook_secret` of Stripe's SDK tests.
    #[must_use]
    pub const fn dangerous_allow_short_secrets(mut self) -> Self {
        self.allow_short_secrets = true;
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
        let paypal = self.paypal_settings()?;
        let keys = match (&self.resolver, self.keys.is_empty()) {
            (None, true) if self.paypal.source.is_some() => {
                let source = self.paypal.source.take().ok_or(ConfigError::NoSecret)?;
                KeySource::Certificates(Arc::new(Certificates::new(source, &self.paypal.roots)?))
            }
            (_, false) if self.paypal.source.is_some() => {
                return Err(ConfigError::PayPal("takes pinned certificates or a certificate source, not both"));
            }
            (Some(resolver), true) => {
                self.scheme.provider().validate()?;
                KeySource::Resolver(resolver.clone())
            }
            (Some(_), false) => return Err(ConfigError::KeysAndResolver),
            (None, true) if self.scheme == Scheme::Notion && self.on_verification_token.is_some() => {
                // Notion's setup period: no key until its verification token arrives.
                self.scheme.provider().validate()?;
                KeySource::Fixed(Arc::new(ArcSwap::from_pointee(KeySet::notion_setup(None))))
            }
            (None, _) => {
                let keys = prepare(&self.scheme, &self.keys, self.allow_short_secrets)?;
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
        Ok(Verifier {
            scheme: self.scheme,
            keys,
            window: self.check_timestamp.then_some(window),
            max_body_size: self.max_body_size,
            public_url,
            reveal_unknown_tenant: self.reveal_unknown_tenant,
            verify_token: self.verify_token,
            on_verification_token: self.on_verification_token,
            paypal,
            adyen_batches: self.adyen_batches,
        })
    }

    /// PayPal's settings, checked: a webhook id for PayPal, and no PayPal setting for another scheme.
    fn paypal_settings(&self) -> Result<Option<Arc<paypal::Settings>>, ConfigError> {
        if self.scheme != Scheme::PayPal {
            return if self.paypal.any() {
                Err(ConfigError::PayPal("a webhook id, certificate source or root is a PayPal setting"))
            } else {
                Ok(None)
            };
        }
        let webhook_id = self.paypal.webhook_id.clone().unwrap_or_default();
        if webhook_id.is_empty() || webhook_id.trim() != webhook_id || webhook_id.contains('|') {
            return Err(ConfigError::PayPal("needs the subscription's webhook id: call `.webhook_id(..)`"));
        }
        if self.keys.is_empty() && self.paypal.source.is_none() && self.resolver.is_none() {
            return Err(ConfigError::PayPal("needs a pinned `.certificate(..)` or a `.certificate_source(..)`"));
        }
        let (sandbox, allow_sha1) = (self.paypal.sandbox, self.paypal.allow_sha1);
        Ok(Some(Arc::new(paypal::Settings { webhook_id, sandbox, allow_sha1, certificate_url: None })))
    }
}

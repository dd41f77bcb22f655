//! [`Keys`]: a prepared set of keys for one scheme (a verifier's own, or one tenant's from a
//! [`KeyResolver`](crate::KeyResolver)), with the usage count of each key.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::ConfigError;
use crate::key::{HmacKey, Key, Material, PublicKey, Secret, SecretEncoding, parse_public_key};
use crate::scheme::Scheme;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// The most keys one verifier holds. Rotation needs two; a few more cover several overlapping rollovers.
pub const MAX_SECRETS: usize = 8;

/// The shortest HMAC secret accepted, in key bytes, unless short secrets are allowed.
const MIN_SECRET_LEN: usize = 6;

/// Keys prepared for one scheme: each secret keyed, each public key parsed, every mistake reported at
/// [`build`](KeysBuilder::build). Cheap to clone (one `Arc`); a resolver builds a tenant's `Keys` once and caches
/// them, and [`Verifier::replace_keys`](crate::Verifier::replace_keys) swaps a running verifier's keys for new ones.
///
/// ```
/// use hooksafe::{Keys, Scheme, Secret};
///
/// let keys = Keys::builder(&Scheme::GitHub)
///     .secret(Secret::new("acme's webhook secret").id("acme-2026"))
///     .tenant("acme")
///     .build()?;
/// assert_eq!(keys.tenant(), Some("acme"));
/// assert_eq!(keys.usage(), vec![("acme-2026".to_owned(), 0)]);
/// # Ok::<(), hooksafe::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Keys(pub(crate) Arc<KeySet>);

/// What [`Keys`] holds.
#[derive(Debug)]
pub(crate) struct KeySet {
    /// The scheme the keys were prepared for.
    pub(crate) scheme: Scheme,
    pub(crate) keys: Box<[Key]>,
    pub(crate) tenant: Option<Arc<str>>,
    /// Whether any key has a validity bound, so verification must read the clock.
    pub(crate) bounded: bool,
    /// Whether any key is [on trial](crate::Secret::report_only), so a delivery is also tried against it.
    pub(crate) on_trial: bool,
    /// Whether these are a Notion subscription's keys during its setup: none yet, and its verification request
    /// goes to the verifier's callback.
    pub(crate) setup: bool,
}

impl KeySet {
    pub(crate) fn new(scheme: Scheme, keys: Box<[Key]>, tenant: Option<Arc<str>>) -> Self {
        let bounded = keys.iter().any(|key| key.validity.is_bounded());
        let on_trial = keys.iter().any(|key| key.validity.report_only);
        Self { scheme, keys, tenant, bounded, on_trial, setup: false }
    }

    /// The keys of a Notion subscription being set up: none, until its verification token is configured.
    pub(crate) fn notion_setup(tenant: Option<Arc<str>>) -> Self {
        Self {
            scheme: Scheme::notion().into(),
            keys: Box::new([]),
            tenant,
            bounded: false,
            on_trial: false,
            setup: true,
        }
    }
}

impl Keys {
    /// Starts preparing keys for `scheme`. Only its provider counts: the provider's configuration (Square's
    /// notification URL, PayPal's webhook id, Meta's Verify Token, Notion's callback, Adyen's batches) is the
    /// verifier's, whatever these keys were built with.
    pub fn builder(scheme: &Scheme) -> KeysBuilder {
        KeysBuilder {
            scheme: scheme.clone(),
            specs: Vec::new(),
            tenant: None,
            allow_short_secrets: false,
            notion_setup: false,
        }
    }

    /// The tenant these keys belong to, if named: part of the dedup namespace of the deliveries they verify.
    pub fn tenant(&self) -> Option<&str> {
        self.0.tenant.as_deref()
    }

    /// Each key's id and how many deliveries it has verified, in the order the keys were given. A retired key whose
    /// count stopped growing can be deleted. For a key [on trial](crate::Secret::report_only): how many deliveries it
    /// would have matched.
    pub fn usage(&self) -> Vec<(String, u64)> {
        self.0.keys.iter().map(|key| (key.id.to_string(), key.uses.load(Ordering::Relaxed))).collect()
    }
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").field("tenant", &self.0.tenant).field("keys", &self.0.keys).finish()
    }
}

/// A key as given, before it is checked.
#[derive(Debug, Clone)]
pub(crate) enum KeySpec {
    Secret(Secret),
    /// A secret that is standard base64 of the key, without any prefix (Brex's).
    RawBase64(Secret),
    /// HTTP Basic credentials, `user:password` (Bitbucket Server's alternative to a secret).
    BasicAuth(Secret),
    Public(PublicKey),
    /// A pinned PEM certificate (PayPal).
    Certificate(String),
}

/// Configures [`Keys`]; mistakes are reported by [`build`](Self::build).
#[derive(Debug, Clone)]
pub struct KeysBuilder {
    scheme: Scheme,
    specs: Vec<KeySpec>,
    tenant: Option<String>,
    allow_short_secrets: bool,
    notion_setup: bool,
}

impl KeysBuilder {
    key_setters!();

    /// Names the tenant these keys belong to: its deliveries are deduplicated in a namespace of their own, so two
    /// tenants' events with the same id are both processed.
    #[must_use]
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Notion only: the keys of a tenant whose subscription is being set up, with no secret yet. Its verification
    /// request (the token Notion sends unsigned) reaches the verifier's
    /// [`on_verification_token`](crate::scheme::Notion::on_verification_token) callback with the tenant; any other
    /// request is refused. Once you have confirmed the token in Notion, build the tenant's keys with it as the secret
    /// instead, which ends the setup: from then on a verification request is refused (`403`).
    #[must_use]
    pub const fn notion_setup(mut self) -> Self {
        self.notion_setup = true;
        self
    }

    /// Checks and prepares every key.
    ///
    /// # Errors
    /// [`ConfigError`] when there is no key (except in [`notion_setup`](Self::notion_setup)) or too many, a key is
    /// of a kind the scheme does not take, a secret is empty, has surrounding white space, does not decode or has a
    /// length the scheme refuses, a public key does not decode to a valid key, or two keys share an id.
    pub fn build(self) -> Result<Keys, ConfigError> {
        if self.notion_setup {
            if !matches!(self.scheme, Scheme::Notion(_)) || !self.specs.is_empty() {
                return Err(ConfigError::NotionSetup("is for a Notion tenant that has no secret yet"));
            }
            return Ok(Keys(Arc::new(KeySet::notion_setup(self.tenant.map(Arc::from)))));
        }
        let keys = prepare(&self.scheme, &self.specs, self.allow_short_secrets)?;
        Ok(Keys(Arc::new(KeySet::new(self.scheme, keys, self.tenant.map(Arc::from)))))
    }
}

/// Checks and prepares `specs` for `scheme`: the one place keys are made.
pub(crate) fn prepare(scheme: &Scheme, specs: &[KeySpec], allow_short: bool) -> Result<Box<[Key]>, ConfigError> {
    if specs.is_empty() {
        return Err(ConfigError::NoSecret);
    }
    if specs.len() > MAX_SECRETS {
        return Err(ConfigError::TooManySecrets { count: specs.len(), max: MAX_SECRETS });
    }
    // Built at its final capacity, so no key material is left behind in a reallocated block.
    let mut keys = Vec::with_capacity(specs.len());
    for (position, spec) in specs.iter().enumerate() {
        let index = position + 1;
        let token = |wire: Zeroizing<Vec<u8>>, secret: &Secret| {
            token_checks(secret.text(), index, allow_short)?;
            let digest: [u8; 32] = Sha256::digest(&*wire).into();
            Ok::<_, ConfigError>(Material::Token(Zeroizing::new(digest)))
        };
        let (id, material, validity) = match spec {
            KeySpec::Secret(secret) => match scheme.provider().token_wire_form(secret.text(), index)? {
                Some(wire) => (secret.id_value(), token(wire, secret)?, secret.validity()),
                None => {
                    let Some((mac, encoding)) = scheme.provider().hmac() else {
                        return Err(ConfigError::KeyKindNotAccepted { index, given: "secret" });
                    };
                    let mac = HmacKey::from_secret(mac, encoding, secret.text(), index)?;
                    check_secret(scheme, secret.text(), index, allow_short)?;
                    (secret.id_value(), Material::Hmac(mac), secret.validity())
                }
            },
            KeySpec::RawBase64(secret) => {
                let Some((mac, encoding)) = scheme.provider().hmac() else {
                    return Err(ConfigError::KeyKindNotAccepted { index, given: "secret" });
                };
                // Base64 has no `_`: a prefixed `whsec_…` secret belongs in `secret(..)`.
                if secret.text().contains('_') {
                    return Err(ConfigError::UndecodableSecret { index, encoding: "base64" });
                }
                // Standard Webhooks keeps its 24 to 64 bytes; every other scheme takes the decoded bytes as they are.
                let encoding = match encoding {
                    SecretEncoding::StandardWebhooks => SecretEncoding::StandardWebhooks,
                    _ => SecretEncoding::Base64,
                };
                let mac = HmacKey::from_secret(mac, encoding, secret.text(), index)?;
                (secret.id_value(), Material::Hmac(mac), secret.validity())
            }
            KeySpec::BasicAuth(credentials) => {
                let Some(wire) = scheme.provider().basic_auth_wire_form(credentials.text(), index)? else {
                    return Err(ConfigError::KeyKindNotAccepted { index, given: "Basic credential" });
                };
                (credentials.id_value(), token(wire, credentials)?, credentials.validity())
            }
            KeySpec::Public(key) => {
                let Some(format) = scheme.provider().public_key_format() else {
                    return Err(ConfigError::KeyKindNotAccepted { index, given: "public key" });
                };
                (key.id_value(), parse_public_key(format, key.text(), index)?, key.validity())
            }
            KeySpec::Certificate(pem) => {
                if !scheme.provider().takes_certificates() {
                    return Err(ConfigError::KeyKindNotAccepted { index, given: "certificate" });
                }
                let (material, validity) = crate::certificate::pinned(pem, index)?;
                (None, material, validity)
            }
        };
        let id: Arc<str> = id.map_or_else(|| index.to_string().into(), Into::into);
        if keys.iter().any(|key: &Key| key.id == id) {
            return Err(ConfigError::DuplicateKeyId { id: id.to_string() });
        }
        keys.push(Key { id, material, validity, uses: AtomicU64::new(0) });
    }
    if keys.iter().all(|key| key.validity.report_only) {
        return Err(ConfigError::OnlyReportOnlyKeys);
    }
    Ok(keys.into_boxed_slice())
}

/// The key setters of the two builders that take keys, [`VerifierBuilder`](crate::VerifierBuilder) (a verifier's
/// own keys) and [`KeysBuilder`] (a tenant's, for a resolver): written once. Each builder has the `specs` and
/// `allow_short_secrets` fields they fill.
macro_rules! key_setters {
    () => {
        /// Adds a shared secret, exactly as the provider's dashboard shows it (Standard Webhooks and Svix: `whsec_` +
        /// base64, the prefix optional; Stripe: the whole `whsec_…` string; Twilio: the Auth Token; others: the text
        /// as given). Give a [`Secret`](crate::Secret) to name it: `Secret::new("…").id("2025-rotation")`. Call it
        /// again for each secret during a rotation: a delivery signed by any of them is accepted, and
        /// [`Verified::key_id`](crate::Verified::key_id) says which.
        #[must_use]
        pub fn secret(mut self, secret: impl Into<crate::key::Secret>) -> Self {
            self.specs.push(crate::keys::KeySpec::Secret(secret.into()));
            self
        }

        /// Adds a provider's public key, for the asymmetric schemes: Standard Webhooks / Svix `v1a` (`whpk_` +
        /// base64), Discord (the application's hex public key), SendGrid (the base64 verification key). Give a
        /// [`PublicKey`](crate::PublicKey) to name it. Standard Webhooks may hold secrets and public keys together:
        /// each signature entry is compared only with keys of its own kind.
        #[must_use]
        pub fn public_key(mut self, key: impl Into<crate::key::PublicKey>) -> Self {
            self.specs.push(crate::keys::KeySpec::Public(key.into()));
            self
        }

        /// Pins a certificate, for the schemes whose keys are certificates (PayPal): the PEM the provider serves at
        /// the certificate URL of its deliveries. It is trusted as given, but only inside its validity period at the
        /// verification time; call it again to pin the next certificate before the provider switches. See
        /// [`crate::paypal`].
        #[must_use]
        pub fn certificate(mut self, pem: impl Into<String>) -> Self {
            self.specs.push(crate::keys::KeySpec::Certificate(pem.into()));
            self
        }

        /// Adds a secret that is standard base64 of the key with no prefix, such as Brex's (which is Standard
        /// Webhooks underneath, its secrets listed without `whsec_`). Standard Webhooks keeps its 24 to 64 byte
        /// bound; other schemes key with the decoded bytes.
        #[must_use]
        pub fn raw_base64_secret(mut self, secret: impl Into<crate::key::Secret>) -> Self {
            self.specs.push(crate::keys::KeySpec::RawBase64(secret.into()));
            self
        }

        /// Adds HTTP Basic credentials, `user:password`: for Bitbucket Server configured with a username and password
        /// instead of a secret (Azure DevOps takes them as its secret). Compared in constant time; they protect
        /// neither the body nor against replays.
        #[must_use]
        pub fn basic_auth(mut self, credentials: impl Into<crate::key::Secret>) -> Self {
            self.specs.push(crate::keys::KeySpec::BasicAuth(credentials.into()));
            self
        }

        /// **Dangerous:** accepts HMAC secrets shorter than 6 bytes, which no provider issues and anyone can guess,
        /// and Stripe secrets without their `whsec_` prefix. Only for test fixtures, such as Twilio's published
        /// example token `12345` or the `webhook_secret` of Stripe's SDK tests.
        #[must_use]
        pub const fn dangerous_allow_short_secrets(mut self) -> Self {
            self.allow_short_secrets = true;
            self
        }
    };
}
pub(crate) use key_setters;

/// The checks a shared token gets: not empty, no surrounding white space, not guessably short.
fn token_checks(text: &str, index: usize, allow_short: bool) -> Result<(), ConfigError> {
    if text.is_empty() {
        return Err(ConfigError::EmptySecret { index });
    }
    if text.trim() != text {
        return Err(ConfigError::SecretWhitespace { index });
    }
    if !allow_short && text.len() < MIN_SECRET_LEN {
        return Err(ConfigError::WeakSecret { index, len: text.len(), min: MIN_SECRET_LEN });
    }
    Ok(())
}

/// The checks a secret's text gets before it is keyed: the provider's format, and a length no provider goes under.
fn check_secret(scheme: &Scheme, text: &str, index: usize, allow_short: bool) -> Result<(), ConfigError> {
    scheme.provider().check_secret(text, index, allow_short)?;
    let plain = matches!(scheme.provider().hmac(), Some((_, SecretEncoding::Utf8)));
    if plain && !allow_short && text.len() < MIN_SECRET_LEN {
        return Err(ConfigError::WeakSecret { index, len: text.len(), min: MIN_SECRET_LEN });
    }
    Ok(())
}

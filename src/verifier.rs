//! [`Verifier`]: the policy (keys, tolerance, body cap, public URL), checked once at build, applied to every
//! request.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use arc_swap::ArcSwap;

use http::request::Parts;
use http::{HeaderMap, Request};
use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use sha2::{Digest, Sha256};
use std::time::Duration;
use subtle::ConstantTimeEq as _;

use time::OffsetDateTime;

use crate::error::{ConfigError, Detail, Error, ErrorKind};
use crate::key::{Key, Material, PublicKey, Secret, SharedToken};
use crate::keys::{KeySet, KeySpec, Keys, prepare};
use crate::paypal::{CertificateSource, Certificates, DynSource};
use crate::request::{Incoming, PublicUrl};
use crate::resolver::{DynResolver, KeyResolver, PathParams, RequestHead};
use crate::scheme::tag::{Candidate, Decoded, decode, digest};
use crate::scheme::{Candidates, CheckConfig, CheckKeys, Context, KeyKind, Message, Parsed, Scheme, Signed, paypal};
use crate::verified::Verified;

/// The most keys one verifier holds. Rotation needs two; a few more cover several overlapping rollovers.
pub const MAX_SECRETS: usize = 8;

/// The default replay tolerance, in each direction: 300 seconds, as Standard Webhooks, Stripe and Slack specify.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The longest tolerance a verifier accepts in either direction: one hour.
pub const MAX_TOLERANCE: Duration = Duration::from_secs(3600);

/// The last second `time` represents (9999-12-31 23:59:59 UTC); later timestamps are invalid, not merely stale,
/// since [`Verified::timestamp`] could not express them.
const LATEST_TIMESTAMP: i64 = time::PrimitiveDateTime::MAX.assume_utc().unix_timestamp();

/// Verifies webhook deliveries of one scheme against one or more keys.
///
/// Build it once at start-up with [`Verifier::builder`] and share it (it is `Send + Sync`; wrap it in an `Arc` or
/// keep it in your application state). Each request is checked in this order: body size, headers, timestamp window,
/// signature. For HMAC schemes that sign only headers and body, nothing is allocated on a successful verification.
///
/// ```
/// use hooksafe::{Scheme, Verifier, sign::Signer};
///
/// let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_test").build()?;
///
/// // What Stripe would send (see `hooksafe::sign` for testing your own handlers).
/// let body = br#"{"id":"evt_1","type":"invoice.paid"}"#;
/// let now = time::OffsetDateTime::now_utc();
/// let headers = Signer::new(Scheme::Stripe, "whsec_test")?.headers("evt_1", now, body)?;
///
/// let verified = verifier.verify(&headers, body)?;
/// assert_eq!(verified.id(), Some("evt_1"));
/// assert_eq!(verified.key_id(), "1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Clones share their keys: [`replace_keys`](Self::replace_keys) on one is seen by all.
#[derive(Debug, Clone)]
pub struct Verifier {
    scheme: Scheme,
    keys: KeySource,
    window: Option<Window>,
    max_body_size: usize,
    public_url: Option<PublicUrl>,
    reveal_unknown_tenant: bool,
    /// Meta's Verify Token, for its subscription check.
    verify_token: Option<SharedToken>,
    /// What receives Notion's verification token.
    on_verification_token: Option<TokenCallback>,
    /// PayPal's webhook id and certificate policy.
    paypal: Option<Arc<paypal::Settings>>,
    /// Whether an Adyen notification may carry more than one item.
    adyen_batches: bool,
}

/// The application's callback for Notion's verification token.
#[derive(Clone)]
struct TokenCallback(Arc<crate::scheme::TokenCallback>);

impl std::fmt::Debug for TokenCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCallback")
    }
}

/// Where a verifier's keys come from.
#[derive(Clone)]
enum KeySource {
    /// Its own, swapped atomically by [`Verifier::replace_keys`]: readers never block or see a half-updated set.
    Fixed(Arc<ArcSwap<KeySet>>),
    /// Looked up for each request.
    Resolver(Arc<dyn DynResolver>),
    /// PayPal's certificates, fetched by the URL each request names and checked.
    Certificates(Arc<Certificates>),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Fixed(keys) => f.debug_tuple("Fixed").field(&keys.load().keys).finish(),
            Self::Resolver(_) => f.write_str("Resolver"),
            Self::Certificates(certificates) => certificates.fmt(f),
        }
    }
}

/// How far a timestamp may be from now, in whole seconds, each bound inclusive.
#[derive(Debug, Clone, Copy)]
struct Window {
    past: i64,
    future: i64,
}

impl Verifier {
    /// Starts configuring a verifier for `scheme`.
    pub fn builder(scheme: Scheme) -> VerifierBuilder {
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

    /// Replaces the keys of a running verifier (and of its clones) at once: requests already verifying finish with
    /// the old keys, the next ones use the new, and none ever blocks or sees a mix. For reloading from a secrets
    /// manager without a restart.
    ///
    /// # Errors
    /// [`ConfigError::KeysForAnotherScheme`] when `keys` were prepared for another scheme;
    /// [`ConfigError::KeysAreResolved`] for a verifier built with a [`resolver`](VerifierBuilder::resolver).
    pub fn replace_keys(&self, keys: Keys) -> Result<(), ConfigError> {
        let KeySource::Fixed(current) = &self.keys else { return Err(ConfigError::KeysAreResolved) };
        if keys.0.scheme != self.scheme {
            return Err(ConfigError::KeysForAnotherScheme { prepared_for: keys.0.scheme.to_string() });
        }
        current.store(keys.0);
        Ok(())
    }

    /// The verifier's own keys, with their usage counts (see [`Keys::usage`]); `None` when it resolves keys per
    /// request (read the counts from the [`Keys`] your resolver returns).
    pub fn keys(&self) -> Option<Keys> {
        match &self.keys {
            KeySource::Fixed(keys) => Some(Keys(keys.load_full())),
            KeySource::Resolver(_) | KeySource::Certificates(_) => None,
        }
    }

    /// The scheme this verifier checks.
    pub const fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// How far apart a timestamp and the clock may be in all (past plus future tolerance), or `None` when the
    /// scheme signs no timestamp or the check is skipped. A dedup record must outlive it.
    pub fn replay_window(&self) -> Option<Duration> {
        let window = self.window.filter(|_| self.scheme.has_timestamp())?;
        Some(Duration::from_secs(window.past.unsigned_abs() + window.future.unsigned_abs()))
    }

    /// The largest body accepted, in bytes.
    pub const fn max_body_size(&self) -> usize {
        self.max_body_size
    }

    /// The checks an adapter makes on the request head before it buffers the body: a declared `Content-Length`
    /// over [`max_body_size`](Self::max_body_size), or a `Content-Encoding` other than `identity`.
    ///
    /// # Errors
    /// [`ErrorKind::PayloadTooLarge`] or [`ErrorKind::UnsupportedEncoding`].
    pub fn check_head(&self, headers: &HeaderMap) -> Result<(), Error> {
        let declared =
            headers.get(http::header::CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > self.max_body_size as u64) {
            return Err(Error::too_large(self.max_body_size));
        }
        let encoded = headers
            .get_all(http::header::CONTENT_ENCODING)
            .iter()
            .any(|value| !value.as_bytes().eq_ignore_ascii_case(b"identity"));
        if encoded {
            return Err(Error::new(
                ErrorKind::UnsupportedEncoding,
                Some(http::header::CONTENT_ENCODING),
                Detail::Text(
                    "is not `identity`: decompress in a layer in front, or have the provider send plain bodies",
                ),
            ));
        }
        Ok(())
    }

    /// Verifies a delivery from its headers and raw body against the system clock, for schemes that sign no method
    /// or URL. See [`verify_at`](Self::verify_at).
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at).
    pub fn verify<'a>(&self, headers: &'a HeaderMap, body: &'a [u8]) -> Result<Verified<'a>, Error> {
        self.verify_with(Incoming { method: None, uri: None, headers, body }, unix_now)
    }

    /// Verifies a delivery (its headers and the raw body exactly as received) as of `now`.
    ///
    /// A scheme that signs the method or URL (Twilio, a custom scheme with `{method}` or `{url}`) fails here with
    /// [`ErrorKind::RequestLineRequired`]: use [`verify_parts_at`](Self::verify_parts_at).
    ///
    /// # Errors
    /// - [`ErrorKind::PayloadTooLarge`] when the body is over [`max_body_size`](Self::max_body_size);
    /// - [`ErrorKind::MissingHeader`] or [`ErrorKind::MalformedHeader`] when a header the scheme needs is absent,
    ///   empty, repeated, or not in the scheme's format;
    /// - [`ErrorKind::InvalidTimestamp`] when the timestamp is not canonical unix seconds;
    /// - [`ErrorKind::TimestampTooOld`] or [`ErrorKind::TimestampTooNew`] when it is outside the window;
    /// - [`ErrorKind::MalformedBody`] when the body is not in the form the scheme signs;
    /// - [`ErrorKind::RequestLineRequired`] or [`ErrorKind::PublicUrlRequired`] when the scheme signs what was not
    ///   given;
    /// - [`ErrorKind::InvalidSignature`] when no signature matches any key.
    pub fn verify_at<'a>(
        &self,
        headers: &'a HeaderMap,
        body: &'a [u8],
        now: OffsetDateTime,
    ) -> Result<Verified<'a>, Error> {
        self.verify_with(Incoming { method: None, uri: None, headers, body }, || now.unix_timestamp())
    }

    /// Verifies an `http::Request` whose body is already buffered (what `lambda_http` and other serverless
    /// runtimes hand a handler): its method, URI, headers and body, against the system clock.
    ///
    /// # Errors
    /// As [`verify_parts_at`](Self::verify_parts_at).
    pub fn verify_request<'a, B: AsRef<[u8]>>(&self, request: &'a Request<B>) -> Result<Verified<'a>, Error> {
        self.verify_with(Incoming::from_request(request), unix_now)
    }

    /// Verifies an `http::Request` whose body is already buffered as of `now`: for tests and replays of stored
    /// deliveries. See [`verify_parts_at`](Self::verify_parts_at).
    ///
    /// # Errors
    /// As [`verify_parts_at`](Self::verify_parts_at).
    pub fn verify_request_at<'a, B: AsRef<[u8]>>(
        &self,
        request: &'a Request<B>,
        now: OffsetDateTime,
    ) -> Result<Verified<'a>, Error> {
        self.verify_with(Incoming::from_request(request), || now.unix_timestamp())
    }

    /// Verifies a request head and its buffered body against the system clock: what the adapters call. See
    /// [`verify_parts_at`](Self::verify_parts_at).
    ///
    /// # Errors
    /// As [`verify_parts_at`](Self::verify_parts_at).
    pub fn verify_parts<'a>(&self, parts: &'a Parts, body: &'a [u8]) -> Result<Verified<'a>, Error> {
        self.verify_with(Incoming::from_parts(parts, body), unix_now)
    }

    /// Verifies a request head and its buffered body as of `now`. The URL a scheme signs is the configured
    /// [`public_url`](VerifierBuilder::public_url) followed by the request's path and query, or else the request's
    /// URI when it is absolute.
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at).
    pub fn verify_parts_at<'a>(
        &self,
        parts: &'a Parts,
        body: &'a [u8],
        now: OffsetDateTime,
    ) -> Result<Verified<'a>, Error> {
        self.verify_with(Incoming::from_parts(parts, body), || now.unix_timestamp())
    }

    /// Verifies an `http::Request` whose body is already buffered against the system clock, resolving its keys
    /// first if the verifier has a [`resolver`](VerifierBuilder::resolver) (the route's [`PathParams`] are read from
    /// the request's extensions). With fixed keys it is [`verify_request`](Self::verify_request).
    ///
    /// # Errors
    /// As [`verify_parts_async_at`](Self::verify_parts_async_at).
    pub async fn verify_request_async<'a, B: AsRef<[u8]>>(
        &self,
        request: &'a Request<B>,
    ) -> Result<Verified<'a>, Error> {
        self.verify_resolving(Incoming::from_request(request), request.extensions().get(), unix_now).await
    }

    /// As [`verify_request_async`](Self::verify_request_async), as of `now`.
    ///
    /// # Errors
    /// As [`verify_parts_async_at`](Self::verify_parts_async_at).
    pub async fn verify_request_async_at<'a, B: AsRef<[u8]>>(
        &self,
        request: &'a Request<B>,
        now: OffsetDateTime,
    ) -> Result<Verified<'a>, Error> {
        let clock = move || now.unix_timestamp();
        self.verify_resolving(Incoming::from_request(request), request.extensions().get(), clock).await
    }

    /// Verifies a request head and its buffered body against the system clock, resolving the keys first if the
    /// verifier has a resolver. See [`verify_parts_async_at`](Self::verify_parts_async_at).
    ///
    /// # Errors
    /// As [`verify_parts_async_at`](Self::verify_parts_async_at).
    pub async fn verify_parts_async<'a>(&self, parts: &'a Parts, body: &'a [u8]) -> Result<Verified<'a>, Error> {
        self.verify_resolving(Incoming::from_parts(parts, body), parts.extensions.get(), unix_now).await
    }

    /// Verifies a request head and its buffered body as of `now`, like [`verify_parts_at`](Self::verify_parts_at),
    /// with the keys a [`resolver`](VerifierBuilder::resolver) returns for it. The resolver is asked only once the
    /// size, the headers and the timestamp passed, so a malformed or stale request never reaches your database.
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at), and [`ErrorKind::KeysUnavailable`] when the resolver fails,
    /// [`ErrorKind::UnknownTenant`] (if revealed; else [`ErrorKind::InvalidSignature`]) when it knows no keys for
    /// the request.
    pub async fn verify_parts_async_at<'a>(
        &self,
        parts: &'a Parts,
        body: &'a [u8],
        now: OffsetDateTime,
    ) -> Result<Verified<'a>, Error> {
        let clock = move || now.unix_timestamp();
        self.verify_resolving(Incoming::from_parts(parts, body), parts.extensions.get(), clock).await
    }

    /// The synchronous path, for fixed keys; `clock` (unix seconds) is read only when the scheme has a timestamp or
    /// a key has a validity bound.
    pub(crate) fn verify_with<'a>(
        &self,
        request: Incoming<'a>,
        clock: impl Fn() -> i64,
    ) -> Result<Verified<'a>, Error> {
        self.check_size(&request)?;
        let KeySource::Fixed(keys) = &self.keys else { return Err(Error::resolver_requires_async()) };
        if self.scheme.is_unsigned_check(&request) {
            let needs_keys = self.scheme.unsigned_check_needs_keys(&request, &self.check_config())?;
            return self.answer_unsigned(&request, needs_keys.then(|| keys.load_full()).as_deref(), &clock);
        }
        let parsed = self.scheme.parse(&request, self.context())?;
        let timestamp = self.check_timestamp(&parsed, &clock)?;
        self.finish(&request, &parsed, timestamp, &keys.load(), &clock)
    }

    /// The asynchronous path: as [`verify_with`](Self::verify_with), with the keys resolved for the request.
    pub(crate) async fn verify_resolving<'a>(
        &self,
        request: Incoming<'a>,
        params: Option<&PathParams>,
        clock: impl Fn() -> i64,
    ) -> Result<Verified<'a>, Error> {
        self.check_size(&request)?;
        if self.scheme.is_unsigned_check(&request) {
            // The keys are looked up only when the answer needs them: an unauthenticated check costs no lookup and
            // tells nothing of which tenants exist.
            let keys = match self.scheme.unsigned_check_needs_keys(&request, &self.check_config())? {
                true => Some(self.keys_for(&request, params, &clock).await?),
                false => None,
            };
            return self.answer_unsigned(&request, keys.as_deref(), &clock);
        }
        let parsed = self.scheme.parse(&request, self.context())?;
        let timestamp = self.check_timestamp(&parsed, &clock)?;
        let keys = self.keys_for(&request, params, &clock).await?;
        self.finish(&request, &parsed, timestamp, &keys, &clock)
    }

    /// What the scheme's parse needs beside the request.
    fn context(&self) -> Context<'_> {
        Context {
            public_url: self.public_url.as_ref(),
            paypal: self.paypal.as_deref().unwrap_or(&paypal::NO_SETTINGS),
            adyen_batches: self.adyen_batches,
        }
    }

    /// The keys for `request`: the verifier's own, the resolver's answer, or the certificate the request names.
    async fn keys_for(
        &self,
        request: &Incoming<'_>,
        params: Option<&PathParams>,
        clock: &impl Fn() -> i64,
    ) -> Result<Arc<KeySet>, Error> {
        Ok(match &self.keys {
            KeySource::Fixed(keys) => keys.load_full(),
            KeySource::Certificates(certificates) => {
                let url = paypal::certificate_url(request.headers, self.context().paypal)?;
                certificates.keys(url, clock()).await?
            }
            KeySource::Resolver(resolver) => {
                let head = RequestHead { method: request.method, uri: request.uri, headers: request.headers, params };
                match resolver.resolve_boxed(&head).await {
                    Ok(Some(keys)) if keys.0.scheme == self.scheme && keys.0.tenant.is_some() => keys.0,
                    Ok(Some(keys)) if keys.0.scheme == self.scheme => {
                        // Without a tenant name, every tenant's deliveries would share one dedup namespace, and one
                        // tenant could claim another's ids first.
                        return Err(Error::keys_unavailable(
                            None,
                            "could not be verified: the resolver returned keys without a tenant name \
                             (`Keys::builder(..).tenant(..)`)",
                        ));
                    }
                    Ok(Some(_)) => {
                        return Err(Error::keys_unavailable(
                            None,
                            "could not be verified: the resolver returned keys for another scheme",
                        ));
                    }
                    Ok(None) => return Err(Error::unknown_tenant(self.reveal_unknown_tenant)),
                    Err(error) => {
                        return Err(Error::keys_unavailable(
                            Some(error),
                            "could not be verified: its keys could not be looked up",
                        ));
                    }
                }
            }
        })
    }

    /// The first check: the size.
    fn check_size(&self, request: &Incoming<'_>) -> Result<(), Error> {
        if request.body.len() > self.max_body_size {
            return Err(Error::too_large(self.max_body_size));
        }
        Ok(())
    }

    /// Answers an endpoint check the provider sends unsigned (Dropbox, Nylas, X, Meta, Notion), with the keys where
    /// the answer needs them: the first key valid now (X's CRC), the tenant and whether any key is configured
    /// (Notion's setup).
    fn answer_unsigned<'a>(
        &self,
        request: &Incoming<'a>,
        keys: Option<&KeySet>,
        clock: &impl Fn() -> i64,
    ) -> Result<Verified<'a>, Error> {
        let check_keys = keys.map_or_else(CheckKeys::default, |keys| {
            let now = keys.bounded.then(clock);
            CheckKeys {
                key: keys.keys.iter().find(|key| now.is_none_or(|now| key.validity.contains(now))),
                tenant: keys.tenant.as_deref(),
                configured: !keys.setup,
            }
        });
        let handshake = self.scheme.unsigned_handshake(request, &check_keys, &self.check_config())?;
        Ok(Verified::unsigned_handshake(handshake))
    }

    /// What the unsigned endpoint checks are configured with.
    fn check_config(&self) -> CheckConfig<'_> {
        CheckConfig {
            verify_token: self.verify_token.as_ref().map(SharedToken::as_bytes),
            on_verification_token: self.on_verification_token.as_ref().map(|callback| &*callback.0),
        }
    }

    /// The signed timestamp against the window. `parsed` stays where the caller made it: it is large, and moving it
    /// on every request would cost more than the check.
    fn check_timestamp(&self, parsed: &Parsed<'_, '_>, clock: &impl Fn() -> i64) -> Result<Option<i64>, Error> {
        let timestamp = match parsed.timestamp {
            Some((seconds, header)) => {
                if let Some(window) = self.window {
                    window.check(seconds, clock(), header)?;
                }
                if seconds > LATEST_TIMESTAMP {
                    return Err(header.map_or_else(
                        || Error::malformed_body("carries a timestamp outside the representable dates"),
                        |header| Error::invalid_timestamp(header.clone()),
                    ));
                }
                Some(seconds)
            }
            None => None,
        };
        Ok(timestamp)
    }

    /// The checks with the keys: the signature, then what the verified body says (Linear's timestamp, a handshake).
    fn finish<'a>(
        &self,
        request: &Incoming<'a>,
        parsed: &Parsed<'_, 'a>,
        timestamp: Option<i64>,
        keys: &KeySet,
        clock: &impl Fn() -> i64,
    ) -> Result<Verified<'a>, Error> {
        let now = keys.bounded.then(clock);
        let key = self.matching_key(parsed, &keys.keys, now)?;
        let timestamp = match self.scheme.body_timestamp_field() {
            Some(field) => Some(self.check_body_timestamp(request.body, field, clock)?),
            None => timestamp,
        };
        let handshake = self.scheme.handshake(request, key)?;
        key.uses.fetch_add(1, Ordering::Relaxed);
        let verified = Verified::new(request.body, parsed.id.clone(), timestamp, key.id.clone());
        let verified = verified.with_signed_content(parsed.signed.dedup_content());
        let verified = verified.with_event_type(request.headers, self.scheme.event_type_source());
        Ok(verified.with_tenant(keys.tenant.clone()).with_handshake(handshake))
    }

    /// The timestamp a scheme keeps in its (verified) body, in milliseconds, checked against the window as seconds.
    fn check_body_timestamp(&self, body: &[u8], field: &'static str, clock: &impl Fn() -> i64) -> Result<i64, Error> {
        let millis = crate::verified::top_level_field::<i64>(body, field)
            .ok_or_else(|| Error::malformed_body("has no single integer timestamp field where the scheme signs one"))?;
        let seconds = millis.div_euclid(1000);
        if let Some(window) = self.window {
            window.check(seconds, clock(), None)?;
        }
        if !(0..=LATEST_TIMESTAMP).contains(&seconds) {
            return Err(Error::malformed_body("carries a timestamp outside the representable dates"));
        }
        Ok(seconds)
    }

    /// The first key that one of the request's signatures matches, over every message the scheme may have signed;
    /// that key must also have signed every further message of a batch.
    /// Keys outside their validity at `now` are not tried.
    fn matching_key<'k>(&self, parsed: &Parsed<'_, '_>, keys: &'k [Key], now: Option<i64>) -> Result<&'k Key, Error> {
        let mut well_formed = false;
        let key = self.first_match(&parsed.signed, &parsed.candidates, keys, now, &mut well_formed);
        let Some(key) = key else { return Err(self.no_match(parsed, well_formed)) };
        for (signed, candidates) in &parsed.batch {
            if self.first_match(signed, candidates, std::slice::from_ref(key), now, &mut well_formed).is_none() {
                return Err(Error::invalid_signature(
                    parsed.signature_header.cloned(),
                    "has an item that the key matching the first did not sign",
                ));
            }
        }
        Ok(key)
    }

    /// The first of `keys` that one of `candidates` matches, over every message `signed` may stand for. Records
    /// whether any candidate of a configured kind decoded.
    fn first_match<'k>(
        &self,
        signed: &Signed<'_>,
        candidates: &Candidates<'_>,
        keys: &'k [Key],
        now: Option<i64>,
        well_formed: &mut bool,
    ) -> Option<&'k Key> {
        let tag_len = self.scheme.hmac().map(|(mac, _)| mac.tag_len());
        for message in signed.messages() {
            for (position, key) in keys.iter().enumerate() {
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
                    let expected = expected.get_or_insert_with(|| mac.tag(message));
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

/// The system clock in unix seconds.
pub(crate) fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

impl Window {
    /// Accepts `timestamp` when it is at most `past` seconds before `now` and at most `future` seconds after it.
    /// Computed in `i128`, so no input overflows.
    fn check(self, timestamp: i64, now: i64, header: Option<&http::HeaderName>) -> Result<(), Error> {
        let age = i128::from(now) - i128::from(timestamp);
        let (kind, off_by, tolerance) = if age > i128::from(self.past) {
            (ErrorKind::TimestampTooOld, age, self.past)
        } else if -age > i128::from(self.future) {
            (ErrorKind::TimestampTooNew, -age, self.future)
        } else {
            return Ok(());
        };
        let seconds = u64::try_from(off_by).unwrap_or(u64::MAX);
        let tolerance = u64::try_from(tolerance).unwrap_or(u64::MAX);
        Err(Error::new(kind, header.cloned(), Detail::Skew { seconds, tolerance }))
    }
}

/// Configures a [`Verifier`]. Every mistake is reported by [`build`](Self::build), never at request time.
///
/// Defaults: a tolerance of 300 s in both directions ([`DEFAULT_TOLERANCE`]), the scheme's
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
    /// [`ErrorKind::PublicUrlRequired`]. The URL is never taken from `Host` or `X-Forwarded-*`.
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

    /// The largest body accepted, in bytes; larger bodies are [`ErrorKind::PayloadTooLarge`].
    #[must_use]
    pub const fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Looks the keys up for each request instead of holding them: a tenant's, from your database (see
    /// [`KeyResolver`]). Give no [`secret`](Self::secret) or [`public_key`](Self::public_key) then. Everything else
    /// (window, cap, adapters, deduplication, which now happens per tenant) works the same; verify with the `async`
    /// methods ([`verify_request_async`](Verifier::verify_request_async), [`verify_parts_async`](Verifier::verify_parts_async)),
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

    /// Answers a request whose tenant the resolver does not know with [`ErrorKind::UnknownTenant`] (`404`) instead
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
                self.scheme.validate()?;
                KeySource::Resolver(resolver.clone())
            }
            (Some(_), false) => return Err(ConfigError::KeysAndResolver),
            (None, true) if self.scheme == Scheme::Notion && self.on_verification_token.is_some() => {
                // Notion's setup period: no key until its verification token arrives.
                self.scheme.validate()?;
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Window;
    use crate::ErrorKind;

    /// The window written the other way round: the accepted interval `[now - past, now + future]`, in `i128`.
    fn model(timestamp: i64, now: i64, past: i64, future: i64) -> Option<ErrorKind> {
        let (timestamp, now) = (i128::from(timestamp), i128::from(now));
        if timestamp < now - i128::from(past) {
            Some(ErrorKind::TimestampTooOld)
        } else if timestamp > now + i128::from(future) {
            Some(ErrorKind::TimestampTooNew)
        } else {
            None
        }
    }

    fn decide(timestamp: i64, now: i64, past: i64, future: i64) -> Option<ErrorKind> {
        let header = http::HeaderName::from_static("webhook-timestamp");
        Window { past, future }.check(timestamp, now, Some(&header)).err().map(|error| error.kind())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn the_window_decision_matches_the_interval_model(
            timestamp in any::<i64>(),
            now in any::<i64>(),
            past in 1..=i64::MAX,
            future in 1..=i64::MAX,
        ) {
            prop_assert_eq!(decide(timestamp, now, past, future), model(timestamp, now, past, future));
        }

        #[test]
        fn the_window_decision_matches_the_model_near_its_edges(
            now in any::<i64>(),
            past in 1i64..=1_000_000,
            future in 1i64..=1_000_000,
            offset in -2i64..=2,
            past_edge in any::<bool>(),
        ) {
            let edge = if past_edge { i128::from(now) - i128::from(past) } else { i128::from(now) + i128::from(future) };
            let Ok(timestamp) = i64::try_from(edge + i128::from(offset)) else { return Ok(()) };
            prop_assert_eq!(decide(timestamp, now, past, future), model(timestamp, now, past, future));
        }
    }

    #[test]
    fn the_extremes_decide_without_overflow() {
        for (timestamp, now) in [(i64::MIN, i64::MAX), (i64::MAX, i64::MIN), (i64::MIN, i64::MIN), (i64::MAX, i64::MAX)]
        {
            for (past, future) in [(1, 1), (i64::MAX, i64::MAX), (1, i64::MAX), (i64::MAX, 1)] {
                assert_eq!(decide(timestamp, now, past, future), model(timestamp, now, past, future));
            }
        }
    }
}

//! [`Verifier`]: the policy (keys, tolerance, body cap, public URL), checked once at build, applied to every
//! request.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use arc_swap::ArcSwap;

use http::HeaderMap;
use std::time::Duration;

use time::OffsetDateTime;

use crate::error::{ConfigError, Detail, Error, ErrorKind};
use crate::keys::{KeySet, Keys};
use crate::paypal::Certificates;
use crate::request::{Incoming, PublicUrl, RequestView};
use crate::resolver::{DynResolver, PathParams, RequestHead};
use crate::scheme::{CheckKeys, Context, Parsed, Scheme};
use crate::verified::{Found, Verified};

pub use crate::scheme::DEFAULT_TOLERANCE;

mod builder;
mod report_only;
mod signature;
mod window;

pub use builder::VerifierBuilder;
use window::Window;

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
/// let verified = verifier.verify((&headers, body))?;
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
    /// Whether a delivery that fails verification is let through marked unverified: see
    /// [`VerifierBuilder::report_only`].
    report_only: bool,
}

/// Where a verifier's keys come from.
#[derive(Clone)]
enum KeySource {
    /// Its own, swapped atomically by [`Verifier::replace_keys`]: readers never block or see a half-updated set.
    Fixed(Arc<ArcSwap<KeySet>>),
    /// Looked up for each request.
    Resolver(Arc<dyn DynResolver>),
    /// Certificates fetched by the URL each request names, and checked (PayPal's).
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

impl Verifier {
    /// Starts configuring a verifier for `scheme`: a [`Scheme`] variant, or a provider's configuration
    /// ([`Scheme::paypal`], [`Scheme::meta`], [`Scheme::notion`], [`Scheme::adyen`], [`Scheme::square`]).
    pub fn builder(scheme: impl Into<Scheme>) -> VerifierBuilder {
        VerifierBuilder::new(scheme.into())
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
        if !keys.0.scheme.same_provider(&self.scheme) {
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

    /// Whether verifying reads the route's [`PathParams`]: only a [resolver](VerifierBuilder::resolver) does.
    #[cfg(any(feature = "axum", feature = "actix-web"))]
    pub(crate) const fn reads_path_params(&self) -> bool {
        matches!(self.keys, KeySource::Resolver(_))
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

    /// Verifies a delivery against the system clock: see [`verify_at`](Self::verify_at).
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at).
    pub fn verify<'a>(&self, request: impl Into<RequestView<'a>>) -> Result<Verified<'a>, Error> {
        self.verify_with(request.into().incoming, unix_now)
    }

    /// Verifies a delivery as of `now`: a whole `http::Request` with its body buffered, a request head and body
    /// (`(&parts, &body)`), or headers and body (`(&headers, &body)`); see [`RequestView`]. The body must be exactly
    /// as received. A scheme that signs the method or URL (Twilio, HubSpot v3, a custom `{url}`) needs the request
    /// line: verify a request or a head, not headers alone. The URL it signs is the configured
    /// [`public_url`](VerifierBuilder::public_url) followed by the request's path and query, or else the request's
    /// URI when it is absolute.
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
    /// - [`ErrorKind::InvalidSignature`] when no signature matches any key;
    /// - [`ErrorKind::ResolverRequiresAsync`] when the keys come from a [`resolver`](VerifierBuilder::resolver) or a
    ///   certificate source: use [`verify_async_at`](Self::verify_async_at).
    pub fn verify_at<'a>(
        &self,
        request: impl Into<RequestView<'a>>,
        now: OffsetDateTime,
    ) -> Result<Verified<'a>, Error> {
        self.verify_with(request.into().incoming, || now.unix_timestamp())
    }

    /// Verifies a delivery against the system clock, resolving its keys first: see
    /// [`verify_async_at`](Self::verify_async_at).
    ///
    /// # Errors
    /// As [`verify_async_at`](Self::verify_async_at).
    pub async fn verify_async<'a>(&self, request: impl Into<RequestView<'a>>) -> Result<Verified<'a>, Error> {
        let view = request.into();
        self.verify_resolving(view.incoming, view.params, unix_now).await
    }

    /// Verifies a delivery as of `now` like [`verify_at`](Self::verify_at), with the keys a
    /// [`resolver`](VerifierBuilder::resolver) returns for it (reading the route's [`PathParams`] from the request's
    /// extensions) or the certificate a PayPal delivery names. The keys are looked up only once the size, the
    /// headers and the timestamp passed, so a malformed or stale request never reaches your database. With fixed
    /// keys it is [`verify_at`](Self::verify_at).
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at), and [`ErrorKind::KeysUnavailable`] when the resolver fails,
    /// [`ErrorKind::UnknownTenant`] (if revealed; else [`ErrorKind::InvalidSignature`]) when it knows no keys for
    /// the request.
    pub async fn verify_async_at<'a>(
        &self,
        request: impl Into<RequestView<'a>>,
        now: OffsetDateTime,
    ) -> Result<Verified<'a>, Error> {
        let view = request.into();
        self.verify_resolving(view.incoming, view.params, move || now.unix_timestamp()).await
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
        if self.scheme.provider().is_unsigned_check(&request) {
            let needs_keys = self.scheme.provider().unsigned_check_needs_keys(&request)?;
            return self.answer_unsigned(&request, needs_keys.then(|| keys.load_full()).as_deref(), &clock);
        }
        // Read in place: `parsed` is over a kilobyte, and moving it out of its `Result` would copy it every time.
        let parsed = self.scheme.provider().parse(&request, self.context());
        let Ok(parsed) = &parsed else { return Err(parsed.err().unwrap_or_else(|| unreachable!())) };
        let timestamp = self.check_timestamp(parsed, &clock)?;
        self.finish(&request, parsed, timestamp, &keys.load(), &clock)
    }

    /// The asynchronous path: [`verify_with`](Self::verify_with) for fixed keys, which never waits; otherwise the
    /// keys are resolved for the request, in a future of its own on the heap. A future holds everything it keeps
    /// across a wait, and a parsed request is over a kilobyte: boxed, it does not make every caller's future (the
    /// adapters', allocated per request) that large, and the allocation is made only where a lookup is.
    pub(crate) async fn verify_resolving<'a>(
        &self,
        request: Incoming<'a>,
        params: Option<&PathParams>,
        clock: impl Fn() -> i64,
    ) -> Result<Verified<'a>, Error> {
        match self.keys {
            KeySource::Fixed(_) => self.verify_with(request, clock),
            _ => Box::pin(self.verify_looking_up(request, params, clock)).await,
        }
    }

    /// [`verify_with`](Self::verify_with), with the keys looked up for the request.
    async fn verify_looking_up<'a>(
        &self,
        request: Incoming<'a>,
        params: Option<&PathParams>,
        clock: impl Fn() -> i64,
    ) -> Result<Verified<'a>, Error> {
        self.check_size(&request)?;
        if self.scheme.provider().is_unsigned_check(&request) {
            // The keys are looked up only when the answer needs them: an unauthenticated check costs no lookup and
            // tells nothing of which tenants exist.
            let keys = match self.scheme.provider().unsigned_check_needs_keys(&request)? {
                true => Some(self.keys_for(&request, params, &clock).await?),
                false => None,
            };
            return self.answer_unsigned(&request, keys.as_deref(), &clock);
        }
        // Read in place, as in `verify_with`.
        let parsed = self.scheme.provider().parse(&request, self.context());
        let Ok(parsed) = &parsed else { return Err(parsed.err().unwrap_or_else(|| unreachable!())) };
        let timestamp = self.check_timestamp(parsed, &clock)?;
        let keys = self.keys_for(&request, params, &clock).await?;
        self.finish(&request, parsed, timestamp, &keys, &clock)
    }

    /// What the scheme's parse needs beside the request.
    fn context(&self) -> Context<'_> {
        Context { public_url: self.public_url.as_ref(), ..Context::default() }
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
                // Only a scheme whose requests name their certificate is built with a certificate source.
                let url = self.scheme.provider().certificate_url(request).unwrap_or_else(|| {
                    Err(Error::keys_unavailable(None, "the scheme's requests name no certificate"))
                })?;
                certificates.keys(url, clock()).await?
            }
            KeySource::Resolver(resolver) => {
                let head = RequestHead { method: request.method, uri: request.uri, headers: request.headers, params };
                match resolver.resolve_boxed(&head).await {
                    Ok(Some(keys)) if keys.0.scheme.same_provider(&self.scheme) && keys.0.tenant.is_some() => keys.0,
                    Ok(Some(keys)) if keys.0.scheme.same_provider(&self.scheme) => {
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
                key: keys
                    .keys
                    .iter()
                    .find(|key| !key.validity.report_only && now.is_none_or(|now| key.validity.contains(now))),
                tenant: keys.tenant.as_deref(),
                configured: !keys.setup,
            }
        });
        let handshake = self.scheme.provider().unsigned_handshake(request, &check_keys)?;
        Ok(Verified::unsigned_handshake(handshake, request.headers))
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
        let key = self.matching_key(parsed, keys, now)?;
        let timestamp = match self.scheme.provider().body_timestamp_field() {
            Some(field) => Some(self.check_body_timestamp(request.body, field, clock)?),
            None => timestamp,
        };
        let handshake = self.scheme.provider().handshake(request, key)?;
        key.uses.fetch_add(1, Ordering::Relaxed);
        Ok(Verified::new(Found {
            body: request.body,
            id: parsed.id.clone(),
            timestamp,
            key_id: key.id.clone(),
            tenant: keys.tenant.clone(),
            handshake,
            signed_content: parsed.signed.dedup_content(),
            event_type: (self.scheme.provider().event_type(), request.headers),
        }))
    }

    /// The timestamp a scheme keeps in its (verified) body, in milliseconds, checked against the window as seconds.
    fn check_body_timestamp(&self, body: &[u8], field: &'static str, clock: &impl Fn() -> i64) -> Result<i64, Error> {
        let millis = crate::json_field::top_level_field::<i64>(body, field)
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
}

/// The system clock in unix seconds.
pub(crate) fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

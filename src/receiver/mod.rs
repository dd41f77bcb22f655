//! [`Receiver`]: verification fused with a claim on the delivery, so each event is processed once and none is
//! lost.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::Error;
use crate::request::RequestView;
use crate::store::{Claim, DedupKey, Retention, Store, Token};
use crate::verified::Verified;
use crate::verifier::{Verifier, unix_now};

mod builder;
mod delivery;

pub use builder::ReceiverBuilder;
#[cfg(any(feature = "tower", feature = "actix-web"))]
pub(crate) use delivery::ClaimHandle;
pub use delivery::Delivery;

/// How long a claim holds a delivery before another worker may take it over: 60 seconds.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// How long a completed delivery is remembered: 7 days, longer than Stripe's 3-day and Standard Webhooks' retry
/// schedules.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// How long the adapters let a handler run before they stop it, release its claim and answer `503`: 30 seconds,
/// half the default lease, and longer than any provider waits for an answer (GitHub 10 s, Stripe about 20 s).
pub const DEFAULT_HANDLER_DEADLINE: Duration = Duration::from_secs(30);

/// What a provider is told to wait when the store cannot be reached.
pub(crate) const STORE_RETRY_AFTER: Duration = Duration::from_secs(10);

type KeyFn = Arc<dyn Fn(&Verified<'_>) -> Option<Vec<u8>> + Send + Sync>;

/// Verifies deliveries and claims each one in a [`Store`], so a handler runs once per event even with several
/// replicas and concurrent retries, and a retry after a failure is still processed.
///
/// ```
/// use hooksafe::{ErrorKind, MemoryStore, Receiver, Scheme, Verifier, sign::Signer};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// let receiver = Receiver::new(Verifier::builder(Scheme::Svix).secret(secret).build()?, MemoryStore::new());
///
/// let body = br#"{"type":"invoice.paid"}"#;
/// let headers = Signer::new(Scheme::Svix, secret)?.headers("msg_1", time::OffsetDateTime::now_utc(), body)?;
///
/// let delivery = receiver.receive((&headers, body)).await?;
/// let event: serde_json::Value = delivery.json()?;
/// // ... handle `event`; on failure call `delivery.release()` so the provider's retry is processed.
/// delivery.complete().await?;
///
/// let again = receiver.receive((&headers, body)).await.unwrap_err();
/// assert_eq!(again.kind(), ErrorKind::Duplicate); // answer 200, do not run the handler
/// # Ok(())
/// # }
/// # // The memory store never waits, so polling once runs the example without an async runtime.
/// # let mut context = std::task::Context::from_waker(std::task::Waker::noop());
/// # assert!(matches!(std::pin::pin!(run()).poll(&mut context), std::task::Poll::Ready(Ok(()))));
/// ```
///
/// Clones share one receiver (its store, keys and policy), as a [`Delivery`] does to settle its claim.
pub struct Receiver<S> {
    shared: Arc<Shared<S>>,
}

impl<S> Clone for Receiver<S> {
    fn clone(&self) -> Self {
        Self { shared: self.shared.clone() }
    }
}

/// What the clones of a receiver share.
pub(crate) struct Shared<S> {
    verifier: Verifier,
    store: S,
    /// SHA-256 after one block: the namespace, zero-padded to the 64-byte block, so each key costs one block less.
    key_prefix: Sha256,
    lease: Duration,
    handler_deadline: Duration,
    retention: Retention,
    key_fn: Option<KeyFn>,
    fail_open: bool,
    /// The limits every adapter applies first.
    #[cfg(feature = "limits")]
    gate: Option<crate::limit::Gate>,
}

/// A request the limits admitted: counted in flight until dropped (nothing without the `limits` feature).
#[cfg(any(feature = "tower", feature = "actix-web"))]
#[derive(Debug, Default)]
pub(crate) struct Admitted(
    /// Held, never read: dropping it frees the place.
    #[cfg(feature = "limits")]
    #[allow(dead_code)]
    pub(crate) Option<tokio::sync::OwnedSemaphorePermit>,
);

impl<S> Receiver<S> {
    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.shared.verifier
    }

    /// Whether the route's [`PathParams`](crate::PathParams) may be read: by the verifier's key resolver, or by a
    /// per-tenant rate's tenant function. The axum and actix-web adapters gather them only then.
    #[cfg(any(feature = "axum", feature = "actix-web"))]
    pub(crate) fn reads_path_params(&self) -> bool {
        #[cfg(feature = "limits")]
        if self.shared.gate.as_ref().is_some_and(crate::limit::Gate::reads_tenant) {
            return true;
        }
        self.shared.verifier.reads_path_params()
    }
}

impl<S: Store> Receiver<S> {
    /// Applies the limits, if any, to a request's head: what every adapter does first.
    #[cfg(any(feature = "tower", feature = "actix-web"))]
    #[cfg_attr(not(feature = "limits"), allow(clippy::unnecessary_wraps, clippy::unused_self))]
    pub(crate) fn admit(&self, parts: &http::request::Parts) -> Result<Admitted, Error> {
        #[cfg(feature = "limits")]
        if let Some(gate) = &self.shared.gate {
            return gate.admit(parts).map(Admitted);
        }
        let _ = parts;
        Ok(Admitted::default())
    }

    /// A receiver with the defaults: a 60 s lease, 7 days of retention (or twice the replay window if that is
    /// longer), the scheme's name as namespace, fail closed.
    pub fn new(verifier: Verifier, store: S) -> Self {
        let window = verifier.replay_window().unwrap_or(Duration::ZERO);
        let retention = DEFAULT_RETENTION.max(window * 2);
        let builder = Self::builder(verifier, store).retention(retention);
        builder.build().unwrap_or_else(|_| unreachable!("the defaults are valid"))
    }

    /// Starts configuring a receiver.
    pub fn builder(verifier: Verifier, store: S) -> ReceiverBuilder<S> {
        ReceiverBuilder::new(verifier, store)
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.shared.store
    }

    /// How long the adapters let a handler run: see [`ReceiverBuilder::handler_deadline`].
    pub fn handler_deadline(&self) -> Duration {
        self.shared.handler_deadline
    }

    /// Verifies a delivery against the system clock and claims it. See [`receive_at`](Self::receive_at).
    ///
    /// # Errors
    /// As [`receive_at`](Self::receive_at).
    pub async fn receive<'a>(&self, request: impl Into<RequestView<'a>>) -> Result<Delivery<S>, Error> {
        let view = request.into();
        let verified = self.shared.verifier.verify_resolving(view.incoming, view.params, unix_now).await?;
        self.claim(verified.into_owned()).await
    }

    /// Verifies a delivery as of `now` (a request, a head and body, or headers and body: see [`RequestView`]),
    /// then claims it. The [`Delivery`] owns a copy of the verified body, so it outlives the request. Nothing reaches the store unless the signature and the timestamp pass, so a forged request
    /// cannot pre-claim a real event's id.
    ///
    /// # Errors
    /// Every verification error of [`Verifier::verify_async_at`], and:
    /// - [`ErrorKind::Duplicate`](crate::ErrorKind::Duplicate): it was processed to completion before;
    /// - [`ErrorKind::InProgress`](crate::ErrorKind::InProgress): another worker's claim is live
    ///   ([`Error::retry_after`] says for how long);
    /// - [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable): the store did not answer, unless
    ///   [`fail_open_when_store_unavailable`](ReceiverBuilder::fail_open_when_store_unavailable) was chosen.
    pub async fn receive_at<'a>(
        &self,
        request: impl Into<RequestView<'a>>,
        now: OffsetDateTime,
    ) -> Result<Delivery<S>, Error> {
        let view = request.into();
        let clock = move || now.unix_timestamp();
        let verified = self.shared.verifier.verify_resolving(view.incoming, view.params, clock).await?;
        self.claim(verified.into_owned()).await
    }

    /// Settles a claim by the one rule of [`Delivery::settle`]: completes it for a `2xx` status, releases it for
    /// any other or for `None`. Returns whether a completion was recorded.
    ///
    /// A function returning an `async` block: the future, part of every adapter's per-request allocation, holds the
    /// store's future and the claim once, where `async fn`s calling one another would each keep their own copy.
    #[allow(clippy::manual_async_fn, reason = "an `async fn` future would hold the claim twice")]
    pub(crate) fn settle_claim(
        &self,
        (key, token): (DedupKey, Token),
        status: Option<http::StatusCode>,
    ) -> impl Future<Output = Result<bool, Error>> + Send + '_ {
        let shared = &*self.shared;
        async move {
            crate::telemetry::claim_settled(shared.verifier.scheme());
            let settled = if status.is_some_and(|status| status.is_success()) {
                shared.store.complete(key, token, shared.retention).await
            } else {
                shared.store.release(key, token).await.map(|()| false)
            };
            settled.map_err(|e| Error::store_unavailable(e, STORE_RETRY_AFTER))
        }
    }

    /// Gives a claim up without waiting, for a delivery dropped unsettled.
    pub(crate) fn release_in_background(&self, (key, token): (DedupKey, Token)) {
        crate::telemetry::claim_settled(self.shared.verifier.scheme());
        self.shared.store.release_in_background(key, token);
    }

    /// Claims a verified delivery (nothing for a handshake).
    ///
    /// A function returning an `async` block, not an `async fn`: the future keeps the delivery once, where an
    /// `async fn` would also copy its argument into a local of its own, and it is part of every adapter's
    /// per-request allocation.
    #[allow(clippy::manual_async_fn, reason = "an `async fn` future would hold the delivery twice")]
    pub(crate) fn claim(
        &self,
        verified: Verified<'static>,
    ) -> impl Future<Output = Result<Delivery<S>, Error>> + Send + '_ {
        async move {
            if verified.handshake().is_some() {
                // An endpoint check is answered, never processed: nothing to claim.
                return Ok(Delivery::new(verified, self.clone(), None));
            }
            let key = self.key(&verified);
            let token = Token::new();
            match self.shared.store.claim(key, token, self.shared.lease).await {
                Ok(Claim::Claimed) => {
                    crate::telemetry::claim_taken(self.shared.verifier.scheme());
                    if let Some(body_key) = self.body_key(key, &verified) {
                        Box::pin(self.record_body(body_key)).await;
                    }
                    Ok(Delivery::new(verified, self.clone(), Some((key, token))))
                }
                Ok(Claim::Done) => {
                    if let Some(body_key) = self.body_key(key, &verified) {
                        Box::pin(self.compare_body(body_key, verified.id())).await;
                    }
                    Err(Error::duplicate())
                }
                Ok(Claim::Held { remaining }) => {
                    if let Some(body_key) = self.body_key(key, &verified) {
                        Box::pin(self.compare_body(body_key, verified.id())).await;
                    }
                    Err(Error::in_progress(retry_after(remaining.unwrap_or(self.shared.lease))))
                }
                Err(error) if self.shared.fail_open => {
                    log_fail_open(&error, verified.id());
                    Ok(Delivery::new(verified, self.clone(), None))
                }
                Err(error) => Err(Error::store_unavailable(error, STORE_RETRY_AFTER)),
            }
        }
    }

    /// The store key of the body that came with the delivery of dedup key `key`, for the schemes whose signature
    /// does not bind the whole body (PayPal's CRC-32, Mailgun's and Adyen's unsigned fields); `None` for the others.
    fn body_key(&self, key: DedupKey, verified: &Verified<'_>) -> Option<DedupKey> {
        if !self.shared.verifier.scheme().provider().signs_body_weakly() {
            return None;
        }
        let digest = Sha256::new().chain_update(b"hooksafe/body:").chain_update(key.0).chain_update(verified.body());
        Some(DedupKey(digest.finalize().into()))
    }

    /// Records the body of a newly claimed delivery whose signature does not bind it (under its
    /// [`body_key`](Self::body_key)), so a later duplicate can be compared with it. Best effort: a store failure
    /// here only loses the comparison. Rare, so its future is boxed by the caller rather than kept in every claim's.
    async fn record_body(&self, body_key: DedupKey) {
        let token = Token::new();
        if let Ok(Claim::Claimed) = self.shared.store.claim(body_key, token, self.shared.lease).await {
            let _ = self.shared.store.complete(body_key, token, self.shared.retention).await;
        }
    }

    /// For a duplicate of a delivery whose signature does not bind its body (its [`body_key`](Self::body_key)):
    /// warns, and counts in metrics, when the body is not the one first received with that id. That is an attack (a
    /// body forged to the same signature) or a provider bug, and someone must see it; the duplicate is refused
    /// either way. Boxed by the caller, as [`record_body`](Self::record_body).
    async fn compare_body(&self, body_key: DedupKey, id: Option<&str>) {
        let token = Token::new();
        if let Ok(Claim::Claimed) = self.shared.store.claim(body_key, token, self.shared.lease).await {
            let _ = self.shared.store.release(body_key, token).await;
            crate::telemetry::duplicate_with_another_body(self.shared.verifier.scheme(), id);
        }
    }

    /// The store key of a verified delivery: SHA-256 over the namespace and the key material, so its length and
    /// alphabet are fixed whatever the sender put in the id.
    pub(crate) fn key(&self, verified: &Verified<'_>) -> DedupKey {
        let mut hasher = self.shared.key_prefix.clone();
        if let Some(tenant) = verified.tenant() {
            // Length-prefixed, so no tenant name can run into the key material after it.
            hasher.update(b"tenant:");
            hasher.update((tenant.len() as u64).to_be_bytes());
            hasher.update(tenant.as_bytes());
        }
        match self.shared.key_fn.as_ref().and_then(|key_fn| key_fn(verified)) {
            Some(custom) => {
                hasher.update(b"custom:");
                hasher.update(custom);
            }
            None => match verified.id().filter(|_| verified.id_is_signed()) {
                Some(id) => {
                    hasher.update(b"id:");
                    hasher.update(id.as_bytes());
                }
                // No signed id (GitHub, Shopify, Slack, or a body without one): the signed content itself, which a
                // replay cannot change: the raw body, or what the scheme signs of it (Twilio's sorted parameters).
                None => {
                    hasher.update(b"body:");
                    hasher.update(verified.signed_content());
                }
            },
        }
        DedupKey(hasher.finalize().into())
    }
}

impl<S: fmt::Debug> fmt::Debug for Receiver<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("verifier", &self.shared.verifier)
            .field("store", &self.shared.store)
            .field("lease", &self.shared.lease)
            .field("retention", &self.shared.retention)
            .field("custom_key", &self.shared.key_fn.is_some())
            .field("fail_open", &self.shared.fail_open)
            .finish_non_exhaustive()
    }
}

/// A `Retry-After` in whole seconds, at least one.
fn retry_after(remaining: Duration) -> Duration {
    Duration::from_secs(remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0)).max(Duration::from_secs(1))
}

fn log_fail_open(error: &crate::store::StoreError, id: Option<&str>) {
    crate::log::warning!("dedup store unavailable; processing delivery {id:?} without a claim (fail-open): {error}");
}

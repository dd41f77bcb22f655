//! [`Receiver`]: verification fused with a claim on the delivery, so each event is processed once and none is
//! lost.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::{ConfigError, Error};
use crate::request::RequestView;
use crate::store::{Claim, DedupKey, Retention, Store, Token};
use crate::verified::Verified;
use crate::verifier::{Verifier, unix_now};

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
pub struct Receiver<S> {
    verifier: Verifier,
    store: S,
    /// SHA-256 after one block: the namespace, zero-padded to the 64-byte block, so each key costs one block less.
    key_prefix: Sha256,
    lease: Duration,
    handler_deadline: Duration,
    retention: Retention,
    key_fn: Option<KeyFn>,
    fail_open: bool,
}

impl<S: Store> Receiver<S> {
    /// A receiver with the defaults: a 60 s lease, 7 days of retention (or twice the replay window if that is
    /// longer), the scheme's name as namespace, fail closed.
    pub fn new(verifier: Verifier, store: S) -> Self {
        let builder = Self::builder(verifier, store);
        let window = builder.verifier.replay_window().unwrap_or(Duration::ZERO);
        let retention = DEFAULT_RETENTION.max(window * 2);
        builder.retention(retention).build().unwrap_or_else(|_| unreachable!("the defaults are valid"))
    }

    /// Starts configuring a receiver.
    pub fn builder(verifier: Verifier, store: S) -> ReceiverBuilder<S> {
        ReceiverBuilder {
            verifier,
            store,
            namespace: None,
            lease: DEFAULT_LEASE,
            handler_deadline: None,
            retention: DEFAULT_RETENTION,
            key_fn: None,
            fail_open: false,
        }
    }

    /// The verifier.
    pub const fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The store.
    pub const fn store(&self) -> &S {
        &self.store
    }

    /// How long the adapters let a handler run: see [`ReceiverBuilder::handler_deadline`].
    pub const fn handler_deadline(&self) -> Duration {
        self.handler_deadline
    }

    /// Verifies a delivery against the system clock and claims it. See [`receive_at`](Self::receive_at).
    ///
    /// # Errors
    /// As [`receive_at`](Self::receive_at).
    pub async fn receive<'a>(&'a self, request: impl Into<RequestView<'a>>) -> Result<Delivery<'a, S>, Error> {
        let view = request.into();
        let verified = self.verifier.verify_resolving(view.incoming, view.params, unix_now).await?;
        self.claim(verified).await
    }

    /// Verifies a delivery as of `now` (a request, a head and body, or headers and body: see [`RequestView`]),
    /// then claims it. Nothing reaches the store unless the signature and the timestamp pass, so a forged request
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
        &'a self,
        request: impl Into<RequestView<'a>>,
        now: OffsetDateTime,
    ) -> Result<Delivery<'a, S>, Error> {
        let view = request.into();
        let verified = self.verifier.verify_resolving(view.incoming, view.params, move || now.unix_timestamp()).await?;
        self.claim(verified).await
    }

    /// Marks a detached claim processed. See [`Delivery::complete`].
    pub(crate) async fn complete_claim(&self, claim: HeldClaim) -> Result<bool, Error> {
        let Some((key, token)) = claim.0 else { return Ok(false) };
        crate::telemetry::claim_settled(self.verifier.scheme());
        self.store
            .complete(key, token, self.retention)
            .await
            .map_err(|e| Error::store_unavailable(e, STORE_RETRY_AFTER))
    }

    /// Gives a detached claim up. See [`Delivery::release`].
    pub(crate) async fn release_claim(&self, claim: HeldClaim) -> Result<(), Error> {
        let Some((key, token)) = claim.0 else { return Ok(()) };
        crate::telemetry::claim_settled(self.verifier.scheme());
        self.store.release(key, token).await.map_err(|e| Error::store_unavailable(e, STORE_RETRY_AFTER))
    }

    /// Claims a verified delivery (nothing for a handshake).
    pub(crate) async fn claim<'a>(&'a self, verified: Verified<'a>) -> Result<Delivery<'a, S>, Error> {
        if verified.handshake().is_some() {
            // An endpoint check is answered, never processed: nothing to claim.
            return Ok(Delivery { receiver: self, verified, claim: None });
        }
        let key = self.key(&verified);
        let token = Token::new();
        match self.store.claim(key, token, self.lease).await {
            Ok(Claim::Claimed) => {
                crate::telemetry::claim_taken(self.verifier.scheme());
                self.record_body(key, &verified).await;
                Ok(Delivery { receiver: self, verified, claim: Some((key, token)) })
            }
            Ok(Claim::Done) => {
                self.compare_body(key, &verified).await;
                Err(Error::duplicate())
            }
            Ok(Claim::Held { remaining }) => {
                self.compare_body(key, &verified).await;
                Err(Error::in_progress(retry_after(remaining.unwrap_or(self.lease))))
            }
            Err(error) if self.fail_open => {
                log_fail_open(&error, verified.id());
                Ok(Delivery { receiver: self, verified, claim: None })
            }
            Err(error) => Err(Error::store_unavailable(error, STORE_RETRY_AFTER)),
        }
    }

    /// The store key of the body that came with the delivery of dedup key `key`, for the schemes whose signature
    /// does not bind the whole body (PayPal's CRC-32, Mailgun's and Adyen's unsigned fields); `None` for the others.
    fn body_key(&self, key: DedupKey, verified: &Verified<'_>) -> Option<DedupKey> {
        if !self.verifier.scheme().signs_body_weakly() {
            return None;
        }
        let digest = Sha256::new().chain_update(b"hooksafe/body:").chain_update(key.0).chain_update(verified.body());
        Some(DedupKey(digest.finalize().into()))
    }

    /// Records the body of a newly claimed delivery whose signature does not bind it, so a later duplicate can be
    /// compared with it. Best effort: a store failure here only loses the comparison.
    async fn record_body(&self, key: DedupKey, verified: &Verified<'_>) {
        let Some(body_key) = self.body_key(key, verified) else { return };
        let token = Token::new();
        if let Ok(Claim::Claimed) = self.store.claim(body_key, token, self.lease).await {
            let _ = self.store.complete(body_key, token, self.retention).await;
        }
    }

    /// For a duplicate of a delivery whose signature does not bind its body: warns, and counts in metrics, when the
    /// body is not the one first received with that id. That is an attack (a body forged to the same signature) or a
    /// provider bug, and someone must see it; the duplicate is refused either way.
    async fn compare_body(&self, key: DedupKey, verified: &Verified<'_>) {
        let Some(body_key) = self.body_key(key, verified) else { return };
        let token = Token::new();
        if let Ok(Claim::Claimed) = self.store.claim(body_key, token, self.lease).await {
            let _ = self.store.release(body_key, token).await;
            let scheme = self.verifier.scheme();
            crate::log::warning!(
                "a {scheme} delivery arrived again as id {:?} with another body than the first; refused as a duplicate \
                 (a body forged to the same signature, or a provider bug)",
                verified.id().unwrap_or("(none)")
            );
            crate::telemetry::duplicate_with_another_body(scheme);
        }
    }

    /// The store key of a verified delivery: SHA-256 over the namespace and the key material, so its length and
    /// alphabet are fixed whatever the sender put in the id.
    pub(crate) fn key(&self, verified: &Verified<'_>) -> DedupKey {
        let mut hasher = self.key_prefix.clone();
        if let Some(tenant) = verified.tenant() {
            // Length-prefixed, so no tenant name can run into the key material after it.
            hasher.update(b"tenant:");
            hasher.update((tenant.len() as u64).to_be_bytes());
            hasher.update(tenant.as_bytes());
        }
        match self.key_fn.as_ref().and_then(|key_fn| key_fn(verified)) {
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
            .field("verifier", &self.verifier)
            .field("store", &self.store)
            .field("lease", &self.lease)
            .field("retention", &self.retention)
            .field("custom_key", &self.key_fn.is_some())
            .field("fail_open", &self.fail_open)
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

/// Configures a [`Receiver`]; mistakes are reported by [`build`](Self::build).
pub struct ReceiverBuilder<S> {
    verifier: Verifier,
    store: S,
    namespace: Option<String>,
    lease: Duration,
    handler_deadline: Option<Duration>,
    retention: Duration,
    key_fn: Option<KeyFn>,
    fail_open: bool,
}

impl<S: fmt::Debug> fmt::Debug for ReceiverBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiverBuilder")
            .field("verifier", &self.verifier)
            .field("namespace", &self.namespace)
            .field("lease", &self.lease)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

impl<S: Store> ReceiverBuilder<S> {
    /// Scopes this receiver's records, so endpoints sharing one store never collide. Defaults to the scheme's name
    /// (`github`, `stripe`, `custom:<signature header>`…), which no key rotation changes: set a name of your own
    /// when several endpoints of **the same scheme** share one store.
    ///
    /// Migrating from a release whose default namespace was derived from the first secret: records written
    /// under the old default are not found under the new one, so deliveries completed before the upgrade could be
    /// processed once more if the provider replays them. For schemes with a timestamp this lasts only for the replay
    /// window; for GitHub, Shopify and Twilio, keep the old process's store running alongside, or deploy while no
    /// retries are pending.
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// How long a claim holds a delivery before another worker may take it over. Defaults to [`DEFAULT_LEASE`]; at
    /// least one second, longer than the [handler deadline](Self::handler_deadline), shorter than the retention.
    #[must_use]
    pub const fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How long the tower, axum and actix-web adapters let a handler run. A handler still running then is stopped
    /// (its future dropped), its claim released, and the provider answered `503` with `Retry-After`
    /// ([`ErrorKind::HandlerTimeout`](crate::ErrorKind::HandlerTimeout)): a handler can never outlive its lease and
    /// run a second time, concurrently, when the lease lapses. Defaults to [`DEFAULT_HANDLER_DEADLINE`] or half the
    /// [lease](Self::lease), whichever is shorter; a deadline you set must be shorter than the lease. Code that calls
    /// [`Receiver::receive`] itself bounds its own handler.
    #[must_use]
    pub const fn handler_deadline(mut self, deadline: Duration) -> Self {
        self.handler_deadline = Some(deadline);
        self
    }

    /// How long a completed delivery is remembered. Defaults to [`DEFAULT_RETENTION`]; must exceed the verifier's
    /// replay window.
    #[must_use]
    pub const fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// Derives the dedup key yourself, for example from a field of the payload. Returning `None` falls back to
    /// the default: the signed id, or else the signed body.
    #[must_use]
    pub fn key(mut self, key_fn: impl Fn(&Verified<'_>) -> Option<Vec<u8>> + Send + Sync + 'static) -> Self {
        self.key_fn = Some(Arc::new(key_fn));
        self
    }

    /// **Dangerous:** when the store cannot be reached, process the delivery anyway, without a claim, so it may run
    /// twice. Each such delivery is logged (to `tracing` with the `tracing` feature, else to standard error).
    #[must_use]
    pub const fn fail_open_when_store_unavailable(mut self) -> Self {
        self.fail_open = true;
        self
    }

    /// Checks the configuration.
    ///
    /// # Errors
    /// [`ConfigError::InvalidLease`] for a lease under one second or not shorter than the retention;
    /// [`ConfigError::RetentionTooShort`] when the retention does not exceed the replay window.
    pub fn build(self) -> Result<Receiver<S>, ConfigError> {
        let window = self.verifier.replay_window().unwrap_or(Duration::ZERO);
        if self.retention <= window {
            return Err(ConfigError::RetentionTooShort {
                retention_secs: self.retention.as_secs(),
                window_secs: window.as_secs(),
            });
        }
        if self.lease < Duration::from_secs(1) || self.lease >= self.retention {
            return Err(ConfigError::InvalidLease);
        }
        let lease = self.lease;
        let handler_deadline = self.handler_deadline.unwrap_or_else(|| DEFAULT_HANDLER_DEADLINE.min(lease / 2));
        if handler_deadline.is_zero() || handler_deadline >= lease {
            return Err(ConfigError::InvalidHandlerDeadline);
        }
        // Without a signed timestamp (GitHub, Shopify, Twilio, or the check skipped), a record is the only replay
        // defence: no store may evict it before the retention ends.
        let protect_for = if window.is_zero() { self.retention } else { window };
        let name = self.namespace.clone().unwrap_or_else(|| format!("scheme:{}", self.verifier.scheme().name()));
        let namespace: [u8; 32] =
            Sha256::new().chain_update(b"hooksafe/namespace:").chain_update(name).finalize().into();
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&namespace);
        Ok(Receiver {
            key_prefix: Sha256::new_with_prefix(block),
            lease,
            handler_deadline,
            retention: Retention { keep_for: self.retention, protect_for },
            verifier: self.verifier,
            store: self.store,
            key_fn: self.key_fn,
            fail_open: self.fail_open,
        })
    }
}

/// A verified delivery this worker has claimed. Process it, then [`complete`](Self::complete) it, or
/// [`release`](Self::release) it if processing failed so the provider's retry is processed; or hand the handler's
/// answer to [`settle`](Self::settle), the rule every adapter follows. Dropped without any of them (a cancelled
/// request), the claim is released without waiting (see [`Store::release_in_background`]).
pub struct Delivery<'a, S: Store> {
    receiver: &'a Receiver<S>,
    verified: Verified<'a>,
    claim: Option<(DedupKey, Token)>,
}

impl<'a, S: Store> Delivery<'a, S> {
    /// The verified delivery: id, timestamp, body.
    pub const fn verified(&self) -> &Verified<'a> {
        &self.verified
    }

    /// Deserializes the verified body as JSON. See [`Verified::json`].
    ///
    /// # Errors
    /// [`ErrorKind::InvalidPayload`](crate::ErrorKind::InvalidPayload) when the body does not fit `T`; release the
    /// delivery then, or complete it if a retry cannot succeed either.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        self.verified.json()
    }

    /// The delivery's id, if the scheme carries one. See [`Verified::id`].
    pub fn id(&self) -> Option<&str> {
        self.verified.id()
    }

    /// The id of the key whose signature matched. See [`Verified::key_id`].
    pub fn key_id(&self) -> &str {
        self.verified.key_id()
    }

    /// The verified raw body.
    pub const fn body(&self) -> &'a [u8] {
        self.verified.body()
    }

    /// The answer to the provider's endpoint check, when this request is one: return it, and do not process the
    /// request. Nothing was claimed for it. See [`Verified::handshake`].
    pub fn handshake(&self) -> Option<&crate::Handshake> {
        self.verified.handshake()
    }

    /// Whether this worker holds a claim. False for a [handshake](Self::handshake), and after the store failed and
    /// the receiver was configured to fail open.
    pub const fn is_claimed(&self) -> bool {
        self.claim.is_some()
    }

    /// Marks the delivery processed: redeliveries within the retention are [`Duplicate`](crate::ErrorKind::Duplicate).
    /// A completion after the lease lapsed is still recorded, unless another worker claimed the delivery since.
    /// Returns whether this call recorded it (false: another worker holds or completed it, or the receiver failed
    /// open without a claim).
    ///
    /// # Errors
    /// [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) when the store did not answer; the claim
    /// then lapses with its lease and a redelivery will be processed again.
    pub async fn complete(mut self) -> Result<bool, Error> {
        self.receiver.complete_claim(HeldClaim(self.claim.take())).await
    }

    /// Settles the delivery by the handler's answer, the one rule every adapter follows: a `2xx` status completes
    /// it (the provider stops retrying), any other status releases it (the provider's retry is processed). An error,
    /// a panic, a timeout or a cancelled request release it too. Returns whether a completion was recorded.
    ///
    /// # Errors
    /// [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) when the store did not answer.
    pub async fn settle(self, status: http::StatusCode) -> Result<bool, Error> {
        if status.is_success() { self.complete().await } else { self.release().await.map(|()| false) }
    }

    /// Gives the delivery up, so the provider's retry is claimed and processed. Does nothing if the lease expired
    /// and another worker claimed it since.
    ///
    /// # Errors
    /// [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) when the store did not answer; the claim
    /// then lapses with its lease.
    pub async fn release(mut self) -> Result<(), Error> {
        self.receiver.release_claim(HeldClaim(self.claim.take())).await
    }

    /// The claim alone, no longer borrowing the request, for an adapter that hands the request on.
    #[cfg(any(feature = "tower", feature = "actix-web"))]
    pub(crate) fn detach(mut self, receiver: Arc<Receiver<S>>) -> OwnedClaim<S> {
        OwnedClaim { receiver, claim: self.claim.take() }
    }
}

#[cfg(feature = "postgres")]
impl Delivery<'_, crate::store::PostgresStore> {
    /// Marks the delivery processed **inside `transaction`**, your own (`&mut tx` for a `sqlx::Transaction`): the
    /// completion commits with your handler's writes or not at all. Commit the transaction afterwards. If it rolls
    /// back, the delivery stays claimed until the lease lapses and the provider's retry is then processed, so a
    /// crash between your writes and the completion can neither lose the event nor apply it twice. Returns whether
    /// the completion was recorded (false: another worker took the delivery over after the lease lapsed, so roll
    /// your transaction back).
    ///
    /// # Errors
    /// [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) when the statement fails; roll back.
    pub async fn complete_in(mut self, transaction: &mut sqlx::PgConnection) -> Result<bool, Error> {
        let Some((key, token)) = self.claim.take() else { return Ok(false) };
        crate::telemetry::claim_settled(self.receiver.verifier.scheme());
        crate::store::PostgresStore::complete_on(transaction, key, token, self.receiver.retention)
            .await
            .map_err(|e| Error::store_unavailable(e, STORE_RETRY_AFTER))
    }
}

impl<S: Store> Drop for Delivery<'_, S> {
    fn drop(&mut self) {
        if let Some((key, token)) = self.claim.take() {
            crate::telemetry::claim_settled(self.receiver.verifier.scheme());
            self.receiver.store.release_in_background(key, token);
        }
    }
}

/// A [`Delivery`]'s claim without the request it verified.
pub(crate) struct HeldClaim(Option<(DedupKey, Token)>);

/// A claim owned by an adapter's request future, no longer borrowing the request: settled by the same rule as
/// [`Delivery::settle`], released without waiting if the future is dropped first.
#[cfg(any(feature = "tower", feature = "actix-web"))]
pub(crate) struct OwnedClaim<S: Store> {
    receiver: Arc<Receiver<S>>,
    claim: Option<(DedupKey, Token)>,
}

#[cfg(any(feature = "tower", feature = "actix-web"))]
impl<S: Store> OwnedClaim<S> {
    /// Settles by `status` (`None`: the handler failed, panicked or timed out): see [`Delivery::settle`].
    pub(crate) async fn settle(mut self, status: Option<http::StatusCode>) -> Result<bool, Error> {
        let claim = HeldClaim(self.claim.take());
        match status {
            Some(status) if status.is_success() => self.receiver.complete_claim(claim).await,
            _ => self.receiver.release_claim(claim).await.map(|()| false),
        }
    }
}

#[cfg(any(feature = "tower", feature = "actix-web"))]
impl<S: Store> Drop for OwnedClaim<S> {
    fn drop(&mut self) {
        if let Some((key, token)) = self.claim.take() {
            crate::telemetry::claim_settled(self.receiver.verifier.scheme());
            self.receiver.store.release_in_background(key, token);
        }
    }
}

impl<S: Store> fmt::Debug for Delivery<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery").field("verified", &self.verified).field("claimed", &self.claim.is_some()).finish()
    }
}

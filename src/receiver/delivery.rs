//! [`Delivery`]: a claimed delivery, and the one rule for settling it (complete, or release so the provider's retry
//! is processed).

use std::fmt;

use super::Receiver;
#[cfg(feature = "postgres")]
use super::STORE_RETRY_AFTER;
use crate::error::Error;
use crate::store::{DedupKey, Store, Token};
use crate::verified::Verified;

/// A verified delivery this worker has claimed. Read it as a [`Verified`] (through `Deref`: [`id`](Verified::id),
/// [`json`](Verified::json), [`body`](Verified::body), [`handshake`](Verified::handshake), …), process it, then
/// [`complete`](Self::complete) it, or [`release`](Self::release) it if processing failed so the provider's retry is
/// processed; or hand the handler's answer to [`settle`](Self::settle), the rule every adapter follows. Dropped
/// without any of them (a cancelled request), the claim is released without waiting (see
/// [`Store::release_in_background`]).
///
/// It owns what it holds (`'static`, `Send`): store it, move it into a task, or return it from a helper.
pub struct Delivery<S: Store> {
    verified: Verified<'static>,
    claim: ClaimHandle<S>,
}

impl<S: Store> Delivery<S> {
    pub(super) const fn new(
        verified: Verified<'static>,
        receiver: Receiver<S>,
        claim: Option<(DedupKey, Token)>,
    ) -> Self {
        Self { verified, claim: ClaimHandle { receiver, claim } }
    }

    /// The verified delivery: id, timestamp, body. A `Delivery` also dereferences to it.
    pub const fn verified(&self) -> &Verified<'static> {
        &self.verified
    }

    /// Whether this worker holds a claim. False for a [handshake](Verified::handshake), and after the store failed
    /// and the receiver was configured to fail open.
    pub const fn is_claimed(&self) -> bool {
        self.claim.claim.is_some()
    }

    /// The dedup key this delivery is claimed under, for a forwarder's message (`None` without a claim).
    #[cfg(feature = "forward")]
    pub(crate) fn dedup_key(&self) -> Option<DedupKey> {
        self.claim.claim.map(|(key, _)| key)
    }

    /// Marks the delivery processed: redeliveries within the retention are [`Duplicate`](crate::ErrorKind::Duplicate).
    /// A completion after the lease lapsed is still recorded, unless another worker claimed the delivery since.
    /// Returns whether this call recorded it (false: another worker holds or completed it, or the receiver failed
    /// open without a claim).
    ///
    /// # Errors
    /// [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) when the store did not answer; the claim
    /// then lapses with its lease and a redelivery will be processed again.
    pub async fn complete(self) -> Result<bool, Error> {
        self.claim.settle(Some(http::StatusCode::OK)).await
    }

    /// Settles the delivery by the handler's answer, the one rule every adapter follows: a `2xx` status completes
    /// it (the provider stops retrying), any other status releases it (the provider's retry is processed). An error,
    /// a panic, a timeout or a cancelled request release it too. Returns whether a completion was recorded.
    ///
    /// # Errors
    /// [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) when the store did not answer.
    pub async fn settle(self, status: http::StatusCode) -> Result<bool, Error> {
        self.claim.settle(Some(status)).await
    }

    /// Gives the delivery up, so the provider's retry is claimed and processed. Does nothing if the lease expired
    /// and another worker claimed it since.
    ///
    /// # Errors
    /// [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) when the store did not answer; the claim
    /// then lapses with its lease.
    pub async fn release(self) -> Result<(), Error> {
        self.claim.settle(None).await.map(|_| ())
    }

    /// The verified delivery and the claim apart, for an adapter that hands the one to the handler and settles the
    /// other by its answer.
    #[cfg(any(feature = "tower", feature = "actix-web"))]
    pub(crate) fn into_parts(self) -> (Verified<'static>, ClaimHandle<S>) {
        (self.verified, self.claim)
    }
}

impl<S: Store> std::ops::Deref for Delivery<S> {
    type Target = Verified<'static>;

    fn deref(&self) -> &Verified<'static> {
        &self.verified
    }
}

#[cfg(feature = "postgres")]
impl Delivery<crate::store::PostgresStore> {
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
        let Some((key, token)) = self.claim.claim.take() else { return Ok(false) };
        let receiver = &self.claim.receiver.shared;
        crate::telemetry::claim_settled(receiver.verifier.scheme());
        crate::store::PostgresStore::complete_on(transaction, key, token, receiver.retention)
            .await
            .map_err(|e| Error::store_unavailable(e, STORE_RETRY_AFTER))
    }
}

/// A delivery's claim: settled by the one rule of [`Delivery::settle`], released without waiting if dropped first.
pub(crate) struct ClaimHandle<S: Store> {
    receiver: Receiver<S>,
    claim: Option<(DedupKey, Token)>,
}

impl<S: Store> ClaimHandle<S> {
    /// No claim, for a delivery a report-only verifier let through unverified: settling it does nothing.
    #[cfg(any(feature = "tower", feature = "actix-web"))]
    pub(crate) const fn unclaimed(receiver: Receiver<S>) -> Self {
        Self { receiver, claim: None }
    }

    /// How long the adapters let the handler of this delivery run.
    #[cfg(any(feature = "tower", feature = "actix-web"))]
    pub(crate) fn handler_deadline(&self) -> std::time::Duration {
        self.receiver.handler_deadline()
    }

    /// Completes the claim for a `2xx` status; releases it for any other, or for `None` (the handler failed,
    /// panicked or timed out). Returns whether a completion was recorded.
    ///
    /// A function returning an `async` block, as [`Receiver::settle_claim`]: the claim is held once.
    #[allow(clippy::manual_async_fn, reason = "an `async fn` future would hold the claim twice")]
    pub(crate) fn settle(mut self, status: Option<http::StatusCode>) -> impl Future<Output = Result<bool, Error>> {
        async move {
            let Some(claim) = self.claim.take() else { return Ok(false) };
            self.receiver.settle_claim(claim, status).await
        }
    }
}

impl<S: Store> Drop for ClaimHandle<S> {
    fn drop(&mut self) {
        if let Some(claim) = self.claim.take() {
            self.receiver.release_in_background(claim);
        }
    }
}

impl<S: Store> fmt::Debug for Delivery<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery").field("verified", &self.verified).field("claimed", &self.is_claimed()).finish()
    }
}

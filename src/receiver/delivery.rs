//! [`Delivery`]: a claimed delivery, and the one rule for settling it (complete, or release so the provider's retry
//! is processed).

use std::fmt;
#[cfg(any(feature = "tower", feature = "actix-web"))]
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::Receiver;
#[cfg(feature = "postgres")]
use super::STORE_RETRY_AFTER;
use crate::error::Error;
use crate::store::{DedupKey, Store, Token};
use crate::verified::Verified;

/// A verified delivery this worker has claimed. Process it, then [`complete`](Self::complete) it, or
/// [`release`](Self::release) it if processing failed so the provider's retry is processed; or hand the handler's
/// answer to [`settle`](Self::settle), the rule every adapter follows. Dropped without any of them (a cancelled
/// request), the claim is released without waiting (see [`Store::release_in_background`]).
pub struct Delivery<'a, S: Store> {
    pub(super) receiver: &'a Receiver<S>,
    pub(super) verified: Verified<'a>,
    pub(super) claim: Option<(DedupKey, Token)>,
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
    pub fn handshake(&self) -> Option<&crate::handshake::Handshake> {
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
pub(crate) struct HeldClaim(pub(super) Option<(DedupKey, Token)>);

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

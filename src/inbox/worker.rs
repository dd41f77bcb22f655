//! The inbox's workers: each takes a ready delivery under a lease, runs the handler in a transaction that also marks
//! the delivery processed, and on failure schedules a retry with backoff and jitter, or marks it dead.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use sqlx::postgres::{PgListener, PgPool};
use sqlx::{PgTransaction, Row as _};
use time::OffsetDateTime;
use tokio::sync::Notify;

use super::sql::{CHANNEL, DONE, FAILED, TAKE};
use super::{Inbox, millis, store_error};
use crate::error::Error;
use crate::store::{StoreError, Token};

impl Inbox {
    /// A worker that runs `handler` for each delivery: see [`Worker`]. The handler gets the delivery and the
    /// transaction its writes belong in; the worker marks the delivery processed in the same transaction and commits
    /// it when the handler returns `Ok`, and rolls it back and schedules a retry (or marks the delivery dead) when it
    /// returns `Err`, panics or runs past the deadline.
    pub fn worker<H>(&self, handler: H) -> Worker
    where
        H: for<'t> Fn(InboxDelivery, &'t mut PgTransaction<'static>) -> Handling<'t> + Send + Sync + 'static,
    {
        Worker {
            inbox: self.clone(),
            handler: Arc::new(handler),
            concurrency: 1,
            poll_interval: Duration::from_millis(250),
        }
    }

    /// The wait before retrying after `attempts` failed attempts: doubling from the first backoff, capped, with
    /// jitter (between half and all of it).
    fn backoff(&self, attempts: u32) -> Duration {
        let (first, max) = self.inner.backoff;
        let doubled = first.saturating_mul(1 << attempts.saturating_sub(1).min(30)).min(max);
        let fraction = 0.5 + 0.5 * fastrand::f64();
        doubled.mul_f64(fraction)
    }
}

/// What an inbox handler returns: a boxed future borrowing the transaction (write `Box::pin(async move { … })`).
pub type Handling<'t> = Pin<Box<dyn Future<Output = Result<(), Box<dyn std::error::Error + Send + Sync>>> + Send + 't>>;

/// Checks a closure as an inbox handler where it is written, for a handler kept in a variable before it is given to
/// [`Inbox::worker`] (Rust infers a closure's borrowed argument only from the function it is passed to):
/// `let handle = inbox::handler(|delivery, tx| Box::pin(async move { … }));`.
pub fn handler<H>(handler: H) -> H
where
    H: for<'t> Fn(InboxDelivery, &'t mut PgTransaction<'static>) -> Handling<'t> + Send + Sync + 'static,
{
    handler
}

type Handler = dyn for<'t> Fn(InboxDelivery, &'t mut PgTransaction<'static>) -> Handling<'t> + Send + Sync;

/// A delivery a worker hands its handler: the verified body and what the receiving side recorded.
#[derive(Debug, Clone)]
pub struct InboxDelivery {
    id: i64,
    delivery_id: Option<String>,
    event_type: Option<String>,
    key_id: String,
    tenant: Option<String>,
    ordering_key: Option<String>,
    provider_timestamp: Option<OffsetDateTime>,
    received_at: OffsetDateTime,
    attempt: u32,
    body: Vec<u8>,
}

impl InboxDelivery {
    /// The inbox row's id.
    pub const fn id(&self) -> i64 {
        self.id
    }

    /// The provider's delivery id, if the scheme carries one. See [`Verified::id`](crate::Verified::id).
    pub fn delivery_id(&self) -> Option<&str> {
        self.delivery_id.as_deref()
    }

    /// The event type, if the scheme carries one. See [`Verified::event_type`](crate::Verified::event_type).
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// The id of the key whose signature matched.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The tenant whose keys verified it, when a resolver named one.
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    /// The ordering key it was given, if any ([`InboxBuilder::ordering_key`](super::InboxBuilder::ordering_key)).
    pub fn ordering_key(&self) -> Option<&str> {
        self.ordering_key.as_deref()
    }

    /// The provider's signed timestamp, for schemes that carry one: compare it with what you stored to skip a stale
    /// update.
    pub const fn provider_timestamp(&self) -> Option<OffsetDateTime> {
        self.provider_timestamp
    }

    /// When the inbox accepted it.
    pub const fn received_at(&self) -> OffsetDateTime {
        self.received_at
    }

    /// Which attempt this is, from 1.
    pub const fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The verified raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Deserializes the body as JSON.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidPayload`](crate::ErrorKind::InvalidPayload) when it does not fit `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(Error::payload)
    }
}

/// Runs a handler for the inbox's deliveries: [`concurrency`](Self::concurrency) loops, each taking the oldest
/// ready delivery, until the future of [`run`](Self::run) is dropped (which stops them all; their deliveries'
/// transactions roll back and their leases lapse).
pub struct Worker {
    inbox: Inbox,
    handler: Arc<Handler>,
    concurrency: usize,
    poll_interval: Duration,
}

impl fmt::Debug for Worker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Worker")
            .field("concurrency", &self.concurrency)
            .field("poll_interval", &self.poll_interval)
            .finish_non_exhaustive()
    }
}

/// A delivery this worker leased, and its lease's token.
struct Leased {
    delivery: InboxDelivery,
    token: Token,
}

impl Worker {
    /// How many deliveries this worker processes at once. Defaults to 1.
    #[must_use]
    pub fn concurrency(mut self, loops: usize) -> Self {
        self.concurrency = loops.max(1);
        self
    }

    /// How long an idle loop waits before looking again for work it was not woken for: a retry whose backoff has
    /// passed, a delivery whose lease has lapsed, or one written while the worker's connection for wake-ups was
    /// down. A delivery written while the worker listens wakes a loop at once (`LISTEN`/`NOTIFY`). Defaults to
    /// 250 ms.
    #[must_use]
    pub const fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Processes deliveries until this future is dropped. Database errors are logged and retried after the poll
    /// interval.
    pub async fn run(self) {
        let mut loops = tokio::task::JoinSet::new();
        let this = Arc::new(self);
        let wake = Arc::new(Notify::new());
        loops.spawn(listen(this.inbox.inner.pool.clone(), wake.clone(), this.poll_interval));
        for _ in 0..this.concurrency {
            let (this, wake) = (this.clone(), wake.clone());
            loops.spawn(async move { this.run_loop(&wake).await });
        }
        while loops.join_next().await.is_some() {}
    }

    async fn run_loop(&self, wake: &Notify) {
        loop {
            match self.take().await {
                Ok(Some(leased)) => {
                    if let Err(error) = self.process(leased).await {
                        crate::log::warning!("inbox: could not record an attempt: {error}");
                        tokio::time::sleep(self.poll_interval).await;
                    }
                }
                Ok(None) => {
                    tokio::select! {
                        () = wake.notified() => {}
                        () = tokio::time::sleep(self.poll_interval) => {}
                    }
                }
                Err(error) => {
                    crate::log::warning!("inbox: could not take a delivery: {error}");
                    tokio::time::sleep(self.poll_interval).await;
                }
            }
        }
    }

    /// Leases the next ready delivery, if any.
    async fn take(&self) -> Result<Option<Leased>, StoreError> {
        let inner = &self.inbox.inner;
        let token = Token::new();
        let row = sqlx::query(TAKE)
            .bind(&token.0.to_be_bytes()[..])
            .bind(millis(inner.lease))
            // Only this inbox's scheme: inboxes of other schemes may share the table.
            .bind(self.inbox.verifier().scheme().provider().name().as_ref())
            .fetch_optional(&inner.pool)
            .await
            .map_err(store_error)?;
        Ok(row.map(|row| Leased {
            token,
            delivery: InboxDelivery {
                id: row.get("id"),
                delivery_id: row.get("delivery_id"),
                event_type: row.get("event_type"),
                key_id: row.get("key_id"),
                tenant: row.get("tenant"),
                ordering_key: row.get("ordering_key"),
                provider_timestamp: row.get("provider_timestamp"),
                received_at: row.get("received_at"),
                attempt: u32::try_from(row.get::<i32, _>("attempts")).unwrap_or(u32::MAX),
                body: row.get("body"),
            },
        }))
    }

    /// Runs the handler for a leased delivery in its own task (so a panic is an attempt that failed), then records
    /// the attempt.
    async fn process(&self, leased: Leased) -> Result<(), StoreError> {
        let inner = &self.inbox.inner;
        let (id, token, attempt) = (leased.delivery.id, leased.token, leased.delivery.attempt);
        let outcome = if attempt > inner.max_attempts {
            // Taken over after a worker stopped during the last attempt: no attempts are left.
            Err("the worker running the last attempt stopped".to_owned())
        } else {
            // Aborted if this future is dropped (the worker stopped): the job's transaction then rolls back.
            let mut job = AbortOnDrop(tokio::spawn(run_job(self.inbox.clone(), self.handler.clone(), leased)));
            match (&mut job.0).await {
                Ok(outcome) => outcome,
                Err(join) if join.is_panic() => Err("the handler panicked".to_owned()),
                Err(_) => Err("the handler's task was cancelled".to_owned()),
            }
        };
        let Err(error) = outcome else { return Ok(()) };
        let wait = self.inbox.backoff(attempt);
        sqlx::query(FAILED)
            .bind(id)
            .bind(&token.0.to_be_bytes()[..])
            .bind(i32::try_from(inner.max_attempts).unwrap_or(i32::MAX))
            .bind(millis(wait))
            .bind(&error)
            .execute(&inner.pool)
            .await
            .map_err(store_error)?;
        if attempt >= inner.max_attempts {
            crate::log::warning!("inbox: delivery {id} is dead after {attempt} attempts: {error}");
        }
        Ok(())
    }
}

/// Wakes one idle loop for each delivery written (the receiving side's `NOTIFY`), on a connection of its own;
/// reconnects after `retry` when that connection fails, the loops polling meanwhile.
async fn listen(pool: PgPool, wake: Arc<Notify>, retry: Duration) {
    loop {
        let listening = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(CHANNEL).await?;
            loop {
                listener.recv().await?;
                wake.notify_one();
            }
        };
        let Err::<std::convert::Infallible, sqlx::Error>(error) = listening.await;
        crate::log::warning!("inbox: not woken by new deliveries (polling meanwhile): {error}");
        tokio::time::sleep(retry).await;
    }
}

/// A task aborted when its handle is dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One attempt: the handler's transaction, bounded by the lease on the server
/// ([`begin_bounded`](super::sql::begin_bounded)), committed with the row marked processed when the handler succeeds
/// and this worker's lease still holds the delivery. `Ok` also when the lease was lost (another worker has the
/// delivery; this transaction is rolled back). The error text is the handler's.
async fn run_job(inbox: Inbox, handler: Arc<Handler>, leased: Leased) -> Result<(), String> {
    let inner = &inbox.inner;
    let (id, token) = (leased.delivery.id, leased.token.0.to_be_bytes());
    let mut tx = inner
        .pool
        .begin_with(inner.begin.clone())
        .await
        .map_err(|error| format!("could not begin a transaction: {error}"))?;
    let handled = tokio::time::timeout(inner.handler_deadline, handler(leased.delivery, &mut tx)).await;
    let failure = match handled {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(error.to_string()),
        Err(_) => Some(format!("the handler ran past its {:?} deadline", inner.handler_deadline)),
    };
    if let Some(failure) = failure {
        // Rolled back now, so the handler's locks are free before the attempt is recorded on another connection.
        let _ = tx.rollback().await;
        return Err(failure);
    }
    let done = sqlx::query(DONE).bind(id).bind(&token[..]).execute(&mut *tx).await;
    let done = done.map_err(|error| format!("could not mark the delivery processed: {error}"))?;
    if done.rows_affected() == 0 {
        // The lease lapsed and another worker took the delivery: this attempt's writes must not commit.
        let _ = tx.rollback().await;
        crate::log::warning!("inbox: delivery {id} was taken over after its lease lapsed; this attempt is rolled back");
        return Ok(());
    }
    tx.commit().await.map_err(|error| format!("could not commit: {error}"))
}

//! [`Inbox`]: acknowledge at once, process later, lose nothing. A durable queue of verified deliveries in PostgreSQL,
//! with workers that retry with backoff and mark deliveries dead after the last attempt.
//!
//! The receiving side verifies a delivery and writes it (raw body, headers, scheme, key id, received-at, dedup key)
//! in **one insert that is itself the deduplication check**, and answers `202 Accepted` only once that row is
//! committed. A duplicate is answered like any duplicate (`200`, `hooksafe-outcome: duplicate`); a database failure
//! is `503` with `Retry-After`, so the provider retries and nothing acknowledged is ever lost. Forged, stale and
//! oversized deliveries are refused before any insert.
//!
//! Workers take deliveries with `FOR UPDATE SKIP LOCKED` and a visibility lease, run your handler inside a
//! transaction that also marks the delivery processed (your writes and the completion commit together), and on
//! failure retry with exponential backoff and jitter, up to the configured attempts, then mark the delivery dead. A
//! worker killed mid-handler loses nothing: its transaction rolls back, its lease lapses, and another worker takes
//! the delivery. A worker paused or stuck (not dead) does not keep it either: the handler's transaction is bounded
//! by the lease on the server (a statement running longer, or the worker silent inside it longer, ends it and
//! releases its locks), another worker takes the delivery once the lease lapses, and the first worker's late
//! completion changes nothing (it is fenced by the lease's token) so its writes roll back.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use hooksafe::inbox::{Inbox, InboxDelivery};
//! use hooksafe::{Scheme, Verifier};
//!
//! let pool = sqlx::PgPool::connect("postgres://app@localhost/app").await?;
//! let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_...").build()?;
//! let inbox = Inbox::builder(verifier, pool).max_attempts(8).build()?;
//! inbox.migrate().await?;
//!
//! // Receiving: `axum::Router::new().route_service("/webhooks/stripe", inbox.service())`.
//! // Processing, in the same process or another:
//! let worker = inbox.worker(|delivery: InboxDelivery, tx: &mut sqlx::PgTransaction<'static>| {
//!     Box::pin(async move {
//!         let event: serde_json::Value = delivery.json()?;
//!         sqlx::query("INSERT INTO events (id, kind) VALUES ($1, $2)")
//!             .bind(delivery.delivery_id())
//!             .bind(event["type"].as_str())
//!             .execute(&mut **tx)
//!             .await?;
//!         Ok(())
//!     })
//! });
//! worker.concurrency(4).run().await;
//! # Ok(())
//! # }
//! ```

mod admin;
mod commit;
mod sql;
mod worker;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row as _;
use sqlx::postgres::PgPool;

use crate::error::{ConfigError, Error};
use crate::handshake::Handshake;
use crate::lease::LeasePolicy;
use crate::receiver::{Receiver, STORE_RETRY_AFTER};
use crate::store::{PostgresStore, StoreError};
use crate::telemetry::{Observer, Stopwatch};
use crate::verified::Verified;
use crate::verifier::Verifier;
use commit::{GroupCommit, NewRow};

pub use admin::{Counts, DeadDelivery, MIN_RETENTION};
pub use sql::MIGRATION;
pub use worker::{Handling, InboxDelivery, Worker, handler};

/// Headers never written to the table, even where a scheme sends them: they carry credentials (Basic auth, tokens).
const NEVER_STORED: [&str; 4] = ["authorization", "proxy-authorization", "cookie", "x-gitlab-token"];

/// A durable inbox of verified deliveries in PostgreSQL. Cheap to clone: clones share the pool and configuration.
#[derive(Clone)]
pub struct Inbox {
    inner: Arc<Inner>,
}

struct Inner {
    /// The verifier and the dedup key derivation (its store is unused: the inbox's insert is the dedup check).
    receiver: Receiver<PostgresStore>,
    pool: PgPool,
    max_attempts: u32,
    backoff: (Duration, Duration),
    lease: Duration,
    handler_deadline: Duration,
    insert_timeout: Duration,
    ordering_key: Option<OrderingKey>,
    /// The headers written with a delivery: the scheme's own and `content-type`, never a credential.
    stored_headers: Vec<http::HeaderName>,
    /// The deliveries waiting to be written by the next commit.
    commits: Arc<GroupCommit>,
    /// The statement opening a handler's transaction, bounded by the lease.
    begin: String,
}

type OrderingKey = Box<dyn Fn(&Verified<'_>) -> Option<String> + Send + Sync>;

impl fmt::Debug for Inbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox")
            .field("scheme", self.inner.receiver.verifier().scheme())
            .field("max_attempts", &self.inner.max_attempts)
            .field("backoff", &self.inner.backoff)
            .field("lease", &self.inner.lease)
            .finish_non_exhaustive()
    }
}

/// Configures an [`Inbox`]; mistakes are reported by [`build`](Self::build).
pub struct InboxBuilder {
    verifier: Verifier,
    pool: PgPool,
    namespace: Option<String>,
    max_attempts: u32,
    backoff: (Duration, Duration),
    lease: LeasePolicy,
    insert_timeout: Duration,
    ordering_key: Option<OrderingKey>,
    extra_headers: Vec<http::HeaderName>,
    #[cfg(feature = "limits")]
    limits: Option<crate::limit::Limits>,
}

impl fmt::Debug for InboxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboxBuilder").field("max_attempts", &self.max_attempts).finish_non_exhaustive()
    }
}

impl InboxBuilder {
    /// Scopes the dedup keys, as [`ReceiverBuilder::namespace`](crate::ReceiverBuilder::namespace) does: set one when
    /// several endpoints of the same scheme share one inbox table.
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// How many times a delivery is tried before it is marked dead. Defaults to 10; at least 1.
    #[must_use]
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The wait before the first retry, doubled after each failed attempt up to `max`, each wait drawn between half
    /// and all of it (jitter). Defaults to 1 s and 1 hour.
    #[must_use]
    pub const fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.backoff = (first, max);
        self
    }

    crate::lease::lease_setters! {
        lease: "How long a worker holds a delivery before another may take it, should the first one stop. Defaults \
            to 5 minutes; at least one second.",
        handler_deadline: "How long a handler may run; a handler still running then is stopped, its transaction \
            rolled back, and the attempt counted as failed. Defaults to half the lease; must be shorter than it.",
    }

    /// How long the receiving side waits for the database to commit a delivery before answering `503` (the
    /// provider retries): shorter than the provider's own timeout (GitHub's is 10 s). Defaults to 5 s.
    #[must_use]
    pub const fn insert_timeout(mut self, timeout: Duration) -> Self {
        self.insert_timeout = timeout;
        self
    }

    /// Also stores these request headers with each delivery (`X-Shopify-Shop-Domain`, `X-GitHub-Hook-ID`, …). By
    /// default only the scheme's own headers (its signature, timestamp, id and event type) and `Content-Type` are
    /// stored, so nothing a client or a proxy added lands in the table; credentials (`Authorization`, cookies,
    /// GitLab's token) are never stored, even when named here.
    #[must_use]
    pub fn store_headers(mut self, names: impl IntoIterator<Item = http::HeaderName>) -> Self {
        self.extra_headers.extend(names);
        self
    }

    /// Processes deliveries in order per key: a delivery with the key `key` returns (a Stripe object id, say) waits
    /// until every earlier delivery with the same key is processed or dead. Deliveries without a key are not ordered.
    /// Compare [`InboxDelivery::provider_timestamp`] with what you stored to skip a stale update.
    #[must_use]
    pub fn ordering_key(mut self, key: impl Fn(&Verified<'_>) -> Option<String> + Send + Sync + 'static) -> Self {
        self.ordering_key = Some(Box::new(key));
        self
    }

    /// Refuses floods before any work, as [`ReceiverBuilder::limits`](crate::ReceiverBuilder::limits) does: rates
    /// per source address and per tenant (`429`), and a bound on deliveries being written at once (`503`), applied
    /// before the body is read. See [`Limits`](crate::limit::Limits).
    #[cfg(feature = "limits")]
    #[must_use]
    pub fn limits(mut self, limits: crate::limit::Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Checks the configuration.
    ///
    /// # Errors
    /// [`ConfigError::InvalidLimits`] for limits that would admit nothing;
    /// [`ConfigError::InvalidLease`] for a lease under one second; [`ConfigError::InvalidHandlerDeadline`] for a
    /// deadline of zero or not shorter than the lease; [`ConfigError::InvalidInbox`] for zero attempts or a backoff
    /// whose first wait is zero or above its maximum.
    pub fn build(self) -> Result<Inbox, ConfigError> {
        // A background worker's handler answers no provider: half the lease, however long.
        let (lease, handler_deadline) = self.lease.checked(Duration::MAX)?;
        if self.max_attempts == 0 {
            return Err(ConfigError::InvalidInbox("a delivery must be tried at least once"));
        }
        if self.backoff.0.is_zero() || self.backoff.0 > self.backoff.1 {
            return Err(ConfigError::InvalidInbox("the first backoff must be above zero and at most the maximum"));
        }
        let mut stored_headers = self.verifier.scheme().own_headers();
        stored_headers.push(http::header::CONTENT_TYPE);
        stored_headers.extend(self.extra_headers);
        stored_headers.retain(|name| !NEVER_STORED.contains(&name.as_str()));
        let store = PostgresStore::new(self.pool.clone());
        let receiver = Receiver::builder(self.verifier, store);
        let receiver = match self.namespace {
            Some(namespace) => receiver.namespace(namespace),
            None => receiver,
        };
        // The receiving side applies the limits as every adapter does: through the receiver.
        #[cfg(feature = "limits")]
        let receiver = match self.limits {
            Some(limits) => receiver.limits(limits),
            None => receiver,
        };
        Ok(Inbox {
            inner: Arc::new(Inner {
                receiver: receiver.build()?,
                pool: self.pool,
                max_attempts: self.max_attempts,
                backoff: self.backoff,
                lease,
                handler_deadline,
                insert_timeout: self.insert_timeout,
                ordering_key: self.ordering_key,
                stored_headers,
                commits: Arc::default(),
                begin: sql::begin_bounded(millis(lease)),
            }),
        })
    }
}

/// What [`Inbox::accept`] did with a verified request.
#[derive(Debug)]
pub enum Accepted {
    /// The delivery was written and committed, with this id: answer `202`.
    Stored(i64),
    /// The request was the provider's endpoint check: answer it (nothing was written).
    Handshake(Handshake),
}

fn store_error(error: sqlx::Error) -> StoreError {
    StoreError::new(error)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl Inbox {
    /// Starts configuring an inbox for deliveries `verifier` checks, in the database of `pool`.
    pub fn builder(verifier: Verifier, pool: PgPool) -> InboxBuilder {
        InboxBuilder {
            verifier,
            pool,
            namespace: None,
            max_attempts: 10,
            backoff: (Duration::from_secs(1), Duration::from_secs(3600)),
            lease: LeasePolicy::new(Duration::from_secs(300)),
            insert_timeout: Duration::from_secs(5),
            ordering_key: None,
            extra_headers: Vec::new(),
            #[cfg(feature = "limits")]
            limits: None,
        }
    }

    /// Creates the inbox table and its indexes if they do not exist: the SQL of [`MIGRATION`].
    ///
    /// # Errors
    /// [`StoreError`] when the database refuses it.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::raw_sql(MIGRATION).execute(&self.inner.pool).await.map(drop).map_err(store_error)
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        self.inner.receiver.verifier()
    }

    /// Verifies a request (head and buffered body) and writes it: what the adapters call. Reported as the adapters
    /// report a delivery (the `hooksafe_delivery` span with the `tracing` feature, the counters and histograms with
    /// `metrics`; a written delivery's outcome is `stored`).
    ///
    /// # Errors
    /// Every verification error, before anything is written; [`ErrorKind::Duplicate`](crate::ErrorKind::Duplicate)
    /// when it was written before; [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) when the
    /// database did not commit it (answer `503`: the provider retries).
    pub async fn accept(&self, parts: &http::request::Parts, body: &[u8]) -> Result<Accepted, Error> {
        self.accept_observed(parts, body, &Observer::start(self.verifier().scheme())).await
    }

    async fn accept_observed(
        &self,
        parts: &http::request::Parts,
        body: &[u8],
        observer: &Observer,
    ) -> Result<Accepted, Error> {
        let started = Stopwatch::start();
        let verified = match self.verifier().verify_async((parts, body)).await {
            Ok(verified) => verified,
            Err(error) => {
                observer.rejected(&error, Some(started.elapsed()));
                return Err(error);
            }
        };
        let verify = started.elapsed();
        if let Some(handshake) = verified.handshake() {
            observer.handshake();
            return Ok(Accepted::Handshake(handshake.clone()));
        }
        let written = self.write(parts, body, &verified).await;
        match &written {
            Ok(_) => {
                observer.verified(&verified, verify, started.elapsed().saturating_sub(verify));
                observer.handed_over("stored");
            }
            Err(error) => observer.rejected(error, Some(verify)),
        }
        written
    }

    /// Writes a verified delivery, or finds it was written before.
    async fn write(
        &self,
        parts: &http::request::Parts,
        body: &[u8],
        verified: &Verified<'_>,
    ) -> Result<Accepted, Error> {
        let key = self.inner.receiver.key(verified);
        let headers: Vec<[String; 2]> = parts
            .headers
            .iter()
            .filter(|(name, _)| self.inner.stored_headers.contains(name))
            .map(|(name, value)| [name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()])
            .collect();
        let headers = serde_json::to_string(&headers).map_err(Error::payload)?;
        let row = NewRow {
            dedup_key: key.0.to_vec(),
            scheme: self.verifier().scheme().provider().name(),
            key_id: verified.key_id().to_owned(),
            tenant: verified.tenant().map(str::to_owned),
            delivery_id: verified.id().map(str::to_owned),
            event_type: verified.event_type().map(|event_type| event_type.to_string()),
            ordering_key: self.inner.ordering_key.as_ref().and_then(|key| key(verified)),
            provider_timestamp: verified.timestamp(),
            headers,
            body: body.to_vec(),
        };
        let unavailable = |error: StoreError| Error::store_unavailable(error, STORE_RETRY_AFTER);
        let written = self.inner.commits.write(&self.inner.pool, row);
        let written = tokio::time::timeout(self.inner.insert_timeout, written)
            .await
            .map_err(|_| unavailable(StoreError::new("the database did not commit the delivery in time")))?
            .map_err(|error| unavailable(StoreError::new(error)))?;
        match written {
            Some(id) => Ok(Accepted::Stored(id)),
            None => {
                self.compare_body(&key.0, verified).await;
                Err(Error::duplicate())
            }
        }
    }

    /// For a duplicate of a delivery whose signature does not bind its whole body (PayPal, Mailgun, Adyen): warns,
    /// and counts in metrics, when the body is not the one stored with that dedup key.
    async fn compare_body(&self, key: &[u8], verified: &Verified<'_>) {
        let scheme = self.verifier().scheme();
        if !scheme.provider().signs_body_weakly() {
            return;
        }
        let same = sqlx::query("SELECT body = $2 FROM hooksafe_inbox WHERE dedup_key = $1")
            .bind(key)
            .bind(verified.body())
            .fetch_optional(&self.inner.pool)
            .await;
        if let Ok(Some(row)) = same
            && !row.get::<bool, _>(0)
        {
            crate::telemetry::duplicate_with_another_body(scheme, verified.id());
        }
    }
}

#[cfg(any(feature = "tower", feature = "actix-web"))]
impl crate::adapter::HandOver for Inbox {
    fn verifier(&self) -> &Verifier {
        self.inner.receiver.verifier()
    }

    #[cfg(any(feature = "axum", feature = "actix-web"))]
    fn reads_path_params(&self) -> bool {
        self.inner.receiver.reads_path_params()
    }

    fn admit(&self, parts: &http::request::Parts) -> Result<crate::receiver::Admitted, Error> {
        self.inner.receiver.admit(parts)
    }

    async fn accept(
        &self,
        parts: &http::request::Parts,
        body: bytes::Bytes,
        observer: &Observer,
    ) -> Result<crate::adapter::HandedOver, Error> {
        Ok(match self.accept_observed(parts, &body, observer).await? {
            Accepted::Stored(_) => crate::adapter::HandedOver::Taken,
            Accepted::Handshake(handshake) => crate::adapter::HandedOver::Handshake(handshake),
        })
    }
}

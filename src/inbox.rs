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
//! the delivery.
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

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use sqlx::postgres::PgPool;
use sqlx::{PgTransaction, Row as _};
use time::OffsetDateTime;

use crate::error::{ConfigError, Error};
use crate::handshake::Handshake;
use crate::receiver::{Receiver, STORE_RETRY_AFTER};
use crate::store::{PostgresStore, StoreError, Token};
use crate::verified::Verified;
use crate::verifier::Verifier;

/// The inbox table, as [`Inbox::migrate`] creates it. Run it yourself if you manage migrations with another tool.
pub const MIGRATION: &str = "
CREATE TABLE IF NOT EXISTS hooksafe_inbox (
    id bigserial PRIMARY KEY,
    dedup_key bytea NOT NULL UNIQUE,
    scheme text NOT NULL,
    key_id text NOT NULL,
    tenant text,
    delivery_id text,
    event_type text,
    ordering_key text,
    provider_timestamp timestamptz,
    headers jsonb NOT NULL,
    body bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'processing', 'processed', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    available_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    lease_token bytea,
    lease_until timestamptz,
    last_error text,
    processed_at timestamptz
);
CREATE INDEX IF NOT EXISTS hooksafe_inbox_ready ON hooksafe_inbox (id) WHERE state IN ('pending', 'processing');
CREATE INDEX IF NOT EXISTS hooksafe_inbox_ordering ON hooksafe_inbox (ordering_key, id)
    WHERE state IN ('pending', 'processing') AND ordering_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS hooksafe_inbox_processed ON hooksafe_inbox (processed_at) WHERE state = 'processed';
";

/// Writes a verified delivery; no row comes back for a duplicate. One statement.
const INSERT: &str = "
INSERT INTO hooksafe_inbox
    (dedup_key, scheme, key_id, tenant, delivery_id, event_type, ordering_key, provider_timestamp, headers, body)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
ON CONFLICT (dedup_key) DO NOTHING
RETURNING id";

/// Leases the oldest delivery ready to run (pending and due, or processing with a lapsed lease), skipping those a
/// running transaction holds and those behind an unfinished earlier delivery with the same ordering key.
const TAKE: &str = "
UPDATE hooksafe_inbox AS i
SET state = 'processing', attempts = i.attempts + 1, lease_token = $1,
    lease_until = clock_timestamp() + $2 * interval '1 millisecond'
WHERE i.id = (
    SELECT c.id FROM hooksafe_inbox c
    WHERE ((c.state = 'pending' AND c.available_at <= clock_timestamp())
           OR (c.state = 'processing' AND c.lease_until <= clock_timestamp()))
      AND (c.ordering_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM hooksafe_inbox e
          WHERE e.ordering_key = c.ordering_key AND e.id < c.id AND e.state IN ('pending', 'processing')))
    ORDER BY c.id
    LIMIT 1
    FOR UPDATE SKIP LOCKED)
RETURNING i.id, i.delivery_id, i.event_type, i.key_id, i.tenant, i.ordering_key, i.provider_timestamp,
          i.received_at, i.attempts, i.body";

/// Holds the leased row for the handler's transaction, if this worker's lease still holds it.
const HOLD: &str =
    "SELECT 1 FROM hooksafe_inbox WHERE id = $1 AND lease_token = $2 AND state = 'processing' FOR UPDATE";

/// Marks the row processed, in the handler's transaction.
const DONE: &str = "
UPDATE hooksafe_inbox SET state = 'processed', processed_at = clock_timestamp(), lease_token = NULL,
    lease_until = NULL, last_error = NULL
WHERE id = $1 AND lease_token = $2";

/// Records a failed attempt: back to pending after the backoff, or dead after the last attempt.
const FAILED: &str = "
UPDATE hooksafe_inbox
SET state = CASE WHEN attempts >= $3 THEN 'dead' ELSE 'pending' END,
    available_at = clock_timestamp() + $4 * interval '1 millisecond',
    lease_token = NULL, lease_until = NULL, last_error = $5
WHERE id = $1 AND lease_token = $2";

/// Headers never written to the table, even where a scheme sends them: they carry credentials (Basic auth, tokens).
const NEVER_STORED: [&str; 4] = ["authorization", "proxy-authorization", "cookie", "x-gitlab-token"];

/// How long a processed delivery of a scheme without a signed timestamp is kept at least: the dedup record is its
/// only replay defence. Only [`Inbox::dangerous_purge_processed`] deletes such a row sooner.
pub const MIN_RETENTION: Duration = crate::receiver::DEFAULT_RETENTION;

/// Deletes processed deliveries of one scheme: older than `$1` ms, and no longer protecting against a replay (a
/// delivery with a timestamp once that is older than the replay window `$3` ms; one without, once processed more
/// than `$2` ms ago).
const PURGE: &str = "
DELETE FROM hooksafe_inbox
WHERE state = 'processed' AND scheme = $4
  AND processed_at < clock_timestamp() - $1 * interval '1 millisecond'
  AND CASE WHEN provider_timestamp IS NULL OR $3 < 0
           THEN processed_at < clock_timestamp() - $2 * interval '1 millisecond'
           ELSE provider_timestamp < clock_timestamp() - $3 * interval '1 millisecond' END";

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
    lease: Duration,
    handler_deadline: Option<Duration>,
    insert_timeout: Duration,
    ordering_key: Option<OrderingKey>,
    extra_headers: Vec<http::HeaderName>,
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

    /// How long a worker holds a delivery before another may take it, should the first one stop. Defaults to 5
    /// minutes; at least one second.
    #[must_use]
    pub const fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How long a handler may run; a handler still running then is stopped, its transaction rolled back, and the
    /// attempt counted as failed. Defaults to half the lease; must be shorter than it.
    #[must_use]
    pub const fn handler_deadline(mut self, deadline: Duration) -> Self {
        self.handler_deadline = Some(deadline);
        self
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

    /// Checks the configuration.
    ///
    /// # Errors
    /// [`ConfigError::InvalidLease`] for a lease under one second; [`ConfigError::InvalidHandlerDeadline`] for a
    /// deadline of zero or not shorter than the lease; [`ConfigError::InvalidInbox`] for zero attempts or a backoff
    /// whose first wait is zero or above its maximum.
    pub fn build(self) -> Result<Inbox, ConfigError> {
        if self.lease < Duration::from_secs(1) {
            return Err(ConfigError::InvalidLease);
        }
        let handler_deadline = self.handler_deadline.unwrap_or(self.lease / 2);
        if handler_deadline.is_zero() || handler_deadline >= self.lease {
            return Err(ConfigError::InvalidHandlerDeadline);
        }
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
        Ok(Inbox {
            inner: Arc::new(Inner {
                receiver: receiver.build()?,
                pool: self.pool,
                max_attempts: self.max_attempts,
                backoff: self.backoff,
                lease: self.lease,
                handler_deadline,
                insert_timeout: self.insert_timeout,
                ordering_key: self.ordering_key,
                stored_headers,
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

/// How many deliveries are in each state, for alerting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Waiting for a worker (including those waiting out a backoff).
    pub pending: u64,
    /// Held by a worker's lease.
    pub processing: u64,
    /// Done.
    pub processed: u64,
    /// Given up on after the last attempt: [`Inbox::redrive`] them once the cause is fixed.
    pub dead: u64,
}

/// A delivery given up on.
#[derive(Debug, Clone)]
pub struct DeadDelivery {
    /// The inbox row's id, for [`Inbox::redrive`].
    pub id: i64,
    /// The provider's delivery id, if the scheme carries one.
    pub delivery_id: Option<String>,
    /// Its event type, if the scheme carries one.
    pub event_type: Option<String>,
    /// How many times it was tried.
    pub attempts: u32,
    /// The last attempt's error, as the handler reported it.
    pub last_error: Option<String>,
    /// When it arrived.
    pub received_at: OffsetDateTime,
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
            lease: Duration::from_secs(300),
            handler_deadline: None,
            insert_timeout: Duration::from_secs(5),
            ordering_key: None,
            extra_headers: Vec::new(),
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

    /// Verifies a request (head and buffered body) and writes it: what the adapters call.
    ///
    /// # Errors
    /// Every verification error, before anything is written; [`ErrorKind::Duplicate`](crate::ErrorKind::Duplicate)
    /// when it was written before; [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) when the
    /// database did not commit it (answer `503`: the provider retries).
    pub async fn accept(&self, parts: &http::request::Parts, body: &[u8]) -> Result<Accepted, Error> {
        let verified = self.verifier().verify_parts_async(parts, body).await?;
        if let Some(handshake) = verified.handshake() {
            return Ok(Accepted::Handshake(handshake.clone()));
        }
        let key = self.inner.receiver.key(&verified);
        let headers: Vec<[String; 2]> = parts
            .headers
            .iter()
            .filter(|(name, _)| self.inner.stored_headers.contains(name))
            .map(|(name, value)| [name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()])
            .collect();
        let headers = serde_json::to_string(&headers).map_err(Error::payload)?;
        let ordering_key = self.inner.ordering_key.as_ref().and_then(|key| key(&verified));
        let scheme = self.verifier().scheme().name();
        let insert = sqlx::query(INSERT)
            .bind(&key.0[..])
            .bind(scheme.as_ref())
            .bind(verified.key_id())
            .bind(verified.tenant())
            .bind(verified.id())
            .bind(verified.event_type())
            .bind(ordering_key)
            .bind(verified.timestamp())
            .bind(headers)
            .bind(body)
            .fetch_optional(&self.inner.pool);
        let unavailable = |error: StoreError| Error::store_unavailable(error, STORE_RETRY_AFTER);
        let row = tokio::time::timeout(self.inner.insert_timeout, insert)
            .await
            .map_err(|_| unavailable(StoreError::new("the database did not commit the delivery in time")))?
            .map_err(|error| unavailable(store_error(error)))?;
        match row {
            Some(row) => Ok(Accepted::Stored(row.get(0))),
            None => {
                self.compare_body(&key.0, &verified).await;
                Err(Error::duplicate())
            }
        }
    }

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

    /// How many deliveries are in each state; also logged at `info` with the `tracing` feature.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let rows = sqlx::query("SELECT state, count(*)::int8 FROM hooksafe_inbox GROUP BY state")
            .fetch_all(&self.inner.pool)
            .await
            .map_err(store_error)?;
        let mut counts = Counts::default();
        for row in rows {
            let count = u64::try_from(row.get::<i64, _>(1)).unwrap_or(0);
            match row.get::<&str, _>(0) {
                "pending" => counts.pending = count,
                "processing" => counts.processing = count,
                "processed" => counts.processed = count,
                _ => counts.dead = count,
            }
        }
        #[cfg(feature = "tracing")]
        tracing::info!(
            pending = counts.pending,
            processing = counts.processing,
            processed = counts.processed,
            dead = counts.dead,
            "hooksafe: inbox counts"
        );
        Ok(counts)
    }

    /// The oldest `limit` dead deliveries.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub async fn dead(&self, limit: u32) -> Result<Vec<DeadDelivery>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, delivery_id, event_type, attempts, last_error, received_at FROM hooksafe_inbox \
             WHERE state = 'dead' ORDER BY id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.inner.pool)
        .await
        .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|row| DeadDelivery {
                id: row.get("id"),
                delivery_id: row.get("delivery_id"),
                event_type: row.get("event_type"),
                attempts: u32::try_from(row.get::<i32, _>("attempts")).unwrap_or(0),
                last_error: row.get("last_error"),
                received_at: row.get("received_at"),
            })
            .collect())
    }

    /// Puts the dead delivery `id` back in the queue with its attempts reset; returns whether it was dead.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub async fn redrive(&self, id: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE hooksafe_inbox SET state = 'pending', attempts = 0, available_at = clock_timestamp(), \
                   last_error = NULL WHERE id = $1 AND state = 'dead'";
        let updated = sqlx::query(sql).bind(id).execute(&self.inner.pool).await.map_err(store_error)?;
        Ok(updated.rows_affected() == 1)
    }

    /// Puts every dead delivery back in the queue; returns how many.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub async fn redrive_all(&self) -> Result<u64, StoreError> {
        let sql = "UPDATE hooksafe_inbox SET state = 'pending', attempts = 0, available_at = clock_timestamp(), \
                   last_error = NULL WHERE state = 'dead'";
        let updated = sqlx::query(sql).execute(&self.inner.pool).await.map_err(store_error)?;
        Ok(updated.rows_affected())
    }

    /// Deletes this inbox's scheme's deliveries processed more than `retention` ago, but never one that still
    /// protects against a replay; returns how many. A delivery with a signed timestamp is kept until that timestamp
    /// is older than any replay window (two hours), whatever `retention` says; one without (GitHub, Shopify, Twilio,
    /// …), whose row is its only replay defence, is kept at least [`MIN_RETENTION`] (7 days). A verifier that skips
    /// the timestamp check keeps all its rows that long; do not share a table between it and another inbox of the
    /// same scheme, whose purge would not know. A redelivery of a purged delivery is
    /// accepted again, so keep `retention` longer than the provider retries (Stripe: 3 days).
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub async fn purge_processed(&self, retention: Duration) -> Result<u64, StoreError> {
        self.purge(retention, retention.max(MIN_RETENTION)).await
    }

    /// **Dangerous:** as [`purge_processed`](Self::purge_processed), but deliveries of a scheme without a signed
    /// timestamp go once processed more than `retention` ago, however short: a captured delivery replayed after that
    /// is processed again. Rows inside the replay window are still kept.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub async fn dangerous_purge_processed(&self, retention: Duration) -> Result<u64, StoreError> {
        self.purge(retention, retention).await
    }

    async fn purge(&self, retention: Duration, untimestamped: Duration) -> Result<u64, StoreError> {
        // Without a window (no timestamp checked), every row is kept as one without a timestamp. With one, a row is
        // kept while its timestamp is inside the widest window any verifier may have (twice `MAX_TOLERANCE`, two
        // hours), so another inbox of this scheme sharing the table, or a database clock ahead of the providers',
        // never loses a row its window still protects.
        let widest = crate::verifier::MAX_TOLERANCE * 2;
        let window = self.verifier().replay_window().map_or(-1, |window| millis(window.max(widest)));
        let scheme = self.verifier().scheme().name();
        let deleted = sqlx::query(PURGE)
            .bind(millis(retention))
            .bind(millis(untimestamped))
            .bind(window)
            .bind(scheme.as_ref())
            .execute(&self.inner.pool)
            .await
            .map_err(store_error)?;
        Ok(deleted.rows_affected())
    }

    /// For a duplicate of a delivery whose signature does not bind its whole body (PayPal, Mailgun, Adyen): warns,
    /// and counts in metrics, when the body is not the one stored with that dedup key.
    async fn compare_body(&self, key: &[u8], verified: &Verified<'_>) {
        let scheme = self.verifier().scheme();
        if !scheme.signs_body_weakly() {
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
            crate::log::warning!(
                "a {scheme} delivery arrived again as id {:?} with another body than the first; refused as a \
                 duplicate (a body forged to the same signature, or a provider bug)",
                verified.id().unwrap_or("(none)")
            );
            crate::telemetry::duplicate_with_another_body(scheme);
        }
    }

    /// The wait before retrying after `attempts` failed attempts: doubling from the first backoff, capped, with
    /// jitter (between half and all of it).
    fn backoff(&self, attempts: u32) -> Duration {
        let (first, max) = self.inner.backoff;
        let doubled = first.saturating_mul(1 << attempts.saturating_sub(1).min(30)).min(max);
        let fraction = 0.5 + 0.5 * unit_random();
        doubled.mul_f64(fraction)
    }
}

/// A number in `[0, 1)` from the standard library's randomly seeded hasher: for jitter, not for secrets.
fn unit_random() -> f64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let bits = std::collections::hash_map::RandomState::new().build_hasher().finish() >> 11;
    #[allow(clippy::cast_precision_loss, reason = "53 bits fit an f64's mantissa exactly")]
    let unit = bits as f64 / (1u64 << 53) as f64;
    unit
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

    /// The provider's delivery id, if the scheme carries one. See [`Verified::id`].
    pub fn delivery_id(&self) -> Option<&str> {
        self.delivery_id.as_deref()
    }

    /// The event type, if the scheme carries one. See [`Verified::event_type`].
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

    /// The ordering key it was given, if any ([`InboxBuilder::ordering_key`]).
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

    /// How long an idle loop waits before looking for work again. Defaults to 250 ms.
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
        for _ in 0..this.concurrency {
            let this = this.clone();
            loops.spawn(async move { this.run_loop().await });
        }
        while loops.join_next().await.is_some() {}
    }

    async fn run_loop(&self) {
        loop {
            match self.take().await {
                Ok(Some(leased)) => {
                    if let Err(error) = self.process(leased).await {
                        crate::log::warning!("inbox: could not record an attempt: {error}");
                        tokio::time::sleep(self.poll_interval).await;
                    }
                }
                Ok(None) => tokio::time::sleep(self.poll_interval).await,
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

/// A task aborted when its handle is dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One attempt: the handler's transaction, holding the delivery's row, committed with the row marked processed when
/// the handler succeeds. `Ok` also when the lease was lost (another worker has the delivery). The error text is the
/// handler's.
async fn run_job(inbox: Inbox, handler: Arc<Handler>, leased: Leased) -> Result<(), String> {
    let inner = &inbox.inner;
    let (id, token) = (leased.delivery.id, leased.token.0.to_be_bytes());
    let mut tx = inner.pool.begin().await.map_err(|error| format!("could not begin a transaction: {error}"))?;
    let held = sqlx::query(HOLD).bind(id).bind(&token[..]).fetch_optional(&mut *tx).await;
    match held {
        Ok(Some(_)) => {}
        Ok(None) => return Ok(()),
        Err(error) => return Err(format!("could not hold the delivery: {error}")),
    }
    let handled = tokio::time::timeout(inner.handler_deadline, handler(leased.delivery, &mut tx)).await;
    let failure = match handled {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(error.to_string()),
        Err(_) => Some(format!("the handler ran past its {:?} deadline", inner.handler_deadline)),
    };
    if let Some(failure) = failure {
        // Rolled back now, so the row's lock is free before the attempt is recorded on another connection.
        let _ = tx.rollback().await;
        return Err(failure);
    }
    let done = sqlx::query(DONE).bind(id).bind(&token[..]).execute(&mut *tx).await;
    done.map_err(|error| format!("could not mark the delivery processed: {error}"))?;
    tx.commit().await.map_err(|error| format!("could not commit: {error}"))
}

/// The receiving side as a tower service, an endpoint of its own (axum:
/// `Router::new().route_service("/webhooks/stripe", inbox.service())`): verifies, writes, and answers `202` once the
/// row is committed; a duplicate `200` with `hooksafe-outcome: duplicate`; a database failure `503` with
/// `Retry-After`; a rejected delivery its error's status. The body is capped as by the other adapters.
#[cfg(feature = "tower")]
#[derive(Debug, Clone)]
pub struct InboxService {
    inbox: Inbox,
}

#[cfg(feature = "tower")]
impl Inbox {
    /// The receiving side as a tower service: see [`InboxService`].
    pub fn service(&self) -> InboxService {
        InboxService { inbox: self.clone() }
    }
}

#[cfg(any(feature = "tower", feature = "actix-web"))]
impl Inbox {
    /// Verifies, writes and answers one request: what every adapter of the inbox does.
    pub(crate) async fn answer<B: From<&'static str> + From<Vec<u8>>>(
        &self,
        parts: &http::request::Parts,
        body: &[u8],
    ) -> http::Response<B> {
        match self.accept(parts, body).await {
            Ok(Accepted::Stored(_)) => {
                let mut response = http::Response::new(B::from("accepted"));
                *response.status_mut() = http::StatusCode::ACCEPTED;
                response
            }
            Ok(Accepted::Handshake(handshake)) => handshake.to_response(),
            Err(error) => {
                #[cfg(feature = "tracing")]
                tracing::debug!(%error, "hooksafe: inbox refused a delivery");
                error.to_response()
            }
        }
    }
}

#[cfg(feature = "tower")]
impl<B> tower_service::Service<http::Request<B>> for InboxService
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<http_body_util::Full<bytes::Bytes>>;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        use http_body_util::BodyExt as _;
        let inbox = self.inbox.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = match crate::adapter::read_body(inbox.verifier(), &parts.headers, body.into_data_stream()).await
            {
                Ok(body) => body,
                Err(error) => return Ok(error.to_response()),
            };
            Ok(inbox.answer(&parts, &body).await)
        })
    }
}

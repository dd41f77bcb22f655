//! [`PostgresStore`]: deduplication in the PostgreSQL database the application already runs, completable inside the
//! application's own transaction.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{PgConnection, Row as _};

use super::{Claim, DedupKey, Retention, Store, StoreError, Token};

/// The table `PostgresStore` keeps its records in, as [`PostgresStore::migrate`] creates it: one row per dedup key,
/// leased to one worker's token until `expires_at`, or done until `expires_at` (the retention's end). Run it yourself
/// if you manage migrations with another tool.
pub const MIGRATION: &str = "
CREATE TABLE IF NOT EXISTS hooksafe_dedup (
    key bytea PRIMARY KEY,
    token bytea,
    done boolean NOT NULL DEFAULT false,
    expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS hooksafe_dedup_expires_at ON hooksafe_dedup (expires_at);
";

/// Claims a key: a new row, or a row whose lease or retention has run out; otherwise says whether it is done or
/// held, and for how long. One statement.
const CLAIM: &str = "
WITH claimed AS (
    INSERT INTO hooksafe_dedup AS d (key, token, done, expires_at)
    VALUES ($1, $2, false, clock_timestamp() + $3 * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token, done = false, expires_at = EXCLUDED.expires_at
        WHERE d.expires_at <= clock_timestamp()
    RETURNING 1
)
SELECT 'claimed' AS state, NULL::float8 AS remaining_ms FROM claimed
UNION ALL
SELECT CASE WHEN d.done THEN 'done' ELSE 'held' END,
       EXTRACT(EPOCH FROM (d.expires_at - clock_timestamp()))::float8 * 1000
FROM hooksafe_dedup d
WHERE d.key = $1 AND NOT EXISTS (SELECT 1 FROM claimed)";

/// Marks a key done for the holder of its lease, or when no row exists. One statement.
const COMPLETE: &str = "
INSERT INTO hooksafe_dedup AS d (key, token, done, expires_at)
VALUES ($1, NULL, true, clock_timestamp() + $3 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET token = NULL, done = true, expires_at = EXCLUDED.expires_at
    WHERE d.token = $2 AND NOT d.done
RETURNING 1";

/// Removes a lease, only for its holder. One statement.
const RELEASE: &str = "DELETE FROM hooksafe_dedup WHERE key = $1 AND token = $2 AND NOT done";

/// A store in PostgreSQL, shared by every replica that connects to the same database: one statement (one round
/// trip) per claim, per completion and per release.
///
/// Complete a delivery **inside your own transaction** with
/// [`Delivery::complete_in`](crate::Delivery::complete_in): your handler's writes and the completion then commit
/// together or not at all, so a crash between them can neither lose the event nor apply it twice.
///
/// Run [`migrate`](Self::migrate) once (or the SQL of [`MIGRATION`] with your own migration tool), and
/// [`purge_expired`](Self::purge_expired) now and then to drop records whose retention has passed.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use hooksafe::{Receiver, Scheme, Verifier, store::PostgresStore};
///
/// let store = PostgresStore::connect("postgres://app@localhost/app").await?;
/// store.migrate().await?;
/// let receiver = Receiver::new(Verifier::builder(Scheme::Stripe).secret("whsec_...").build()?, store.clone());
///
/// # let headers = http::HeaderMap::new(); let body = b"";
/// let delivery = receiver.receive((&headers, body)).await?;
/// let mut tx = store.pool().begin().await?;
/// sqlx::query("INSERT INTO payments (event) VALUES ($1)").bind(delivery.id()).execute(&mut *tx).await?;
/// delivery.complete_in(&mut tx).await?; // the same transaction
/// tx.commit().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").field("connections", &self.pool.size()).finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// A store on an existing pool (the application's own).
    pub const fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Connects a pool of up to 10 connections to `url` (`postgres://user:password@host/database`, or
    /// `postgres:///database?host=/run/postgresql` for a Unix socket).
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(StoreError::new)?;
        Ok(Self { pool })
    }

    /// The pool, to begin the transaction a delivery is completed in.
    pub const fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Creates the table and its index if they do not exist: the SQL of [`MIGRATION`].
    ///
    /// # Errors
    /// [`StoreError`] when the database refuses it.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::raw_sql(MIGRATION).execute(&self.pool).await.map(drop).map_err(StoreError::new)
    }

    /// Deletes the records whose lease or retention has run out; returns how many.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        let deleted = sqlx::query("DELETE FROM hooksafe_dedup WHERE expires_at < clock_timestamp()")
            .execute(&self.pool)
            .await
            .map_err(StoreError::new)?;
        Ok(deleted.rows_affected())
    }

    /// Marks `key` done for `token` on `connection` (a transaction of the caller's), as [`Store::complete`] does.
    pub(crate) async fn complete_on(
        connection: &mut PgConnection,
        key: DedupKey,
        token: Token,
        retention: Retention,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(COMPLETE)
            .bind(&key.0[..])
            .bind(&token.0.to_be_bytes()[..])
            .bind(millis(retention.keep_for))
            .fetch_optional(connection)
            .await
            .map_err(StoreError::new)?;
        Ok(row.is_some())
    }
}

/// Whole milliseconds, as PostgreSQL takes them.
fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl Store for PostgresStore {
    async fn claim(&self, key: DedupKey, token: Token, lease: Duration) -> Result<Claim, StoreError> {
        let row = sqlx::query(CLAIM)
            .bind(&key.0[..])
            .bind(&token.0.to_be_bytes()[..])
            .bind(millis(lease))
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::new)?;
        let Some(row) = row else {
            // A concurrent claim inserted the row after this statement's snapshot: it holds the key.
            return Ok(Claim::Held { remaining: None });
        };
        let state: &str = row.try_get("state").map_err(StoreError::new)?;
        Ok(match state {
            "claimed" => Claim::Claimed,
            "done" => Claim::Done,
            _ => {
                let remaining: Option<f64> = row.try_get("remaining_ms").map_err(StoreError::new)?;
                let remaining =
                    remaining.filter(|ms| ms.is_finite() && *ms > 0.0).map(|ms| Duration::from_secs_f64(ms / 1000.0));
                Claim::Held { remaining }
            }
        })
    }

    async fn complete(&self, key: DedupKey, token: Token, retention: Retention) -> Result<bool, StoreError> {
        let mut connection = self.pool.acquire().await.map_err(StoreError::new)?;
        Self::complete_on(&mut connection, key, token, retention).await
    }

    async fn release(&self, key: DedupKey, token: Token) -> Result<(), StoreError> {
        sqlx::query(RELEASE)
            .bind(&key.0[..])
            .bind(&token.0.to_be_bytes()[..])
            .execute(&self.pool)
            .await
            .map(drop)
            .map_err(StoreError::new)
    }

    fn release_in_background(&self, key: DedupKey, token: Token) {
        super::release_on_tokio(self.clone(), key, token);
    }
}

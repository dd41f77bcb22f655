//! Operating an inbox: counts for alerting, dead deliveries and their redrive, and purging processed ones without
//! ever forgetting one that still stops a replay.

use std::time::Duration;

use sqlx::Row as _;
use time::OffsetDateTime;

use super::sql::PURGE;
use super::{Inbox, millis, store_error};
use crate::store::StoreError;

/// How long a processed delivery of a scheme without a signed timestamp is kept at least: the dedup record is its
/// only replay defence. Only [`Inbox::dangerous_purge_processed`] deletes such a row sooner.
pub const MIN_RETENTION: Duration = crate::receiver::DEFAULT_RETENTION;

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

impl Inbox {
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
        let scheme = self.verifier().scheme().provider().name();
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
}

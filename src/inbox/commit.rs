//! Group commit for the receiving side: deliveries that arrive while a commit is in flight are written together by
//! the next one, in one statement, and each is answered only once that statement has committed. Under load one disk
//! flush serves many deliveries, so a flush that stalls delays one group instead of each request behind it; when
//! deliveries arrive one at a time, each is written at once, alone.
//!
//! No task runs between groups: the request that finds nobody committing starts a task that writes groups until
//! none is waiting, then ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use sqlx::Row as _;
use sqlx::postgres::{PgConnection, PgPool};
use time::OffsetDateTime;
use tokio::sync::oneshot;

use super::sql::INSERT_MANY;

/// The most deliveries one statement writes.
const MAX_GROUP: usize = 256;

/// One verified delivery to write.
pub(super) struct NewRow {
    pub dedup_key: Vec<u8>,
    pub scheme: std::borrow::Cow<'static, str>,
    pub key_id: String,
    pub tenant: Option<String>,
    pub delivery_id: Option<String>,
    pub event_type: Option<String>,
    pub ordering_key: Option<String>,
    pub provider_timestamp: Option<OffsetDateTime>,
    /// The stored headers as a JSON array of `[name, value]` pairs.
    pub headers: String,
    pub body: Vec<u8>,
}

/// What became of one row: its id, or `None` for a duplicate; `Err` when the database did not commit it.
type Written = Result<Option<i64>, String>;

#[derive(Default)]
struct Queue {
    waiting: Vec<(NewRow, oneshot::Sender<Written>)>,
    committing: bool,
}

/// The rows waiting for the next commit, and whether a task is committing.
#[derive(Default)]
pub(super) struct GroupCommit {
    queue: Mutex<Queue>,
}

impl GroupCommit {
    /// Writes `row` with whatever else is waiting, and returns once that commit is done.
    pub(super) async fn write(self: &Arc<Self>, pool: &PgPool, row: NewRow) -> Written {
        let (answer, answered) = oneshot::channel();
        let start = {
            let mut queue = self.lock();
            queue.waiting.push((row, answer));
            !std::mem::replace(&mut queue.committing, true)
        };
        if start {
            tokio::spawn(self.clone().commit_all(pool.clone()));
        }
        answered.await.unwrap_or_else(|_| Err("the commit task stopped".to_owned()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Commits groups until none is waiting.
    async fn commit_all(self: Arc<Self>, pool: PgPool) {
        // Should this task stop early (its runtime shutting down), the next request starts another; the rows it held
        // are answered with an error (their senders are dropped), so they are never acknowledged.
        let stopped_early = StoppedEarly(&self);
        loop {
            let group: Vec<_> = {
                let mut queue = self.lock();
                if queue.waiting.is_empty() {
                    // Under the lock: a request arriving after this starts the next task.
                    queue.committing = false;
                    drop(queue);
                    std::mem::forget(stopped_early);
                    return;
                }
                let take = queue.waiting.len().min(MAX_GROUP);
                queue.waiting.drain(..take).collect()
            };
            let mut connection = match pool.acquire().await {
                Ok(connection) => connection,
                Err(error) => {
                    for (_, answer) in group {
                        let _ = answer.send(Err(error.to_string()));
                    }
                    continue;
                }
            };
            // A request that stopped waiting (it answered 503, so the provider retries) is not written.
            let (rows, answers): (Vec<_>, Vec<_>) = group.into_iter().filter(|(_, answer)| !answer.is_closed()).unzip();
            if rows.is_empty() {
                continue;
            }
            let written: Vec<Written> = match insert(&mut connection, &rows).await {
                Ok(ids) => ids.into_iter().map(Ok).collect(),
                // One row the database refuses (a text field it cannot store, say) must not fail the others.
                Err(sqlx::Error::Database(_)) if rows.len() > 1 => {
                    let mut written = Vec::with_capacity(rows.len());
                    for row in &rows {
                        let one = insert(&mut connection, std::slice::from_ref(row)).await;
                        written.push(one.map(|ids| ids[0]).map_err(|error| error.to_string()));
                    }
                    written
                }
                Err(error) => vec![Err(error.to_string()); rows.len()],
            };
            for (answer, written) in answers.into_iter().zip(written) {
                let _ = answer.send(written);
            }
        }
    }
}

/// Marks the queue as having no committing task when the task stops before the queue is empty (dropped with its
/// runtime); forgotten when it ends normally, which marks the queue itself.
struct StoppedEarly<'a>(&'a GroupCommit);

impl Drop for StoppedEarly<'_> {
    fn drop(&mut self) {
        self.0.lock().committing = false;
    }
}

/// Writes `rows` in one statement; for each, in order, its id or `None` for a duplicate (of a row already in the
/// table, or of an earlier row of the same group).
async fn insert(connection: &mut PgConnection, rows: &[NewRow]) -> Result<Vec<Option<i64>>, sqlx::Error> {
    fn column<'r, T>(rows: &'r [NewRow], field: impl Fn(&'r NewRow) -> T) -> Vec<T> {
        rows.iter().map(field).collect()
    }
    let inserted = sqlx::query(INSERT_MANY)
        .bind(column(rows, |row| row.dedup_key.as_slice()))
        .bind(column(rows, |row| row.scheme.as_ref()))
        .bind(column(rows, |row| row.key_id.as_str()))
        .bind(column(rows, |row| row.tenant.as_deref()))
        .bind(column(rows, |row| row.delivery_id.as_deref()))
        .bind(column(rows, |row| row.event_type.as_deref()))
        .bind(column(rows, |row| row.ordering_key.as_deref()))
        .bind(column(rows, |row| row.provider_timestamp))
        .bind(column(rows, |row| row.headers.as_str()))
        .bind(column(rows, |row| row.body.as_slice()))
        .fetch_all(connection)
        .await?;
    let mut ids: HashMap<Vec<u8>, i64> = inserted.iter().map(|row| (row.get(1), row.get(0))).collect();
    Ok(rows.iter().map(|row| ids.remove(&row.dedup_key)).collect())
}

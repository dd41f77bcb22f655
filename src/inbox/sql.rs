//! The inbox's SQL: its table, and one statement for each step of a delivery's life.

/// The inbox table, as [`Inbox::migrate`](super::Inbox::migrate) creates it. Run it yourself if you manage migrations with another tool.
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

/// Writes a group of verified deliveries (one array per column, in arrival order) in one statement, waking one
/// listening worker per delivery written (`NOTIFY hooksafe_inbox`, sent when it commits); only the rows written come
/// back, so a duplicate (of a stored delivery, or of an earlier one in the group) is missing.
pub(super) const INSERT_MANY: &str = "
WITH written AS (
    INSERT INTO hooksafe_inbox
        (dedup_key, scheme, key_id, tenant, delivery_id, event_type, ordering_key, provider_timestamp, headers, body)
    SELECT dedup_key, scheme, key_id, tenant, delivery_id, event_type, ordering_key, provider_timestamp,
           headers::jsonb, body
    FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::timestamptz[], $9::text[], $10::bytea[])
         WITH ORDINALITY AS new (dedup_key, scheme, key_id, tenant, delivery_id, event_type, ordering_key,
                                 provider_timestamp, headers, body, arrival)
    ORDER BY arrival
    ON CONFLICT (dedup_key) DO NOTHING
    RETURNING id, dedup_key)
SELECT id, dedup_key, pg_notify('hooksafe_inbox', id::text) FROM written";

/// The channel [`INSERT_MANY`] notifies.
pub(super) const CHANNEL: &str = "hooksafe_inbox";

/// Leases the oldest delivery of the worker's scheme (`$3`) ready to run (pending and due, or processing with a
/// lapsed lease), skipping those a running statement locks and those behind an unfinished earlier delivery of the
/// same scheme with the same ordering key. Inboxes of several schemes may share the table: each worker takes only
/// its own scheme's deliveries, which its handler was written for.
///
/// Its commit does not wait for the disk (`synchronous_commit` off for this statement alone): a lease lost in a
/// database crash only puts the delivery back as it was, and the handler's transaction, which does wait, makes the
/// lease durable before it commits (the log is flushed in order).
pub(super) const TAKE: &str = "
WITH taken AS (
UPDATE hooksafe_inbox AS i
SET state = 'processing', attempts = i.attempts + 1, lease_token = $1,
    lease_until = clock_timestamp() + $2 * interval '1 millisecond'
WHERE i.id = (
    SELECT c.id FROM hooksafe_inbox c
    WHERE c.scheme = $3
      AND ((c.state = 'pending' AND c.available_at <= clock_timestamp())
           OR (c.state = 'processing' AND c.lease_until <= clock_timestamp()))
      AND (c.ordering_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM hooksafe_inbox e
          WHERE e.ordering_key = c.ordering_key AND e.scheme = c.scheme AND e.id < c.id
            AND e.state IN ('pending', 'processing')))
    ORDER BY c.id
    LIMIT 1
    FOR UPDATE SKIP LOCKED)
RETURNING i.id, i.delivery_id, i.event_type, i.key_id, i.tenant, i.ordering_key, i.provider_timestamp,
          i.received_at, i.attempts, i.body)
SELECT taken.*, set_config('synchronous_commit', 'off', true) FROM taken";

/// Opens the handler's transaction, bounded by the lease (`lease_ms`): the server ends it (rolling back, releasing
/// every lock it holds) when one of its statements runs longer, or when the worker goes silent inside it longer (a
/// worker paused or stuck, not dead). The delivery's row is not locked: another worker may take the delivery once
/// the lease lapses, and [`DONE`], fenced by the lease's token, then changes nothing, so this transaction is rolled
/// back. One round trip.
pub(super) fn begin_bounded(lease_ms: i64) -> String {
    format!(
        "BEGIN; SET LOCAL statement_timeout = {lease_ms}; SET LOCAL idle_in_transaction_session_timeout = {lease_ms}"
    )
}

/// Marks the row processed, in the handler's transaction, if this worker's lease still holds it (one row changed).
pub(super) const DONE: &str = "
UPDATE hooksafe_inbox SET state = 'processed', processed_at = clock_timestamp(), lease_token = NULL,
    lease_until = NULL, last_error = NULL
WHERE id = $1 AND lease_token = $2";

/// Records a failed attempt: back to pending after the backoff, or dead after the last attempt.
pub(super) const FAILED: &str = "
UPDATE hooksafe_inbox
SET state = CASE WHEN attempts >= $3 THEN 'dead' ELSE 'pending' END,
    available_at = clock_timestamp() + $4 * interval '1 millisecond',
    lease_token = NULL, lease_until = NULL, last_error = $5
WHERE id = $1 AND lease_token = $2";

/// Deletes processed deliveries of one scheme: older than `$1` ms, and no longer protecting against a replay (a
/// delivery with a timestamp once that is older than the replay window `$3` ms; one without, once processed more
/// than `$2` ms ago).
pub(super) const PURGE: &str = "
DELETE FROM hooksafe_inbox
WHERE state = 'processed' AND scheme = $4
  AND processed_at < clock_timestamp() - $1 * interval '1 millisecond'
  AND CASE WHEN provider_timestamp IS NULL OR $3 < 0
           THEN processed_at < clock_timestamp() - $2 * interval '1 millisecond'
           ELSE provider_timestamp < clock_timestamp() - $3 * interval '1 millisecond' END";

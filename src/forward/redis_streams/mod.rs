//! Redis Streams (feature `redis-streams`): [`RedisStreamSink`] appends each verified delivery to a stream, its dedup
//! record and the `XADD` in one atomic script, and [`StreamConsumer`] reads them back in a consumer group, with
//! retries, reclaims of entries whose consumer died, and a dead-letter stream.
//!
//! Each entry has the field `payload` (the raw verified body) and one field per [message header](super::header).
//! The sink refuses a second entry with the same dedup key for [`dedup_for`](RedisStreamSink::dedup_for) (7 days by
//! default), so several replicas need no other store. A stream is one ordered log: the consumers of one group take
//! entries concurrently, so keep one consumer per group where the order of one object's events matters (the ordering
//! key travels as the `hooksafe-ordering-key` field).
//!
//! **Durability is the server's**: an entry the sink acknowledged survives a crash only with append-only
//! persistence (`appendonly yes`, `appendfsync always` to lose nothing, `everysec` to lose at most a second), and
//! only while `maxmemory-policy` is `noeviction` (an evicting server may drop dedup records and entries). The sink
//! reads both settings at connect and warns when either falls short. Use a single instance, not a cluster.

mod consumer;

use std::fmt;
use std::time::Duration;

use redis::Script;
use redis::aio::ConnectionManager;

use super::{Deduplication, Message, Published, Sink, SinkError};
use crate::receiver::DEFAULT_RETENTION;

pub use consumer::{Polled, StreamConsumer};

/// The field holding the payload, beside one field per message header.
pub const PAYLOAD_FIELD: &str = "payload";

/// Writes the dedup record unless it exists, then appends the entry, in one script (which runs alone): the record
/// first, so an answer lost after the script ran still leaves the retry a duplicate; an `XADD` that fails removes
/// the record again, so a refused entry never blocks its retry. The record then holds the entry's id.
const APPEND: &str = r"
if not redis.call('SET', KEYS[1], '', 'NX', 'PX', ARGV[1]) then
  return false
end
local id = redis.pcall('XADD', KEYS[2], '*', unpack(ARGV, 2))
if type(id) == 'table' and id.err then
  redis.call('DEL', KEYS[1])
  return id
end
redis.call('SET', KEYS[1], id, 'KEEPTTL')
return id
";

/// The longest a dedup record may be kept: ten years, well inside what Redis's `PX` takes.
const MAX_DEDUP: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// Forwards to a Redis stream: see the [module](self).
#[derive(Clone)]
pub struct RedisStreamSink {
    connection: ConnectionManager,
    stream: String,
    dedup_prefix: String,
    dedup_for: Duration,
    append: Script,
    settings: Settings,
}

/// The server's persistence and eviction settings, as read at connect.
#[derive(Debug, Clone, Default)]
struct Settings {
    appendonly: Option<String>,
    appendfsync: Option<String>,
    eviction_policy: Option<String>,
}

impl fmt::Debug for RedisStreamSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStreamSink")
            .field("stream", &self.stream)
            .field("dedup_for", &self.dedup_for)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Connects to `url` as [`RedisStore`](crate::store::RedisStore) does (two-second connection and response timeouts,
/// so an unreachable server fails deliveries quickly, `503`, rather than hanging them; reconnects after a failure).
pub(super) async fn connect(url: &str) -> Result<ConnectionManager, SinkError> {
    crate::store::redis::connection(url).await.map_err(SinkError::new)
}

impl RedisStreamSink {
    /// Connects to the Redis at `url` (`redis://host:port/db`, `redis+unix:///path`) and appends to `stream`. Reads
    /// the server's persistence and eviction settings and warns when an acknowledged entry could be lost.
    ///
    /// # Errors
    /// [`SinkError`] when the URL is invalid or the server cannot be reached.
    pub async fn connect(url: &str, stream: impl Into<String>) -> Result<Self, SinkError> {
        Ok(Self::new(connect(url).await?, stream).await)
    }

    /// A sink on a connection manager you configured yourself; warns as [`connect`](Self::connect) does.
    pub async fn new(connection: ConnectionManager, stream: impl Into<String>) -> Self {
        let stream = stream.into();
        let mut sink = Self {
            connection,
            dedup_prefix: format!("hooksafe:{stream}:dedup:"),
            stream,
            dedup_for: DEFAULT_RETENTION,
            append: Script::new(APPEND),
            settings: Settings::default(),
        };
        sink.settings = Settings {
            appendonly: sink.config("appendonly").await,
            appendfsync: sink.config("appendfsync").await,
            eviction_policy: sink.config("maxmemory-policy").await,
        };
        if sink.settings.appendonly.as_deref() == Some("no") {
            crate::log::warning!(
                "Redis append-only persistence is off: an entry the sink acknowledged is lost if the server stops; \
                 set `appendonly yes`"
            );
        }
        if sink.settings.eviction_policy.as_deref().is_some_and(|policy| policy != "noeviction") {
            crate::log::warning!(
                "Redis maxmemory-policy is {:?}: dedup records and entries may be evicted; use noeviction",
                sink.settings.eviction_policy.as_deref().unwrap_or_default()
            );
        }
        sink
    }

    /// How long a dedup record refuses a second entry for the same delivery, between one second and ten years.
    /// Defaults to 7 days; a forwarder without a store refuses to build when this is shorter than a replay could
    /// reach.
    #[must_use]
    pub fn dedup_for(mut self, period: Duration) -> Self {
        self.dedup_for = period.clamp(Duration::from_secs(1), MAX_DEDUP);
        self
    }

    /// The stream's key.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// Whether the server, as read at connect, keeps what it acknowledged: append-only persistence on and no
    /// eviction. `false` also when the server did not allow `CONFIG GET`.
    pub fn is_durable(&self) -> bool {
        self.settings.appendonly.as_deref() == Some("yes")
            && self.settings.eviction_policy.as_deref() == Some("noeviction")
    }

    /// The server's `appendfsync` as read at connect (`always` loses nothing on a crash, `everysec` up to a second).
    pub fn fsync_policy(&self) -> Option<&str> {
        self.settings.appendfsync.as_deref()
    }

    async fn config(&self, name: &str) -> Option<String> {
        let mut connection = self.connection.clone();
        let reply: Vec<String> = redis::cmd("CONFIG").arg("GET").arg(name).query_async(&mut connection).await.ok()?;
        reply.into_iter().nth(1)
    }
}

impl Sink for RedisStreamSink {
    async fn publish(&self, message: Message) -> Result<Published, SinkError> {
        let mut invocation = self.append.prepare_invoke();
        invocation
            .key(format!("{}{}", self.dedup_prefix, message.dedup_key()))
            .key(&self.stream)
            .arg(u64::try_from(self.dedup_for.as_millis()).unwrap_or(u64::MAX))
            .arg(PAYLOAD_FIELD)
            .arg(message.body());
        for (name, value) in message.headers() {
            invocation.arg(name).arg(value);
        }
        let mut connection = self.connection.clone();
        let appended: Option<String> = invocation.invoke_async(&mut connection).await.map_err(SinkError::new)?;
        Ok(if appended.is_some() { Published::Taken } else { Published::Duplicate })
    }

    fn deduplication(&self) -> Deduplication {
        Deduplication::Within(self.dedup_for)
    }
}

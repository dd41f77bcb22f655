//! [`RedisStore`]: deduplication shared by several replicas.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Script, Value};

use super::{Claim, DedupKey, Retention, Store, StoreError, Token};

/// The value of a completed record.
const DONE: &str = "done";

/// Marks a record done, only for the holder of its lease.
const COMPLETE: &str = r"
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] or current == false then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0";

/// Removes a lease, only for its holder.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

/// A store in Redis (7.0 or later), shared by every replica that connects to it. One round trip per operation:
/// `SET key token NX PX lease GET` to claim, a compare-and-set script to complete or release.
///
/// Deploy it on a dedicated instance or database with `maxmemory-policy noeviction` (the store warns at connect
/// time when the policy could evict its keys). Deduplication is best-effort across a failover, since Redis
/// replication is asynchronous: keep a unique constraint in your own database for events that move money.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use hooksafe::{Receiver, Scheme, Verifier, store::RedisStore};
///
/// let store = RedisStore::connect("redis://127.0.0.1:6379/").await?;
/// let receiver = Receiver::new(Verifier::builder(Scheme::Stripe).secret("whsec_...").build()?, store);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    complete: Script,
    release: Script,
    eviction_policy: Option<String>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("eviction_policy", &self.eviction_policy)
            .finish_non_exhaustive()
    }
}

/// A connection manager to the Redis at `url`, with connection and response timeouts of two seconds and quick
/// reconnects: what [`RedisStore::connect`] and the Redis Streams sink and consumer connect with.
pub(crate) async fn connection(url: &str) -> Result<ConnectionManager, redis::RedisError> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(2)))
        .set_number_of_retries(2)
        .set_min_delay(Duration::from_millis(50));
    ConnectionManager::new_with_config(client, config).await
}

impl RedisStore {
    /// Connects to the Redis at `url` (`redis://host:port/db`, `rediss://…`, `redis+unix:///path`), with
    /// connection and response timeouts of two seconds so an unreachable server fails requests quickly
    /// ([`StoreUnavailable`](crate::ErrorKind::StoreUnavailable)) rather than hanging them. The connection is
    /// re-established automatically after a failure.
    ///
    /// # Errors
    /// [`StoreError`] when the URL is invalid or the server cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Ok(Self::new(connection(url).await.map_err(StoreError::new)?).await)
    }

    /// A store on a connection manager you configured yourself. Reads the server's `maxmemory-policy` and warns
    /// when it could evict dedup records.
    pub async fn new(connection: ConnectionManager) -> Self {
        let mut store = Self {
            connection,
            prefix: "hooksafe:".to_owned(),
            complete: Script::new(COMPLETE),
            release: Script::new(RELEASE),
            eviction_policy: None,
        };
        store.eviction_policy = store.read_eviction_policy().await;
        if store.evicts_keys() {
            crate::log::warning!(
                "Redis maxmemory-policy is {:?}: dedup records may be evicted under memory pressure; use noeviction",
                store.eviction_policy.as_deref().unwrap_or_default()
            );
        }
        store
    }

    /// Prefixes every key with `prefix` instead of `hooksafe:`.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The server's `maxmemory-policy` as read at connect time, if the server allowed `CONFIG GET`.
    pub fn eviction_policy(&self) -> Option<&str> {
        self.eviction_policy.as_deref()
    }

    /// Whether the server's policy lets it evict keys that have a TTL, as every dedup record has.
    pub fn evicts_keys(&self) -> bool {
        self.eviction_policy().is_some_and(|policy| policy != "noeviction")
    }

    async fn read_eviction_policy(&self) -> Option<String> {
        let mut connection = self.connection.clone();
        let reply: Vec<String> =
            redis::cmd("CONFIG").arg("GET").arg("maxmemory-policy").query_async(&mut connection).await.ok()?;
        reply.into_iter().nth(1)
    }

    fn key(&self, key: &DedupKey) -> String {
        format!("{}{}", self.prefix, key.to_hex())
    }
}

/// Milliseconds for `PX`, never zero or negative.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl Store for RedisStore {
    async fn claim(&self, key: DedupKey, token: Token, lease: Duration) -> Result<Claim, StoreError> {
        let mut connection = self.connection.clone();
        let previous: Value = redis::cmd("SET")
            .arg(self.key(&key))
            .arg(token.to_hex())
            .arg("NX")
            .arg("PX")
            .arg(millis(lease))
            .arg("GET")
            .query_async(&mut connection)
            .await
            .map_err(StoreError::new)?;
        Ok(match previous {
            Value::Nil => Claim::Claimed,
            Value::BulkString(bytes) if bytes == DONE.as_bytes() => Claim::Done,
            _ => Claim::Held { remaining: None },
        })
    }

    async fn complete(&self, key: DedupKey, token: Token, retention: Retention) -> Result<bool, StoreError> {
        let mut connection = self.connection.clone();
        let mut invocation = self.complete.key(self.key(&key));
        invocation.arg(token.to_hex()).arg(DONE).arg(millis(retention.keep_for));
        invocation.invoke_async::<i64>(&mut connection).await.map(|recorded| recorded == 1).map_err(StoreError::new)
    }

    async fn release(&self, key: DedupKey, token: Token) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        let mut invocation = self.release.key(self.key(&key));
        invocation.arg(token.to_hex());
        invocation.invoke_async::<i64>(&mut connection).await.map(drop).map_err(StoreError::new)
    }

    fn release_in_background(&self, key: DedupKey, token: Token) {
        super::release_on_tokio(self.clone(), key, token);
    }
}

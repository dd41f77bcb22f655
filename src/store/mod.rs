//! Where deliveries are claimed, completed and released: the [`Store`] trait and its backends.
//!
//! A store keeps one record per [`DedupKey`]: absent, *leased* to one worker (with its [`Token`]) until the lease
//! runs out, or *done* until the retention runs out. Each operation is one atomic step, so two workers racing on
//! the same key cannot both win.

mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "redis")]
pub(crate) mod redis;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

pub use crate::error::StoreError;
pub use memory::{DEFAULT_CAPACITY, MemoryStore};
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use postgres::PostgresStore;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis::RedisStore;

/// The fixed-length key a store sees: SHA-256 of the receiver's namespace and the delivery's id (or of its signed
/// body), so nothing a sender chooses (`:`, `*`, newlines, length) reaches the store.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DedupKey(pub(crate) [u8; 32]);

/// A key is already a uniform SHA-256 output: eight of its bytes are as good a hash as any hasher would make.
impl std::hash::Hash for DedupKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut word = [0u8; 8];
        word.copy_from_slice(&self.0[8..16]);
        state.write_u64(u64::from_le_bytes(word));
    }
}

impl DedupKey {
    /// A key from 32 bytes, for testing a store of your own.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The key's 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as 64 lowercase hex digits, for stores that key by text.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DedupKey({})", self.to_hex())
    }
}

/// Identifies one claim, so that only its holder can complete or release it. Unique per claim across processes
/// (random per process, counted within it).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token(pub(crate) u128);

impl Token {
    /// A fresh token.
    pub fn new() -> Self {
        use std::cell::Cell;
        use std::collections::hash_map::RandomState;
        use std::hash::{BuildHasher, Hasher};

        thread_local! {
            // A random 64-bit seed per thread (`RandomState` draws from the operating system) and a counter: no
            // shared atomic, so concurrent claims on different cores do not contend here.
            static NEXT: Cell<(u64, u64)> = Cell::new((RandomState::new().build_hasher().finish(), 0));
        }
        NEXT.with(|next| {
            let (seed, count) = next.get();
            next.set((seed, count.wrapping_add(1)));
            Self((u128::from(seed) << 64) | u128::from(count))
        })
    }

    /// The token as 32 lowercase hex digits, for stores that keep text.
    pub fn to_hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

impl Default for Token {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({})", self.to_hex())
    }
}

/// The outcome of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The caller now holds the lease: process the delivery, then complete or release it.
    Claimed,
    /// The delivery was processed to completion before.
    Done,
    /// Another holder's lease is live; it ends in about this long.
    Held {
        /// Time left on the other holder's lease, when the store knows it.
        remaining: Option<Duration>,
    },
}

/// How long to keep a completed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Keep the record at least this long; a redelivery within it is a duplicate.
    pub keep_for: Duration,
    /// How long the record may not be evicted: a bounded store may drop it early to make room, but never before
    /// this long. The replay window for schemes with a signed timestamp; the whole `keep_for` for schemes without
    /// one (GitHub, Shopify, Twilio), whose only replay defence is the record itself.
    pub protect_for: Duration,
}

/// A deduplication backend. Implement it for your own database; every method must be atomic for its key.
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Mutex;
/// use std::time::{Duration, Instant};
/// use hooksafe::store::{Claim, DedupKey, Retention, Store, StoreError, Token};
///
/// /// An unbounded single-lock store, as a sketch of the contract.
/// #[derive(Debug, Default)]
/// struct Simple(Mutex<HashMap<DedupKey, (Option<Token>, Instant)>>);
///
/// impl Store for Simple {
///     async fn claim(&self, key: DedupKey, token: Token, lease: Duration) -> Result<Claim, StoreError> {
///         let mut map = self.0.lock().map_err(|_| StoreError::new("poisoned"))?;
///         let now = Instant::now();
///         match map.get(&key) {
///             Some((None, until)) if *until > now => Ok(Claim::Done),
///             Some((Some(_), until)) if *until > now => Ok(Claim::Held { remaining: Some(*until - now) }),
///             _ => {
///                 map.insert(key, (Some(token), now + lease));
///                 Ok(Claim::Claimed)
///             }
///         }
///     }
///
///     async fn complete(&self, key: DedupKey, token: Token, retention: Retention) -> Result<bool, StoreError> {
///         let mut map = self.0.lock().map_err(|_| StoreError::new("poisoned"))?;
///         let now = Instant::now();
///         let recordable = match map.get(&key) {
///             Some((Some(holder), _)) => *holder == token, // ours, even if the lease lapsed
///             Some((None, until)) => *until <= now,        // done, unless that has expired
///             None => true,                                // nobody claimed it since our lease lapsed
///         };
///         if recordable {
///             map.insert(key, (None, now + retention.keep_for));
///         }
///         Ok(recordable)
///     }
///
///     async fn release(&self, key: DedupKey, token: Token) -> Result<(), StoreError> {
///         let mut map = self.0.lock().map_err(|_| StoreError::new("poisoned"))?;
///         if map.get(&key).is_some_and(|(holder, _)| *holder == Some(token)) {
///             map.remove(&key);
///         }
///         Ok(())
///     }
/// }
/// ```
pub trait Store: fmt::Debug + Send + Sync + 'static {
    /// Claims `key` for `token` for `lease`, unless it is done or another live lease holds it.
    ///
    /// # Errors
    /// [`StoreError`] when the backend cannot answer; the delivery is then not processed (fail closed).
    fn claim(
        &self,
        key: DedupKey,
        token: Token,
        lease: Duration,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;

    /// Marks `key` done for `retention` if `token` holds it, **even when its lease has lapsed**, or if no record
    /// exists at all (the lapsed lease's record already expired): the handler finished, so the provider's next retry
    /// must be a duplicate. Does nothing when another token holds the key (a worker that took over the lapsed lease
    /// must not be overwritten) or it is already done. Returns whether this call recorded the completion.
    ///
    /// # Errors
    /// [`StoreError`] when the backend cannot answer.
    fn complete(
        &self,
        key: DedupKey,
        token: Token,
        retention: Retention,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Removes the lease on `key` if `token` still holds it, so the provider's retry is processed.
    ///
    /// # Errors
    /// [`StoreError`] when the backend cannot answer.
    fn release(&self, key: DedupKey, token: Token) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Releases the lease on `key` for `token` without waiting: what a claim dropped unsettled does (the client
    /// went away, an outer timeout cancelled the request), so the provider's retry need not wait for the lease to
    /// lapse. Must not block. The default does nothing, and the claim lapses with its lease; `MemoryStore` releases
    /// at once, `RedisStore` on a Tokio task.
    fn release_in_background(&self, key: DedupKey, token: Token) {
        let _ = (key, token);
    }
}

impl<S: Store> Store for Arc<S> {
    fn claim(
        &self,
        key: DedupKey,
        token: Token,
        lease: Duration,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send {
        (**self).claim(key, token, lease)
    }

    fn complete(
        &self,
        key: DedupKey,
        token: Token,
        retention: Retention,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        (**self).complete(key, token, retention)
    }

    fn release(&self, key: DedupKey, token: Token) -> impl Future<Output = Result<(), StoreError>> + Send {
        (**self).release(key, token)
    }

    fn release_in_background(&self, key: DedupKey, token: Token) {
        (**self).release_in_background(key, token);
    }
}

/// Releases a claim on a Tokio task, for the stores whose release is a network call (Redis, PostgreSQL). Outside a
/// Tokio runtime nothing can run it: the claim lapses with its lease.
#[cfg(any(feature = "redis", feature = "postgres"))]
fn release_on_tokio<S: Store + Clone>(store: S, key: DedupKey, token: Token) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            if let Err(error) = store.release(key, token).await {
                crate::log::warning!("could not release an abandoned claim: {error}");
            }
        });
    }
}

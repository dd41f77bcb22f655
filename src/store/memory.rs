//! [`MemoryStore`]: the embedded default, for a single process.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::{Claim, DedupKey, Retention, Store, StoreError, Token};

/// The number of records a [`MemoryStore::new`] holds: 1 000 000 (about 90 MB when full; memory grows with use).
///
/// A store fails closed once every record is a live lease or still protected, so its capacity caps the sustainable
/// rate of distinct deliveries at **capacity ÷ protected period**: with this default, about 1 660 deliveries per
/// second for a 10-minute replay window (Stripe, Standard Webhooks and Slack at their default tolerance), but only
/// about 1.6 per second (140 000 a day) for schemes without a timestamp (GitHub, Shopify, Twilio), whose records are
/// protected for the whole retention (7 days by default). Above that, raise the capacity
/// ([`MemoryStore::with_capacity`]), shorten the retention, or use a shared store such as Redis.
pub const DEFAULT_CAPACITY: usize = 1_000_000;

/// Room reserved up front in each shard; the rest is allocated as records arrive.
const INITIAL_RESERVE: usize = 4096;

/// Independent locks, so concurrent requests on different keys rarely contend.
const SHARDS: usize = 16;

/// An in-process store: bounded, expiring, sharded across 16 locks.
///
/// When a shard is full it first drops expired records, then evicts the oldest completed record whose protection
/// ([`Retention::protect_for`](super::Retention::protect_for): the replay window, or the whole retention for schemes
/// without a timestamp) has passed; a record under a live lease, or still protected, is never evicted. If nothing can
/// go, the claim fails with a [`StoreError`] (fail closed: the provider retries later).
///
/// It deduplicates within one process only: with several replicas, use a shared store such as Redis.
#[derive(Debug)]
pub struct MemoryStore {
    shards: Box<[Mutex<Shard>]>,
    per_shard: usize,
    /// Record times are nanoseconds since this instant: eight bytes each instead of an `Instant`'s sixteen.
    epoch: Instant,
    /// Whether the first refusal was logged.
    reported_full: std::sync::atomic::AtomicBool,
}

/// A record is 48 bytes with its key and a completion 32.
#[derive(Debug)]
struct Shard {
    records: HashMap<Slot, Record, KeyHash>,
    /// Completed keys in completion order, oldest first. An entry whose record has since changed is stale and is
    /// skipped when reached.
    completed: VecDeque<Completion>,
    /// No record expires before this: a full shard that found nothing to drop skips the scan until then, so
    /// refusing a claim costs no more than accepting one.
    no_expiry_before: Tick,
}

/// One completion, with its record's expiry: whether the oldest completion has expired is decided from the queue
/// alone, without a random access into the table on every operation.
#[derive(Debug, Clone, Copy)]
struct Completion {
    slot: Slot,
    completed_at: Tick,
    until: Tick,
}

/// The first 128 bits of a [`DedupKey`]. Keys are SHA-256 outputs, so two deliveries share a slot only by a
/// collision of 128 uniform bits: about one in 10^29 for a full store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot(u128);

impl Slot {
    fn of(key: &DedupKey) -> Self {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&key.0[..16]);
        Self(u128::from_le_bytes(bytes))
    }
}

/// Hashed by its upper word (the key's bytes 8 to 16); the shard is chosen by byte 0, so the two are independent.
impl std::hash::Hash for Slot {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64((self.0 >> 64) as u64);
    }
}

/// Passes a [`Slot`]'s word through: keys are SHA-256 outputs of verified deliveries, so they are uniform and
/// cannot be chosen to collide.
#[derive(Debug, Clone, Copy, Default)]
struct KeyHash;

impl std::hash::BuildHasher for KeyHash {
    type Hasher = KeyHasher;

    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

#[derive(Debug)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = word;
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }
}

/// Nanoseconds since the store's epoch; saturates rather than wrapping (after 584 years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Tick(u64);

impl Tick {
    fn after(self, duration: Duration) -> Self {
        Self(self.0.saturating_add(u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)))
    }

    const fn until(self, later: Self) -> Duration {
        Duration::from_nanos(later.0.saturating_sub(self.0))
    }
}

#[derive(Debug, Clone, Copy)]
enum Record {
    Leased { token: Token, until: Tick },
    Done { completed_at: Tick, until: Tick, protected_until: Tick },
}

impl Record {
    const fn until(&self) -> Tick {
        match self {
            Self::Leased { until, .. } | Self::Done { until, .. } => *until,
        }
    }
}

impl MemoryStore {
    /// A store of [`DEFAULT_CAPACITY`] records.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }

    /// A store of about `capacity` records (rounded up to a multiple of 16, at least 16).
    pub fn with_capacity(capacity: usize) -> Self {
        let per_shard = capacity.div_ceil(SHARDS).max(1);
        // Reserve up front (bounded, so a huge capacity does not allocate it all): growing a full table rehashes
        // every record under the lock.
        let reserve = per_shard.min(INITIAL_RESERVE);
        let shards = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    records: HashMap::with_capacity_and_hasher(reserve, KeyHash),
                    completed: VecDeque::with_capacity(reserve),
                    no_expiry_before: Tick(0),
                })
            })
            .collect();
        Self { shards, per_shard, epoch: Instant::now(), reported_full: std::sync::atomic::AtomicBool::new(false) }
    }

    /// The most records the store holds.
    pub const fn capacity(&self) -> usize {
        self.per_shard * SHARDS
    }

    /// The records held now, live or not yet cleaned up.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|shard| lock(shard).records.len()).sum()
    }

    /// Whether the store holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, key: &DedupKey) -> MutexGuard<'_, Shard> {
        lock(&self.shards[usize::from(key.0[0]) % SHARDS])
    }

    /// The time now, on the store's clock.
    fn now(&self) -> Tick {
        Tick(u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX))
    }

    fn claim_now(&self, key: DedupKey, token: Token, lease: Duration) -> Result<Claim, StoreError> {
        let now = self.now();
        let (slot, mut shard) = (Slot::of(&key), self.shard(&key));
        shard.drop_expired_front(now);
        match shard.records.get(&slot).copied() {
            Some(Record::Done { until, .. }) if until > now => return Ok(Claim::Done),
            Some(Record::Leased { until, .. }) if until > now => {
                return Ok(Claim::Held { remaining: Some(now.until(until)) });
            }
            Some(_) => {}
            None if shard.records.len() < self.per_shard || shard.make_room(now, self.per_shard) => {}
            None => {
                drop(shard);
                self.report_full();
                return Err(StoreError::new(
                    "memory store is full of live leases and protected records; raise its capacity",
                ));
            }
        }
        shard.insert(slot, Record::Leased { token, until: now.after(lease) });
        Ok(Claim::Claimed)
    }

    fn complete_now(&self, key: DedupKey, token: Token, retention: Retention) -> Result<bool, StoreError> {
        let now = self.now();
        let (slot, mut shard) = (Slot::of(&key), self.shard(&key));
        shard.drop_expired_front(now);
        let recordable = match shard.records.get(&slot) {
            // Ours, even if the lease lapsed: nobody took it over.
            Some(Record::Leased { token: holder, .. }) => *holder == token,
            Some(Record::Done { until, .. }) => *until <= now,
            // The lapsed lease's record is gone: nobody else claimed the delivery since.
            None => shard.records.len() < self.per_shard || shard.make_room(now, self.per_shard),
        };
        if !recordable {
            return Ok(false);
        }
        let until = now.after(retention.keep_for);
        shard
            .insert(slot, Record::Done { completed_at: now, until, protected_until: now.after(retention.protect_for) });
        shard.completed.push_back(Completion { slot, completed_at: now, until });
        Ok(true)
    }

    /// Logs the first refusal, with what limits the rate: later ones are counted by the provider's retries.
    fn report_full(&self) {
        if !self.reported_full.swap(true, std::sync::atomic::Ordering::Relaxed) {
            crate::log::warning!(
                "memory store is full ({} records, all live leases or protected): claims fail closed (503) until \
                 records expire. The sustainable rate is capacity / protected period (the replay window, or the \
                 whole retention for schemes without a timestamp); raise the capacity, shorten the retention, or \
                 use a shared store",
                self.capacity()
            );
        }
    }

    fn release_now(&self, key: DedupKey, token: Token) {
        let (slot, mut shard) = (Slot::of(&key), self.shard(&key));
        if matches!(shard.records.get(&slot), Some(Record::Leased { token: holder, .. }) if *holder == token) {
            shard.records.remove(&slot);
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

/// A poisoned lock only means another thread panicked mid-operation; every operation leaves the shard consistent.
fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shard {
    /// Stores a record, keeping [`no_expiry_before`](Self::no_expiry_before) a lower bound of every expiry.
    fn insert(&mut self, slot: Slot, record: Record) {
        self.no_expiry_before = self.no_expiry_before.min(record.until());
        self.records.insert(slot, record);
    }

    /// The completed record `entry` still refers to, if it has not changed since.
    fn current(&self, entry: &Completion) -> Option<Record> {
        self.records
            .get(&entry.slot)
            .copied()
            .filter(|record| matches!(record, Record::Done { completed_at, .. } if *completed_at == entry.completed_at))
    }

    /// Pops stale entries and expired records from the front of the completion queue: amortized O(1), and keeps
    /// the queue no longer than the records it describes.
    ///
    /// An entry that has not expired ends the walk without a look at its record: a record only goes stale once it
    /// has expired (a completed record is replaced only after its expiry) or when it is evicted from the front.
    fn drop_expired_front(&mut self, now: Tick) {
        while let Some(front) = self.completed.front().copied() {
            if front.until > now {
                break;
            }
            if self.current(&front).is_some() {
                self.records.remove(&front.slot);
            }
            self.completed.pop_front();
        }
    }

    /// Frees one place: evicts the oldest completed record outside its replay window, or else drops every expired
    /// record. Returns whether there is room now.
    fn make_room(&mut self, now: Tick, capacity: usize) -> bool {
        while let Some(front) = self.completed.front().copied() {
            match self.current(&front) {
                Some(Record::Done { protected_until, until, .. }) if protected_until <= now || until <= now => {
                    self.records.remove(&front.slot);
                    self.completed.pop_front();
                    return true;
                }
                // The oldest completion is still protected, and so is every later one.
                Some(_) => break,
                None => {
                    self.completed.pop_front();
                }
            }
        }
        if now < self.no_expiry_before {
            return false;
        }
        let mut earliest = Tick(u64::MAX);
        self.records.retain(|_, record| {
            let keep = record.until() > now;
            if keep {
                earliest = earliest.min(record.until());
            }
            keep
        });
        self.no_expiry_before = earliest;
        self.records.len() < capacity
    }
}

impl Store for MemoryStore {
    async fn claim(&self, key: DedupKey, token: Token, lease: Duration) -> Result<Claim, StoreError> {
        self.claim_now(key, token, lease)
    }

    async fn complete(&self, key: DedupKey, token: Token, retention: Retention) -> Result<bool, StoreError> {
        self.complete_now(key, token, retention)
    }

    async fn release(&self, key: DedupKey, token: Token) -> Result<(), StoreError> {
        self.release_now(key, token);
        Ok(())
    }

    fn release_in_background(&self, key: DedupKey, token: Token) {
        self.release_now(key, token);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Completion, Record, Slot, Tick};

    #[test]
    fn records_and_completions_are_as_small_as_documented() {
        assert_eq!(size_of::<(Slot, Record)>(), 48);
        assert_eq!(size_of::<Completion>(), 32);
    }

    #[test]
    fn the_first_refusal_of_a_full_store_is_reported_once() {
        let store = super::MemoryStore::with_capacity(16);
        let key = |n: u8| crate::store::DedupKey::from_bytes([n; 32]);
        let lease = Duration::from_secs(60);
        assert!(store.claim_now(key(0), crate::store::Token::new(), lease).is_ok());
        assert!(!store.reported_full.load(std::sync::atomic::Ordering::Relaxed));
        let mut second = [0u8; 32];
        second[1] = 1; // the same shard (first byte), another key
        assert!(
            store.claim_now(crate::store::DedupKey::from_bytes(second), crate::store::Token::new(), lease).is_err()
        );
        assert!(store.reported_full.load(std::sync::atomic::Ordering::Relaxed));
    }

    #[test]
    fn ticks_saturate_instead_of_wrapping() {
        let late = Tick(u64::MAX - 1);
        assert_eq!(late.after(Duration::MAX), Tick(u64::MAX));
        assert_eq!(late.after(Duration::from_nanos(1)), Tick(u64::MAX));
        assert_eq!(Tick(5).after(Duration::from_nanos(7)), Tick(12));
        assert_eq!(Tick(12).until(Tick(5)), Duration::ZERO);
        assert_eq!(Tick(5).until(Tick(12)), Duration::from_nanos(7));
    }
}

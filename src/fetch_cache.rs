//! A bounded cache of values fetched for requests that name them (PayPal's certificates, by URL), built so that a
//! forged request cannot multiply outbound fetches: one fetch per key at a time, the other requests for it waiting
//! for that one; a failure remembered for a while, so a bad key costs one fetch, not one per request; at most so many
//! fetches a minute in all; and the least recently used entry evicted when the cache is full.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::future::{FutureExt as _, Shared};

/// Why a value could not be had. Cloned to every request waiting for the same fetch.
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    /// The source failed (its message): worth retrying later.
    Unavailable(Arc<str>),
    /// The source answered, and what it answered was refused (why).
    Refused(&'static str),
    /// This minute's fetches are spent; nothing was fetched.
    Throttled,
}

/// A fetch in progress, boxed so any source's future fits.
pub(crate) type Fetch<V> = Pin<Box<dyn Future<Output = Result<V, Failure>> + Send>>;

/// The bounds of a cache.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The most entries kept.
    pub capacity: usize,
    /// How long a failure is answered from the cache before the key is fetched again.
    pub failure_ttl: Duration,
    /// The most fetches started in any minute.
    pub fetches_per_minute: u32,
}

/// The cache: one lock around a small map, never held across an `await`.
pub(crate) struct FetchCache<K, V: Clone> {
    state: Mutex<State<K, V>>,
    limits: Limits,
}

struct State<K, V: Clone> {
    slots: HashMap<K, Slot<V>>,
    /// Increases on every lookup: a slot's `used` is the last lookup that touched it.
    tick: u64,
    /// Increases on every fetch started: tells a fetch's own slot from a newer one's.
    flights: u64,
    /// The start of the current minute, and the fetches started in it.
    minute: Option<(Instant, u32)>,
}

struct Slot<V: Clone> {
    entry: Entry<V>,
    used: u64,
}

enum Entry<V: Clone> {
    Ready(V),
    Failed { failure: Failure, until: Instant },
    Fetching { flight: u64, shared: Shared<Fetch<V>> },
}

impl<K: Eq + Hash + Clone, V: Clone + Send + Sync + 'static> FetchCache<K, V> {
    pub(crate) fn new(limits: Limits) -> Self {
        let state = State { slots: HashMap::new(), tick: 0, flights: 0, minute: None };
        Self { state: Mutex::new(state), limits }
    }

    /// The value for `key`: cached, or a failure remembered less than `failure_ttl` ago, or the fetch already in
    /// progress for it, or else a new fetch made with `fetch` (if this minute's fetches are not spent).
    ///
    /// # Errors
    /// The fetch's failure, now or remembered; [`Failure::Throttled`] when no fetch could be started.
    pub(crate) async fn get(&self, key: &K, fetch: impl FnOnce() -> Fetch<V> + Send + 'static) -> Result<V, Failure> {
        let (flight, shared) = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.tick += 1;
            let now = Instant::now();
            let tick = state.tick;
            let waiting = match state.slots.get_mut(key) {
                Some(slot) => {
                    slot.used = tick;
                    match &slot.entry {
                        Entry::Ready(value) => return Ok(value.clone()),
                        Entry::Failed { failure, until } if now < *until => return Err(failure.clone()),
                        Entry::Fetching { flight, shared } => Some((*flight, shared.clone())),
                        Entry::Failed { .. } => None,
                    }
                }
                None => None,
            };
            match waiting {
                Some(waiting) => waiting,
                None => self.start(&mut state, key, fetch, now)?,
            }
        };
        let outcome = shared.await;
        self.record(key, flight, &outcome);
        outcome
    }

    /// Starts a fetch for `key` and files it, unless this minute's fetches are spent.
    fn start(
        &self,
        state: &mut State<K, V>,
        key: &K,
        fetch: impl FnOnce() -> Fetch<V> + Send + 'static,
        now: Instant,
    ) -> Result<(u64, Shared<Fetch<V>>), Failure> {
        let (since, started) = match state.minute {
            Some((since, started)) if now.duration_since(since) < Duration::from_secs(60) => (since, started),
            _ => (now, 0),
        };
        if started >= self.limits.fetches_per_minute {
            return Err(Failure::Throttled);
        }
        state.minute = Some((since, started + 1));
        state.flights += 1;
        // The source is called on the first poll, after the lock is released; a source that panics fails this one
        // fetch (remembered like any failure) instead of every later request for the key.
        let deferred: Fetch<V> = Box::pin(async move {
            std::panic::AssertUnwindSafe(async move { fetch().await })
                .catch_unwind()
                .await
                .unwrap_or_else(|_| Err(Failure::Unavailable("the source panicked".into())))
        });
        let (flight, shared) = (state.flights, deferred.shared());
        if !state.slots.contains_key(key) && state.slots.len() >= self.limits.capacity {
            evict(&mut state.slots);
        }
        let used = state.tick;
        state.slots.insert(key.clone(), Slot { entry: Entry::Fetching { flight, shared: shared.clone() }, used });
        Ok((flight, shared))
    }

    /// Files the outcome of fetch `flight` for `key`, if its slot still waits for that fetch.
    fn record(&self, key: &K, flight: u64, outcome: &Result<V, Failure>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(slot) = state.slots.get_mut(key) else { return };
        if !matches!(slot.entry, Entry::Fetching { flight: filed, .. } if filed == flight) {
            return;
        }
        slot.entry = match outcome {
            Ok(value) => Entry::Ready(value.clone()),
            Err(failure) => Entry::Failed { failure: failure.clone(), until: Instant::now() + self.limits.failure_ttl },
        };
    }
}

/// Removes one slot to make room: a remembered failure before a value, the one looked up least recently among them,
/// and a fetch in progress only if nothing else is left. So requests naming unknown keys, which only ever add
/// failures, cannot push a good value out.
fn evict<K: Eq + Hash + Clone, V: Clone>(slots: &mut HashMap<K, Slot<V>>) {
    let rank = |slot: &Slot<V>| match slot.entry {
        Entry::Failed { .. } => 0,
        Entry::Ready(_) => 1,
        Entry::Fetching { .. } => 2,
    };
    let victim = slots.iter().min_by_key(|(_, slot)| (rank(slot), slot.used)).map(|(key, _)| key.clone());
    if let Some(key) = victim {
        slots.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready(value: u32) -> impl FnOnce() -> Fetch<u32> {
        move || Box::pin(std::future::ready(Ok(value)))
    }

    fn run<T>(future: impl Future<Output = T>) -> T {
        // Every future here is ready at once.
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match std::pin::pin!(future).poll(&mut context) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("a ready fetch was pending"),
        }
    }

    #[test]
    fn the_least_recently_used_entry_is_evicted_not_the_whole_cache() {
        let cache =
            FetchCache::new(Limits { capacity: 3, failure_ttl: Duration::from_secs(60), fetches_per_minute: 100 });
        for key in 1..=3 {
            assert_eq!(run(cache.get(&key, ready(key))).unwrap(), key);
        }
        // 1 is used again, so 2 is now the least recently used.
        assert_eq!(run(cache.get(&1, || panic!("cached"))).unwrap(), 1);
        assert_eq!(run(cache.get(&4, ready(4))).unwrap(), 4);
        assert_eq!(run(cache.get(&1, || panic!("kept"))).unwrap(), 1);
        assert_eq!(run(cache.get(&3, || panic!("kept"))).unwrap(), 3);
        assert_eq!(run(cache.get(&2, ready(20))).unwrap(), 20, "2 was evicted and fetched again");
    }

    #[test]
    fn failures_are_evicted_before_values_and_a_panicking_source_fails_one_fetch() {
        let cache =
            FetchCache::new(Limits { capacity: 2, failure_ttl: Duration::from_secs(60), fetches_per_minute: 100 });
        assert_eq!(run(cache.get(&1, ready(1))).unwrap(), 1);
        let failing = || -> Fetch<u32> { Box::pin(std::future::ready(Err(Failure::Refused("forged")))) };
        for key in 2..10 {
            assert!(run(cache.get(&key, failing)).is_err());
        }
        assert_eq!(run(cache.get(&1, || panic!("a stream of failures never evicts a value"))).unwrap(), 1);
        let panicking = || -> Fetch<u32> { panic!("a broken source") };
        assert!(matches!(run(cache.get(&20, panicking)), Err(Failure::Unavailable(_))));
        assert!(matches!(run(cache.get(&20, || panic!("remembered"))), Err(Failure::Unavailable(_))));
    }

    #[test]
    fn failures_are_remembered_and_fetches_bounded_per_minute() {
        let cache =
            FetchCache::new(Limits { capacity: 8, failure_ttl: Duration::from_secs(60), fetches_per_minute: 2 });
        let failing = || -> Fetch<u32> { Box::pin(std::future::ready(Err(Failure::Unavailable("down".into())))) };
        assert!(matches!(run(cache.get(&1, failing)), Err(Failure::Unavailable(_))));
        assert!(matches!(run(cache.get(&1, || panic!("remembered"))), Err(Failure::Unavailable(_))));
        assert_eq!(run(cache.get(&2, ready(2))).unwrap(), 2);
        assert!(matches!(run(cache.get(&3, || panic!("throttled"))), Err(Failure::Throttled)));
        assert_eq!(run(cache.get(&2, || panic!("cached"))).unwrap(), 2, "cached values are still served");
    }
}

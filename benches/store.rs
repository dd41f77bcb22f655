//! Store throughput: claim + complete of distinct keys on `MemoryStore` from 1 and 2 threads (target ≥ 2 M/s on
//! 2 cores), a claim refused by a full store (it must cost no more than an accepted one), and, with `--features redis` and `redis-server` on PATH, `RedisStore` round trips per operation.
//!
//! `cargo bench --bench store [--features redis]`. The numbers are reported as throughput (elements/s).

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hooksafe::store::{Claim, DedupKey, MemoryStore, Retention, Store, Token};

const LEASE: Duration = Duration::from_secs(60);
/// Records may be evicted at once, so a store at capacity stays in its steady state: each claim evicts the oldest
/// completed record.
const RETENTION: Retention = Retention { keep_for: Duration::from_secs(3600), protect_for: Duration::ZERO };

static THREADS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Each thread counts in its own range, so the bench adds no shared counter of its own.
    static NEXT: std::cell::Cell<u64> = std::cell::Cell::new(THREADS.fetch_add(1, Ordering::Relaxed) << 40);
}

/// A distinct, well-spread key, as the receiver's SHA-256 keys are.
fn fresh_key() -> DedupKey {
    let n = NEXT.with(|next| {
        next.set(next.get() + 1);
        next.get()
    });
    let mut bytes = [0u8; 32];
    let mut state = n;
    for chunk in bytes.chunks_exact_mut(8) {
        // splitmix64: every byte well mixed, as in a SHA-256 output.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    DedupKey::from_bytes(bytes)
}

/// Drives a future that never waits (the memory store's) to completion without a runtime.
fn ready<F: std::future::Future>(future: F) -> F::Output {
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(future).poll(&mut context) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => unreachable!("the memory store never waits"),
    }
}

fn claim_and_complete(store: &MemoryStore) {
    let (key, token) = (fresh_key(), Token::new());
    assert_eq!(ready(store.claim(key, token, LEASE)).unwrap(), Claim::Claimed);
    ready(store.complete(key, token, RETENTION)).unwrap();
}

fn memory(c: &mut Criterion) {
    let mut group = c.benchmark_group("store/memory");
    group.throughput(Throughput::Elements(1));
    // The default capacity: after the first 100 000 operations every claim also evicts, as in a long-running
    // process.
    let store = MemoryStore::new();
    group.bench_function("claim+complete/1-thread", |b| b.iter(|| claim_and_complete(black_box(&store))));
    group.throughput(Throughput::Elements(2));
    group.bench_function("claim+complete/2-threads", |b| {
        b.iter_custom(|iterations| {
            let start = Instant::now();
            std::thread::scope(|scope| {
                for _ in 0..2 {
                    scope.spawn(|| (0..iterations).for_each(|_| claim_and_complete(&store)));
                }
            });
            start.elapsed()
        })
    });
    // Refusing must cost no more than accepting: a store full of live leases answers each further claim without
    // scanning its records (an attacker flooding the endpoint gets no amplification).
    let full = MemoryStore::with_capacity(16 * 1024);
    for _ in 0..4 * full.capacity() {
        let _ = ready(full.claim(fresh_key(), Token::new(), LEASE));
    }
    assert_eq!(full.len(), full.capacity(), "every shard is full");
    group.throughput(Throughput::Elements(1));
    group.bench_function("claim-refused-when-full/1-thread", |b| {
        b.iter(|| assert!(ready(full.claim(black_box(fresh_key()), Token::new(), LEASE)).is_err()))
    });
    group.finish();
}

#[cfg(feature = "redis")]
fn redis(c: &mut Criterion) {
    use hooksafe::store::RedisStore;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = std::process::Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the redis bench needs redis-server on PATH (apt-get install redis-server)");
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let store = runtime.block_on(RedisStore::connect(&format!("redis://127.0.0.1:{port}/"))).unwrap();
    let mut group = c.benchmark_group("store/redis");
    group.throughput(Throughput::Elements(1));
    group.bench_function("claim", |b| {
        b.to_async(&runtime).iter(|| async { store.claim(fresh_key(), Token::new(), LEASE).await.unwrap() })
    });
    group.bench_function("claim+complete", |b| {
        b.to_async(&runtime).iter(|| async {
            let (key, token) = (fresh_key(), Token::new());
            store.claim(key, token, LEASE).await.unwrap();
            store.complete(key, token, RETENTION).await.unwrap();
        })
    });
    group.finish();
    let _ = server.kill();
    let _ = server.wait();
}

#[cfg(not(feature = "redis"))]
fn redis(_: &mut Criterion) {}

criterion_group!(benches, memory, redis);
criterion_main!(benches);

//! The inbox under load, against a PostgreSQL server of the bench's own (started as the tests start theirs, but
//! flushing every commit to disk as in production), with the inbox's receiving side behind axum on a loopback port
//! and its workers in the same process. Client, server, workers and PostgreSQL share the machine.
//!
//! 1. Acknowledgement and pick-up, five runs: an open-loop client sends signed 1 KiB Standard Webhooks deliveries at
//!    1,000/s over keep-alive connections, each acknowledgement measured from the moment its request was due (so a
//!    stall counts against every request it delays), and each pick-up from its `202` to the start of its handler
//!    (eight worker loops, a handler that does nothing). Targets: acknowledgement p99 under 10 ms, pick-up p99 under
//!    50 ms.
//! 2. Drain rate: a backlog of 20,000 deliveries processed by eight worker loops, with a handler that does nothing and
//!    with one that writes one row in the delivery's transaction.
//! 3. Ordering: the first 10,000 deliveries of a backlog of 100,000 over 1,000 ordering keys and one hot key with
//!    10,000, against the same backlog without keys (target: at least 80 % of its rate); and the mean time of the
//!    statement that takes a delivery (from `pg_stat_statements`) with a backlog of 10,000 and of 100,000.
//!
//! `cargo bench --bench inbox --features postgres,axum` (about three minutes); `-- --test` runs each part once,
//! small; `-- acknowledgement`, `-- drain` or `-- ordering` runs that part alone.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hooksafe::inbox::{Inbox, InboxDelivery};
use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier};
use sqlx::{PgPool, PgTransaction, Row as _};

#[path = "common/load.rs"]
mod load;

#[path = "../tests/common/postgres.rs"]
#[allow(dead_code)] // the bench starts the server; it never stops it early
mod postgres;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Keep-alive connections the client spreads its requests over.
const CONNECTIONS: usize = 32;
/// Worker loops processing deliveries.
const LOOPS: usize = 8;

struct Size {
    runs: usize,
    rate: u64,
    seconds: u64,
    drain: u64,
    ordered: u64,
    taken: u64,
}

fn main() {
    let smoke = std::env::args().any(|arg| arg == "--test");
    let parts: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).collect();
    let size = if smoke {
        Size { runs: 1, rate: 200, seconds: 1, drain: 500, ordered: 2_000, taken: 500 }
    } else {
        Size { runs: 5, rate: 1_000, seconds: 10, drain: 20_000, ordered: 100_000, taken: 10_000 }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let server = postgres::Postgres::start_durable();
    runtime.block_on(run(&server, &size, |part| parts.is_empty() || parts.iter().any(|name| name == part)));
}

async fn run(server: &postgres::Postgres, size: &Size, part: impl Fn(&str) -> bool) {
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(20).connect(&server.url()).await.unwrap();
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let inbox = Inbox::builder(verifier, pool.clone()).build().unwrap();
    inbox.migrate().await.unwrap();
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute(&pool).await.unwrap();
    sqlx::query("CREATE TABLE bench_effects (delivery bigint NOT NULL)").execute(&pool).await.unwrap();
    let app = axum::Router::new().route_service("/webhooks", inbox.service());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut ack_p99 = Vec::new();
    let mut pickup_p99 = Vec::new();
    for run in (1..=size.runs).filter(|_| part("acknowledgement")) {
        sqlx::query("TRUNCATE hooksafe_inbox").execute(&pool).await.unwrap();
        let (ack, pickup) = acknowledgement(&inbox, address, size.rate, size.seconds).await;
        println!("run {run}: acknowledgement {ack}; pick-up {pickup}");
        ack_p99.push(ack.p99);
        pickup_p99.push(pickup.p99);
    }
    let list = |values: &[f64]| values.iter().map(|value| format!("{value:.2}")).collect::<Vec<_>>().join(", ");
    if part("acknowledgement") {
        println!(
            "inbox over HTTP at {}/s, p99 of each run: acknowledgement {} ms; pick-up {} ms",
            size.rate,
            list(&ack_p99),
            list(&pickup_p99)
        );
    }

    for writes in [false, true].into_iter().filter(|_| part("drain")) {
        let rate = drain(&inbox, &pool, size.drain, None, size.drain, writes).await;
        let handler = if writes { "writing one row" } else { "doing nothing" };
        println!("drain: {} deliveries, handler {handler}: {rate:.0}/s", size.drain);
    }

    if !part("ordering") {
        return;
    }
    let first = size.ordered / 10;
    let unordered = drain(&inbox, &pool, size.ordered, None, first, false).await;
    let ordered = drain(&inbox, &pool, size.ordered, Some(1_000), first, false).await;
    println!(
        "ordering: first {first} of a backlog of {}: {ordered:.0}/s over 1,000 keys and a hot key, {unordered:.0}/s \
         without keys ({:.0} %)",
        size.ordered,
        ordered / unordered * 100.0
    );
    for backlog in [size.ordered / 10, size.ordered] {
        drain(&inbox, &pool, backlog, Some(1_000), size.taken / 5, false).await;
        let take: f64 = sqlx::query(
            "SELECT sum(total_exec_time) / sum(calls) FROM pg_stat_statements \
             WHERE query LIKE '%SKIP LOCKED%'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
        println!("taking one delivery with a backlog of {backlog} over 1,000 keys and a hot key: {take:.3} ms");
    }
}

/// One run of the open-loop client with workers picking the deliveries up: the acknowledgement and pick-up
/// latencies.
async fn acknowledgement(
    inbox: &Inbox,
    address: SocketAddr,
    rate: u64,
    seconds: u64,
) -> (load::Latencies, load::Latencies) {
    let total = usize::try_from(rate * seconds).unwrap();
    let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let body = format!(r#"{{"type":"invoice.paid","data":{{"pad":"{}"}}}}"#, "x".repeat(1024 - 40));
    let now = time::OffsetDateTime::now_utc();
    // Signed before the clock starts: the client's own work stays out of the measurement.
    let requests: Vec<Vec<u8>> =
        (0..total).map(|index| load::wire(&signer, &format!("msg_{index}"), now, body.as_bytes())).collect();
    let requests = Arc::new(requests);
    let base = Instant::now();
    // When each delivery was acknowledged, and when its handler started: nanoseconds from `base`.
    let acknowledged: Arc<Vec<AtomicU64>> = Arc::new((0..total).map(|_| AtomicU64::new(0)).collect());
    let started: Arc<Vec<AtomicU64>> = Arc::new((0..total).map(|_| AtomicU64::new(0)).collect());
    let recorder = started.clone();
    let handler = hooksafe::inbox::handler(move |delivery: InboxDelivery, _tx: &mut PgTransaction<'static>| {
        let index: usize = delivery.delivery_id().unwrap()["msg_".len()..].parse().unwrap();
        recorder[index].store(load::nanos(base.elapsed()), Ordering::SeqCst);
        Box::pin(async { Ok(()) })
    });
    let workers = tokio::spawn(inbox.worker(handler).concurrency(LOOPS).run());

    let interval = Duration::from_secs(1) / u32::try_from(rate).unwrap();
    let start = Instant::now() + Duration::from_millis(100);
    let acks = load::send_all(address, requests, CONNECTIONS, (start, interval), (base, acknowledged.clone())).await;
    let elapsed = start.elapsed();
    wait_until(inbox, |counts| counts.processed == total as u64).await;
    workers.abort();
    let pickups = (0..total)
        .map(|index| {
            let (ack, start) = (acknowledged[index].load(Ordering::SeqCst), started[index].load(Ordering::SeqCst));
            Duration::from_nanos(start.saturating_sub(ack))
        })
        .collect();
    (load::latencies(acks, Some(elapsed)), load::latencies(pickups, None))
}

/// Fills the inbox with a backlog of `backlog` deliveries (over `keys` ordering keys and a hot key with a tenth of
/// them, or none), then times eight worker loops processing the first `measured`: deliveries per second.
async fn drain(inbox: &Inbox, pool: &PgPool, backlog: u64, keys: Option<u64>, measured: u64, writes: bool) -> f64 {
    backlog_of(pool, backlog, keys).await;
    // Counted by the handler: counting the table's rows would cost the database more than the workers' own work.
    let handled = Arc::new(AtomicU64::new(0));
    let counter = handled.clone();
    let handler = hooksafe::inbox::handler(move |delivery: InboxDelivery, tx: &mut PgTransaction<'static>| {
        let counter = counter.clone();
        Box::pin(async move {
            if writes {
                sqlx::query("INSERT INTO bench_effects VALUES ($1)").bind(delivery.id()).execute(&mut **tx).await?;
            }
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    });
    let start = Instant::now();
    let workers = tokio::spawn(inbox.worker(handler).concurrency(LOOPS).run());
    let deadline = start + Duration::from_secs(300);
    while handled.load(Ordering::SeqCst) < measured {
        assert!(Instant::now() < deadline, "the workers did not keep up");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = start.elapsed();
    workers.abort();
    handled.load(Ordering::SeqCst) as f64 / elapsed.as_secs_f64()
}

/// Replaces the inbox's rows with `backlog` pending 1 KiB deliveries, written directly, and resets the statement
/// statistics.
async fn backlog_of(pool: &PgPool, backlog: u64, keys: Option<u64>) {
    sqlx::query("TRUNCATE hooksafe_inbox, bench_effects").execute(pool).await.unwrap();
    let ordering = match keys {
        Some(keys) => format!("CASE WHEN i % 10 = 0 THEN 'hot' ELSE 'key-' || (i % {keys}) END"),
        None => "NULL".to_owned(),
    };
    sqlx::query(&format!(
        "INSERT INTO hooksafe_inbox (dedup_key, scheme, key_id, delivery_id, ordering_key, headers, body) \
         SELECT int8send(i), 'standard-webhooks', 'k', 'msg_' || i, {ordering}, '[]', convert_to(repeat('x', 1024), 'UTF8') \
         FROM generate_series(1, $1) AS i"
    ))
    .bind(i64::try_from(backlog).unwrap())
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("VACUUM ANALYZE hooksafe_inbox").execute(pool).await.unwrap();
    sqlx::query("SELECT pg_stat_statements_reset()").execute(pool).await.unwrap();
}

/// Waits until the inbox's counts satisfy `done`, for at most five minutes.
async fn wait_until(inbox: &Inbox, done: impl Fn(&hooksafe::inbox::Counts) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while !done(&inbox.counts().await.unwrap()) {
        assert!(Instant::now() < deadline, "the workers did not keep up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

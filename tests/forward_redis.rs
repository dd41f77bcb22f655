//! Forwarding to Redis Streams against a real `redis-server` each test starts on a free loopback port: one entry per
//! event however many copies arrive and however many replicas take them, nothing acknowledged while Redis is down,
//! nothing forged ever appended, and a consumer group that retries, reclaims and dead-letters.
#![cfg(all(feature = "redis-streams", feature = "axum"))]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hooksafe::forward::redis_streams::{Polled, RedisStreamSink, StreamConsumer};
use hooksafe::forward::{Forwarder, Message};

mod common;

use common::forward::{Replica, delivery, send, serve, verifier};
use common::redis::Server;

const STREAM: &str = "webhooks";

async fn forwarder(server: &Server) -> Forwarder<RedisStreamSink> {
    let sink = RedisStreamSink::connect(&server.url(), STREAM).await.unwrap();
    Forwarder::builder(verifier(), sink).publish_timeout(Duration::from_secs(2)).build().unwrap()
}

fn entries(server: &Server, stream: &str) -> usize {
    server.cli(&["XLEN", stream]).parse().unwrap()
}

/// A server that keeps what it acknowledged across a restart: append-only, fsync on every write.
fn durable_server() -> (Server, std::path::PathBuf) {
    let dir =
        std::env::temp_dir().join(format!("hooksafe-streams-{}-{:?}", std::process::id(), std::thread::current().id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let dir_arg = dir.to_str().unwrap().to_owned();
    let server = Server::start(&["--appendonly", "yes", "--appendfsync", "always", "--dir", &dir_arg]);
    (server, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_copies_append_one_entry_and_31_duplicates() {
    let server = Server::start(&[]);
    let address = serve(&forwarder(&server).await).await;
    let answers = common::forward::thirty_two_copies_are_acknowledged_once(&[address], "msg_32").await;
    assert_eq!(common::forward::duplicates(&answers), 31);
    assert_eq!(entries(&server, STREAM), 1);
    // The broker's own record decides: no store, so no copy waits as in progress.
    let again = send(address, &delivery("msg_32", r#"{"type":"invoice.paid","id":"msg_32"}"#)).await;
    assert_eq!((again.status, again.duplicate), (200, true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replica_processes_on_one_server_append_one_entry() {
    let server = Server::start(&[]);
    let first = Replica::spawn("replica", &server.url());
    let second = Replica::spawn("replica", &server.url());
    let answers =
        common::forward::thirty_two_copies_are_acknowledged_once(&[first.address, second.address], "msg_replicas")
            .await;
    assert_eq!(common::forward::duplicates(&answers), 31);
    assert_eq!(entries(&server, STREAM), 1);
}

/// A replica's process: a forwarder to the Redis at the URL it is given (run by the test above, never alone).
#[tokio::test]
#[ignore = "the entry point of a replica process, started by two_replica_processes_on_one_server_append_one_entry"]
async fn replica() {
    let url = common::forward::replica_config().expect("started as a replica");
    let sink = RedisStreamSink::connect(&url, STREAM).await.unwrap();
    common::forward::serve_as_replica(&Forwarder::builder(verifier(), sink).build().unwrap()).await;
}

#[tokio::test]
async fn forged_stale_and_oversized_deliveries_are_never_appended() {
    let server = Server::start(&[]);
    let address = serve(&forwarder(&server).await).await;
    common::forward::forged_stale_and_oversized_deliveries_are_refused(address).await;
    assert_eq!(server.cli(&["EXISTS", STREAM]), "0");
    assert_eq!(server.cli(&["DBSIZE"]), "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_redis_is_down_nothing_is_acknowledged_and_every_202_is_one_entry() {
    let (mut server, dir) = durable_server();
    let address = serve(&forwarder(&server).await).await;
    let server = std::cell::RefCell::new(&mut server);
    let accepted = common::forward::nothing_is_acknowledged_while_the_broker_is_down(
        address,
        || server.borrow_mut().kill(),
        || server.borrow_mut().restart(),
    )
    .await;
    assert_eq!(accepted, 5);
    assert_eq!(entries(&server.borrow(), STREAM), 5, "each 202 is exactly one entry, kept across the restart");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_dedup_record_lasts_the_configured_period_and_names_the_entry() {
    let server = Server::start(&[]);
    let sink = RedisStreamSink::connect(&server.url(), STREAM).await.unwrap().dedup_for(Duration::from_secs(3600));
    let forwarder = Forwarder::builder(verifier(), sink).build().unwrap();
    assert_eq!(send(serve(&forwarder).await, &delivery("msg_ttl", r#"{"type":"a"}"#)).await.status, 202);
    let record = server.cli(&["--scan", "--pattern", "hooksafe:webhooks:dedup:*"]);
    let ttl: i64 = server.cli(&["PTTL", &record]).parse().unwrap();
    assert!((3_590_000..=3_600_000).contains(&ttl), "{ttl}");
    let entry = server.cli(&["XRANGE", STREAM, "-", "+"]);
    assert!(entry.starts_with(&server.cli(&["GET", &record])), "{entry}");
}

#[tokio::test]
async fn an_entry_redis_refuses_leaves_no_dedup_record_so_the_retry_is_appended() {
    let server = Server::start(&[]);
    let address = serve(&forwarder(&server).await).await;
    // The stream's key holds a string: the `XADD` fails inside the script, after the record was written.
    server.cli(&["SET", STREAM, "not a stream"]);
    let request = delivery("msg_refused", r#"{"type":"a"}"#);
    let refused = send(address, &request).await;
    assert_eq!((refused.status, refused.retry_after), (503, true));
    assert_eq!(server.cli(&["--scan", "--pattern", "hooksafe:webhooks:dedup:*"]), "", "the record was removed");
    server.cli(&["DEL", STREAM]);
    assert_eq!(send(address, &request).await.status, 202);
    assert_eq!(entries(&server, STREAM), 1);
}

#[tokio::test]
async fn an_entry_whose_dead_letter_cannot_be_written_stays_pending() {
    let server = Server::start(&[]);
    let worker = consumer(&server, "worker-1").await;
    server.cli(&["XADD", STREAM, "*", "hooksafe-scheme", "stripe"]);
    server.cli(&["SET", "webhooks:dead", "not a stream"]);
    assert!(worker.poll(&|_: Message| async { Ok::<_, String>(()) }).await.is_err());
    assert_eq!(server.cli(&["XPENDING", STREAM, "billing"]).lines().next(), Some("1"), "not acknowledged");
    server.cli(&["DEL", "webhooks:dead"]);
    tokio::time::sleep(Duration::from_millis(150)).await;
    let polled = worker.poll(&|_: Message| async { Ok::<_, String>(()) }).await.unwrap();
    assert_eq!(polled.dead, 1);
    let dead = server.cli(&["XRANGE", "webhooks:dead", "-", "+"]);
    assert!(dead.contains("payload"), "says the entry has no payload: {dead}");
}

#[tokio::test]
async fn the_sink_says_whether_the_server_keeps_what_it_acknowledged() {
    let volatile = Server::start(&[]);
    assert!(!RedisStreamSink::connect(&volatile.url(), STREAM).await.unwrap().is_durable());
    let evicting = Server::start(&["--appendonly", "yes", "--maxmemory-policy", "allkeys-lru", "--dir", "/tmp"]);
    assert!(!RedisStreamSink::connect(&evicting.url(), STREAM).await.unwrap().is_durable());
    let (durable, dir) = durable_server();
    let sink = RedisStreamSink::connect(&durable.url(), STREAM).await.unwrap();
    assert!(sink.is_durable());
    assert_eq!(sink.fsync_policy(), Some("always"));
    let _ = std::fs::remove_dir_all(dir);
}

async fn consumer(server: &Server, name: &str) -> StreamConsumer {
    let consumer = StreamConsumer::connect(&server.url(), STREAM, "billing", name)
        .await
        .unwrap()
        .max_attempts(3)
        .retry_after(Duration::from_millis(100))
        .block(Duration::from_millis(50));
    consumer.create_group().await.unwrap();
    consumer
}

#[tokio::test]
async fn a_consumer_reads_each_message_as_the_delivery_view_and_acknowledges_it() {
    let server = Server::start(&[]);
    let address = serve(&forwarder(&server).await).await;
    let consumer = consumer(&server, "worker-1").await;
    consumer.create_group().await.unwrap(); // a second creation is not an error
    for n in 0..3 {
        assert_eq!(send(address, &delivery(&format!("msg_{n}"), &format!(r#"{{"type":"t{n}"}}"#))).await.status, 202);
    }
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = |message: Message| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push((message.id().unwrap().to_owned(), message.event_type().unwrap()));
            Ok::<_, hooksafe::Error>(())
        }
    };
    let polled = consumer.poll(&record).await.unwrap();
    assert_eq!(polled, Polled { processed: 3, failed: 0, dead: 0 });
    assert_eq!(
        *seen.lock().unwrap(),
        [("msg_0".into(), "t0".into()), ("msg_1".into(), "t1".into()), ("msg_2".into(), "t2".into())]
    );
    assert_eq!(server.cli(&["XPENDING", STREAM, "billing"]).lines().next(), Some("0"));
}

#[tokio::test]
async fn a_failing_entry_is_retried_then_dead_lettered_and_a_dead_consumers_entry_is_reclaimed() {
    let server = Server::start(&[]);
    let address = serve(&forwarder(&server).await).await;
    let worker = consumer(&server, "worker-1").await;
    // A consumer that read an entry and stopped before acknowledging it.
    assert_eq!(send(address, &delivery("msg_orphan", r#"{"type":"ok"}"#)).await.status, 202);
    let orphaned = server.cli(&["XREADGROUP", "GROUP", "billing", "crashed", "COUNT", "1", "STREAMS", STREAM, ">"]);
    assert!(orphaned.contains("msg_orphan"), "{orphaned}");
    assert_eq!(send(address, &delivery("msg_poison", r#"{"type":"poison"}"#)).await.status, 202);

    let runs = Arc::new(AtomicUsize::new(0));
    let handler = |message: Message| {
        let runs = runs.clone();
        async move {
            if message.event_type().as_deref() == Some("poison") {
                runs.fetch_add(1, Ordering::SeqCst);
                return Err("the ledger refused it");
            }
            Ok(())
        }
    };
    let mut total = Polled::default();
    for _ in 0..20 {
        let polled = worker.poll(&handler).await.unwrap();
        total.processed += polled.processed;
        total.failed += polled.failed;
        total.dead += polled.dead;
        if total.dead == 1 && total.processed == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(120)).await;
    }
    assert_eq!(total, Polled { processed: 1, failed: 3, dead: 1 }, "the orphan reclaimed, the poison tried 3 times");
    assert_eq!(runs.load(Ordering::SeqCst), 3);
    let dead = server.cli(&["XRANGE", "webhooks:dead", "-", "+"]);
    assert!(dead.contains("msg_poison") && dead.contains("out of attempts"), "{dead}");
    assert_eq!(server.cli(&["XPENDING", STREAM, "billing"]).lines().next(), Some("0"));
}

#[tokio::test]
async fn an_entry_that_is_not_a_hooksafe_message_is_dead_lettered_not_retried() {
    let server = Server::start(&[]);
    let worker = consumer(&server, "worker-1").await;
    server.cli(&["XADD", STREAM, "*", "payload", "{}", "hooksafe-scheme", "stripe"]);
    let polled = worker.poll(&|_: Message| async { Ok::<_, String>(()) }).await.unwrap();
    assert_eq!(polled, Polled { processed: 0, failed: 0, dead: 1 });
    let dead = server.cli(&["XRANGE", "webhooks:dead", "-", "+"]);
    assert!(dead.contains("hooksafe-dedup-key"), "names the missing header: {dead}");
}

//! `RedisStore` against a real `redis-server` that each test starts on a free loopback port and stops.
#![cfg(feature = "redis")]

use std::net::TcpListener;
use std::time::{Duration, Instant};

use hooksafe::store::RedisStore;
use hooksafe::{ErrorKind, Receiver};
use http::HeaderValue;

mod common;

use common::redis::Server;
use common::{BODY, signed, verifier};

async fn receiver(server: &Server) -> Receiver<RedisStore> {
    Receiver::new(verifier(), RedisStore::connect(&server.url()).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_identical_deliveries_are_claimed_exactly_once() {
    let server = Server::start(&[]);
    common::thirty_two_concurrent_receives_claim_once(receiver(&server).await).await;
}

#[tokio::test]
async fn complete_makes_duplicates_and_release_lets_the_retry_through() {
    let server = Server::start(&[]);
    common::release_lets_the_retry_through_and_complete_makes_duplicates(&receiver(&server).await).await;

    // One fixed-length key, kept for the retention (7 days), with an expiry always set.
    let keys = server.cli(&["--scan", "--pattern", "hooksafe:*"]);
    assert_eq!(keys.lines().count(), 1, "{keys}");
    assert_eq!(keys.len(), "hooksafe:".len() + 64);
    let ttl: i64 = server.cli(&["PTTL", &keys]).parse().unwrap();
    assert!(ttl > 6 * 86_400_000 && ttl <= 7 * 86_400_000, "{ttl}");
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_the_stale_holders_complete_is_ignored() {
    let server = Server::start(&[]);
    let store = RedisStore::connect(&server.url()).await.unwrap();
    let receiver = Receiver::builder(verifier(), store).lease(Duration::from_secs(1)).build().unwrap();
    common::a_lapsed_lease_is_taken_over_and_the_stale_complete_ignored(&receiver).await;
}

#[tokio::test]
async fn a_completion_after_the_lease_expired_in_redis_is_recorded_when_nobody_else_claimed() {
    // The lapsed lease's key has expired in Redis: the late completion must still make the retry a duplicate.
    let server = Server::start(&[]);
    let store = RedisStore::connect(&server.url()).await.unwrap();
    let receiver = Receiver::builder(verifier(), store).lease(Duration::from_secs(1)).build().unwrap();
    common::a_late_completion_with_no_other_claim_is_recorded(&receiver).await;
}

#[tokio::test]
async fn forged_deliveries_never_reach_redis() {
    let server = Server::start(&[]);
    let receiver = receiver(&server).await;
    let mut forged = signed("msg_1");
    forged.insert("webhook-signature", HeaderValue::from_static("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assert_eq!(receiver.receive((&forged, BODY)).await.unwrap_err().kind(), ErrorKind::InvalidSignature);
    assert_eq!(server.cli(&["DBSIZE"]), "0");
}

#[tokio::test]
async fn a_killed_redis_is_store_unavailable_and_processing_resumes_when_it_is_back() {
    let mut server = Server::start(&[]);
    let receiver = receiver(&server).await;
    receiver.receive((&signed("msg_before"), BODY)).await.unwrap().complete().await.unwrap();

    server.kill();
    let headers = signed("msg_during");
    let started = Instant::now();
    let error = receiver.receive((&headers, BODY)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::StoreUnavailable);
    assert!(error.retry_after().is_some());
    assert!(started.elapsed() < Duration::from_secs(10), "fails fast, does not hang");

    server.restart();
    let deadline = Instant::now() + Duration::from_secs(15);
    let delivery = loop {
        match receiver.receive((&headers, BODY)).await {
            Ok(delivery) => break delivery,
            Err(error) if error.kind() == ErrorKind::StoreUnavailable && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("did not recover: {error}"),
        }
    };
    delivery.complete().await.unwrap();
}

#[tokio::test]
async fn a_policy_that_can_evict_keys_is_reported() {
    let server = Server::start(&["--maxmemory-policy", "allkeys-lru"]);
    let store = RedisStore::connect(&server.url()).await.unwrap();
    assert_eq!(store.eviction_policy(), Some("allkeys-lru"));
    assert!(store.evicts_keys());
    let safe = Server::start(&[]);
    assert!(!RedisStore::connect(&safe.url()).await.unwrap().evicts_keys());
}

#[tokio::test]
async fn connecting_to_nothing_is_an_error_not_a_hang() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let started = Instant::now();
    assert!(RedisStore::connect(&format!("redis://127.0.0.1:{port}/")).await.is_err());
    assert!(started.elapsed() < Duration::from_secs(10));
}

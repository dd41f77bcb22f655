//! The behaviour every store must show through a `Receiver`, shared by the memory and Redis test files.
#![allow(dead_code)] // each test file uses the part it needs

#[cfg(feature = "forward")]
pub mod forward;
#[cfg(feature = "nats")]
pub mod nats;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(any(feature = "redis", feature = "nats"))]
pub mod process;
#[cfg(feature = "redis")]
pub mod redis;
pub mod sender;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use hooksafe::sign::Signer;
use hooksafe::store::Store;
use hooksafe::{ErrorKind, Receiver, Scheme, Verifier};
use http::HeaderMap;
use time::OffsetDateTime;

pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub const BODY: &[u8] = br#"{"type":"invoice.paid","amount":42}"#;

pub fn verifier() -> Verifier {
    Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap()
}

/// What the provider sends for delivery `id` of `BODY`, signed now.
pub fn signed(id: &str) -> HeaderMap {
    Signer::new(Scheme::StandardWebhooks, SECRET).unwrap().headers(id, OffsetDateTime::now_utc(), BODY).unwrap()
}

/// 32 concurrent receives of one delivery, none settled: exactly one is claimed, the rest are `InProgress`.
pub async fn thirty_two_concurrent_receives_claim_once<S: Store>(receiver: Receiver<S>) {
    let receiver = Arc::new(receiver);
    let headers = signed("msg_concurrent");
    let (start, end) = (Arc::new(tokio::sync::Barrier::new(32)), Arc::new(tokio::sync::Barrier::new(32)));
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let (receiver, headers, start, end) = (receiver.clone(), headers.clone(), start.clone(), end.clone());
            tokio::spawn(async move {
                start.wait().await;
                let delivery = receiver.receive((&headers, BODY)).await;
                // Every claim is held until all 32 have tried (a dropped claim is released).
                end.wait().await;
                delivery.map(drop).map_err(|error| error.kind())
            })
        })
        .collect();
    let mut claimed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => claimed += 1,
            Err(kind) => assert_eq!(kind, ErrorKind::InProgress),
        }
    }
    assert_eq!(claimed, 1);
}

/// While claimed: `InProgress`; released: the retry is processed; completed: `Duplicate`.
pub async fn release_lets_the_retry_through_and_complete_makes_duplicates<S: Store>(receiver: &Receiver<S>) {
    let headers = signed("msg_1");
    let delivery = receiver.receive((&headers, BODY)).await.unwrap();
    let in_progress = receiver.receive((&headers, BODY)).await.unwrap_err();
    assert_eq!(in_progress.kind(), ErrorKind::InProgress);
    assert_eq!(in_progress.status(), http::StatusCode::CONFLICT);
    assert!(in_progress.retry_after().is_some_and(|after| after >= StdDuration::from_secs(1)));

    delivery.release().await.unwrap(); // the handler failed
    let retry = receiver.receive((&headers, BODY)).await.expect("the provider's retry is processed");
    assert_eq!(retry.json::<serde_json::Value>().unwrap()["amount"], 42);
    retry.complete().await.unwrap();

    let duplicate = receiver.receive((&headers, BODY)).await.unwrap_err();
    assert_eq!(duplicate.kind(), ErrorKind::Duplicate);
    assert_eq!(duplicate.status(), http::StatusCode::OK);
}

/// With a one-second lease: a lapsed claim is taken over, and the stale holder's late `complete` changes nothing.
pub async fn a_lapsed_lease_is_taken_over_and_the_stale_complete_ignored<S: Store>(receiver: &Receiver<S>) {
    let headers = signed("msg_slow");
    let stale = receiver.receive((&headers, BODY)).await.unwrap();
    tokio::time::sleep(StdDuration::from_millis(1100)).await;
    let fresh = receiver.receive((&headers, BODY)).await.expect("the lease lapsed");
    assert!(!stale.complete().await.unwrap(), "too late: another worker holds the delivery");
    assert_eq!(receiver.receive((&headers, BODY)).await.unwrap_err().kind(), ErrorKind::InProgress);
    fresh.complete().await.unwrap();
    assert_eq!(receiver.receive((&headers, BODY)).await.unwrap_err().kind(), ErrorKind::Duplicate);
}

/// With a one-second lease: a handler that outlives its lease while nobody else claims the delivery still records
/// its completion, so the provider's next retry is a duplicate (even after the lapsed lease's record expired).
pub async fn a_late_completion_with_no_other_claim_is_recorded<S: Store>(receiver: &Receiver<S>) {
    let headers = signed("msg_outlived");
    let slow = receiver.receive((&headers, BODY)).await.unwrap();
    tokio::time::sleep(StdDuration::from_millis(1200)).await;
    assert!(slow.complete().await.unwrap(), "the completion is recorded");
    assert_eq!(receiver.receive((&headers, BODY)).await.unwrap_err().kind(), ErrorKind::Duplicate);
}

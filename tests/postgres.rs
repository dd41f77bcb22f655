//! `PostgresStore` and the `Inbox` against a real PostgreSQL server each test starts itself (see
//! `tests/common/postgres.rs`): deduplication, completion inside the application's transaction, and the inbox's
//! guarantees.
#![cfg(feature = "postgres")]

use std::time::Duration;

use hooksafe::store::PostgresStore;
use hooksafe::{ErrorKind, Receiver};
use sqlx::Row as _;

mod common;

use common::postgres::Postgres;
use common::{BODY, signed, verifier};

async fn store(server: &Postgres) -> PostgresStore {
    let store = PostgresStore::connect(&server.url()).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn short_lease(store: PostgresStore) -> Receiver<PostgresStore> {
    let one_second = Duration::from_secs(1);
    Receiver::builder(verifier(), store).lease(one_second).handler_deadline(one_second / 2).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_identical_deliveries_are_claimed_exactly_once() {
    let server = Postgres::start();
    common::thirty_two_concurrent_receives_claim_once(Receiver::new(verifier(), store(&server).await)).await;
}

#[tokio::test]
async fn complete_makes_duplicates_and_release_lets_the_retry_through() {
    let server = Postgres::start();
    common::release_lets_the_retry_through_and_complete_makes_duplicates(&Receiver::new(
        verifier(),
        store(&server).await,
    ))
    .await;
}

#[tokio::test]
async fn a_lapsed_lease_is_taken_over_and_a_late_completion_is_recorded_only_if_nobody_took_it() {
    let server = Postgres::start();
    let receiver = short_lease(store(&server).await);
    common::a_lapsed_lease_is_taken_over_and_the_stale_complete_ignored(&receiver).await;
    common::a_late_completion_with_no_other_claim_is_recorded(&receiver).await;
}

/// How many times each statement ran, from `pg_stat_statements`.
async fn statement_calls(store: &PostgresStore, like: &str, unlike: &str) -> i64 {
    let sql = "SELECT coalesce(sum(calls), 0)::int8 AS calls FROM pg_stat_statements WHERE query LIKE $1 AND query NOT LIKE $2";
    let row = sqlx::query(sql).bind(like).bind(unlike).fetch_one(store.pool()).await.unwrap();
    row.get("calls")
}

#[tokio::test]
async fn one_statement_per_claim_and_per_completion() {
    let server = Postgres::start();
    let store = store(&server).await;
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute(store.pool()).await.unwrap();
    sqlx::query("SELECT pg_stat_statements_reset()").execute(store.pool()).await.unwrap();
    let receiver = Receiver::new(verifier(), store.clone());
    for id in ["msg_1", "msg_2", "msg_3"] {
        receiver.receive((&signed(id), BODY)).await.unwrap().complete().await.unwrap();
    }
    assert_eq!(statement_calls(&store, "%WITH claimed AS%", "").await, 3, "one claim statement per delivery");
    let completions = statement_calls(&store, "%INSERT INTO hooksafe_dedup%", "%WITH claimed AS%").await;
    assert_eq!(completions, 3, "one completion statement per delivery");
    let all = statement_calls(&store, "%hooksafe_dedup%", "%pg_stat_statements%").await;
    assert_eq!(all, 6, "nothing else touched the table");
}

#[tokio::test]
async fn a_completion_inside_the_applications_transaction_commits_with_its_writes_or_not_at_all() {
    let server = Postgres::start();
    let store = store(&server).await;
    sqlx::query("CREATE TABLE payments (event text PRIMARY KEY)").execute(store.pool()).await.unwrap();
    let receiver = short_lease(store.clone());
    let headers = signed("msg_paid");

    // The handler's transaction rolls back (a crash before commit): neither its write nor the completion happened.
    let delivery = receiver.receive((&headers, BODY)).await.unwrap();
    let mut tx = store.pool().begin().await.unwrap();
    sqlx::query("INSERT INTO payments VALUES ($1)").bind(delivery.id()).execute(&mut *tx).await.unwrap();
    assert!(delivery.complete_in(&mut tx).await.unwrap());
    tx.rollback().await.unwrap();
    assert_eq!(receiver.receive((&headers, BODY)).await.unwrap_err().kind(), ErrorKind::InProgress, "still claimed");

    // After the lease, the provider's retry is processed, and this time the transaction commits.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let retry = receiver.receive((&headers, BODY)).await.expect("the lapsed claim is taken over");
    let mut tx = store.pool().begin().await.unwrap();
    sqlx::query("INSERT INTO payments VALUES ($1)").bind(retry.id()).execute(&mut *tx).await.unwrap();
    assert!(retry.complete_in(&mut tx).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(receiver.receive((&headers, BODY)).await.unwrap_err().kind(), ErrorKind::Duplicate);
    let count: i64 = sqlx::query("SELECT count(*) FROM payments").fetch_one(store.pool()).await.unwrap().get(0);
    assert_eq!(count, 1, "the effect is applied exactly once");
}

#[tokio::test]
async fn a_stopped_database_is_store_unavailable_and_processing_resumes_when_it_is_back() {
    let server = Postgres::start();
    let receiver = Receiver::new(verifier(), store(&server).await);
    receiver.receive((&signed("msg_1"), BODY)).await.unwrap().complete().await.unwrap();
    server.stop();
    let error = receiver.receive((&signed("msg_2"), BODY)).await.unwrap_err();
    assert_eq!((error.kind(), error.status().as_u16()), (ErrorKind::StoreUnavailable, 503));
    assert!(error.retry_after().is_some());
    server.start_again();
    // The pool reconnects; the retry is processed, and the earlier record survived.
    receiver.receive((&signed("msg_2"), BODY)).await.expect("processed after the restart").complete().await.unwrap();
    assert_eq!(receiver.receive((&signed("msg_1"), BODY)).await.unwrap_err().kind(), ErrorKind::Duplicate);
}

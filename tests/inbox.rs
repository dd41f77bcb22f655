//! The `Inbox` against a real PostgreSQL server each test starts itself, behind a real axum server on loopback:
//! one row per delivery however many arrive at once, nothing acknowledged that is not committed, retries with
//! backoff until dead, redrive, ordering per key, and a worker killed mid-handler losing nothing.
#![cfg(all(feature = "postgres", feature = "axum"))]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hooksafe::inbox::{Counts, Inbox, InboxDelivery};
use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier};
use sqlx::{PgPool, PgTransaction, Row as _};
use time::OffsetDateTime;

mod common;

use common::postgres::Postgres;
use common::sender::Request;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async fn pool(server: &Postgres) -> PgPool {
    sqlx::postgres::PgPoolOptions::new().max_connections(40).connect(&server.url()).await.unwrap()
}

fn verifier() -> Verifier {
    Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).max_body_size(64 * 1024).build().unwrap()
}

async fn inbox(
    pool: &PgPool,
    configure: impl FnOnce(hooksafe::inbox::InboxBuilder) -> hooksafe::inbox::InboxBuilder,
) -> Inbox {
    let builder = Inbox::builder(verifier(), pool.clone())
        .backoff(Duration::from_millis(20), Duration::from_millis(100))
        .lease(Duration::from_secs(1))
        .insert_timeout(Duration::from_secs(1));
    let inbox = configure(builder).build().unwrap();
    inbox.migrate().await.unwrap();
    sqlx::query("CREATE TABLE IF NOT EXISTS effects (delivery text NOT NULL, attempt int NOT NULL)")
        .execute(pool)
        .await
        .unwrap();
    inbox
}

/// The inbox's receiving side on a free loopback port.
async fn serve(inbox: &Inbox) -> SocketAddr {
    let app = axum::Router::new().route_service("/webhooks", inbox.service());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// A signed delivery `id` of `body` at `at`: its request head and body.
fn delivery(id: &str, body: &str, at: OffsetDateTime) -> Request {
    common::sender::signed_with(SECRET, id, body, at)
}

/// Sends a request and returns its status and whether it was marked a duplicate.
async fn send(address: SocketAddr, request: &Request) -> (u16, bool) {
    let answer = common::sender::send(address, request).await;
    (answer.status, answer.duplicate)
}

/// Sends `requests` all at once, each on its own connection: their answers, in order.
async fn send_at_once(address: SocketAddr, requests: Vec<Request>) -> Vec<(u16, bool)> {
    let requests = requests.into_iter().map(|request| (address, request)).collect();
    let answers = common::sender::send_all_at_once(requests).await;
    answers.into_iter().map(|answer| (answer.status, answer.duplicate)).collect()
}

async fn rows(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(pool).await.unwrap().get(0)
}

/// A handler that records each attempt's effect in the `effects` table, in the delivery's transaction.
fn recording(
    runs: Arc<AtomicUsize>,
) -> impl for<'t> Fn(InboxDelivery, &'t mut PgTransaction<'static>) -> hooksafe::inbox::Handling<'t> + Send + Sync + 'static
{
    hooksafe::inbox::handler(move |delivery, tx| {
        let runs = runs.clone();
        Box::pin(async move {
            runs.fetch_add(1, Ordering::SeqCst);
            sqlx::query("INSERT INTO effects VALUES ($1, $2)")
                .bind(delivery.delivery_id())
                .bind(i32::try_from(delivery.attempt()).unwrap())
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
    })
}

/// Waits until `condition` holds, for at most ten seconds.
async fn eventually<F: std::future::Future<Output = bool>>(mut condition: impl FnMut() -> F) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !condition().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_identical_deliveries_make_one_row_one_run_and_thirty_one_duplicates() {
    let server = Postgres::start();
    let pool = pool(&server).await;
    let inbox = inbox(&pool, |builder| builder).await;
    let address = serve(&inbox).await;
    let request = delivery("msg_once", r#"{"type":"invoice.paid"}"#, OffsetDateTime::now_utc());
    let answers = send_at_once(address, vec![request; 32]).await;
    assert_eq!(answers.iter().filter(|answer| **answer == (202, false)).count(), 1, "{answers:?}");
    assert_eq!(answers.iter().filter(|answer| **answer == (200, true)).count(), 31, "{answers:?}");
    assert_eq!(rows(&pool, "SELECT count(*) FROM hooksafe_inbox").await, 1);

    let runs = Arc::new(AtomicUsize::new(0));
    let worker = tokio::spawn(
        inbox.worker(recording(runs.clone())).concurrency(4).poll_interval(Duration::from_millis(10)).run(),
    );
    eventually(|| async { inbox.counts().await.unwrap().processed == 1 }).await;
    worker.abort();
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(rows(&pool, "SELECT count(*) FROM effects").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_handler_loses_nothing_and_its_effect_is_applied_once() {
    let server = Postgres::start();
    let pool = pool(&server).await;
    let inbox = inbox(&pool, |builder| builder).await;
    let address = serve(&inbox).await;
    assert_eq!(send(address, &delivery("msg_killed", "{}", OffsetDateTime::now_utc())).await, (202, false));

    // The first worker writes its effect, then hangs: it is killed before it commits.
    let started = Arc::new(tokio::sync::Notify::new());
    let signal = started.clone();
    let hanging = hooksafe::inbox::handler(move |delivery, tx| {
        let signal = signal.clone();
        Box::pin(async move {
            sqlx::query("INSERT INTO effects VALUES ($1, $2)")
                .bind(delivery.delivery_id())
                .bind(1)
                .execute(&mut **tx)
                .await?;
            signal.notify_one();
            std::future::pending::<()>().await;
            Ok(())
        })
    });
    let first = tokio::spawn(inbox.worker(hanging).poll_interval(Duration::from_millis(10)).run());
    started.notified().await;
    first.abort();
    let _ = first.await;

    // Another worker takes the delivery once the lease lapses, and this attempt commits.
    let runs = Arc::new(AtomicUsize::new(0));
    let second = tokio::spawn(inbox.worker(recording(runs.clone())).poll_interval(Duration::from_millis(10)).run());
    eventually(|| async { inbox.counts().await.unwrap().processed == 1 }).await;
    second.abort();
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let effects = sqlx::query("SELECT attempt FROM effects").fetch_all(&pool).await.unwrap();
    assert_eq!(
        effects.iter().map(|row| row.get::<i32, _>(0)).collect::<Vec<_>>(),
        vec![2],
        "only the second attempt's effect"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_worker_is_woken_by_a_new_delivery_without_waiting_for_its_poll() {
    let server = Postgres::start();
    let pool = pool(&server).await;
    let inbox = inbox(&pool, |builder| builder).await;
    let address = serve(&inbox).await;
    let runs = Arc::new(AtomicUsize::new(0));
    let worker = tokio::spawn(
        inbox.worker(recording(runs.clone())).concurrency(2).poll_interval(Duration::from_secs(3600)).run(),
    );
    // The loops look once, find nothing and wait: only a wake-up can bring them back within the hour.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for index in 0..3 {
        assert_eq!(
            send(address, &delivery(&format!("msg_woken_{index}"), "{}", OffsetDateTime::now_utc())).await,
            (202, false)
        );
    }
    eventually(|| async { inbox.counts().await.unwrap().processed == 3 }).await;
    worker.abort();
    assert_eq!(runs.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_committed_together_are_each_answered_by_their_own_fate() {
    let server = Postgres::start();
    let pool = pool(&server).await;
    // PostgreSQL refuses a NUL character in text: the delivery whose ordering key has one cannot be written.
    let inbox = inbox(&pool, |builder| {
        builder.ordering_key(|verified| verified.body().starts_with(b"{\"poison\"").then(|| "a\0b".to_owned()))
    })
    .await;
    let address = serve(&inbox).await;
    let now = OffsetDateTime::now_utc();
    let mut requests: Vec<_> = (0..40).map(|index| delivery(&format!("msg_group_{index}"), "{}", now)).collect();
    requests.push(delivery("msg_poison", r#"{"poison":1}"#, now));
    requests.push(requests[0].clone());
    let answers = send_at_once(address, requests).await;
    let (accepted, duplicates) = (&answers[..40], &answers[41..]);
    let first_or_duplicate = |answer: &(u16, bool)| *answer == (202, false) || *answer == (200, true);
    assert!(accepted.iter().all(first_or_duplicate), "{answers:?}");
    assert_eq!(answers[40].0, 503, "the delivery the database refused is not acknowledged: {answers:?}");
    assert!(first_or_duplicate(&duplicates[0]), "{answers:?}");
    let acknowledged = answers.iter().filter(|answer| **answer == (202, false)).count();
    assert_eq!(acknowledged, 40, "one 202 per delivery written, the copy of msg_group_0 a duplicate: {answers:?}");
    assert_eq!(rows(&pool, "SELECT count(*) FROM hooksafe_inbox").await, 40);
}

/// The environment variable naming the database of the paused worker process.
const PAUSED_WORKER_DB: &str = "HOOKSAFE_PAUSED_WORKER_DB";

/// A worker *process* whose handler claims its delivery in the `claimed` table, says so on stdout, then takes a
/// second: run by `a_paused_worker_process_keeps_its_delivery_no_longer_than_its_lease`, which pauses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the worker process of a_paused_worker_process_keeps_its_delivery_no_longer_than_its_lease"]
async fn paused_worker_process() {
    let url = std::env::var(PAUSED_WORKER_DB).expect("started by the paused worker test");
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(4).connect(&url).await.unwrap();
    let inbox = inbox(&pool, |builder| builder.lease(Duration::from_secs(3))).await;
    let claiming = hooksafe::inbox::handler(|delivery, tx| {
        Box::pin(async move {
            sqlx::query("INSERT INTO claimed VALUES ($1, 'paused')")
                .bind(delivery.delivery_id())
                .execute(&mut **tx)
                .await?;
            println!("hooksafe-worker: claimed");
            tokio::time::sleep(Duration::from_secs(1)).await;
            Ok(())
        })
    });
    inbox.worker(claiming).poll_interval(Duration::from_millis(10)).run().await;
}

/// Kills the worker process when the test ends, however it ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn signal(process: &std::process::Child, name: &str) {
    let status = std::process::Command::new("kill").args(["-s", name, &process.id().to_string()]).status().unwrap();
    assert!(status.success(), "kill -s {name}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_worker_process_keeps_its_delivery_no_longer_than_its_lease() {
    use std::io::BufRead as _;

    let server = Postgres::start();
    let pool = pool(&server).await;
    let inbox = inbox(&pool, |builder| builder.lease(Duration::from_secs(3))).await;
    sqlx::query("CREATE TABLE claimed (delivery text PRIMARY KEY, worker text NOT NULL)").execute(&pool).await.unwrap();
    let address = serve(&inbox).await;
    assert_eq!(send(address, &delivery("msg_paused", "{}", OffsetDateTime::now_utc())).await, (202, false));

    // Another process takes the delivery, claims it in its transaction, and is paused (SIGSTOP) right there.
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "paused_worker_process", "--nocapture", "--test-threads=1"])
        .env(PAUSED_WORKER_DB, server.url())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let mut lines = std::io::BufReader::new(child.0.stdout.take().unwrap()).lines();
    let claimed = tokio::task::spawn_blocking(move || {
        lines.any(|line| line.is_ok_and(|line| line.contains("hooksafe-worker: claimed")))
    });
    assert!(
        tokio::time::timeout(Duration::from_secs(30), claimed).await.unwrap().unwrap(),
        "the worker process claimed it"
    );
    signal(&child.0, "STOP");

    // While it stays paused, a worker here takes the delivery once the lease lapses: the paused worker's transaction
    // (and its claim on the row of `claimed`) is ended by the server, and this worker's claim commits.
    let claiming = hooksafe::inbox::handler(|delivery, tx| {
        Box::pin(async move {
            sqlx::query("INSERT INTO claimed VALUES ($1, 'here')")
                .bind(delivery.delivery_id())
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
    });
    let worker = tokio::spawn(inbox.worker(claiming).poll_interval(Duration::from_millis(10)).run());
    eventually(|| async { inbox.counts().await.unwrap().processed == 1 }).await;
    worker.abort();

    // Resumed, the paused worker's late completion changes nothing.
    signal(&child.0, "CONT");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let claims = sqlx::query("SELECT worker FROM claimed").fetch_all(&pool).await.unwrap();
    assert_eq!(claims.iter().map(|row| row.get::<String, _>(0)).collect::<Vec<_>>(), vec!["here".to_owned()]);
    let row = sqlx::query("SELECT state, attempts FROM hooksafe_inbox").fetch_one(&pool).await.unwrap();
    assert_eq!((row.get::<String, _>(0), row.get::<i32, _>(1)), ("processed".to_owned(), 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_database_down_nothing_is_acknowledged_and_the_retries_are_accepted_after_it_returns() {
    let server = Postgres::start();
    let pool = pool(&server).await;
    let inbox = inbox(&pool, |builder| builder).await;
    let address = serve(&inbox).await;
    let now = OffsetDateTime::now_utc();
    let before = delivery("msg_before", "{}", now);
    assert_eq!(send(address, &before).await, (202, false));

    server.stop();
    let during: Vec<_> = (0..5).map(|index| delivery(&format!("msg_during_{index}"), "{}", now)).collect();
    for request in &during {
        let (status, _) = send(address, request).await;
        assert_eq!(status, 503, "never acknowledged while the database is down");
    }
    server.start_again();

    // The provider's retries are accepted, and each acknowledged delivery is processed exactly once.
    let mut acknowledged = 1;
    for request in &during {
        let mut answer = send(address, request).await;
        for _ in 0..50 {
            if answer.0 != 503 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await; // the pool reconnecting
            answer = send(address, request).await;
        }
        assert_eq!(answer, (202, false));
        acknowledged += 1;
    }
    assert_eq!(send(address, &before).await, (200, true), "the delivery before the outage survived it");
    let runs = Arc::new(AtomicUsize::new(0));
    let worker = tokio::spawn(
        inbox.worker(recording(runs.clone())).concurrency(2).poll_interval(Duration::from_millis(10)).run(),
    );
    eventually(|| async { inbox.counts().await.is_ok_and(|counts| counts.processed == acknowledged) }).await;
    worker.abort();
    assert_eq!(rows(&pool, "SELECT count(*) FROM effects").await, 6);
    assert_eq!(rows(&pool, "SELECT count(DISTINCT delivery) FROM effects").await, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_handler_is_tried_exactly_the_configured_times_then_dead_and_a_redrive_processes_it() {
    let server = Postgres::start();
    let pool = pool(&server).await;
    let inbox = inbox(&pool, |builder| builder.max_attempts(3)).await;
    let address = serve(&inbox).await;
    assert_eq!(
        send(address, &delivery("msg_failing", r#"{"type":"x"}"#, OffsetDateTime::now_utc())).await,
        (202, false)
    );

    let attempts = Arc::new(AtomicUsize::new(0));
    let counted = attempts.clone();
    let failing = hooksafe::inbox::handler(move |_, _| {
        counted.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Err("the downstream API is down".into()) })
    });
    let worker = tokio::spawn(inbox.worker(failing).poll_interval(Duration::from_millis(10)).run());
    eventually(|| async { inbox.counts().await.unwrap().dead == 1 }).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // no further attempt comes
    worker.abort();
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
    let dead = inbox.dead(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].attempts, dead[0].last_error.as_deref(), dead[0].event_type.as_deref()),
        (3, Some("the downstream API is down"), Some("x"))
    );
    assert_eq!(inbox.counts().await.unwrap(), Counts { dead: 1, ..Counts::default() });

    assert!(inbox.redrive(dead[0].id).await.unwrap());
    let runs = Arc::new(AtomicUsize::new(0));
    let worker = tokio::spawn(inbox.worker(recording(runs.clone())).poll_interval(Duration::from_millis(10)).run());
    eventually(|| async { inbox.counts().await.unwrap().processed == 1 }).await;
    worker.abort();
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert!(!inbox.redrive(dead[0].id).await.unwrap(), "no longer dead");
    // Its timestamp is still inside the replay window: purging it would let a replay in.
    assert_eq!(inbox.purge_processed(Duration::ZERO).await.unwrap(), 0);
    sqlx::query("UPDATE hooksafe_inbox SET provider_timestamp = provider_timestamp - interval '3 hours'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(inbox.purge_processed(Duration::ZERO).await.unwrap(), 1);
    assert_eq!(inbox.counts().await.unwrap(), Counts::default());
}

/// A GitHub delivery (no signed timestamp) with extra headers a proxy or client added, as the inbox receives it.
fn github_delivery(body: &str) -> (http::request::Parts, Vec<u8>) {
    let signer = Signer::new(Scheme::GitHub, "gh-inbox-secret").unwrap();
    let mut request =
        signer.request("/webhooks".parse().unwrap(), "guid-1", OffsetDateTime::now_utc(), body.into()).unwrap();
    for (name, value) in
        [("x-api-key", "sk_live_do_not_store"), ("authorization", "Bearer t"), ("x-github-event", "push")]
    {
        request.headers_mut().insert(name, value.parse().unwrap());
    }
    request.headers_mut().insert("content-type", "application/json".parse().unwrap());
    request.into_parts()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_never_forgets_a_delivery_that_still_stops_a_replay_and_only_its_own_headers_are_stored() {
    let server = Postgres::start();
    let pool = pool(&server).await;
    let verifier = Verifier::builder(Scheme::GitHub).secret("gh-inbox-secret").build().unwrap();
    let extra = [http::HeaderName::from_static("x-github-hook-id"), http::HeaderName::from_static("authorization")];
    let inbox = Inbox::builder(verifier, pool.clone()).store_headers(extra).build().unwrap();
    inbox.migrate().await.unwrap();
    let (mut parts, body) = github_delivery(r#"{"ref":"refs/heads/main"}"#);
    parts.headers.insert("x-github-hook-id", "292430182".parse().unwrap());
    assert!(matches!(inbox.accept(&parts, &body).await.unwrap(), hooksafe::inbox::Accepted::Stored(_)));

    // Headers by allow-list: the scheme's own, the content type and those named; nothing a client or proxy added,
    // and never a credential.
    let row = sqlx::query("SELECT headers::text FROM hooksafe_inbox").fetch_one(&pool).await.unwrap();
    let stored: Vec<[String; 2]> = serde_json::from_str(&row.get::<String, _>(0)).unwrap();
    let mut names: Vec<&str> = stored.iter().map(|[name, _]| name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["content-type", "x-github-delivery", "x-github-event", "x-github-hook-id", "x-hub-signature-256"]
    );

    // Processed an hour ago: GitHub signs no timestamp, so the row is its only replay defence and is kept.
    sqlx::query("UPDATE hooksafe_inbox SET state = 'processed', processed_at = clock_timestamp() - interval '1 hour'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(inbox.purge_processed(Duration::ZERO).await.unwrap(), 0);
    let replay = inbox.accept(&parts, &body).await.unwrap_err();
    assert_eq!(replay.kind(), hooksafe::ErrorKind::Duplicate);
    // After the minimum retention it goes; sooner only when asked for by name.
    sqlx::query("UPDATE hooksafe_inbox SET processed_at = clock_timestamp() - interval '8 days'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(hooksafe::inbox::MIN_RETENTION, Duration::from_secs(7 * 24 * 3600));
    assert_eq!(inbox.purge_processed(Duration::ZERO).await.unwrap(), 1);
    assert!(matches!(inbox.accept(&parts, &body).await.unwrap(), hooksafe::inbox::Accepted::Stored(_)));
    sqlx::query("UPDATE hooksafe_inbox SET state = 'processed', processed_at = clock_timestamp() - interval '1 hour'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(inbox.dangerous_purge_processed(Duration::from_secs(60)).await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_stale_and_oversized_deliveries_never_reach_the_table() {
    let server = Postgres::start();
    let pool = pool(&server).await;
    let inbox = inbox(&pool, |builder| builder).await;
    let address = serve(&inbox).await;
    let (head, _) = delivery("msg_forged", r#"{"amount":1}"#, OffsetDateTime::now_utc());
    let forged = (head, br#"{"amount":9}"#.to_vec());
    assert_eq!(send(address, &forged).await.0, 401);
    let stale = delivery("msg_stale", "{}", OffsetDateTime::now_utc() - time::Duration::minutes(10));
    assert_eq!(send(address, &stale).await.0, 401);
    let big = format!(r#"{{"pad":"{}"}}"#, "x".repeat(70 * 1024));
    assert_eq!(send(address, &delivery("msg_big", &big, OffsetDateTime::now_utc())).await.0, 413);
    assert_eq!(rows(&pool, "SELECT count(*) FROM hooksafe_inbox").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_with_one_ordering_key_are_processed_in_order_even_when_one_is_retried() {
    let server = Postgres::start();
    let pool = pool(&server).await;
    let inbox = inbox(&pool, |builder| {
        builder
            .ordering_key(|verified| verified.json::<serde_json::Value>().ok()?["object"].as_str().map(str::to_owned))
    })
    .await;
    let address = serve(&inbox).await;
    let now = OffsetDateTime::now_utc();
    for (index, object) in ["sub_1", "sub_1", "sub_2", "sub_1"].iter().enumerate() {
        let body = format!(r#"{{"object":"{object}","seq":{index}}}"#);
        assert_eq!(send(address, &delivery(&format!("msg_{index}"), &body, now)).await, (202, false));
    }
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = order.clone();
    let handler = hooksafe::inbox::handler(move |delivery, _| {
        let seen = seen.clone();
        Box::pin(async move {
            let event: serde_json::Value = delivery.json()?;
            let seq = event["seq"].as_u64().unwrap();
            if seq == 0 && delivery.attempt() == 1 {
                return Err("the first update fails once".into());
            }
            assert!(delivery.provider_timestamp().is_some());
            seen.lock().unwrap().push((delivery.ordering_key().unwrap().to_owned(), seq));
            Ok(())
        })
    });
    let worker = tokio::spawn(inbox.worker(handler).concurrency(4).poll_interval(Duration::from_millis(5)).run());
    eventually(|| async { inbox.counts().await.unwrap().processed == 4 }).await;
    worker.abort();
    let order = order.lock().unwrap().clone();
    let sub_1: Vec<u64> = order.iter().filter(|(key, _)| key == "sub_1").map(|(_, seq)| *seq).collect();
    assert_eq!(sub_1, vec![0, 1, 3], "{order:?}");
}

#[cfg(feature = "actix-web")]
#[actix_web::test]
async fn the_actix_web_handler_writes_and_answers_as_the_tower_service_does() {
    use actix_web::{App, test, web};
    let server = Postgres::start();
    let pool = pool(&server).await;
    let inbox = inbox(&pool, |builder| builder).await;
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(inbox.clone()))
            .service(web::resource("/webhooks").route(web::post().to(hooksafe::actix::inbox))),
    )
    .await;
    let body = r#"{"type":"ping"}"#;
    let headers = Signer::new(Scheme::StandardWebhooks, SECRET)
        .unwrap()
        .headers("msg_actix", OffsetDateTime::now_utc(), body.as_bytes())
        .unwrap();
    let request = || {
        let mut request = test::TestRequest::post().uri("/webhooks").set_payload(body);
        for (name, value) in &headers {
            request = request.insert_header((name.as_str(), value.to_str().unwrap()));
        }
        request.to_request()
    };
    assert_eq!(test::call_service(&app, request()).await.status().as_u16(), 202);
    let again = test::call_service(&app, request()).await;
    let outcome = again.headers().get("hooksafe-outcome").and_then(|value| value.to_str().ok()).map(str::to_owned);
    assert_eq!((again.status().as_u16(), outcome.as_deref()), (200, Some("duplicate")));
    assert_eq!(rows(&pool, "SELECT count(*) FROM hooksafe_inbox").await, 1);
}

/// One recorded metric: its labels, name, count (a counter) and samples (a histogram).
#[cfg(feature = "metrics")]
struct Recorded {
    labels: Vec<(String, String)>,
    name: String,
    count: u64,
    samples: usize,
}

/// Runs `run` with a PostgreSQL server of its own, on a single-threaded runtime whose metrics go to a recorder of its
/// own, and returns what was recorded.
#[cfg(feature = "metrics")]
fn recorded<F: std::future::Future<Output = ()>>(run: impl FnOnce(PgPool) -> F) -> Vec<Recorded> {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    let server = Postgres::start();
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async { run(pool(&server).await).await });
    });
    let snapshot = snapshotter.snapshot().into_vec().into_iter();
    snapshot
        .map(|(key, _, _, value)| {
            let labels = key.key().labels().map(|l| (l.key().to_owned(), l.value().to_owned())).collect();
            let (count, samples) = match value {
                DebugValue::Counter(count) => (count, 0),
                DebugValue::Histogram(values) => (0, values.len()),
                DebugValue::Gauge(_) => (0, 0),
            };
            Recorded { labels, name: key.key().name().to_owned(), count, samples }
        })
        .collect()
}

/// The count and samples of the metric `name` over every label set that includes `labels`.
#[cfg(feature = "metrics")]
fn total(recorded: &[Recorded], name: &str, labels: &[(&str, &str)]) -> (u64, usize) {
    let matching = recorded.iter().filter(|metric| {
        metric.name == name
            && labels.iter().all(|(k, v)| metric.labels.iter().any(|(key, value)| key == k && value == v))
    });
    matching.fold((0, 0), |(count, samples), metric| (count + metric.count, samples + metric.samples))
}

#[cfg(feature = "metrics")]
#[test]
fn a_duplicate_with_another_body_than_the_stored_one_is_counted() {
    // Mailgun signs only its signature block: the event data of a "duplicate" can differ.
    let recorded = recorded(|pool| async move {
        let verifier = Verifier::builder(Scheme::Mailgun).secret("key-mailgun-signing").build().unwrap();
        let inbox = Inbox::builder(verifier, pool).build().unwrap();
        inbox.migrate().await.unwrap();
        let signer = Signer::new(Scheme::Mailgun, "key-mailgun-signing").unwrap();
        let genuine = signer.body("token-1", OffsetDateTime::now_utc(), br#"{"event":"delivered"}"#).unwrap();
        let parts = || http::Request::post("/webhooks").body(()).unwrap().into_parts().0;
        inbox.accept(&parts(), &genuine).await.unwrap();
        assert!(inbox.accept(&parts(), &genuine).await.is_err(), "a duplicate");
        let swapped = String::from_utf8(genuine).unwrap().replace("delivered", "failed");
        assert!(inbox.accept(&parts(), swapped.as_bytes()).await.is_err(), "a duplicate");
    });
    assert_eq!(total(&recorded, "hooksafe_duplicates_with_another_body_total", &[]).0, 1);
}

/// With the `metrics` feature, the inbox's receiving side counts deliveries by outcome as the other adapters do.
#[cfg(feature = "metrics")]
#[test]
fn the_receiving_side_counts_deliveries_by_outcome_as_the_other_adapters_do() {
    use tower::ServiceExt as _;

    let recorded = recorded(|pool| async move {
        let inbox = inbox(&pool, |builder| builder).await;
        let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
        let now = OffsetDateTime::now_utc();
        let send = |body: Vec<u8>, signed_body: &[u8]| {
            let mut request = signer.request("/webhooks".parse().unwrap(), "msg_1", now, signed_body.to_vec()).unwrap();
            *request.body_mut() = body;
            let service = inbox.service();
            async move { service.oneshot(request.map(axum::body::Body::from)).await.unwrap().status().as_u16() }
        };
        let body = br#"{"type":"invoice.paid"}"#;
        assert_eq!(send(body.to_vec(), body).await, 202);
        assert_eq!(send(body.to_vec(), body).await, 200);
        assert_eq!(send(br#"{"type":"forged"}"#.to_vec(), body).await, 401);
        assert_eq!(send(vec![b' '; 65 * 1024], body).await, 413);
    });
    let scheme = ("scheme", "standard-webhooks");
    let deliveries = |label| total(&recorded, "hooksafe_deliveries_total", &[scheme, label]).0;
    assert_eq!(deliveries(("outcome", "stored")), 1);
    assert_eq!(deliveries(("outcome", "duplicate")), 1);
    assert_eq!(deliveries(("reason", "invalid signature")), 1);
    assert_eq!(deliveries(("reason", "payload too large")), 1);
    let verified = total(&recorded, "hooksafe_verification_seconds", &[scheme]).1;
    assert_eq!(verified, 3, "every delivery that reached verification");
}

#[cfg(feature = "limits")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receiving_side_applies_its_limits_before_writing_anything() {
    use hooksafe::limit::{Limits, Rate};
    use tower::ServiceExt as _;

    let server = Postgres::start();
    let pool = pool(&server).await;
    let inbox = inbox(&pool, |builder| builder.limits(Limits::new().per_source(Rate::per_minute(1)))).await;
    let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let send = |id: &str| {
        let request = signer.request("/webhooks".parse().unwrap(), id, OffsetDateTime::now_utc(), b"{}".to_vec());
        let mut request = request.unwrap().map(axum::body::Body::from);
        request.extensions_mut().insert(SocketAddr::from(([203, 0, 113, 7], 4711)));
        let service = inbox.service();
        async move { service.oneshot(request).await.unwrap() }
    };
    assert_eq!(send("msg_1").await.status(), 202);
    let refused = send("msg_2").await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(rows(&pool, "SELECT count(*) FROM hooksafe_inbox").await, 1, "the refused delivery was not written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_takes_only_its_own_schemes_deliveries_from_a_shared_table() {
    let server = Postgres::start();
    let pool = pool(&server).await;
    let standard = inbox(&pool, |builder| builder).await;
    let github = Verifier::builder(Scheme::GitHub).secret("It's a Secret to Everybody").build().unwrap();
    let github = Inbox::builder(github, pool.clone()).build().unwrap();
    let address = serve(&standard).await;
    let request = delivery("msg_mine", r#"{"type":"invoice.paid","ordering":"x"}"#, OffsetDateTime::now_utc());
    assert_eq!(send(address, &request).await, (202, false));

    // The GitHub inbox's worker, on the same table, polls often and must leave the delivery alone.
    let theirs = Arc::new(AtomicUsize::new(0));
    let worker = tokio::spawn(github.worker(recording(theirs.clone())).poll_interval(Duration::from_millis(5)).run());
    tokio::time::sleep(Duration::from_millis(300)).await;
    worker.abort();
    assert_eq!(theirs.load(Ordering::SeqCst), 0, "another scheme's worker ran this delivery");
    assert_eq!(rows(&pool, "SELECT count(*) FROM hooksafe_inbox WHERE state = 'pending' AND attempts = 0").await, 1);

    // Its own scheme's worker runs it.
    let mine = Arc::new(AtomicUsize::new(0));
    let worker = tokio::spawn(standard.worker(recording(mine.clone())).poll_interval(Duration::from_millis(5)).run());
    eventually(|| async { rows(&pool, "SELECT count(*) FROM hooksafe_inbox WHERE state = 'processed'").await == 1 })
        .await;
    worker.abort();
    assert_eq!(mine.load(Ordering::SeqCst), 1);
}

#[cfg(feature = "limits")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_an_axum_route_a_tenant_named_by_the_path_is_limited_on_its_own() {
    use hooksafe::limit::{Limits, Rate};
    use tower::ServiceExt as _;

    let server = Postgres::start();
    let pool = pool(&server).await;
    let limits = Limits::new().per_tenant(Rate::per_minute(1), |head| head.path_param("tenant").map(str::to_owned));
    let inbox = inbox(&pool, |builder| builder.limits(limits)).await;
    let app = axum::Router::new().route_service("/webhooks/{tenant}", inbox.service());
    let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let send = |path: &str, id: &str| {
        let request = signer.request(path.parse().unwrap(), id, OffsetDateTime::now_utc(), b"{}".to_vec());
        let request = request.unwrap().map(axum::body::Body::from);
        let app = app.clone();
        async move { app.oneshot(request).await.unwrap().status() }
    };
    assert_eq!(send("/webhooks/acme", "msg_1").await, 202);
    assert_eq!(send("/webhooks/acme", "msg_2").await, 429);
    assert_eq!(send("/webhooks/globex", "msg_3").await, 202);
    assert_eq!(rows(&pool, "SELECT count(*) FROM hooksafe_inbox").await, 2, "the refused delivery was not written");
}

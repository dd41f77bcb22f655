//! The `Forwarder` with sinks of the test's own (closures), behind a real axum server on loopback, in actix-web and
//! on the serverless path: acknowledged only once the sink has the message, once per event, never for a forgery,
//! `503` when the broker fails or is slow, and a message a consumer reads back as the same delivery view.
#![cfg(all(feature = "forward", feature = "axum", feature = "actix-web"))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hooksafe::forward::{Deduplication, Forwarded, Forwarder, Message, Published, Sink, SinkError, header};
use hooksafe::sign::Signer;
use hooksafe::{ConfigError, ErrorKind, MemoryStore, Scheme, Verifier};
use time::OffsetDateTime;

mod common;

use common::SECRET;
use common::forward::{delivery, send, serve, verifier};

/// A sink that keeps what it was given, failing while `failing` is set.
#[derive(Clone, Default)]
struct Kept {
    messages: Arc<Mutex<Vec<Message>>>,
    failing: Arc<std::sync::atomic::AtomicBool>,
    /// How long the broker takes to answer.
    delay: Duration,
}

impl Sink for Kept {
    async fn publish(&self, message: Message) -> Result<Published, SinkError> {
        tokio::time::sleep(self.delay).await;
        if self.failing.load(Ordering::SeqCst) {
            return Err(SinkError::new("connection refused"));
        }
        self.messages.lock().unwrap().push(message);
        Ok(Published::Taken)
    }
}

impl Kept {
    fn count(&self) -> usize {
        self.messages.lock().unwrap().len()
    }
}

fn forwarder(sink: Kept) -> Forwarder<Kept> {
    Forwarder::builder(verifier(), sink).store(MemoryStore::new()).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_copies_make_one_message() {
    // A broker slow enough that the copies meet the first one's claim.
    let sink = Kept { delay: Duration::from_millis(50), ..Kept::default() };
    let address = serve(&forwarder(sink.clone())).await;
    let answers = common::forward::thirty_two_copies_are_acknowledged_once(&[address], "msg_32").await;
    // The copies that met the first one's claim waited for it, and are duplicates rather than `409`s.
    assert_eq!(common::forward::duplicates(&answers), 31);
    assert_eq!(sink.count(), 1);
    // Once published, every later copy is a duplicate.
    let again = send(address, &delivery("msg_32", r#"{"type":"invoice.paid","id":"msg_32"}"#)).await;
    assert_eq!((again.status, again.duplicate), (200, true));
    assert_eq!(sink.count(), 1);
}

#[tokio::test]
async fn forged_stale_and_oversized_deliveries_never_reach_the_sink() {
    let sink = Kept::default();
    let address = serve(&forwarder(sink.clone())).await;
    common::forward::forged_stale_and_oversized_deliveries_are_refused(address).await;
    assert_eq!(sink.count(), 0);
}

#[tokio::test]
async fn a_report_only_verifier_is_enforced_nothing_unverified_is_published() {
    let sink = Kept::default();
    let report_only = Verifier::builder(Scheme::StandardWebhooks)
        .secret(SECRET)
        .max_body_size(64 * 1024)
        .report_only()
        .build()
        .unwrap();
    let forwarder = Forwarder::builder(report_only, sink.clone()).store(MemoryStore::new()).build().unwrap();
    let address = serve(&forwarder).await;
    common::forward::forged_stale_and_oversized_deliveries_are_refused(address).await;
    assert_eq!(sink.count(), 0);
    assert_eq!(send(address, &delivery("msg_real", r#"{"type":"a"}"#)).await.status, 202);
    assert_eq!(sink.count(), 1);
}

#[tokio::test]
async fn a_failing_broker_is_answered_503_and_the_retry_is_published() {
    let sink = Kept::default();
    let address = serve(&forwarder(sink.clone())).await;
    let request = delivery("msg_down", r#"{"type":"invoice.paid"}"#);
    sink.failing.store(true, Ordering::SeqCst);
    let refused = send(address, &request).await;
    assert_eq!((refused.status, refused.retry_after), (503, true));
    sink.failing.store(false, Ordering::SeqCst);
    // The claim was released, so the provider's retry is published (not refused as in progress).
    assert_eq!(send(address, &request).await.status, 202);
    assert_eq!(sink.count(), 1);
}

#[tokio::test]
async fn a_broker_that_does_not_answer_in_time_is_answered_503() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let slow = move |_: Message| {
        counted.fetch_add(1, Ordering::SeqCst);
        async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(Published::Taken)
        }
    };
    let forwarder = Forwarder::builder(verifier(), slow)
        .store(MemoryStore::new())
        .publish_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let address = serve(&forwarder).await;
    let request = delivery("msg_slow", r#"{"type":"invoice.paid"}"#);
    let answer = send(address, &request).await;
    assert_eq!((answer.status, answer.retry_after), (503, true));
    // Released: the retry is tried again rather than held as in progress.
    assert_eq!(send(address, &request).await.status, 503);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_broker_reporting_a_duplicate_is_answered_as_a_duplicate() {
    struct Deduplicating;
    impl Sink for Deduplicating {
        async fn publish(&self, _: Message) -> Result<Published, SinkError> {
            Ok(Published::Duplicate)
        }
        fn deduplication(&self) -> Deduplication {
            Deduplication::Within(Duration::from_secs(3600))
        }
    }
    let forwarder = Forwarder::builder(verifier(), Deduplicating).build().unwrap();
    let answer = send(serve(&forwarder).await, &delivery("msg_dup", r#"{"type":"a"}"#)).await;
    assert_eq!((answer.status, answer.duplicate), (200, true));
}

#[test]
fn a_sink_without_deduplication_needs_a_store_and_a_short_window_is_refused() {
    struct Windowed(Duration);
    impl Sink for Windowed {
        async fn publish(&self, _: Message) -> Result<Published, SinkError> {
            Ok(Published::Taken)
        }
        fn deduplication(&self) -> Deduplication {
            Deduplication::Within(self.0)
        }
    }
    let closure = |_: Message| async { Ok::<_, SinkError>(Published::Taken) };
    assert_eq!(Forwarder::builder(verifier(), closure).build().unwrap_err(), ConfigError::StoreRequired);
    // Standard Webhooks' window is 5 minutes each way: a 2-minute broker window (JetStream's default) leaves replays
    // open.
    let short = Forwarder::builder(verifier(), Windowed(Duration::from_secs(120))).build().unwrap_err();
    assert_eq!(short, ConfigError::DedupWindowTooShort { window_secs: 120, required_secs: 600 });
    assert!(Forwarder::builder(verifier(), Windowed(Duration::from_secs(600))).build().is_ok());
    // GitHub signs no timestamp: only a record kept as long as a store keeps one covers its replays.
    let github = Verifier::builder(Scheme::GitHub).secret("It's a Secret to Everybody").build().unwrap();
    let error = Forwarder::builder(github.clone(), Windowed(Duration::from_secs(86_400))).build().unwrap_err();
    assert!(matches!(error, ConfigError::DedupWindowTooShort { required_secs: 604_800, .. }), "{error}");
    let with_store = Forwarder::builder(github, Windowed(Duration::from_secs(86_400))).store(MemoryStore::new());
    assert!(with_store.build().is_ok());
    let zero = Forwarder::builder(verifier(), closure).store(MemoryStore::new()).publish_timeout(Duration::ZERO);
    assert!(matches!(zero.build().unwrap_err(), ConfigError::InvalidForwarder(_)));
    // A publish that could outlive its claim's 60 s lease could run beside the copy that claims it next.
    let outliving =
        Forwarder::builder(verifier(), closure).store(MemoryStore::new()).publish_timeout(Duration::from_secs(60));
    assert!(matches!(outliving.build().unwrap_err(), ConfigError::InvalidForwarder(_)));
}

/// A sink whose client gives up after `0` and whose broker takes messages of at most `1` bytes.
struct Limited(Duration, usize);

impl Sink for Limited {
    async fn publish(&self, _: Message) -> Result<Published, SinkError> {
        Ok(Published::Taken)
    }
    fn max_message_size(&self) -> Option<usize> {
        Some(self.1)
    }
    fn gives_up_after(&self) -> Option<Duration> {
        Some(self.0)
    }
}

#[test]
fn a_broker_that_could_never_take_the_largest_body_or_outlasts_the_publish_timeout_is_refused() {
    let build = |sink: Limited| Forwarder::builder(verifier(), sink).store(MemoryStore::new()).build();
    // The tests' verifier takes 64 KiB; hooksafe keeps 4 KiB for the headers.
    let error = build(Limited(Duration::from_secs(1), 64 * 1024)).unwrap_err();
    assert_eq!(error, ConfigError::BodyTooLargeForBroker { max_body_size: 64 * 1024, broker_max: 64 * 1024 });
    assert!(build(Limited(Duration::from_secs(1), 68 * 1024)).is_ok());
    // The client would still be delivering when the provider is told to retry.
    let error = build(Limited(Duration::from_secs(5), 1 << 20)).unwrap_err();
    assert!(matches!(error, ConfigError::InvalidForwarder(_)), "{error}");
}

#[tokio::test]
async fn a_consumer_reads_the_message_back_as_the_delivery_view_an_in_process_handler_gets() {
    let sink = Kept::default();
    let forwarder = Forwarder::builder(verifier(), sink.clone())
        .store(MemoryStore::new())
        .ordering_key(|delivery| Some(format!("cus 1%\n{}", delivery.json::<serde_json::Value>().ok()?["object"])))
        .build()
        .unwrap();
    let body = r#"{"type":"customer.updated","object":" é "}"#;
    let at = OffsetDateTime::now_utc();
    let headers =
        Signer::new(Scheme::StandardWebhooks, SECRET).unwrap().headers("msg_view", at, body.as_bytes()).unwrap();
    let mut request = http::Request::post("/webhooks").body(()).unwrap();
    *request.headers_mut() = headers.clone();
    let (parts, ()) = request.into_parts();
    assert!(matches!(forwarder.accept(&parts, body.as_bytes().to_vec()).await.unwrap(), Forwarded::Published));

    let published = sink.messages.lock().unwrap().pop().unwrap();
    let carried = published.headers();
    // Never a secret or a signature.
    let signature = headers["webhook-signature"].to_str().unwrap();
    for (name, value) in &carried {
        assert!(!value.contains(signature) && !value.contains(&SECRET[6..]), "{name}");
    }
    let read =
        Message::from_parts(carried.iter().map(|(name, value)| (*name, value.as_bytes())), body.as_bytes().to_vec())
            .unwrap();
    assert_eq!(read.id(), Some("msg_view"));
    assert!(read.id_is_signed());
    assert_eq!(read.event_type().as_deref(), Some("customer.updated"));
    assert!(read.event_type_is_signed());
    assert_eq!(read.timestamp().unwrap().unix_timestamp(), at.unix_timestamp());
    assert_eq!(read.key_id(), "1");
    assert_eq!(read.scheme(), "standard-webhooks");
    assert_eq!(read.dedup_key(), published.dedup_key());
    assert_eq!(read.ordering_key(), Some("cus 1%\n\" é \""));
    // Encoded to ASCII without spaces at its ends, so no client's trimming changes it.
    let carried_key = carried.iter().find(|(name, _)| *name == header::ORDERING_KEY).unwrap();
    assert!(carried_key.1.is_ascii() && !carried_key.1.contains(' '), "{}", carried_key.1);
    assert_eq!(read.received_at(), published.received_at());
    assert_eq!(read.json::<serde_json::Value>().unwrap()["object"], " é ");
    assert_eq!(read.body(), body.as_bytes());
}

#[test]
fn a_message_missing_or_repeating_a_header_is_refused_naming_it() {
    let key = "ab".repeat(32);
    let good = [
        (header::SCHEME, "stripe"),
        (header::DEDUP_KEY, key.as_str()),
        (header::KEY_ID, "1"),
        (header::RECEIVED_AT, "2026-12-07T10:00:00Z"),
    ];
    assert!(Message::from_parts(good.iter().map(|(n, v)| (*n, v.as_bytes())), &b"{}"[..]).is_ok());
    let without =
        |skip: &str| good.iter().filter(|(name, _)| *name != skip).map(|(n, v)| (*n, v.as_bytes())).collect::<Vec<_>>();
    for name in [header::SCHEME, header::DEDUP_KEY, header::KEY_ID, header::RECEIVED_AT] {
        let error = Message::from_parts(without(name), &b"{}"[..]).unwrap_err();
        assert_eq!(error.header(), name);
    }
    let bad = |name: &'static str, value: &'static str| {
        let mut headers: Vec<(&str, &[u8])> = good.iter().map(|(n, v)| (*n, v.as_bytes())).collect();
        headers.push((name, value.as_bytes()));
        Message::from_parts(headers, &b"{}"[..]).unwrap_err()
    };
    assert_eq!(bad(header::KEY_ID, "2").header(), header::KEY_ID);
    assert_eq!(bad(header::TIMESTAMP, "1733565600").header(), header::TIMESTAMP);
    assert_eq!(bad(header::ID_SIGNED, "yes").header(), header::ID_SIGNED);
    assert_eq!(bad(header::TENANT, "%FF").header(), header::TENANT);
    let short = [(header::DEDUP_KEY, &b"abc"[..])];
    assert_eq!(Message::from_parts(short, &b""[..]).unwrap_err().header(), header::DEDUP_KEY);
}

#[actix_web::test]
async fn the_actix_web_handler_forwards_once() {
    use actix_web::{App, test, web};
    let sink = Kept::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(forwarder(sink.clone())))
            .route("/webhooks", web::post().to(hooksafe::actix::forward::<Kept>)),
    )
    .await;
    let body = r#"{"type":"invoice.paid"}"#;
    let headers = Signer::new(Scheme::StandardWebhooks, SECRET)
        .unwrap()
        .headers("msg_actix", OffsetDateTime::now_utc(), body.as_bytes())
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let mut request = test::TestRequest::post().uri("/webhooks").set_payload(body);
        for (name, value) in &headers {
            request = request.insert_header((name.as_str(), value.to_str().unwrap()));
        }
        statuses.push(test::call_service(&app, request.to_request()).await.status().as_u16());
    }
    assert_eq!(statuses, [202, 200]);
    assert_eq!(sink.count(), 1);
    let forged = test::TestRequest::post().uri("/webhooks").set_payload(body).to_request();
    assert_eq!(test::call_service(&app, forged).await.status().as_u16(), 400);
    assert_eq!(sink.count(), 1);
    assert_eq!(ErrorKind::BrokerUnavailable.status(), 503);
}

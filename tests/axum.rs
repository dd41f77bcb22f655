//! The axum adapter on real routers: through `tower::ServiceExt::oneshot`, and a real server on a loopback port.
#![cfg(feature = "axum")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration as StdDuration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::{Router, response::Response};
use hooksafe::axum::{VerifiedWebhook, Webhook, WebhookLayer};
use hooksafe::sign::Signer;
use hooksafe::store::{Claim, DedupKey, Retention, Store, StoreError, Token};
use hooksafe::{MemoryStore, Receiver, Scheme, Verifier};
use time::OffsetDateTime;
use tower::{Layer as _, ServiceExt};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Debug, serde::Deserialize)]
#[serde(tag = "type")]
enum Event {
    #[serde(rename = "ok")]
    Ok,
    #[serde(rename = "fail")]
    Fail,
    #[serde(rename = "panic")]
    Panic,
    #[serde(rename = "slow")]
    Slow,
    /// Works without waiting for 150 ms, then yields once.
    #[serde(rename = "busy")]
    Busy,
    #[serde(other)]
    Unknown,
}

#[derive(Clone, Default)]
struct Runs(Arc<AtomicUsize>);

async fn handler(State(runs): State<Runs>, Webhook(event): Webhook<Event>) -> StatusCode {
    runs.0.fetch_add(1, Ordering::SeqCst);
    match event {
        Event::Ok | Event::Unknown => StatusCode::NO_CONTENT,
        Event::Fail => StatusCode::INTERNAL_SERVER_ERROR,
        Event::Panic => panic!("the handler failed"),
        Event::Slow => {
            tokio::time::sleep(StdDuration::from_millis(300)).await;
            StatusCode::OK
        }
        Event::Busy => {
            std::thread::sleep(StdDuration::from_millis(150));
            // Pending once, ready as soon as it is polled again.
            tokio::task::yield_now().await;
            StatusCode::OK
        }
    }
}

async fn raw(State(runs): State<Runs>, delivery: VerifiedWebhook) -> String {
    runs.0.fetch_add(1, Ordering::SeqCst);
    format!("{} {}", delivery.id().unwrap_or("-"), delivery.body().len())
}

fn app<S: Store>(receiver: Arc<Receiver<S>>, runs: Runs) -> Router {
    Router::new()
        .route("/hook", post(handler))
        .route("/raw", post(raw))
        .route_layer(WebhookLayer::new(receiver))
        .route("/unprotected", post(handler))
        .with_state(runs)
}

fn memory_app() -> (Router, Arc<Receiver<MemoryStore>>, Runs) {
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).max_body_size(1024).build().unwrap();
    let receiver = Arc::new(Receiver::new(verifier, MemoryStore::new()));
    let runs = Runs::default();
    (app(receiver.clone(), runs.clone()), receiver, runs)
}

fn delivery(path: &str, id: &str, body: &str) -> Request<Body> {
    let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let request = signer.request(path.parse().unwrap(), id, OffsetDateTime::now_utc(), body.as_bytes().to_vec());
    request.unwrap().map(Body::from)
}

async fn send(app: &Router, request: Request<Body>) -> Response {
    app.clone().oneshot(request).await.unwrap()
}

async fn text(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn a_verified_delivery_runs_the_handler_once_and_a_redelivery_is_acknowledged_as_duplicate() {
    let (app, _, runs) = memory_app();
    let response = send(&app, delivery("/hook", "msg_1", r#"{"type":"ok"}"#)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let again = send(&app, delivery("/hook", "msg_1", r#"{"type":"ok"}"#)).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["hooksafe-outcome"], "duplicate");
    assert_eq!(text(again).await, "duplicate delivery");
    assert_eq!(runs.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn unknown_event_types_reach_the_catch_all() {
    let (app, _, runs) = memory_app();
    let response = send(&app, delivery("/hook", "msg_1", r#"{"type":"customer.created","data":{}}"#)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(runs.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_raw_extractor_gives_bytes_and_id() {
    let (app, _, _) = memory_app();
    let response = send(&app, delivery("/raw", "msg_raw", r#"{"type":"anything"}"#)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "msg_raw 19");
}

#[tokio::test]
async fn bad_signature_missing_and_malformed_headers_never_run_the_handler_or_touch_the_store() {
    let (app, receiver, runs) = memory_app();
    let mut forged = delivery("/hook", "msg_1", r#"{"type":"ok"}"#);
    forged
        .headers_mut()
        .insert("webhook-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".parse().unwrap());
    let response = send(&app, forged).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(text(response).await, "invalid signature");

    let mut missing = delivery("/hook", "msg_1", r#"{"type":"ok"}"#);
    missing.headers_mut().remove("webhook-id");
    assert_eq!(send(&app, missing).await.status(), StatusCode::BAD_REQUEST);

    let mut malformed = delivery("/hook", "msg_1", r#"{"type":"ok"}"#);
    malformed.headers_mut().insert("webhook-timestamp", "+1".parse().unwrap());
    assert_eq!(send(&app, malformed).await.status(), StatusCode::BAD_REQUEST);

    let stale = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let stale = stale.request(
        "/hook".parse().unwrap(),
        "msg_1",
        OffsetDateTime::now_utc() - StdDuration::from_secs(3600),
        b"{}".to_vec(),
    );
    assert_eq!(send(&app, stale.unwrap().map(Body::from)).await.status(), StatusCode::UNAUTHORIZED);

    assert_eq!(runs.0.load(Ordering::SeqCst), 0);
    assert!(receiver.store().is_empty());
}

#[tokio::test]
async fn a_body_over_the_cap_is_413_whether_declared_or_streamed_and_nothing_runs() {
    let (app, receiver, runs) = memory_app();
    let big = format!(r#"{{"type":"ok","pad":"{}"}}"#, "x".repeat(2000));
    assert_eq!(send(&app, delivery("/hook", "msg_big", &big)).await.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A declared length over the cap is refused without reading: this body never ends.
    let mut declared = delivery("/hook", "msg_big", "{}");
    declared.headers_mut().insert("content-length", "1000000".parse().unwrap());
    let never_ending = Body::from_stream(streams::Never);
    let declared = declared.map(|_| never_ending);
    let response = tokio::time::timeout(StdDuration::from_secs(5), send(&app, declared)).await.expect("no read");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A streamed (chunked) body with no length stops at the cap.
    let chunks = (0..100).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 100])));
    let streamed = delivery("/hook", "msg_big", "{}").map(|_| Body::from_stream(streams::Iter(chunks)));
    assert_eq!(send(&app, streamed).await.status(), StatusCode::PAYLOAD_TOO_LARGE);

    assert_eq!(runs.0.load(Ordering::SeqCst), 0);
    assert!(receiver.store().is_empty());
}

/// Minimal streams for `Body::from_stream`.
mod streams {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    pub use futures_core::Stream;

    /// A body stream that never yields.
    pub struct Never;

    impl Stream for Never {
        type Item = Result<bytes::Bytes, std::io::Error>;
        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Pending
        }
    }

    /// A body stream over an iterator of chunks.
    pub struct Iter<I>(pub I);

    impl<I: Iterator<Item = Result<bytes::Bytes, std::io::Error>> + Unpin> Stream for Iter<I> {
        type Item = I::Item;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.0.next())
        }
    }
}

#[tokio::test]
async fn a_compressed_body_is_415() {
    let (app, _, runs) = memory_app();
    let mut request = delivery("/hook", "msg_1", r#"{"type":"ok"}"#);
    request.headers_mut().insert("content-encoding", "gzip".parse().unwrap());
    assert_eq!(send(&app, request).await.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(runs.0.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_failing_handler_releases_the_claim_so_the_retry_is_processed() {
    let (app, _, runs) = memory_app();
    let response = send(&app, delivery("/hook", "msg_1", r#"{"type":"fail"}"#)).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let retry = send(&app, delivery("/hook", "msg_1", r#"{"type":"fail"}"#)).await;
    assert_eq!(retry.status(), StatusCode::INTERNAL_SERVER_ERROR, "processed again, not a duplicate");
    assert_eq!(runs.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_panicking_handler_is_500_and_the_retry_is_processed() {
    let (app, _, runs) = memory_app();
    let response = send(&app, delivery("/hook", "msg_1", r#"{"type":"panic"}"#)).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let retry = send(&app, delivery("/hook", "msg_1", r#"{"type":"panic"}"#)).await;
    assert_eq!(retry.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(runs.0.load(Ordering::SeqCst), 2);
    assert_eq!(send(&app, delivery("/hook", "msg_2", r#"{"type":"ok"}"#)).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_service_that_panics_in_call_itself_is_500_and_the_retry_is_processed() {
    // A plain tower service whose `call` panics before it returns a future, under the layer alone.
    let calls = Runs::default();
    let counted = calls.clone();
    let inner =
        tower::service_fn(move |_: Request<Body>| -> std::future::Ready<Result<Response, std::convert::Infallible>> {
            counted.0.fetch_add(1, Ordering::SeqCst);
            panic!("call failed")
        });
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let service = WebhookLayer::new(Receiver::new(verifier, MemoryStore::new())).layer(inner);
    for _ in 0..2 {
        let response = service.clone().oneshot(delivery("/", "msg_1", r#"{"type":"ok"}"#)).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "released, so not 409 or a duplicate");
    }
    assert_eq!(calls.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_body_that_does_not_fit_the_type_is_422_and_the_claim_is_released() {
    let (app, receiver, runs) = memory_app();
    for _ in 0..2 {
        let response = send(&app, delivery("/hook", "msg_1", r#"{"kind":"no type tag"}"#)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "released, so not 409 or a duplicate");
    }
    assert_eq!(runs.0.load(Ordering::SeqCst), 0);
    let headers = delivery("/hook", "msg_1", r#"{"kind":"no type tag"}"#).into_parts().0.headers;
    assert!(receiver.receive((&headers, br#"{"kind":"no type tag"}"#)).await.is_ok(), "nothing holds it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_in_progress_is_409_with_retry_after() {
    let (app, _, runs) = memory_app();
    let first = tokio::spawn({
        let app = app.clone();
        async move { send(&app, delivery("/hook", "msg_slow", r#"{"type":"slow"}"#)).await.status() }
    });
    tokio::time::sleep(StdDuration::from_millis(100)).await;
    let second = send(&app, delivery("/hook", "msg_slow", r#"{"type":"slow"}"#)).await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    assert!(second.headers().contains_key("retry-after"));
    assert_eq!(first.await.unwrap(), StatusCode::OK);
    assert_eq!(runs.0.load(Ordering::SeqCst), 1);
}

#[derive(Debug)]
struct Down;

impl Store for Down {
    async fn claim(&self, _: DedupKey, _: Token, _: StdDuration) -> Result<Claim, StoreError> {
        Err(StoreError::new("connection refused"))
    }
    async fn complete(&self, _: DedupKey, _: Token, _: Retention) -> Result<bool, StoreError> {
        Err(StoreError::new("connection refused"))
    }
    async fn release(&self, _: DedupKey, _: Token) -> Result<(), StoreError> {
        Err(StoreError::new("connection refused"))
    }
}

#[tokio::test]
async fn an_unavailable_store_is_503_with_retry_after_and_the_handler_does_not_run() {
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let runs = Runs::default();
    let app = app(Arc::new(Receiver::new(verifier, Down)), runs.clone());
    let response = send(&app, delivery("/hook", "msg_1", r#"{"type":"ok"}"#)).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    assert!(!text(response).await.contains("refused"), "the detail goes to logs, not to the sender");
    assert_eq!(runs.0.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_extractor_without_the_layer_is_a_loud_500() {
    let (app, _, runs) = memory_app();
    let response = send(&app, delivery("/unprotected", "msg_1", r#"{"type":"ok"}"#)).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(runs.0.load(Ordering::SeqCst), 0);
}

/// One HTTP/1.1 request over a fresh loopback connection; returns the status code.
async fn post_over_tcp(address: std::net::SocketAddr, request: &Request<Vec<u8>>) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut head = format!("POST {} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n", request.uri());
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", request.body().len()));
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(request.body()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or_else(|| panic!("bad response: {response}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_identical_deliveries_over_http_run_the_handler_once() {
    let (app, _, runs) = memory_app();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let request =
        signer.request("/hook".parse().unwrap(), "msg_http", OffsetDateTime::now_utc(), br#"{"type":"slow"}"#.to_vec());
    let request = Arc::new(request.unwrap());
    let statuses = tokio::time::timeout(StdDuration::from_secs(20), async {
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let request = request.clone();
                tokio::spawn(async move { post_over_tcp(address, &request).await })
            })
            .collect();
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.unwrap());
        }
        statuses
    })
    .await
    .expect("the requests finish");
    server.abort();

    assert_eq!(runs.0.load(Ordering::SeqCst), 1);
    assert!(statuses.iter().all(|status| [200, 409].contains(status)), "{statuses:?}");
    assert!(statuses.contains(&200));
}

#[tokio::test]
async fn a_request_dropped_mid_handler_releases_its_claim_at_once() {
    let (app, _, runs) = memory_app();
    let slow = r#"{"type":"slow"}"#;
    // The client goes away (or an outer timeout fires) while the handler runs.
    let cancelled = tokio::time::timeout(StdDuration::from_millis(50), send(&app, delivery("/hook", "msg_gone", slow)));
    assert!(cancelled.await.is_err());
    // The provider's retry is processed now, not refused as in progress until the lease lapses.
    assert_eq!(send(&app, delivery("/hook", "msg_gone", slow)).await.status(), StatusCode::OK);
    assert_eq!(runs.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_handler_past_its_deadline_is_stopped_answered_503_and_its_retry_processed() {
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let receiver = Receiver::builder(verifier, MemoryStore::new()).handler_deadline(StdDuration::from_millis(100));
    let runs = Runs::default();
    let app = app(Arc::new(receiver.build().unwrap()), runs.clone());
    for _ in 0..2 {
        let response = send(&app, delivery("/hook", "msg_slow", r#"{"type":"slow"}"#)).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()["retry-after"], "1");
        assert_eq!(text(response).await, "handler timed out");
    }
    assert_eq!(runs.0.load(Ordering::SeqCst), 2, "released each time: the retry ran, never refused as in progress");
}

#[tokio::test]
async fn the_deadline_counts_from_the_handlers_start_not_from_its_first_wait() {
    // The adapters arm the deadline's timer only once the handler waits; the time it worked before that counts,
    // and a handler already past its deadline at its first wait is not polled again (here it would then answer).
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let receiver = Receiver::builder(verifier, MemoryStore::new()).handler_deadline(StdDuration::from_millis(100));
    let runs = Runs::default();
    let app = app(Arc::new(receiver.build().unwrap()), runs.clone());
    let response = send(&app, delivery("/hook", "msg_busy", r#"{"type":"busy"}"#)).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(text(response).await, "handler timed out");
    // A handler that answers without waiting needs no timer at all.
    assert_eq!(send(&app, delivery("/hook", "msg_quick", r#"{"type":"ok"}"#)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(runs.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_routes_default_body_limit_is_honoured_when_smaller_than_the_verifiers_cap() {
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).max_body_size(4096).build().unwrap();
    let runs = Runs::default();
    let app = Router::new()
        .route("/hook", post(handler))
        .route_layer(WebhookLayer::new(Receiver::new(verifier, MemoryStore::new())))
        .layer(axum::extract::DefaultBodyLimit::max(1024))
        .with_state(runs.clone());
    let big = format!(r#"{{"type":"ok","pad":"{}"}}"#, "x".repeat(2048));
    assert_eq!(send(&app, delivery("/hook", "msg_big", &big)).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(runs.0.load(Ordering::SeqCst), 0);
    let small = r#"{"type":"ok"}"#;
    assert_eq!(send(&app, delivery("/hook", "msg_small", small)).await.status(), StatusCode::NO_CONTENT);
}

#[derive(Clone)]
struct VerifyOnlyState {
    verifier: Arc<Verifier>,
}

impl axum::extract::FromRef<VerifyOnlyState> for Arc<Verifier> {
    fn from_ref(state: &VerifyOnlyState) -> Self {
        state.verifier.clone()
    }
}

async fn verify_only(hooksafe::axum::VerifiedJson(event): hooksafe::axum::VerifiedJson<Event>) -> StatusCode {
    match event {
        Event::Fail => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::NO_CONTENT,
    }
}

#[tokio::test]
async fn the_verify_only_extractor_verifies_from_state_without_a_store_or_a_layer() {
    let verifier = Arc::new(Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap());
    let app = Router::new().route("/plain", post(verify_only)).with_state(VerifyOnlyState { verifier });
    let ok = r#"{"type":"ok"}"#;
    // No deduplication: the same delivery is accepted each time (the application deduplicates itself).
    for _ in 0..2 {
        assert_eq!(send(&app, delivery("/plain", "msg_1", ok)).await.status(), StatusCode::NO_CONTENT);
    }
    let mut forged = delivery("/plain", "msg_2", ok);
    forged.headers_mut().insert("webhook-id", "msg_3".parse().unwrap());
    assert_eq!(send(&app, forged).await.status(), StatusCode::UNAUTHORIZED);
    let not_an_event = delivery("/plain", "msg_4", r#"{"type":7}"#);
    assert_eq!(send(&app, not_an_event).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

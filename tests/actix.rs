//! The actix-web adapter, driven through `actix_web::test`.
#![cfg(feature = "actix-web")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration as StdDuration;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, test, web};
use hooksafe::actix::{VerifiedWebhook, Webhook, WebhookMiddleware};
use hooksafe::sign::Signer;
use hooksafe::store::{Claim, DedupKey, Retention, Store, StoreError, Token};
use hooksafe::{MemoryStore, Receiver, Scheme, Verifier};
use time::OffsetDateTime;

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
    #[serde(other)]
    Unknown,
}

type Runs = web::Data<AtomicUsize>;

async fn handler(runs: Runs, Webhook(event): Webhook<Event>) -> HttpResponse {
    runs.fetch_add(1, Ordering::SeqCst);
    match event {
        Event::Ok | Event::Unknown => HttpResponse::NoContent().finish(),
        Event::Fail => HttpResponse::InternalServerError().finish(),
        Event::Panic => panic!("the handler failed"),
        Event::Slow => {
            tokio::time::sleep(StdDuration::from_millis(200)).await;
            HttpResponse::Ok().finish()
        }
    }
}

async fn raw(delivery: VerifiedWebhook) -> String {
    format!("{} {}", delivery.id().unwrap_or("-"), delivery.body().len())
}

macro_rules! app {
    ($receiver:expr, $runs:expr) => {{
        let middleware = WebhookMiddleware::new($receiver);
        test::init_service(
            App::new()
                .app_data($runs.clone())
                .service(web::resource("/hook").wrap(middleware.clone()).route(web::post().to(handler)))
                .service(web::resource("/raw").wrap(middleware).route(web::post().to(raw)))
                .service(web::resource("/unprotected").route(web::post().to(handler))),
        )
        .await
    }};
}

fn receiver() -> Arc<Receiver<MemoryStore>> {
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).max_body_size(1024).build().unwrap();
    Arc::new(Receiver::new(verifier, MemoryStore::new()))
}

fn delivery(path: &str, id: &str, body: &str) -> test::TestRequest {
    let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let headers = signer.headers(id, OffsetDateTime::now_utc(), body.as_bytes()).unwrap();
    let mut request = test::TestRequest::post().uri(path).set_payload(body.to_owned());
    for (name, value) in &headers {
        request = request.insert_header((name.as_str(), value.to_str().unwrap()));
    }
    request
}

async fn send<S, B>(app: &S, request: test::TestRequest) -> ServiceResponse<B>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    test::call_service(app, request.to_request()).await
}

#[actix_web::test]
async fn a_verified_delivery_runs_once_and_a_redelivery_is_a_marked_duplicate() {
    let runs = Runs::new(AtomicUsize::new(0));
    let app = app!(receiver(), runs);
    assert_eq!(send(&app, delivery("/hook", "msg_1", r#"{"type":"ok"}"#)).await.status(), StatusCode::NO_CONTENT);
    let again = send(&app, delivery("/hook", "msg_1", r#"{"type":"ok"}"#)).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers().get("hooksafe-outcome").unwrap(), "duplicate");
    assert_eq!(test::read_body(again).await, "duplicate delivery");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn the_raw_extractor_gives_bytes_and_id() {
    let runs = Runs::new(AtomicUsize::new(0));
    let app = app!(receiver(), runs);
    let response = send(&app, delivery("/raw", "msg_raw", r#"{"type":"anything"}"#)).await;
    assert_eq!(test::read_body(response).await, "msg_raw 19");
}

#[actix_web::test]
async fn rejected_deliveries_never_run_the_handler_or_touch_the_store() {
    let runs = Runs::new(AtomicUsize::new(0));
    let receiver = receiver();
    let app = app!(receiver.clone(), runs);
    let forged = delivery("/hook", "msg_1", r#"{"type":"ok"}"#)
        .insert_header(("webhook-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    let response = send(&app, forged).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(test::read_body(response).await, "invalid signature");

    let missing = test::TestRequest::post().uri("/hook").set_payload("{}");
    assert_eq!(send(&app, missing).await.status(), StatusCode::BAD_REQUEST);

    let big = format!(r#"{{"type":"ok","pad":"{}"}}"#, "x".repeat(2000));
    assert_eq!(send(&app, delivery("/hook", "msg_big", &big)).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let declared = delivery("/hook", "msg_1", "{}").insert_header(("content-length", "1000000"));
    assert_eq!(send(&app, declared).await.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let gzip = delivery("/hook", "msg_1", r#"{"type":"ok"}"#).insert_header(("content-encoding", "gzip"));
    assert_eq!(send(&app, gzip).await.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    assert_eq!(runs.load(Ordering::SeqCst), 0);
    assert!(receiver.store().is_empty());
}

#[actix_web::test]
async fn a_failing_or_panicking_handler_releases_the_claim_so_the_retry_is_processed() {
    let runs = Runs::new(AtomicUsize::new(0));
    let app = app!(receiver(), runs);
    for body in [r#"{"type":"fail"}"#, r#"{"type":"panic"}"#] {
        for _ in 0..2 {
            let response = send(&app, delivery("/hook", body, body)).await;
            assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "{body}");
        }
    }
    assert_eq!(runs.load(Ordering::SeqCst), 4);
    assert_eq!(send(&app, delivery("/hook", "msg_2", r#"{"type":"ok"}"#)).await.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_body_that_does_not_fit_the_type_is_422_and_released() {
    let runs = Runs::new(AtomicUsize::new(0));
    let app = app!(receiver(), runs);
    for _ in 0..2 {
        let response = send(&app, delivery("/hook", "msg_1", r#"{"kind":"untagged"}"#)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn a_delivery_in_progress_is_409_with_retry_after() {
    let runs = Runs::new(AtomicUsize::new(0));
    let app = app!(receiver(), runs);
    let (first, second) = tokio::join!(send(&app, delivery("/hook", "msg_slow", r#"{"type":"slow"}"#)), async {
        tokio::time::sleep(StdDuration::from_millis(50)).await;
        send(&app, delivery("/hook", "msg_slow", r#"{"type":"slow"}"#)).await
    });
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(second.status(), StatusCode::CONFLICT);
    assert!(second.headers().contains_key("retry-after"));
    assert_eq!(runs.load(Ordering::SeqCst), 1);
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

#[actix_web::test]
async fn an_unavailable_store_is_503_with_retry_after() {
    let runs = Runs::new(AtomicUsize::new(0));
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let app = app!(Receiver::new(verifier, Down), runs);
    let response = send(&app, delivery("/hook", "msg_1", r#"{"type":"ok"}"#)).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn an_extractor_without_the_middleware_is_a_loud_500() {
    let runs = Runs::new(AtomicUsize::new(0));
    let app = app!(receiver(), runs);
    let response = send(&app, delivery("/unprotected", "msg_1", r#"{"type":"ok"}"#)).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[actix_web::test]
async fn a_request_dropped_mid_handler_releases_its_claim_at_once() {
    let runs = Runs::new(AtomicUsize::new(0));
    let app = app!(receiver(), runs);
    let slow = r#"{"type":"slow"}"#;
    let cancelled = tokio::time::timeout(StdDuration::from_millis(50), send(&app, delivery("/hook", "msg_gone", slow)));
    assert!(cancelled.await.is_err());
    assert_eq!(send(&app, delivery("/hook", "msg_gone", slow)).await.status(), StatusCode::OK);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[actix_web::test]
async fn a_handler_past_its_deadline_is_stopped_answered_503_and_its_retry_processed() {
    let runs = Runs::new(AtomicUsize::new(0));
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let receiver = Receiver::builder(verifier, MemoryStore::new()).handler_deadline(StdDuration::from_millis(50));
    let app = app!(Arc::new(receiver.build().unwrap()), runs);
    for _ in 0..2 {
        let response = send(&app, delivery("/hook", "msg_slow", r#"{"type":"slow"}"#)).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get("retry-after").unwrap(), "1");
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[cfg(feature = "limits")]
#[actix_web::test]
async fn limits_refuse_a_source_over_its_rate_with_429_before_the_handler() {
    use hooksafe::limit::{Limits, Rate};

    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let limits = Limits::new().per_source(Rate::per_minute(1));
    let receiver = Receiver::builder(verifier, MemoryStore::new()).limits(limits).build().unwrap();
    let runs = web::Data::new(AtomicUsize::new(0));
    let app = test::init_service(
        App::new()
            .app_data(runs.clone())
            .service(web::resource("/hook").wrap(WebhookMiddleware::new(receiver)).route(web::post().to(handler))),
    )
    .await;
    let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let send = |id: &str, peer: &str| {
        let body = br#"{"type":"ok"}"#;
        let headers = signer.headers(id, OffsetDateTime::now_utc(), body).unwrap();
        let mut request = test::TestRequest::post().uri("/hook").peer_addr(peer.parse().unwrap());
        for (name, value) in &headers {
            request = request.insert_header((name.as_str(), value.to_str().unwrap()));
        }
        request.set_payload(body.to_vec()).to_request()
    };
    assert_eq!(app.call(send("msg_1", "203.0.113.7:4711")).await.unwrap().status(), StatusCode::NO_CONTENT);
    let refused = app.call(send("msg_2", "203.0.113.7:4712")).await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(app.call(send("msg_3", "203.0.113.8:4711")).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(runs.load(Ordering::SeqCst), 2, "the refused delivery never reached the handler");
}

#[cfg(feature = "limits")]
#[actix_web::test]
async fn a_tenant_named_by_the_route_over_its_rate_is_refused_and_other_tenants_are_not() {
    use hooksafe::limit::{Limits, Rate};

    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    // The tenant is read from the route's match info: the middleware must hand it over, fixed keys or not.
    let limits = Limits::new().per_tenant(Rate::per_minute(1), |head| head.path_param("tenant").map(str::to_owned));
    let receiver = Receiver::builder(verifier, MemoryStore::new()).limits(limits).build().unwrap();
    let runs = web::Data::new(AtomicUsize::new(0));
    let app = test::init_service(App::new().app_data(runs.clone()).service(
        web::resource("/hook/{tenant}").wrap(WebhookMiddleware::new(receiver)).route(web::post().to(handler)),
    ))
    .await;
    let ok = r#"{"type":"ok"}"#;
    assert_eq!(send(&app, delivery("/hook/acme", "msg_1", ok)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(send(&app, delivery("/hook/acme", "msg_2", ok)).await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(send(&app, delivery("/hook/globex", "msg_3", ok)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(runs.load(Ordering::SeqCst), 2, "the refused delivery never reached the handler");
}

//! Report-only rollout: a verifier that lets failures through marked unverified, and keys on trial. An unverified
//! delivery must never reach a typed handler, never be claimed, and never be mistaken for a verified one.
#![cfg(all(feature = "axum", feature = "actix-web"))]

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::{Router, extract::State};
use hooksafe::axum::{MaybeVerified, VerifiedWebhook, Webhook, WebhookLayer};
use hooksafe::sign::Signer;
use hooksafe::{ConfigError, ErrorKind, MemoryStore, Receiver, Scheme, Secret, Verifier};
use time::OffsetDateTime;
use tower::ServiceExt as _;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER: &str = "whsec_dGFtcGVyZWQgc2lnbmF0dXJlIGtleSBieXRlcw==";

/// One event a handler saw: its `n`, and `None` if it was verified, else the verification failure's kind.
type Sighting = (u64, Option<ErrorKind>);

/// What the handlers saw.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Sighting>>>);

impl Seen {
    fn take(&self) -> Vec<Sighting> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[derive(Debug, serde::Deserialize)]
struct Event {
    n: u64,
}

async fn maybe(State(seen): State<Seen>, event: MaybeVerified<Event>) -> StatusCode {
    let entry = match &event {
        MaybeVerified::Verified(event) => (event.n, None),
        MaybeVerified::Unverified(event, unverified) => (event.n, Some(unverified.reason().kind())),
    };
    seen.0.lock().unwrap().push(entry);
    StatusCode::NO_CONTENT
}

async fn typed(State(seen): State<Seen>, Webhook(event): Webhook<Event>) -> StatusCode {
    seen.0.lock().unwrap().push((event.n, None));
    StatusCode::NO_CONTENT
}

/// A handler that knows nothing of hooksafe's extractors: it reads the body itself.
async fn unaware(State(seen): State<Seen>, body: axum::body::Bytes) -> StatusCode {
    seen.0.lock().unwrap().push((body.len() as u64, Some(ErrorKind::InvalidPayload)));
    StatusCode::NO_CONTENT
}

async fn raw(State(seen): State<Seen>, delivery: VerifiedWebhook) -> StatusCode {
    seen.0.lock().unwrap().push((delivery.body().len() as u64, None));
    StatusCode::NO_CONTENT
}

fn verifier(report_only: bool) -> Verifier {
    let builder = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).max_body_size(1024);
    if report_only { builder.report_only() } else { builder }.build().unwrap()
}

fn app(verifier: Verifier, seen: Seen) -> Router {
    Router::new()
        .route("/maybe", post(maybe))
        .route("/typed", post(typed))
        .route("/raw", post(raw))
        .route("/unaware", post(unaware))
        .route_layer(WebhookLayer::new(Receiver::new(verifier, MemoryStore::new())))
        .with_state(seen)
}

fn signed(secret: &str, path: &str, id: &str, body: &str) -> Request<Body> {
    let signer = Signer::new(Scheme::StandardWebhooks, secret).unwrap();
    let request = signer.request(path.parse().unwrap(), id, OffsetDateTime::now_utc(), body.as_bytes().to_vec());
    request.unwrap().map(Body::from)
}

async fn status(app: &Router, request: Request<Body>) -> StatusCode {
    app.clone().oneshot(request).await.unwrap().status()
}

#[tokio::test]
async fn a_report_only_verifier_hands_a_forged_delivery_on_marked_unverified_with_its_reason() {
    let seen = Seen::default();
    let app = app(verifier(true), seen.clone());

    assert_eq!(status(&app, signed(OTHER, "/maybe", "msg_1", r#"{"n":1}"#)).await, StatusCode::NO_CONTENT);
    let mut unsigned = signed(SECRET, "/maybe", "msg_2", r#"{"n":2}"#);
    unsigned.headers_mut().remove("webhook-signature");
    assert_eq!(status(&app, unsigned).await, StatusCode::NO_CONTENT);
    let stale = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap().request(
        "/maybe".parse().unwrap(),
        "msg_3",
        OffsetDateTime::now_utc() - time::Duration::hours(1),
        br#"{"n":3}"#.to_vec(),
    );
    assert_eq!(status(&app, stale.unwrap().map(Body::from)).await, StatusCode::NO_CONTENT);
    assert_eq!(status(&app, signed(SECRET, "/maybe", "msg_4", r#"{"n":4}"#)).await, StatusCode::NO_CONTENT);

    assert_eq!(
        seen.take(),
        [
            (1, Some(ErrorKind::InvalidSignature)),
            (2, Some(ErrorKind::MissingHeader)),
            (3, Some(ErrorKind::TimestampTooOld)),
            (4, None),
        ]
    );
}

#[tokio::test]
async fn typed_extractors_refuse_an_unverified_delivery_with_the_status_an_enforcing_verifier_answers() {
    let seen = Seen::default();
    let app = app(verifier(true), seen.clone());

    assert_eq!(status(&app, signed(OTHER, "/typed", "msg_1", r#"{"n":1}"#)).await, StatusCode::UNAUTHORIZED);
    assert_eq!(status(&app, signed(OTHER, "/raw", "msg_2", r#"{"n":2}"#)).await, StatusCode::UNAUTHORIZED);
    let mut unsigned = signed(SECRET, "/typed", "msg_3", r#"{"n":3}"#);
    unsigned.headers_mut().remove("webhook-signature");
    assert_eq!(status(&app, unsigned).await, StatusCode::BAD_REQUEST);
    assert!(seen.take().is_empty(), "no typed handler ran on an unverified delivery");

    assert_eq!(status(&app, signed(SECRET, "/typed", "msg_4", r#"{"n":4}"#)).await, StatusCode::NO_CONTENT);
    assert_eq!(seen.take(), [(4, None)]);
}

#[tokio::test]
async fn an_enforcing_verifier_never_hands_a_forged_delivery_to_a_handler_that_accepts_unverified_ones() {
    let seen = Seen::default();
    let app = app(verifier(false), seen.clone());
    assert_eq!(status(&app, signed(OTHER, "/maybe", "msg_1", r#"{"n":1}"#)).await, StatusCode::UNAUTHORIZED);
    assert!(seen.take().is_empty());
}

#[tokio::test]
async fn an_unverified_delivery_is_never_claimed_so_a_forgery_cannot_pre_empt_the_real_event() {
    let seen = Seen::default();
    let app = app(verifier(true), seen.clone());

    // A forger sends the real event's id first, twice: each is let through (never claimed), neither is recorded.
    assert_eq!(status(&app, signed(OTHER, "/maybe", "msg_real", r#"{"n":1}"#)).await, StatusCode::NO_CONTENT);
    assert_eq!(status(&app, signed(OTHER, "/maybe", "msg_real", r#"{"n":1}"#)).await, StatusCode::NO_CONTENT);
    // The real delivery is processed as verified, and its retry is a duplicate.
    assert_eq!(status(&app, signed(SECRET, "/maybe", "msg_real", r#"{"n":2}"#)).await, StatusCode::NO_CONTENT);
    let again = app.clone().oneshot(signed(SECRET, "/maybe", "msg_real", r#"{"n":2}"#)).await.unwrap();
    assert_eq!(again.headers()["hooksafe-outcome"], "duplicate");
    assert_eq!(
        seen.take(),
        [(1, Some(ErrorKind::InvalidSignature)), (1, Some(ErrorKind::InvalidSignature)), (2, None)]
    );
}

#[tokio::test]
async fn what_is_not_a_verification_failure_is_refused_even_in_report_only() {
    let seen = Seen::default();
    let app = app(verifier(true), seen.clone());
    let big = format!(r#"{{"n":1,"pad":"{}"}}"#, "x".repeat(2048));
    assert_eq!(status(&app, signed(SECRET, "/maybe", "msg_big", &big)).await, StatusCode::PAYLOAD_TOO_LARGE);
    let mut gzipped = signed(SECRET, "/maybe", "msg_gz", r#"{"n":2}"#);
    gzipped.headers_mut().insert("content-encoding", "gzip".parse().unwrap());
    assert_eq!(status(&app, gzipped).await, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(seen.take().is_empty());
}

#[test]
fn let_through_gives_an_enforcing_verifiers_error_back_and_a_report_only_verifiers_failure_as_unverified() {
    let body = br#"{"n":7}"#;
    let headers = Signer::new(Scheme::StandardWebhooks, OTHER)
        .unwrap()
        .headers("msg_1", OffsetDateTime::now_utc(), body)
        .unwrap();

    let enforcing = verifier(false);
    assert!(!enforcing.is_report_only());
    let error = enforcing.verify((&headers, &body[..])).unwrap_err();
    assert_eq!(enforcing.let_through(error, (&headers, &body[..])).unwrap_err().kind(), ErrorKind::InvalidSignature);

    let reporting = verifier(true);
    assert!(reporting.is_report_only());
    let error = reporting.verify((&headers, &body[..])).unwrap_err();
    let unverified = reporting.let_through(error, (&headers, &body[..])).unwrap();
    assert_eq!(unverified.reason().kind(), ErrorKind::InvalidSignature);
    assert_eq!(unverified.json::<serde_json::Value>().unwrap()["n"], 7);
    assert!(!format!("{unverified:?}").contains(r#""n":7"#), "its Debug shows the length, not the body");

    // Not a verification failure: given back even by a report-only verifier.
    let too_large = reporting.verify((&headers, &[b' '; 2048][..])).unwrap_err();
    assert_eq!(reporting.let_through(too_large, (&headers, &b""[..])).unwrap_err().kind(), ErrorKind::PayloadTooLarge);
}

#[test]
fn a_key_on_trial_is_counted_when_it_would_have_matched_and_never_accepts_a_delivery_alone() {
    let verifier = Verifier::builder(Scheme::StandardWebhooks)
        .secret(Secret::new(SECRET).id("current"))
        .secret(Secret::new(OTHER).id("next").report_only())
        .build()
        .unwrap();
    let body = br#"{"n":1}"#;
    let now = OffsetDateTime::now_utc();
    let by_next = Signer::new(Scheme::StandardWebhooks, OTHER).unwrap().headers("msg_1", now, body).unwrap();
    let by_current = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap().headers("msg_2", now, body).unwrap();

    // Signed by the key on trial alone: refused, and counted for it.
    assert_eq!(verifier.verify((&by_next, &body[..])).unwrap_err().kind(), ErrorKind::InvalidSignature);
    // Signed by the trusted key: accepted by it; the key on trial did not match.
    assert_eq!(verifier.verify((&by_current, &body[..])).unwrap().key_id(), "current");
    // Signed by both, as a provider does during a rotation: accepted by the trusted key, counted for the other.
    let mut both = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap().headers("msg_1", now, body).unwrap();
    let joined =
        format!("{} {}", both["webhook-signature"].to_str().unwrap(), by_next["webhook-signature"].to_str().unwrap());
    both.insert("webhook-signature", joined.parse().unwrap());
    assert_eq!(verifier.verify((&both, &body[..])).unwrap().key_id(), "current");

    let usage = verifier.keys().unwrap().usage();
    assert_eq!(usage, [("current".to_owned(), 2), ("next".to_owned(), 2)]);
}

#[test]
fn keys_all_on_trial_are_refused_at_build() {
    let built = Verifier::builder(Scheme::StandardWebhooks).secret(Secret::new(SECRET).report_only()).build();
    assert_eq!(built.unwrap_err(), ConfigError::OnlyReportOnlyKeys);
}

mod actix {
    use actix_web::http::StatusCode;
    use actix_web::{App, HttpResponse, test, web};
    use hooksafe::actix::{MaybeVerified, Webhook, WebhookMiddleware};

    use super::*;

    type Log = web::Data<Seen>;

    async fn maybe(seen: Log, event: MaybeVerified<Event>) -> HttpResponse {
        let kind = match &event {
            MaybeVerified::Verified(_) => None,
            MaybeVerified::Unverified(_, unverified) => Some(unverified.reason().kind()),
        };
        seen.0.lock().unwrap().push((event.into_inner().n, kind));
        HttpResponse::NoContent().finish()
    }

    async fn typed(seen: Log, Webhook(event): Webhook<Event>) -> HttpResponse {
        seen.0.lock().unwrap().push((event.n, None));
        HttpResponse::NoContent().finish()
    }

    fn request(secret: &str, path: &str, id: &str, body: &str) -> test::TestRequest {
        let signer = Signer::new(Scheme::StandardWebhooks, secret).unwrap();
        let headers = signer.headers(id, OffsetDateTime::now_utc(), body.as_bytes()).unwrap();
        let mut request = test::TestRequest::post().uri(path).set_payload(body.to_owned());
        for (name, value) in &headers {
            request = request.insert_header((name.as_str(), value.to_str().unwrap()));
        }
        request
    }

    #[actix_web::test]
    async fn a_report_only_middleware_hands_unverified_deliveries_only_to_a_handler_that_asks_for_them() {
        let seen = Seen::default();
        let middleware = WebhookMiddleware::new(Receiver::new(verifier(true), MemoryStore::new()));
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(seen.clone()))
                .service(web::resource("/maybe").wrap(middleware.clone()).route(web::post().to(maybe)))
                .service(web::resource("/typed").wrap(middleware).route(web::post().to(typed))),
        )
        .await;
        let call = |request: test::TestRequest| test::call_service(&app, request.to_request());

        assert_eq!(call(request(OTHER, "/maybe", "msg_1", r#"{"n":1}"#)).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(call(request(SECRET, "/maybe", "msg_2", r#"{"n":2}"#)).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(call(request(OTHER, "/typed", "msg_3", r#"{"n":3}"#)).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(seen.take(), [(1, Some(ErrorKind::InvalidSignature)), (2, None)]);
    }
}

#[tokio::test]
async fn a_handler_that_does_not_ask_for_unverified_deliveries_never_sees_a_forged_body() {
    let seen = Seen::default();
    let app = app(verifier(true), seen.clone());
    assert_eq!(status(&app, signed(OTHER, "/unaware", "msg_1", r#"{"n":1}"#)).await, StatusCode::NO_CONTENT);
    assert_eq!(seen.take(), [(0, Some(ErrorKind::InvalidPayload))], "the body is not handed over");
    assert_eq!(status(&app, signed(SECRET, "/unaware", "msg_2", r#"{"n":2}"#)).await, StatusCode::NO_CONTENT);
    assert_eq!(seen.take(), [(7, Some(ErrorKind::InvalidPayload))]);
}

#[tokio::test]
async fn a_refused_unsigned_endpoint_check_is_never_let_through_and_a_key_on_trial_never_answers_one() {
    let seen = Seen::default();
    let trusted = "x-consumer-secret-trusted";
    let verifier = Verifier::builder(Scheme::X)
        .secret(Secret::new("x-consumer-secret-on-trial").report_only())
        .secret(trusted)
        .report_only()
        .build()
        .unwrap();
    let app = Router::new()
        .route("/x", axum::routing::get(unaware).post(maybe))
        .route_layer(WebhookLayer::new(Receiver::new(verifier, MemoryStore::new())))
        .with_state(seen.clone());
    let get = |query: &str| Request::get(format!("/x?{query}")).body(Body::empty()).unwrap();

    // A token shaped like a delivery body: refused, never answered with a MAC, never handed on.
    let refused = app.clone().oneshot(get("crc_token=%7B%22a%22%3A1%7D")).await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(seen.take().is_empty());

    // A plain token is answered with the trusted key's MAC, not the key on trial's.
    let answered = app.clone().oneshot(get("crc_token=challenge42")).await.unwrap();
    let answer = axum::body::to_bytes(answered.into_body(), 4096).await.unwrap();
    let only_trusted = Verifier::builder(Scheme::X).secret(trusted).build().unwrap();
    let crc = Request::get("/x?crc_token=challenge42").body(Vec::new()).unwrap();
    let expected = only_trusted.verify(&crc).unwrap();
    let expected = expected.handshake().unwrap().to_response::<Vec<u8>>();
    assert_eq!(&answer[..], &expected.body()[..]);
    assert!(seen.take().is_empty());
}

#[test]
fn discord_cannot_be_watched_report_only() {
    let key = "fe6d602da9321130eeaebf38da995ce5abb893d606af314569c5a2a26b083ba3";
    let built = Verifier::builder(Scheme::Discord).public_key(key).report_only().build();
    assert!(matches!(built, Err(ConfigError::ReportOnlyRefused(_))), "{built:?}");
}

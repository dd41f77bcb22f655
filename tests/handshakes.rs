//! Providers' endpoint checks: recognised once verified, answered by the core (the serverless path) and by the axum
//! and actix-web adapters through real routers, never reaching a handler or the dedup store.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hooksafe::sign::Signer;
use hooksafe::store::{Claim, DedupKey, Retention, Store, StoreError, Token};
use hooksafe::{ErrorKind, MemoryStore, Receiver, Scheme, Verifier};
use http::{HeaderValue, Method, Request, StatusCode};
use time::OffsetDateTime;

const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const SLACK_CHECK: &[u8] = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
const ZOOM_SECRET: &str = "zoom_secret_token_1234";
const ZOOM_CHECK: &[u8] = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
// `printf qgg8vlvZRS6UYooatFL8Aw | openssl dgst -sha256 -hmac zoom_secret_token_1234`
const ZOOM_ENCRYPTED: &str = "22ca80810c3b667903caaa0ce5999953aa378c74fce9d010109fad108201e5ee";
const TWITCH_SECRET: &str = "s3cRe7-tw1tch";
const TWITCH_CHECK: &[u8] = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"2","cost":1,"condition":{"broadcaster_user_id":"12826"},"transport":{"method":"webhook","callback":"https://example.com/webhooks/callback"},"created_at":"2019-11-16T10:11:12.634234626Z"}}"#;
const DROPBOX_SECRET: &str = "dropbox-app-secret-42";
// RFC 8032 test 1's seed, as Discord's signer takes it.
const DISCORD_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn signed(signer: &Signer, path: &'static str, id: &str, body: &[u8]) -> Request<Vec<u8>> {
    signer.request(http::Uri::from_static(path), id, now(), body.to_vec()).unwrap()
}

fn slack_check() -> Request<Vec<u8>> {
    signed(&Signer::new(Scheme::Slack, SLACK_SECRET).unwrap(), "/slack", "", SLACK_CHECK)
}

fn zoom_check() -> Request<Vec<u8>> {
    signed(&Signer::new(Scheme::Zoom, ZOOM_SECRET).unwrap(), "/zoom", "", ZOOM_CHECK)
}

fn twitch_check() -> Request<Vec<u8>> {
    let signer = Signer::new(Scheme::TwitchEventSub, TWITCH_SECRET).unwrap();
    let mut request = signed(&signer, "/twitch", "f6e3c2a1-0000-4987-8304-da1588d8988b", TWITCH_CHECK);
    let kind = HeaderValue::from_static("webhook_callback_verification");
    request.headers_mut().insert("twitch-eventsub-message-type", kind);
    request
}

fn discord_ping() -> (Request<Vec<u8>>, String) {
    let signer = Signer::with_private_key(Scheme::Discord, DISCORD_SEED).unwrap();
    let public_key = signer.public_key().unwrap();
    (signed(&signer, "/discord", "", br#"{"id":"1","type":1,"application_id":"2"}"#), public_key)
}

fn dropbox_check(uri: &'static str) -> Request<Vec<u8>> {
    let mut request = Request::new(Vec::new());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = http::Uri::from_static(uri);
    request
}

fn verifier(scheme: impl Into<Scheme>, secret: &str) -> Verifier {
    Verifier::builder(scheme).secret(secret).build().unwrap()
}

#[test]
fn the_serverless_path_answers_each_providers_check_once_verified() {
    let cases = [
        (verifier(Scheme::Slack, SLACK_SECRET), slack_check(), "text/plain; charset=utf-8"),
        (verifier(Scheme::Zoom, ZOOM_SECRET), zoom_check(), "application/json"),
        (verifier(Scheme::TwitchEventSub, TWITCH_SECRET), twitch_check(), "text/plain; charset=utf-8"),
        (
            verifier(Scheme::Dropbox, DROPBOX_SECRET),
            dropbox_check("/dropbox?challenge=Zm9v%20YmFy"),
            "text/plain; charset=utf-8",
        ),
    ];
    let mut bodies = Vec::new();
    for (verifier, request, content_type) in cases {
        let verified = verifier.verify(&request).unwrap_or_else(|error| panic!("{:?}: {error}", verifier.scheme()));
        let response: http::Response<Vec<u8>> = verified.handshake().expect("a handshake").to_response();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], content_type);
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        bodies.push(String::from_utf8(response.into_body()).unwrap());
    }
    assert_eq!(bodies[0], "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    let zoom: serde_json::Value = serde_json::from_str(&bodies[1]).unwrap();
    assert_eq!(zoom, serde_json::json!({ "plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": ZOOM_ENCRYPTED }));
    assert_eq!(bodies[2], "pogchamp-kappa-360noscope-vohiyo");
    assert_eq!(bodies[3], "Zm9v YmFy", "the challenge is form-decoded from the query");

    let (ping, public_key) = discord_ping();
    let discord = Verifier::builder(Scheme::Discord).public_key(public_key).build().unwrap();
    let verified = discord.verify(&ping).unwrap();
    assert_eq!(verified.handshake().unwrap().body(), br#"{"type":1}"#);
}

#[test]
fn a_check_that_fails_verification_is_rejected_like_any_request() {
    let mut forged = zoom_check();
    forged.headers_mut().insert("x-zm-signature", HeaderValue::from_static("v0=00"));
    let error = verifier(Scheme::Zoom, ZOOM_SECRET).verify(&forged).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
    // Another app's secret token cannot answer for this one.
    let other = verifier(Scheme::Zoom, "another_secret_token");
    assert_eq!(other.verify(&zoom_check()).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let slack = verifier(Scheme::Slack, "another slack secret");
    assert_eq!(slack.verify(&slack_check()).unwrap_err().kind(), ErrorKind::InvalidSignature);
    // Discord sends badly signed PINGs on purpose and expects 401.
    let (mut ping, public_key) = discord_ping();
    ping.body_mut().push(b' ');
    let discord = Verifier::builder(Scheme::Discord).public_key(public_key).build().unwrap();
    assert_eq!(discord.verify(&ping).unwrap_err().status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn twitch_decides_a_verification_by_its_signed_body_not_its_unsigned_type() {
    let verifier = verifier(Scheme::TwitchEventSub, TWITCH_SECRET);
    // A captured verification replayed as a notification does not reach the handler.
    let mut retyped = twitch_check();
    retyped.headers_mut().insert("twitch-eventsub-message-type", HeaderValue::from_static("notification"));
    let error = verifier.verify(&retyped).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedHeader);
    assert_eq!(error.header_name().unwrap(), "twitch-eventsub-message-type");
    // A notification typed as a verification carries no challenge to echo.
    let signer = Signer::new(Scheme::TwitchEventSub, TWITCH_SECRET).unwrap();
    let mut notification = signed(&signer, "/twitch", "msg-1", br#"{"subscription":{},"event":{}}"#);
    let kind = HeaderValue::from_static("webhook_callback_verification");
    notification.headers_mut().insert("twitch-eventsub-message-type", kind);
    assert_eq!(verifier.verify(&notification).unwrap_err().kind(), ErrorKind::MalformedBody);
}

#[test]
fn dropbox_answers_only_a_get_with_exactly_one_challenge() {
    let verifier = verifier(Scheme::Dropbox, DROPBOX_SECRET);
    for uri in ["/dropbox", "/dropbox?challenge=a&challenge=b", "/dropbox?other=1"] {
        let error = verifier.verify(&dropbox_check(uri)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MissingHeader, "{uri}");
    }
    let mut post = dropbox_check("/dropbox?challenge=abc");
    *post.method_mut() = Method::POST;
    assert_eq!(verifier.verify(&post).unwrap_err().kind(), ErrorKind::MissingHeader);
    let check = dropbox_check("/dropbox?challenge=abc");
    let verified = verifier.verify(&check).unwrap();
    assert_eq!((verified.body(), verified.id(), verified.key_id()), (&b""[..], None, ""));
    // An ordinary signed notification is no handshake.
    let signer = Signer::new(Scheme::Dropbox, DROPBOX_SECRET).unwrap();
    let notification = signed(&signer, "/dropbox", "", br#"{"delta":{"users":[1]}}"#);
    assert!(verifier.verify(&notification).unwrap().handshake().is_none());
}

/// A memory store that counts the claims it was asked for.
#[derive(Debug, Default, Clone)]
struct Counting {
    inner: Arc<MemoryStore>,
    claims: Arc<AtomicUsize>,
}

impl Store for Counting {
    async fn claim(&self, key: DedupKey, token: Token, lease: std::time::Duration) -> Result<Claim, StoreError> {
        self.claims.fetch_add(1, Ordering::SeqCst);
        self.inner.claim(key, token, lease).await
    }
    async fn complete(&self, key: DedupKey, token: Token, retention: Retention) -> Result<bool, StoreError> {
        self.inner.complete(key, token, retention).await
    }
    async fn release(&self, key: DedupKey, token: Token) -> Result<(), StoreError> {
        self.inner.release(key, token).await
    }
}

#[tokio::test]
async fn the_receiver_claims_nothing_for_a_handshake() {
    let store = Counting::default();
    let receiver = Receiver::new(verifier(Scheme::Zoom, ZOOM_SECRET), store.clone());
    let (parts, body) = zoom_check().into_parts();
    for _ in 0..2 {
        let delivery = receiver.receive((&parts, &body)).await.unwrap();
        assert!(delivery.handshake().is_some() && !delivery.is_claimed());
    }
    assert_eq!(store.claims.load(Ordering::SeqCst), 0);
}

#[cfg(feature = "axum")]
mod axum_router {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::FromRef;
    use axum::routing::{get, post};
    use hooksafe::axum::{VerifiedJson, Webhook, WebhookLayer};
    use tower::ServiceExt as _;

    use super::*;

    async fn handler(
        axum::extract::State(runs): axum::extract::State<Arc<AtomicUsize>>,
        Webhook(_): Webhook<serde_json::Value>,
    ) -> StatusCode {
        runs.fetch_add(1, Ordering::SeqCst);
        StatusCode::NO_CONTENT
    }

    async fn answer(app: &Router, request: Request<Vec<u8>>) -> (StatusCode, String, String) {
        let response = app.clone().oneshot(request.map(Body::from)).await.unwrap();
        let status = response.status();
        let content_type =
            response.headers().get("content-type").map_or("", |value| value.to_str().unwrap()).to_owned();
        let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        (status, content_type, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn the_layer_answers_checks_without_the_handler_or_a_claim() {
        let runs = Arc::new(AtomicUsize::new(0));
        let store = Counting::default();
        let receiver = |scheme, secret| Arc::new(Receiver::new(verifier(scheme, secret), store.clone()));
        let app = Router::new()
            .route("/zoom", post(handler).route_layer(WebhookLayer::new(receiver(Scheme::Zoom, ZOOM_SECRET))))
            .route("/slack", post(handler).route_layer(WebhookLayer::new(receiver(Scheme::Slack, SLACK_SECRET))))
            .route(
                "/twitch",
                post(handler).route_layer(WebhookLayer::new(receiver(Scheme::TwitchEventSub, TWITCH_SECRET))),
            )
            .route(
                "/dropbox",
                get(handler).post(handler).route_layer(WebhookLayer::new(receiver(Scheme::Dropbox, DROPBOX_SECRET))),
            )
            .with_state(runs.clone());

        let (status, content_type, body) = answer(&app, zoom_check()).await;
        assert_eq!((status, content_type.as_str()), (StatusCode::OK, "application/json"));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["encryptedToken"], ZOOM_ENCRYPTED);
        assert_eq!(answer(&app, slack_check()).await.2, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
        assert_eq!(answer(&app, twitch_check()).await.2, "pogchamp-kappa-360noscope-vohiyo");
        assert_eq!(answer(&app, dropbox_check("/dropbox?challenge=abc")).await.2, "abc");
        // Zoom re-validates every 72 hours: the same check again is answered again, not a duplicate.
        assert_eq!(answer(&app, zoom_check()).await.0, StatusCode::OK);
        let mut forged = zoom_check();
        forged.headers_mut().insert("x-zm-signature", HeaderValue::from_static("v0=00"));
        assert_eq!(answer(&app, forged).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!((runs.load(Ordering::SeqCst), store.claims.load(Ordering::SeqCst)), (0, 0));

        // An ordinary delivery still reaches the handler, claimed.
        let signer = Signer::new(Scheme::Zoom, ZOOM_SECRET).unwrap();
        let event = signed(&signer, "/zoom", "", br#"{"event":"meeting.started","payload":{}}"#);
        assert_eq!(answer(&app, event).await.0, StatusCode::NO_CONTENT);
        assert_eq!((runs.load(Ordering::SeqCst), store.claims.load(Ordering::SeqCst)), (1, 1));
    }

    #[derive(Clone)]
    struct Verifiers(Arc<Verifier>);

    impl FromRef<Verifiers> for Arc<Verifier> {
        fn from_ref(state: &Verifiers) -> Self {
            state.0.clone()
        }
    }

    #[tokio::test]
    async fn verified_json_answers_checks_without_the_handler() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let handler = move |VerifiedJson(_): VerifiedJson<serde_json::Value>| async move {
            counted.fetch_add(1, Ordering::SeqCst);
            StatusCode::NO_CONTENT
        };
        let app = Router::new()
            .route("/zoom", post(handler))
            .with_state(Verifiers(Arc::new(verifier(Scheme::Zoom, ZOOM_SECRET))));
        let (status, _, body) = answer(&app, zoom_check()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap()["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
        assert_eq!(runs.load(Ordering::SeqCst), 0);
    }
}

#[cfg(feature = "actix-web")]
mod actix_router {
    use actix_web::{App, HttpResponse, test, web};
    use hooksafe::actix::{Webhook, WebhookMiddleware};

    use super::*;

    async fn handler(runs: web::Data<AtomicUsize>, Webhook(_): Webhook<serde_json::Value>) -> HttpResponse {
        runs.fetch_add(1, Ordering::SeqCst);
        HttpResponse::NoContent().finish()
    }

    fn to_actix(request: Request<Vec<u8>>) -> test::TestRequest {
        let (parts, body) = request.into_parts();
        let mut test = test::TestRequest::default()
            .method(actix_web::http::Method::from_bytes(parts.method.as_str().as_bytes()).unwrap())
            .uri(&parts.uri.to_string());
        for (name, value) in &parts.headers {
            test = test.insert_header((name.as_str(), value.to_str().unwrap()));
        }
        test.set_payload(body)
    }

    #[actix_web::test]
    async fn the_middleware_answers_checks_without_the_handler_or_a_claim() {
        let runs = web::Data::new(AtomicUsize::new(0));
        let store = Counting::default();
        let middleware =
            |scheme, secret| WebhookMiddleware::new(Receiver::new(verifier(scheme, secret), store.clone()));
        let app = test::init_service(
            App::new()
                .app_data(runs.clone())
                .service(
                    web::resource("/zoom").wrap(middleware(Scheme::Zoom, ZOOM_SECRET)).route(web::post().to(handler)),
                )
                .service(
                    web::resource("/twitch")
                        .wrap(middleware(Scheme::TwitchEventSub, TWITCH_SECRET))
                        .route(web::post().to(handler)),
                )
                .service(
                    web::resource("/dropbox")
                        .wrap(middleware(Scheme::Dropbox, DROPBOX_SECRET))
                        .route(web::get().to(handler))
                        .route(web::post().to(handler)),
                ),
        )
        .await;
        let response = test::call_service(&app, to_actix(zoom_check()).to_request()).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers().get("content-type").unwrap(), "application/json");
        let body: serde_json::Value = serde_json::from_slice(&test::read_body(response).await).unwrap();
        assert_eq!(body["encryptedToken"], ZOOM_ENCRYPTED);
        let response = test::call_service(&app, to_actix(twitch_check()).to_request()).await;
        assert_eq!(&test::read_body(response).await[..], b"pogchamp-kappa-360noscope-vohiyo");
        let response = test::call_service(&app, to_actix(dropbox_check("/dropbox?challenge=xyz")).to_request()).await;
        assert_eq!(response.headers().get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(&test::read_body(response).await[..], b"xyz");
        let mut forged = twitch_check();
        forged.body_mut().push(b' ');
        assert_eq!(test::call_service(&app, to_actix(forged).to_request()).await.status().as_u16(), 401);
        assert_eq!((runs.load(Ordering::SeqCst), store.claims.load(Ordering::SeqCst)), (0, 0));
    }
}

#[cfg(feature = "tower")]
#[tokio::test]
async fn the_tower_layer_answers_checks_without_the_inner_service() {
    use tower::{Layer as _, ServiceExt as _};

    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let inner = tower::service_fn(move |_: Request<axum::body::Body>| {
        counted.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, std::convert::Infallible>(http::Response::new(axum::body::Body::from("handled"))) }
    });
    let receiver = Receiver::new(verifier(Scheme::TwitchEventSub, TWITCH_SECRET), MemoryStore::new());
    let service = hooksafe::tower::WebhookLayer::new(receiver).layer(inner);
    let response = service.clone().oneshot(twitch_check().map(axum::body::Body::from)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
    assert_eq!(&body[..], b"pogchamp-kappa-360noscope-vohiyo");
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

mod catalogue_part_two {
    //! Meta's, X's, Nylas's, Xero's and LINE's checks; each expected value made with `openssl dgst -sha256 -hmac`.
    use super::*;

    fn get(uri: &'static str) -> Request<Vec<u8>> {
        dropbox_check(uri)
    }

    fn signed_with(name: &'static str, value: &str, body: &[u8]) -> Request<Vec<u8>> {
        let mut request = Request::new(body.to_vec());
        *request.method_mut() = Method::POST;
        *request.uri_mut() = http::Uri::from_static("/hook");
        request.headers_mut().insert(name, HeaderValue::from_str(value).unwrap());
        request
    }

    #[test]
    fn x_answers_its_crc_check_with_the_tokens_mac_and_verifies_deliveries() {
        let verifier = verifier(Scheme::X, "x-consumer-secret-0123");
        let crc = get("/x?crc_token=challenge-token-42");
        let verified = verifier.verify(&crc).unwrap();
        let answer: serde_json::Value = serde_json::from_slice(verified.handshake().unwrap().body()).unwrap();
        assert_eq!(
            answer,
            serde_json::json!({ "response_token": "sha256=UKWPYF8oi5iQkG5SfPJ7vJiGRNLZ9EE4oJ4jf/2l3bc=" })
        );
        // Without a token, a GET is a request without a signature.
        assert_eq!(verifier.verify(&get("/x")).unwrap_err().status(), StatusCode::BAD_REQUEST);
        let body = br#"{"for_user_id":"1","tweet_create_events":[]}"#;
        let delivery =
            signed_with("x-twitter-webhooks-signature", "sha256=Q5pfEHTFmHCPRWWEW0EyWVzwFgq8Ol1e27PQQLoU6gM=", body);
        assert!(verifier.verify(&delivery).unwrap().handshake().is_none());
        let tampered =
            signed_with("x-twitter-webhooks-signature", "sha256=Q5pfEHTFmHCPRWWEW0EyWVzwFgq8Ol1e27PQQLoU6gM=", b"{}");
        assert_eq!(verifier.verify(&tampered).unwrap_err().kind(), ErrorKind::InvalidSignature);
    }

    #[test]
    fn meta_answers_its_subscription_check_only_with_the_configured_verify_token() {
        // Meta's "Sample Verification Request".
        let check = "/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock";
        let verifier = Verifier::builder(Scheme::meta().verify_token("meatyhamhock"))
            .secret("meta-app-secret-01")
            .build()
            .unwrap();
        let subscription = get(check);
        let verified = verifier.verify(&subscription).unwrap();
        assert_eq!(verified.handshake().unwrap().body(), b"1158201444");
        for refused in [
            "/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhocks",
            "/meta?hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock",
        ] {
            let error = verifier.verify(&get(refused)).unwrap_err();
            assert_eq!(
                (error.kind(), error.status()),
                (ErrorKind::HandshakeRefused, StatusCode::FORBIDDEN),
                "{refused}"
            );
        }
        let unconfigured = self::verifier(Scheme::meta(), "meta-app-secret-01");
        assert_eq!(unconfigured.verify(&get(check)).unwrap_err().kind(), ErrorKind::HandshakeRefused);
        // Deliveries: the SHA-256 header only.
        let body = br#"{"object":"page","entry":[{"id":"1"}]}"#;
        let tag = "sha256=c1481724149a8929588ce833aecc1d7fc3c252cc4d66fa824ff86b9f8836f448";
        assert!(verifier.verify(&signed_with("x-hub-signature-256", tag, body)).is_ok());
        let legacy = signed_with("x-hub-signature", "sha1=0000000000000000000000000000000000000000", body);
        assert_eq!(verifier.verify(&legacy).unwrap_err().kind(), ErrorKind::MissingHeader);
        // The Verify Token never shows in the verifier's `Debug`.
        assert!(!format!("{verifier:?}").contains("meatyhamhock"));
    }

    #[test]
    fn nylas_echoes_its_challenge_and_xero_and_line_acknowledge_their_empty_checks() {
        let nylas = verifier(Scheme::Nylas, "nylas-webhook-secret");
        assert_eq!(nylas.verify(&get("/nylas?challenge=bc609e9d")).unwrap().handshake().unwrap().body(), b"bc609e9d");
        let itr = br#"{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}"#;
        let xero = verifier(Scheme::Xero, "xero-webhook-key-01");
        let genuine = signed_with("x-xero-signature", "fgmc+A14wUhDdxPwhkaEZuCM6Nr3V3GHrZmHWiBrUTM=", itr);
        let verified = xero.verify(&genuine).unwrap();
        let response: http::Response<Vec<u8>> = verified.handshake().unwrap().to_response();
        assert_eq!((response.status(), response.body().len()), (StatusCode::OK, 0));
        let forged = signed_with("x-xero-signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", itr);
        assert_eq!(xero.verify(&forged).unwrap_err().status(), StatusCode::UNAUTHORIZED);
        let signer = Signer::new(Scheme::Line, "line-channel-secret").unwrap();
        let line = verifier(Scheme::Line, "line-channel-secret");
        let check = signed(&signer, "/line", "", br#"{"destination":"U1","events":[]}"#);
        assert!(line.verify(&check).unwrap().handshake().is_some());
        let event = signed(&signer, "/line", "", br#"{"destination":"U1","events":[{"type":"message"}]}"#);
        assert!(line.verify(&event).unwrap().handshake().is_none());
    }
}

#[test]
fn notion_hands_its_verification_token_to_the_callback_and_then_verifies_with_it() {
    // Notion's webhooks reference: the token, and a delivery signed with it.
    let token = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl";
    let body = format!(r#"{{"verification_token":"{token}"}}"#);
    let received = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = received.clone();
    // Setup: no secret yet, only the callback.
    let notion =
        Scheme::notion().on_verification_token(move |_tenant, token| sink.lock().unwrap().push(token.to_owned()));
    let first = Verifier::builder(notion).build().unwrap();
    let mut request = Request::new(body.clone().into_bytes());
    *request.method_mut() = Method::POST;
    let verified = first.verify(&request).unwrap();
    assert_eq!(verified.handshake().unwrap().to_response::<Vec<u8>>().status(), StatusCode::OK);
    assert_eq!(*received.lock().unwrap(), vec![token.to_owned()]);
    // Without a callback, the request is refused rather than lost.
    let silent = verifier(Scheme::notion(), "placeholder-until-verified");
    assert_eq!(silent.verify(&request).unwrap_err().kind(), ErrorKind::HandshakeRefused);
    // With the token as the key, Notion's signed deliveries verify.
    let configured = verifier(Scheme::notion(), token);
    let signature = "sha256=461e8cbcba8a75c3edd866f0e71280f5a85cbf21eff040ebd10fe266df38a735";
    request.headers_mut().insert("x-notion-signature", HeaderValue::from_static(signature));
    assert!(configured.verify(&request).unwrap().handshake().is_none());
    request.headers_mut().insert("x-notion-signature", HeaderValue::from_static("sha256=00"));
    assert_eq!(configured.verify(&request).unwrap_err().kind(), ErrorKind::InvalidSignature);
}

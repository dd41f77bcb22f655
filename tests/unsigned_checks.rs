//! The endpoint checks providers send unsigned (X's CRC, Dropbox's and Nylas's challenge, Meta's subscription check,
//! Notion's verification request): none of them ever yields a MAC over bytes the sender chose, none reaches a key
//! resolver unless its answer needs a key, and Notion's callback runs only during setup.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use hooksafe::{ErrorKind, Keys, RequestHead, Scheme, Verifier};
use http::{HeaderValue, Method, Request, StatusCode};

/// A delivery body as each provider sends it: a JSON object.
const DELIVERY: &str = r#"{"for_user_id":"2244994945","tweet_create_events":[{"id_str":"1"}]}"#;

fn get(uri: &str) -> Request<Vec<u8>> {
    let mut request = Request::new(Vec::new());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = uri.parse().unwrap();
    request
}

fn post(header: &'static str, value: &str, body: &[u8]) -> Request<Vec<u8>> {
    let mut request = Request::new(body.to_vec());
    *request.method_mut() = Method::POST;
    *request.uri_mut() = http::Uri::from_static("/hook");
    request.headers_mut().insert(header, HeaderValue::from_str(value).unwrap());
    request
}

/// `text` percent-encoded for a query.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// The check's answer to a request that asks it to answer for `DELIVERY`, as text (empty when it refused).
fn answer(verifier: &Verifier, check: &Request<Vec<u8>>) -> Result<String, ErrorKind> {
    match verifier.verify(check) {
        Ok(verified) => Ok(String::from_utf8(verified.handshake().expect("a check").body().to_vec()).unwrap()),
        Err(error) => Err(error.kind()),
    }
}

#[test]
fn x_answers_no_crc_token_that_could_be_a_delivery_body() {
    let verifier = Verifier::builder(Scheme::X).secret("x-consumer-secret-0123").build().unwrap();
    // The attack: a JSON body as the token, then that body posted with the answer as its signature.
    let error = verifier.verify(&get(&format!("/x?crc_token={}", encoded(DELIVERY)))).unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::MalformedBody, StatusCode::BAD_REQUEST));
    assert!(error.to_string().contains("crc_token"), "{error}");
    // Every token outside the plain alphabet, or too long, is refused the same way.
    for token in ["%7B%7D", "a%20b", "a.b", "%22", "", &"A".repeat(129)] {
        let error = verifier.verify(&get(&format!("/x?crc_token={token}"))).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MalformedBody, "{token:?}");
    }
    // A plain token is answered, and the answer used as a signature over that token is refused: the body is no
    // JSON object.
    let token = "dGVzdC10b2tlbi0xMjM0NTY3ODkw+/=_-";
    let answered = answer(&verifier, &get(&format!("/x?crc_token={}", encoded(token)))).unwrap();
    let response: serde_json::Value = serde_json::from_str(&answered).unwrap();
    let signature = response["response_token"].as_str().unwrap();
    let forged = post("x-twitter-webhooks-signature", signature, token.as_bytes());
    let error = verifier.verify(&forged).unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::MalformedBody, StatusCode::BAD_REQUEST));
    assert!(token.len() <= 128);
}

#[test]
fn no_unsigned_check_answers_for_a_delivery_body_with_something_that_verifies_it() {
    // Each scheme with an unsigned check: ask the check to answer for a valid delivery body, then post that body
    // with the answer where the signature goes. Every post is refused.
    let x = Verifier::builder(Scheme::X).secret("x-consumer-secret-0123").build().unwrap();
    let x_answer = answer(&x, &get(&format!("/x?crc_token={}", encoded(DELIVERY))));
    assert_eq!(x_answer, Err(ErrorKind::MalformedBody));

    let dropbox = Verifier::builder(Scheme::Dropbox).secret("dropbox-app-secret-42").build().unwrap();
    let echoed = answer(&dropbox, &get(&format!("/d?challenge={}", encoded(DELIVERY)))).unwrap();
    assert_eq!(echoed, DELIVERY, "an echo, not a MAC");
    let forged = post("x-dropbox-signature", &echoed, DELIVERY.as_bytes());
    assert!(dropbox.verify(&forged).is_err());

    let nylas = Verifier::builder(Scheme::Nylas).secret("nylas-webhook-secret-42").build().unwrap();
    let echoed = answer(&nylas, &get(&format!("/n?challenge={}", encoded(DELIVERY)))).unwrap();
    let forged = post("x-nylas-signature", &echoed, DELIVERY.as_bytes());
    assert!(nylas.verify(&forged).is_err());

    let meta =
        Verifier::builder(Scheme::meta().verify_token("meatyhamhock")).secret("meta-app-secret-01").build().unwrap();
    let check = format!("/m?hub.mode=subscribe&hub.verify_token=meatyhamhock&hub.challenge={}", encoded(DELIVERY));
    let echoed = answer(&meta, &get(&check)).unwrap();
    for header in ["x-hub-signature-256", "x-hub-signature"] {
        let forged = post(header, &format!("sha256={echoed}"), DELIVERY.as_bytes());
        assert!(meta.verify(&forged).is_err());
    }

    let notion = Verifier::builder(Scheme::notion().on_verification_token(|_, _| {})).build().unwrap();
    let mut check = Request::new(format!(r#"{{"verification_token":{}}}"#, serde_json::json!(DELIVERY)).into_bytes());
    *check.method_mut() = Method::POST;
    // A body as the token needs escapes, so this is not even taken for a check; a check is answered with nothing.
    let empty = answer(&notion, &check).unwrap_or_default();
    assert_eq!(empty, "", "Notion's check is answered with nothing derived from a key");
    let forged = post("x-notion-signature", &format!("sha256={empty}"), DELIVERY.as_bytes());
    assert!(notion.verify(&forged).is_err());
}

/// A resolver that counts its calls and knows one tenant.
fn counting_resolver(scheme: Scheme, keys: Keys) -> (Verifier, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let scheme = match scheme {
        Scheme::Meta(_) => Scheme::meta().verify_token("meatyhamhock").into(),
        other => other,
    };
    let verifier = Verifier::builder(scheme)
        .resolver(move |_: &RequestHead<'_>| {
            counter.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(Some(keys.clone())))
        })
        .build()
        .unwrap();
    (verifier, calls)
}

#[tokio::test]
async fn unsigned_checks_reach_the_resolver_only_when_their_answer_needs_a_key() {
    for (scheme, uri) in [
        (Scheme::Dropbox, "/d?challenge=abc"),
        (Scheme::Nylas, "/n?challenge=abc"),
        (Scheme::meta().into(), "/m?hub.mode=subscribe&hub.verify_token=meatyhamhock&hub.challenge=1"),
        (Scheme::meta().into(), "/m?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"),
    ] {
        let keys = Keys::builder(&scheme).secret("tenant-secret-0123").tenant("acme").build().unwrap();
        let (verifier, calls) = counting_resolver(scheme.clone(), keys);
        let _ = verifier.verify_async(&get(uri)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 0, "{scheme} {uri}");
    }
    // X's answer is a MAC: it needs the tenant's key, but only for a plain token.
    let keys = Keys::builder(&Scheme::X).secret("x-consumer-secret-0123").tenant("acme").build().unwrap();
    let (verifier, calls) = counting_resolver(Scheme::X, keys);
    let bad = verifier.verify_async(&get("/x?crc_token=%7B%7D")).await.unwrap_err();
    assert_eq!((bad.kind(), calls.load(Ordering::SeqCst)), (ErrorKind::MalformedBody, 0));
    assert!(verifier.verify_async(&get("/x?crc_token=plain-token")).await.is_ok());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// What Notion's callback received: the tenant and the token of each call.
type Received = Arc<Mutex<Vec<(Option<String>, String)>>>;

fn notion_check(token: &str) -> Request<Vec<u8>> {
    let mut request = Request::new(format!(r#"{{"verification_token":"{token}"}}"#).into_bytes());
    *request.method_mut() = Method::POST;
    request
}

#[test]
fn notions_callback_runs_only_during_setup() {
    let received: Received = Arc::default();
    let sink = received.clone();
    let record = move |tenant: Option<&str>, token: &str| {
        sink.lock().unwrap().push((tenant.map(str::to_owned), token.to_owned()));
    };
    // Once the token is configured as the secret, a verification request is refused and the callback not called.
    let configured = Verifier::builder(Scheme::notion().on_verification_token(record.clone()))
        .secret("secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl")
        .build()
        .unwrap();
    let error = configured.verify(&notion_check("attacker-chosen text")).unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::HandshakeRefused, StatusCode::FORBIDDEN));
    assert!(received.lock().unwrap().is_empty());
    // During setup it runs.
    let setup = Verifier::builder(Scheme::notion().on_verification_token(record)).build().unwrap();
    assert!(setup.verify(&notion_check("secret_first")).is_ok());
    assert_eq!(*received.lock().unwrap(), vec![(None, "secret_first".to_owned())]);
    // Without the callback there is no setup period: a Notion verifier needs its secret.
    assert!(Verifier::builder(Scheme::notion()).build().is_err());
}

#[tokio::test]
async fn notions_callback_gets_the_tenant_in_setup_and_nothing_once_it_has_a_key() {
    let received: Received = Arc::default();
    let sink = received.clone();
    let in_setup = Keys::builder(&Scheme::notion().into()).tenant("acme").notion_setup().build().unwrap();
    let live =
        Keys::builder(&Scheme::notion().into()).secret("secret_live_token_0123").tenant("globex").build().unwrap();
    let notion = Scheme::notion().on_verification_token(move |tenant, token| {
        sink.lock().unwrap().push((tenant.map(str::to_owned), token.to_owned()));
    });
    let verifier = Verifier::builder(notion)
        .resolver(move |head: &RequestHead<'_>| {
            let tenant = head.headers().get("x-tenant").and_then(|value| value.to_str().ok()).unwrap_or_default();
            let keys = match tenant {
                "acme" => Some(in_setup.clone()),
                "globex" => Some(live.clone()),
                _ => None,
            };
            std::future::ready(Ok(keys))
        })
        .build()
        .unwrap();
    let for_tenant = |tenant: &'static str| {
        let mut request = notion_check("secret_from_notion");
        request.headers_mut().insert("x-tenant", HeaderValue::from_static(tenant));
        request
    };
    assert!(verifier.verify_async(&for_tenant("acme")).await.is_ok());
    let refused = verifier.verify_async(&for_tenant("globex")).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::HandshakeRefused);
    assert_eq!(*received.lock().unwrap(), vec![(Some("acme".to_owned()), "secret_from_notion".to_owned())]);
    // Keys without a secret are never setup by accident (a secret missing from a database row): only by name.
    assert!(Keys::builder(&Scheme::notion().into()).tenant("acme").build().is_err());
    assert!(Keys::builder(&Scheme::GitHub).tenant("acme").notion_setup().build().is_err());
    let with_secret = Keys::builder(&Scheme::notion().into()).secret("secret_live_token_0123").notion_setup().build();
    assert!(with_secret.is_err());
}

/// The attack end to end through an axum route: the forger asks the CRC check for the signature of a body, then
/// posts that body with it. The check refuses, and the handler never runs.
#[cfg(feature = "axum")]
#[tokio::test]
async fn through_axum_the_crc_check_signs_no_body_and_the_handler_never_runs() {
    use axum::body::Body;
    use hooksafe::axum::{Webhook, WebhookLayer};
    use hooksafe::{MemoryStore, Receiver};
    use tower::ServiceExt as _;

    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let handler = move |Webhook(_): Webhook<serde_json::Value>| async move {
        counted.fetch_add(1, Ordering::SeqCst);
        StatusCode::NO_CONTENT
    };
    let verifier = Verifier::builder(Scheme::X).secret("x-consumer-secret-0123").build().unwrap();
    let app = axum::Router::new()
        .route("/x", axum::routing::get(handler.clone()).post(handler))
        .route_layer(WebhookLayer::new(Receiver::new(verifier, MemoryStore::new())));
    let call = |request: Request<Vec<u8>>| {
        let app = app.clone();
        async move {
            let response = app.oneshot(request.map(Body::from)).await.unwrap();
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
            (status, String::from_utf8(body.to_vec()).unwrap())
        }
    };
    let (status, answer) = call(get(&format!("/x?crc_token={}", encoded(DELIVERY)))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!answer.contains("sha256="), "{answer}");
    // Even a guess at what the answer would have been gets nowhere: the post is refused unsigned.
    let mut forged = post("x-twitter-webhooks-signature", "sha256=AAAA", DELIVERY.as_bytes());
    *forged.uri_mut() = http::Uri::from_static("/x");
    assert_eq!(call(forged).await.0, StatusCode::UNAUTHORIZED);
    // A plain token is still answered.
    let (status, answer) = call(get("/x?crc_token=plain-token")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(answer.contains("response_token"), "{answer}");
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

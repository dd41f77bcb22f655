//! Keys per tenant and per request: a resolver backed by a map the tests change while requests flow, validity
//! windows, atomic reloads under load, usage counts, and deduplication per tenant, through the core and through real
//! axum and actix-web routers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use hooksafe::sign::Signer;
use hooksafe::{
    ConfigError, ErrorKind, Keys, MemoryStore, Receiver, RequestHead, ResolveError, Scheme, Secret, Verifier,
};
use http::{Request, StatusCode};
use time::OffsetDateTime;

const A: &str = "whsec_dGVuYW50LWEtc2VjcmV0LWtleS0wMDAx";
const B: &str = "whsec_dGVuYW50LWItc2VjcmV0LWtleS0wMDAy";
const A_ROTATED: &str = "whsec_dGVuYW50LWEtcm90YXRlZC1rZXktMDAz";
const SCHEME: Scheme = Scheme::StandardWebhooks;

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

fn tenant_keys(tenant: &str, secrets: &[Secret]) -> Keys {
    secrets
        .iter()
        .fold(Keys::builder(&SCHEME).tenant(tenant), |builder, secret| builder.secret(secret.clone()))
        .build()
        .unwrap()
}

/// The tenants' keys, as a database would hold them; the tests change it while requests flow.
#[derive(Clone, Default)]
struct Tenants(Arc<RwLock<HashMap<String, Keys>>>);

impl Tenants {
    fn set(&self, tenant: &str, secrets: &[Secret]) {
        self.0.write().unwrap().insert(tenant.to_owned(), tenant_keys(tenant, secrets));
    }

    fn get(&self, tenant: &str) -> Keys {
        self.0.read().unwrap()[tenant].clone()
    }

    /// A verifier whose keys are the tenant named by the route's `tenant` path parameter, or by `x-tenant` where the
    /// request has no route (the core tests).
    fn verifier(&self) -> Verifier {
        let tenants = self.0.clone();
        Verifier::builder(SCHEME)
            .resolver(move |head: &RequestHead<'_>| {
                let tenant = head
                    .path_param("tenant")
                    .or_else(|| head.headers().get("x-tenant").and_then(|value| value.to_str().ok()));
                let keys = tenant.and_then(|tenant| tenants.read().unwrap().get(tenant).cloned());
                std::future::ready(Ok(keys))
            })
            .build()
            .unwrap()
    }
}

fn delivery(uri: &str, secret: &str, id: &str, now: OffsetDateTime) -> Request<Vec<u8>> {
    let signer = Signer::new(SCHEME, secret).unwrap();
    let mut request = signer.request(uri.parse().unwrap(), id, now, br#"{"type":"ping"}"#.to_vec()).unwrap();
    if let Some(tenant) = uri.strip_prefix("/tenant/") {
        request.headers_mut().insert("x-tenant", tenant.parse().unwrap());
    }
    request
}

#[tokio::test]
async fn each_tenant_is_verified_with_its_own_keys_as_they_are_now() {
    let tenants = Tenants::default();
    tenants.set("a", &[Secret::new(A).id("a-1")]);
    tenants.set("b", &[Secret::new(B).id("b-1")]);
    let verifier = tenants.verifier();
    let now = OffsetDateTime::now_utc();

    let genuine = delivery("/tenant/a", A, "msg_1", now);
    let verified = verifier.verify_async(&genuine).await.unwrap();
    assert_eq!((verified.tenant(), verified.key_id()), (Some("a"), "a-1"));
    // Tenant B's key does not open tenant A's door.
    let crossed = delivery("/tenant/a", B, "msg_1", now);
    assert_eq!(verifier.verify_async(&crossed).await.unwrap_err().kind(), ErrorKind::InvalidSignature);
    // A key added while the server runs is used from the next request on.
    let rotated = delivery("/tenant/a", A_ROTATED, "msg_2", now);
    assert_eq!(verifier.verify_async(&rotated).await.unwrap_err().kind(), ErrorKind::InvalidSignature);
    tenants.set("a", &[Secret::new(A).id("a-1"), Secret::new(A_ROTATED).id("a-2")]);
    assert_eq!(verifier.verify_async(&rotated).await.unwrap().key_id(), "a-2");
    // An unknown tenant looks like a bad signature, unless the verifier reveals it.
    let stranger = delivery("/tenant/c", A, "msg_3", now);
    let error = verifier.verify_async(&stranger).await.unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::InvalidSignature, StatusCode::UNAUTHORIZED));
    let lookup = tenants.0.clone();
    let revealing = Verifier::builder(SCHEME)
        .resolver(move |head: &RequestHead<'_>| {
            let tenant = head.headers().get("x-tenant").and_then(|value| value.to_str().ok()).map(str::to_owned);
            let keys = tenant.and_then(|tenant| lookup.read().unwrap().get(&tenant).cloned());
            async move { Ok(keys) }
        })
        .reveal_unknown_tenant()
        .build()
        .unwrap();
    let error = revealing.verify_async(&stranger).await.unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::UnknownTenant, StatusCode::NOT_FOUND));
    // The synchronous calls cannot wait for a resolver, and say so.
    let error = verifier.verify(&genuine).unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::ResolverRequiresAsync, StatusCode::INTERNAL_SERVER_ERROR));
}

#[tokio::test]
async fn the_resolver_is_asked_only_for_well_formed_fresh_requests_and_its_failure_is_a_503() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let verifier = Verifier::builder(SCHEME)
        .resolver(move |_: &RequestHead<'_>| {
            counter.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Err::<Option<Keys>, _>(ResolveError::new("connection refused")))
        })
        .build()
        .unwrap();
    let stale = delivery("/tenant/a", A, "msg_1", OffsetDateTime::now_utc() - time::Duration::hours(1));
    assert_eq!(verifier.verify_async(&stale).await.unwrap_err().kind(), ErrorKind::TimestampTooOld);
    let mut unsigned = delivery("/tenant/a", A, "msg_1", OffsetDateTime::now_utc());
    unsigned.headers_mut().remove("webhook-signature");
    assert_eq!(verifier.verify_async(&unsigned).await.unwrap_err().kind(), ErrorKind::MissingHeader);
    assert_eq!(asked.load(Ordering::SeqCst), 0);

    let error = verifier.verify_async(&delivery("/tenant/a", A, "msg_1", OffsetDateTime::now_utc())).await.unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::KeysUnavailable, StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.retry_after().is_some());
    assert!(error.to_string().contains("connection refused"), "{error}");
    assert_eq!(asked.load(Ordering::SeqCst), 1);
}

#[test]
fn a_key_is_tried_only_inside_its_validity_window() {
    let start = 1_700_000_000;
    let verifier = Verifier::builder(SCHEME)
        .secret(Secret::new(A).id("old").not_after(at(start + 100)))
        .secret(Secret::new(A_ROTATED).id("new").not_before(at(start)))
        .build()
        .unwrap();
    let signed = |secret, when| Signer::new(SCHEME, secret).unwrap().headers("msg_1", at(when), b"{}").unwrap();
    let old = signed(A, start + 100);
    assert_eq!(verifier.verify_at((&old, b"{}"), at(start + 100)).unwrap().key_id(), "old");
    let late = signed(A, start + 101);
    assert_eq!(verifier.verify_at((&late, b"{}"), at(start + 101)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let early = signed(A_ROTATED, start - 1);
    assert_eq!(verifier.verify_at((&early, b"{}"), at(start - 1)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let new = signed(A_ROTATED, start);
    assert_eq!(verifier.verify_at((&new, b"{}"), at(start)).unwrap().key_id(), "new");
}

#[test]
fn usage_counts_show_when_a_retired_key_stops_being_used() {
    let verifier = Verifier::builder(SCHEME)
        .secret(Secret::new(A).id("old"))
        .secret(Secret::new(A_ROTATED).id("new"))
        .build()
        .unwrap();
    let now = OffsetDateTime::now_utc();
    let send = |secret| {
        let headers = Signer::new(SCHEME, secret).unwrap().headers("msg_1", now, b"{}").unwrap();
        verifier.verify_at((&headers, b"{}"), now).unwrap();
    };
    send(A);
    send(A_ROTATED);
    send(A_ROTATED);
    let usage = verifier.keys().unwrap().usage();
    assert_eq!(usage, vec![("old".to_owned(), 1), ("new".to_owned(), 2)]);
    // Retire the old key: only the new one is counted from now on, and the old one is refused.
    verifier.replace_keys(Keys::builder(&SCHEME).secret(Secret::new(A_ROTATED).id("new")).build().unwrap()).unwrap();
    send(A_ROTATED);
    let headers = Signer::new(SCHEME, A).unwrap().headers("msg_1", now, b"{}").unwrap();
    assert_eq!(verifier.verify_at((&headers, b"{}"), now).unwrap_err().kind(), ErrorKind::InvalidSignature);
    assert_eq!(verifier.keys().unwrap().usage(), vec![("new".to_owned(), 1)]);
}

#[test]
fn keys_are_replaced_only_by_keys_for_the_same_scheme_and_never_beside_a_resolver() {
    let verifier = Verifier::builder(SCHEME).secret(A).build().unwrap();
    let github = Keys::builder(&Scheme::GitHub).secret("a github secret").build().unwrap();
    assert!(matches!(verifier.replace_keys(github), Err(ConfigError::KeysForAnotherScheme { .. })));
    let resolved = Tenants::default().verifier();
    assert!(matches!(resolved.replace_keys(tenant_keys("a", &[Secret::new(A)])), Err(ConfigError::KeysAreResolved)));
    assert!(resolved.keys().is_none());
    let both = Verifier::builder(SCHEME).secret(A).resolver(|_: &RequestHead<'_>| std::future::ready(Ok(None))).build();
    assert!(matches!(both, Err(ConfigError::KeysAndResolver)));
    // Keys are checked as a verifier's are.
    assert!(matches!(Keys::builder(&SCHEME).build(), Err(ConfigError::NoSecret)));
    assert!(Keys::builder(&Scheme::Stripe).secret("not a whsec").build().is_err());
}

#[test]
fn concurrent_reloads_never_reject_a_validly_signed_request() {
    let verifier = Arc::new(Verifier::builder(SCHEME).secret(Secret::new(A).id("a")).build().unwrap());
    let now = OffsetDateTime::now_utc();
    let headers = Signer::new(SCHEME, A).unwrap().headers("msg_1", now, b"{}").unwrap();
    let (stop, reloads) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    // Every set the reloader installs holds A, beside a key that changes.
    let reloader = {
        let (verifier, stop, reloads) = (verifier.clone(), stop.clone(), reloads.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let other = if reloads.load(Ordering::Relaxed).is_multiple_of(2) { B } else { A_ROTATED };
                let keys = Keys::builder(&SCHEME).secret(Secret::new(other).id("other")).secret(Secret::new(A).id("a"));
                verifier.replace_keys(keys.build().unwrap()).unwrap();
                reloads.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    // Verify until both sides did enough work, however the machine schedules them (bounded in time).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let (mut checked, mut rejected) = (0, 0);
    while (checked < 20_000 || reloads.load(Ordering::Relaxed) < 200) && std::time::Instant::now() < deadline {
        if verifier.verify_at((&headers, b"{}"), now).is_err() {
            rejected += 1;
        }
        checked += 1;
    }
    stop.store(true, Ordering::Relaxed);
    reloader.join().unwrap();
    let reloads = reloads.load(Ordering::Relaxed);
    assert!(reloads >= 200, "the reloader ran {reloads} times in 30 s");
    assert_eq!(rejected, 0, "spurious rejections among {checked} verifications during {reloads} reloads");
}

#[tokio::test]
async fn two_tenants_deliveries_with_the_same_id_are_both_processed() {
    let tenants = Tenants::default();
    tenants.set("a", &[Secret::new(A)]);
    tenants.set("b", &[Secret::new(B)]);
    let receiver = Receiver::new(tenants.verifier(), MemoryStore::new());
    let now = OffsetDateTime::now_utc();
    for (uri, secret) in [("/tenant/a", A), ("/tenant/b", B)] {
        let (parts, body) = delivery(uri, secret, "msg_same", now).into_parts();
        receiver.receive((&parts, &body)).await.unwrap().complete().await.unwrap();
    }
    // The same delivery to tenant A again is a duplicate; a rotation of A's keys forgets nothing.
    tenants.set("a", &[Secret::new(A_ROTATED), Secret::new(A)]);
    let (parts, body) = delivery("/tenant/a", A, "msg_same", now).into_parts();
    assert_eq!(receiver.receive((&parts, &body)).await.unwrap_err().kind(), ErrorKind::Duplicate);
    // The duplicate was verified (by A's old key, in the new set) before the store refused it.
    assert_eq!(tenants.get("a").usage(), vec![("1".to_owned(), 0), ("2".to_owned(), 1)]);
}

#[cfg(feature = "axum")]
mod axum_server {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::post;
    use hooksafe::axum::{VerifiedJson, Webhook, WebhookLayer};
    use tower::ServiceExt as _;

    use super::*;

    async fn status(app: &Router, request: Request<Vec<u8>>) -> StatusCode {
        app.clone().oneshot(request.map(Body::from)).await.unwrap().status()
    }

    #[tokio::test]
    async fn the_layer_resolves_keys_from_the_path_while_they_change() {
        let tenants = Tenants::default();
        tenants.set("a", &[Secret::new(A).id("a-1")]);
        tenants.set("b", &[Secret::new(B).id("b-1")]);
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let handler = move |Webhook(_): Webhook<serde_json::Value>| async move {
            counted.fetch_add(1, Ordering::SeqCst);
            StatusCode::NO_CONTENT
        };
        let receiver = Receiver::new(tenants.verifier(), MemoryStore::new());
        let app = Router::new().route("/webhooks/{tenant}", post(handler)).route_layer(WebhookLayer::new(receiver));
        let now = OffsetDateTime::now_utc();
        let send = |tenant: &str, secret: &str, id: &str| {
            let signer = Signer::new(SCHEME, secret).unwrap();
            let uri = format!("/webhooks/{tenant}");
            signer.request(uri.parse().unwrap(), id, now, br#"{"type":"ping"}"#.to_vec()).unwrap()
        };

        assert_eq!(status(&app, send("a", A, "m1")).await, StatusCode::NO_CONTENT);
        assert_eq!(status(&app, send("b", B, "m1")).await, StatusCode::NO_CONTENT, "same id, other tenant");
        assert_eq!(status(&app, send("a", B, "m2")).await, StatusCode::UNAUTHORIZED, "B's key at A's path");
        assert_eq!(status(&app, send("c", A, "m3")).await, StatusCode::UNAUTHORIZED, "an unknown tenant");
        assert_eq!(status(&app, send("a", A_ROTATED, "m4")).await, StatusCode::UNAUTHORIZED);
        tenants.set("a", &[Secret::new(A_ROTATED).id("a-2")]);
        assert_eq!(status(&app, send("a", A_ROTATED, "m4")).await, StatusCode::NO_CONTENT, "added at runtime");
        assert_eq!(status(&app, send("a", A, "m5")).await, StatusCode::UNAUTHORIZED, "retired at runtime");
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        assert_eq!(tenants.get("a").usage(), vec![("a-2".to_owned(), 1)]);
    }

    #[derive(Clone)]
    struct State(Arc<Verifier>);

    impl axum::extract::FromRef<State> for Arc<Verifier> {
        fn from_ref(state: &State) -> Self {
            state.0.clone()
        }
    }

    #[tokio::test]
    async fn verified_json_resolves_keys_from_the_path_too() {
        let tenants = Tenants::default();
        tenants.set("a", &[Secret::new(A)]);
        let handler = |VerifiedJson(_): VerifiedJson<serde_json::Value>| async { StatusCode::NO_CONTENT };
        let app =
            Router::new().route("/webhooks/{tenant}", post(handler)).with_state(State(Arc::new(tenants.verifier())));
        let signer = Signer::new(SCHEME, A).unwrap();
        let request = signer.request("/webhooks/a".parse().unwrap(), "m1", OffsetDateTime::now_utc(), b"{}".to_vec());
        assert_eq!(status(&app, request.unwrap()).await, StatusCode::NO_CONTENT);
    }
}

#[cfg(feature = "actix-web")]
mod actix_server {
    use actix_web::{App, HttpResponse, test, web};
    use hooksafe::actix::{VerifiedWebhook, WebhookMiddleware};

    use super::*;

    async fn handler(delivery: VerifiedWebhook) -> HttpResponse {
        HttpResponse::Ok().body(delivery.key_id().to_owned())
    }

    #[actix_web::test]
    async fn the_middleware_resolves_keys_from_the_match_info() {
        let tenants = Tenants::default();
        tenants.set("a", &[Secret::new(A).id("a-1").not_after(OffsetDateTime::now_utc() + time::Duration::hours(1))]);
        tenants.set("b", &[Secret::new(B).id("b-1")]);
        let middleware = WebhookMiddleware::new(Receiver::new(tenants.verifier(), MemoryStore::new()));
        let app = test::init_service(
            App::new().service(web::resource("/webhooks/{tenant}").wrap(middleware).route(web::post().to(handler))),
        )
        .await;
        let send = |tenant: &str, secret: &str, id: &str, now: OffsetDateTime| {
            let signer = Signer::new(SCHEME, secret).unwrap();
            let request =
                signer.request(format!("/webhooks/{tenant}").parse().unwrap(), id, now, b"{}".to_vec()).unwrap();
            let (parts, body) = request.into_parts();
            let mut test = test::TestRequest::post().uri(&parts.uri.to_string());
            for (name, value) in &parts.headers {
                test = test.insert_header((name.as_str(), value.to_str().unwrap()));
            }
            test.set_payload(body).to_request()
        };
        let now = OffsetDateTime::now_utc();
        let response = test::call_service(&app, send("a", A, "m1", now)).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(&test::read_body(response).await[..], b"a-1");
        assert_eq!(test::call_service(&app, send("b", B, "m1", now)).await.status().as_u16(), 200);
        assert_eq!(test::call_service(&app, send("b", A, "m2", now)).await.status().as_u16(), 401);
        // Past its `not_after`, A's key is refused.
        tenants.set("a", &[Secret::new(A).id("a-1").not_after(now - time::Duration::seconds(1))]);
        assert_eq!(test::call_service(&app, send("a", A, "m3", now)).await.status().as_u16(), 401);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolver_map_changing_under_load_never_rejects_a_validly_signed_request() {
    let tenants = Tenants::default();
    for tenant in ["a", "b", "c"] {
        tenants.set(tenant, &[Secret::new(A).id("a")]);
    }
    let verifier = Arc::new(tenants.verifier());
    let (stop, writes) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    // Every version of each tenant's keys holds A, beside a key that changes.
    let writer = {
        let (tenants, stop, writes) = (tenants.clone(), stop.clone(), writes.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let other = if writes.load(Ordering::Relaxed).is_multiple_of(2) { B } else { A_ROTATED };
                for tenant in ["a", "b", "c"] {
                    tenants.set(tenant, &[Secret::new(other).id("other"), Secret::new(A).id("a")]);
                }
                writes.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let now = OffsetDateTime::now_utc();
    let requests: Vec<_> =
        ["a", "b", "c"].iter().map(|tenant| delivery(&format!("/tenant/{tenant}"), A, "msg", now)).collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let (mut checked, mut rejected) = (0, 0);
    while (checked < 3_000 || writes.load(Ordering::Relaxed) < 100) && std::time::Instant::now() < deadline {
        if verifier.verify_async(&requests[checked % 3]).await.is_err() {
            rejected += 1;
        }
        checked += 1;
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    let writes = writes.load(Ordering::Relaxed);
    assert!(writes >= 100, "the writer ran {writes} rounds in 30 s");
    assert_eq!(rejected, 0, "spurious rejections among {checked} verifications during {writes} rounds of writes");
}

#[tokio::test]
async fn a_resolver_must_name_the_tenant_whose_keys_it_returns() {
    // Two tenants with the same secret and no names would share one dedup namespace: one could claim the other's
    // ids first. Keys without a tenant name are refused, and nothing is claimed.
    let unnamed = Keys::builder(&SCHEME).secret(A).build().unwrap();
    let verifier = Verifier::builder(SCHEME)
        .resolver(move |_: &RequestHead<'_>| std::future::ready(Ok(Some(unnamed.clone()))))
        .build()
        .unwrap();
    let receiver = Receiver::new(verifier, MemoryStore::new());
    let request = delivery("/tenant/a", A, "msg_1", OffsetDateTime::now_utc());
    let (parts, body) = request.into_parts();
    let error = receiver.receive((&parts, &body)).await.unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::KeysUnavailable, StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.to_string().contains("tenant"), "{error}");
    // Named, the same keys verify.
    let named = Keys::builder(&SCHEME).secret(A).tenant("a").build().unwrap();
    let verifier = Verifier::builder(SCHEME)
        .resolver(move |_: &RequestHead<'_>| std::future::ready(Ok(Some(named.clone()))))
        .build()
        .unwrap();
    let verified = verifier.verify_async((&parts, &body)).await.unwrap();
    assert_eq!(verified.tenant(), Some("a"));
}

/// A tenant's keys bring no provider configuration: the verifier's own (here Square's notification URL) is the one
/// a delivery must be signed for, whatever the keys were built with, and keys need none to be built (PayPal's
/// webhook id, which only the verifier's settings give).
#[tokio::test]
async fn a_tenants_keys_never_bring_their_own_provider_configuration() {
    let (url, elsewhere, key) =
        ("https://hooks.example.com/square", "https://elsewhere.example/square", "square key 01");
    let keys = Keys::builder(&Scheme::square(elsewhere).into()).secret(key).tenant("acme").build().unwrap();
    let verifier = Verifier::builder(Scheme::square(url))
        .resolver(move |_: &RequestHead<'_>| std::future::ready(Ok(Some(keys.clone()))))
        .build()
        .unwrap();
    let body = br#"{"event_id":"evt_sq_1","type":"payment.created"}"#;
    let now = OffsetDateTime::now_utc();
    let genuine = Signer::new(Scheme::square(url), key).unwrap().headers("", now, body).unwrap();
    assert_eq!(verifier.verify_async((&genuine, body)).await.unwrap().tenant(), Some("acme"));
    let for_elsewhere = Signer::new(Scheme::square(elsewhere), key).unwrap().headers("", now, body).unwrap();
    assert_eq!(verifier.verify_async((&for_elsewhere, body)).await.unwrap_err().kind(), ErrorKind::InvalidSignature);
    let paypal = Keys::builder(&"paypal".parse().unwrap()).certificate(include_str!("fixtures/paypal-test-leaf.pem"));
    assert!(paypal.tenant("acme").build().is_ok());
}

//! Event types per scheme, and the `Router` dispatching on them: from the serverless path, behind the axum layer and
//! behind the actix-web middleware.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hooksafe::router::Event;
use hooksafe::sign::Signer;
use hooksafe::{ErrorKind, Router, Scheme, Verifier};
use http::{HeaderMap, HeaderValue, StatusCode};
use time::OffsetDateTime;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Debug, serde::Deserialize)]
struct InvoicePaid {
    data: Invoice,
}

#[derive(Debug, serde::Deserialize)]
struct Invoice {
    amount: u64,
}

/// The headers `scheme`'s provider sends for `body`, plus `extra` (the unsigned headers that name the event).
fn signed(scheme: &Scheme, body: &[u8], extra: &[(&'static str, &str)]) -> HeaderMap {
    let mut headers =
        Signer::new(scheme.clone(), SECRET).unwrap().headers("msg_1", OffsetDateTime::now_utc(), body).unwrap();
    for (name, value) in extra {
        headers.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    headers
}

fn event_type(scheme: Scheme, body: &[u8], extra: &[(&'static str, &str)]) -> (Option<String>, bool) {
    let headers = signed(&scheme, body, extra);
    let verifier = Verifier::builder(scheme).secret(SECRET).build().unwrap();
    let verified = verifier.verify((&headers, body)).unwrap();
    (verified.event_type(), verified.event_type_is_signed())
}

#[test]
fn each_scheme_says_where_its_event_type_lives() {
    let typed = br#"{"id":"evt_1","type":"invoice.paid"}"#;
    assert_eq!(event_type(Scheme::Stripe, typed, &[]), (Some("invoice.paid".into()), true));
    assert_eq!(event_type(Scheme::StandardWebhooks, typed, &[]), (Some("invoice.paid".into()), true));
    let escaped = br#"{"id":"evt_1","type":"invoice\u002epaid"}"#;
    assert_eq!(event_type(Scheme::Stripe, escaped, &[]).0.as_deref(), Some("invoice.paid"));
    assert_eq!(event_type(Scheme::Stripe, br#"{"id":"evt_1"}"#, &[]).0, None);
    // GitHub: the unsigned event header, and the signed body's action when it has one.
    let opened = br#"{"action":"opened","issue":{}}"#;
    assert_eq!(
        event_type(Scheme::GitHub, opened, &[("x-github-event", "issues")]),
        (Some("issues.opened".into()), false)
    );
    assert_eq!(event_type(Scheme::GitHub, b"{}", &[("x-github-event", "push")]).0.as_deref(), Some("push"));
    assert_eq!(event_type(Scheme::GitHub, b"{}", &[]).0, None);
    let topic = [("x-shopify-topic", "orders/create")];
    assert_eq!(event_type(Scheme::Shopify, b"{}", &topic), (Some("orders/create".into()), false));
    let nested = br#"{"event":{"id":"01","event_type":"incident.triggered"}}"#;
    assert_eq!(event_type(Scheme::PagerDuty, nested, &[]).0.as_deref(), Some("incident.triggered"));
    let lemon = br#"{"meta":{"event_name":"order_created"}}"#;
    assert_eq!(event_type(Scheme::LemonSqueezy, lemon, &[]).0.as_deref(), Some("order_created"));
    // A batch carries a type per item: the delivery has none.
    assert_eq!(event_type(Scheme::Xero, br#"{"events":[{"eventType":"CREATE"}]}"#, &[]).0, None);
}

fn router(runs: &Arc<AtomicUsize>) -> Router {
    let (exact, prefix, fallback) = (runs.clone(), runs.clone(), runs.clone());
    Router::new()
        .on::<InvoicePaid>("invoice.paid", move |event: Event<InvoicePaid>| {
            exact.fetch_add(1, Ordering::SeqCst);
            assert!(event.id().is_some_and(|id| id.starts_with("evt_")), "{:?}", event.id());
            assert_eq!((event.event_type(), event.key_id()), (Some("invoice.paid"), "1"));
            assert!(event.timestamp().is_some());
            let status = if event.data.amount > 0 { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            async move { status }
        })
        .prefix::<serde_json::Value>("invoice.", move |_: Event<serde_json::Value>| {
            prefix.fetch_add(100, Ordering::SeqCst);
            async { StatusCode::ACCEPTED }
        })
        .prefix::<serde_json::Value>("invoice.payment_", |_: Event<serde_json::Value>| async { StatusCode::CREATED })
        .fallback::<serde_json::Value>(move |event: Event<serde_json::Value>| {
            fallback.fetch_add(10_000, Ordering::SeqCst);
            let status = if event.event_type().is_none() { StatusCode::NO_CONTENT } else { StatusCode::RESET_CONTENT };
            async move { status }
        })
}

async fn dispatch(router: &Router, body: &str) -> Result<StatusCode, hooksafe::Error> {
    let headers = signed(&Scheme::Stripe, body.as_bytes(), &[]);
    let verifier = Verifier::builder(Scheme::Stripe).secret(SECRET).build().unwrap();
    let verified = verifier.verify((&headers, body.as_bytes())).unwrap();
    router.dispatch(&verified).await
}

#[tokio::test]
async fn the_router_picks_the_exact_type_then_the_longest_prefix_then_the_fallback() {
    let runs = Arc::new(AtomicUsize::new(0));
    let router = router(&runs);
    let paid = r#"{"id":"evt_1","type":"invoice.paid","data":{"amount":100}}"#;
    assert_eq!(dispatch(&router, paid).await.unwrap(), StatusCode::OK);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let created = r#"{"id":"evt_2","type":"invoice.created","data":{}}"#;
    assert_eq!(dispatch(&router, created).await.unwrap(), StatusCode::ACCEPTED);
    let failed = r#"{"id":"evt_3","type":"invoice.payment_failed"}"#;
    assert_eq!(dispatch(&router, failed).await.unwrap(), StatusCode::CREATED, "the longer prefix wins");
    let other = r#"{"id":"evt_4","type":"customer.created"}"#;
    assert_eq!(dispatch(&router, other).await.unwrap(), StatusCode::RESET_CONTENT);
    assert_eq!(dispatch(&router, r#"{"id":"evt_5"}"#).await.unwrap(), StatusCode::NO_CONTENT, "no type: the fallback");
    assert_eq!(runs.load(Ordering::SeqCst), 1 + 100 + 20_000);

    // A known type whose body does not fit its handler: 422, and the handler does not run.
    let misfit = r#"{"id":"evt_6","type":"invoice.paid","data":{"amount":"a lot"}}"#;
    let error = dispatch(&router, misfit).await.unwrap_err();
    assert_eq!((error.kind(), error.status()), (ErrorKind::InvalidPayload, StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(runs.load(Ordering::SeqCst), 1 + 100 + 20_000);

    // Without a fallback, an unknown type is acknowledged.
    let bare: Router =
        Router::new().on::<InvoicePaid>("invoice.paid", |_: Event<InvoicePaid>| async { StatusCode::ACCEPTED });
    assert_eq!(dispatch(&bare, other).await.unwrap(), StatusCode::OK);
    assert!(format!("{bare:?}").contains("invoice.paid"));
}

#[cfg(feature = "axum")]
mod axum_server {
    use axum::body::Body;
    use axum::routing::post;
    use hooksafe::axum::{VerifiedWebhook, WebhookLayer};
    use hooksafe::{MemoryStore, Receiver};
    use tower::ServiceExt as _;

    use super::*;

    #[tokio::test]
    async fn behind_the_layer_a_misfit_is_422_and_released_and_a_handled_event_completes() {
        let runs = Arc::new(AtomicUsize::new(0));
        let events = Arc::new(router(&runs));
        let handler = move |webhook: VerifiedWebhook| {
            let events = events.clone();
            async move { events.dispatch(&webhook).await }
        };
        let receiver =
            Receiver::new(Verifier::builder(Scheme::Stripe).secret(SECRET).build().unwrap(), MemoryStore::new());
        let app = axum::Router::new().route("/webhooks/stripe", post(handler)).route_layer(WebhookLayer::new(receiver));
        let send = |body: &'static str| {
            let request = Signer::new(Scheme::Stripe, SECRET)
                .unwrap()
                .request("/webhooks/stripe".parse().unwrap(), "", OffsetDateTime::now_utc(), body.as_bytes().to_vec())
                .unwrap();
            let app = app.clone();
            async move { app.oneshot(request.map(Body::from)).await.unwrap() }
        };
        let misfit = r#"{"id":"evt_1","type":"invoice.paid","data":{"amount":"a lot"}}"#;
        assert_eq!(send(misfit).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Released: the provider's retry is judged again, not acknowledged as a duplicate.
        assert_eq!(send(misfit).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let paid = r#"{"id":"evt_2","type":"invoice.paid","data":{"amount":1}}"#;
        assert_eq!(send(paid).await.status(), StatusCode::OK);
        let again = send(paid).await;
        assert_eq!(
            (again.status(), again.headers()["hooksafe-outcome"].to_str().unwrap()),
            (StatusCode::OK, "duplicate")
        );
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }
}

#[cfg(feature = "actix-web")]
mod actix_server {
    use actix_web::{App, test, web};
    use hooksafe::actix::{VerifiedWebhook, WebhookMiddleware};
    use hooksafe::{MemoryStore, Receiver};

    use super::*;

    async fn stripe(
        events: web::Data<Router>,
        webhook: VerifiedWebhook,
    ) -> Result<actix_web::HttpResponse, hooksafe::Error> {
        let status = events.dispatch(&webhook).await?;
        Ok(actix_web::HttpResponse::build(actix_web::http::StatusCode::from_u16(status.as_u16()).unwrap()).finish())
    }

    #[actix_web::test]
    async fn the_actix_middleware_hands_the_router_its_delivery() {
        let runs = Arc::new(AtomicUsize::new(0));
        let receiver =
            Receiver::new(Verifier::builder(Scheme::Stripe).secret(SECRET).build().unwrap(), MemoryStore::new());
        let app = test::init_service(App::new().app_data(web::Data::new(router(&runs))).service(
            web::resource("/webhooks/stripe").wrap(WebhookMiddleware::new(receiver)).route(web::post().to(stripe)),
        ))
        .await;
        let send = |body: &'static str| {
            let headers = signed(&Scheme::Stripe, body.as_bytes(), &[]);
            let mut request = test::TestRequest::post().uri("/webhooks/stripe").set_payload(body);
            for (name, value) in &headers {
                request = request.insert_header((name.as_str(), value.to_str().unwrap()));
            }
            request.to_request()
        };
        let paid = r#"{"id":"evt_1","type":"invoice.paid","data":{"amount":5}}"#;
        assert_eq!(test::call_service(&app, send(paid)).await.status().as_u16(), 200);
        let misfit = r#"{"id":"evt_2","type":"invoice.paid","data":{}}"#;
        assert_eq!(test::call_service(&app, send(misfit)).await.status().as_u16(), 422);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }
}

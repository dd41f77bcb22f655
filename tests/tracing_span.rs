//! With the `tracing` feature, each delivery has a `hooksafe_delivery` span naming its scheme, id, key, tenant, event
//! type, outcome and timings; the handler runs inside it, so its own events carry them; rejections are logged with
//! their reason and never a secret or a signature.
#![cfg(all(feature = "tracing", feature = "axum"))]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::StatusCode;
use axum::routing::post;
use hooksafe::axum::{Webhook, WebhookLayer};
use hooksafe::sign::Signer;
use hooksafe::{MemoryStore, Receiver, Scheme, Secret, Verifier};
use tower::ServiceExt as _;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Records each span's name and fields (recorded later too), the span each event happened in, and each event's
/// level and fields.
#[derive(Default, Clone)]
struct Recorder {
    spans: Arc<Mutex<Vec<String>>>,
    current: Arc<Mutex<Vec<u64>>>,
    events_in: Arc<Mutex<Vec<Option<u64>>>>,
    events: Arc<Mutex<Vec<String>>>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push_str(&format!(" {}={value}", field.name()));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut text = span.metadata().name().to_owned();
        span.record(&mut Fields(&mut text));
        let mut spans = self.spans.lock().unwrap();
        spans.push(text);
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let index = usize::try_from(span.into_u64()).unwrap() - 1;
        values.record(&mut Fields(&mut spans[index]));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let current = self.current.lock().unwrap().last().copied();
        self.events_in.lock().unwrap().push(current);
        let mut text = event.metadata().level().to_string();
        event.record(&mut Fields(&mut text));
        self.events.lock().unwrap().push(text);
    }

    fn enter(&self, span: &Id) {
        self.current.lock().unwrap().push(span.into_u64());
    }

    fn exit(&self, _: &Id) {
        self.current.lock().unwrap().pop();
    }
}

#[test]
fn the_handler_runs_in_a_span_naming_the_delivery_and_its_key() {
    let recorder = Recorder::default();
    let _default = tracing::subscriber::set_default(recorder.clone());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let verifier =
            Verifier::builder(Scheme::StandardWebhooks).secret(Secret::new(SECRET).id("2026")).build().unwrap();
        let handler = |Webhook(_): Webhook<serde_json::Value>| async {
            tracing::info!("handling");
            StatusCode::NO_CONTENT
        };
        let app: Router = Router::new()
            .route("/hook", post(handler))
            .route_layer(WebhookLayer::new(Receiver::new(verifier, MemoryStore::new())));
        let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
        let now = time::OffsetDateTime::now_utc();
        let body = br#"{"type":"user.created"}"#.to_vec();
        let request = signer.request("/hook".parse().unwrap(), "msg_traced", now, body.clone());
        let response = app.clone().oneshot(request.unwrap().map(Body::from)).await.unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let mut forged = signer.request("/hook".parse().unwrap(), "msg_forged", now, body).unwrap();
        *forged.body_mut() = br#"{"type":"user.deleted"}"#.to_vec();
        let response = app.oneshot(forged.map(Body::from)).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    });
    let spans = recorder.spans.lock().unwrap().clone();
    let position = spans.iter().position(|span| span.starts_with("hooksafe_delivery")).expect("a delivery span");
    let span = &spans[position];
    for field in [
        "scheme=standard-webhooks",
        "id=msg_traced",
        "key_id=2026",
        "event_type=user.created",
        "outcome=processed",
        "verify_us=",
        "store_us=",
        "handler_us=",
    ] {
        assert!(span.contains(field), "{field} in {span}");
    }
    let rejected = spans.iter().rfind(|span| span.starts_with("hooksafe_delivery")).unwrap();
    assert!(rejected.contains("outcome=rejected") && !rejected.contains("id=msg_forged"), "{rejected}");
    let events = recorder.events.lock().unwrap().clone();
    let warning = events.iter().find(|event| event.starts_with("WARN")).expect("the rejection is a warning");
    assert!(warning.contains("webhook-signature") && warning.contains("matches no configured key"), "{warning}");
    assert!(events.iter().all(|event| !event.contains(SECRET) && !event.contains("v1,")), "{events:?}");
    let handled_in = recorder.events_in.lock().unwrap().clone();
    assert!(handled_in.contains(&Some(position as u64 + 1)), "the handler's event is inside the span: {handled_in:?}");
}

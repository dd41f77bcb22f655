//! With the `tracing` feature, a handler runs inside a `hooksafe_delivery` span naming the delivery's id, the key
//! that matched and the tenant, so its own events carry them.
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

/// Records each span's name and fields, and the span each event happened in.
#[derive(Default, Clone)]
struct Recorder {
    spans: Arc<Mutex<Vec<String>>>,
    current: Arc<Mutex<Vec<u64>>>,
    events_in: Arc<Mutex<Vec<Option<u64>>>>,
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

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {
        let current = self.current.lock().unwrap().last().copied();
        self.events_in.lock().unwrap().push(current);
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
        let request =
            signer.request("/hook".parse().unwrap(), "msg_traced", time::OffsetDateTime::now_utc(), b"{}".to_vec());
        let response = app.oneshot(request.unwrap().map(Body::from)).await.unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    });
    let spans = recorder.spans.lock().unwrap().clone();
    let position = spans.iter().position(|span| span.starts_with("hooksafe_delivery")).expect("a delivery span");
    assert!(spans[position].contains("id=msg_traced") && spans[position].contains("key_id=2026"), "{spans:?}");
    let handled_in = recorder.events_in.lock().unwrap().clone();
    assert!(handled_in.contains(&Some(position as u64 + 1)), "the handler's event is inside the span: {handled_in:?}");
}

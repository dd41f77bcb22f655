//! With the `metrics` feature, each delivery through an adapter is counted by scheme and outcome, its verification
//! and handler times are recorded, and the claims in flight are a gauge that returns to zero.
#![cfg(all(feature = "metrics", feature = "axum"))]

use axum::Router;
use axum::body::Body;
use axum::http::StatusCode;
use axum::routing::post;
use hooksafe::axum::{Webhook, WebhookLayer};
use hooksafe::sign::Signer;
use hooksafe::{MemoryStore, Receiver, Scheme, Verifier};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use metrics_util::{CompositeKey, MetricKind};
use tower::ServiceExt as _;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

type Snapshot = Vec<(CompositeKey, Option<metrics::Unit>, Option<metrics::SharedString>, DebugValue)>;

/// The value of the metric `name` whose labels include all of `labels`, summed over the rest.
fn value(snapshot: &Snapshot, kind: MetricKind, name: &str, labels: &[(&str, &str)]) -> (u64, f64, usize) {
    let (mut count, mut gauge, mut samples) = (0, 0.0, 0);
    for (key, _, _, value) in snapshot {
        let matches = key.kind() == kind
            && key.key().name() == name
            && labels.iter().all(|(k, v)| key.key().labels().any(|label| label.key() == *k && label.value() == *v));
        if matches {
            match value {
                DebugValue::Counter(value) => count += value,
                DebugValue::Gauge(value) => gauge += value.into_inner(),
                DebugValue::Histogram(values) => samples += values.len(),
            }
        }
    }
    (count, gauge, samples)
}

#[test]
fn deliveries_are_counted_by_outcome_and_claims_in_flight_return_to_zero() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
            let handler = |Webhook(event): Webhook<serde_json::Value>| async move {
                if event["type"] == "fail" { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::NO_CONTENT }
            };
            let app: Router = Router::new()
                .route("/hook", post(handler))
                .route_layer(WebhookLayer::new(Receiver::new(verifier, MemoryStore::new())));
            let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
            let now = time::OffsetDateTime::now_utc();
            let send = |id: &str, body: &str| {
                let request = signer.request("/hook".parse().unwrap(), id, now, body.as_bytes().to_vec()).unwrap();
                let app = app.clone();
                async move { app.oneshot(request.map(Body::from)).await.unwrap().status() }
            };
            assert_eq!(send("msg_1", r#"{"type":"ok"}"#).await, StatusCode::NO_CONTENT);
            assert_eq!(send("msg_1", r#"{"type":"ok"}"#).await, StatusCode::OK);
            assert_eq!(send("msg_2", r#"{"type":"fail"}"#).await, StatusCode::INTERNAL_SERVER_ERROR);
            let mut forged = signer.request("/hook".parse().unwrap(), "msg_3", now, b"{}".to_vec()).unwrap();
            *forged.body_mut() = br#"{"type":"forged"}"#.to_vec();
            assert_eq!(app.clone().oneshot(forged.map(Body::from)).await.unwrap().status(), StatusCode::UNAUTHORIZED);
        });
    });
    let snapshot = snapshotter.snapshot().into_vec();
    let scheme = ("scheme", "standard-webhooks");
    let total = |outcome: &str| {
        value(&snapshot, MetricKind::Counter, "hooksafe_deliveries_total", &[scheme, ("outcome", outcome)]).0
    };
    assert_eq!((total("processed"), total("duplicate"), total("failed"), total("rejected")), (1, 1, 1, 1));
    let invalid =
        value(&snapshot, MetricKind::Counter, "hooksafe_deliveries_total", &[("reason", "invalid signature")]);
    assert_eq!(invalid.0, 1);
    let verification = value(&snapshot, MetricKind::Histogram, "hooksafe_verification_seconds", &[scheme]);
    assert_eq!(verification.2, 4, "every delivery that reached verification");
    assert_eq!(value(&snapshot, MetricKind::Histogram, "hooksafe_handler_seconds", &[scheme]).2, 2);
    assert_eq!(value(&snapshot, MetricKind::Gauge, "hooksafe_claims_in_flight", &[scheme]).1, 0.0);
}

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

#[test]
fn a_paypal_duplicate_with_another_body_of_the_same_crc_is_refused_and_counted() {
    // PayPal signs only the CRC-32 of the body: whoever sees a delivery can make another body with the same CRC-32
    // (here: four bytes appended, solved for with Python's `zlib.crc32`) and send it under the same transmission id.
    const KEY: &str = include_str!("fixtures/paypal-test-key.pem");
    const CHAIN: &str = include_str!("fixtures/paypal-test-chain.pem");
    const BODY: &[u8] = include_bytes!("fixtures/paypal-sale-completed.json");
    const FORGED: &str = "7b226576656e745f74797065223a225041594d454e542e53414c452e5245564552534544222c22666f72676564223a747275657d200ee1001a";
    let now = time::macros::datetime!(2027-03-01 12:00:10 UTC);
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let verifier = Verifier::builder(Scheme::paypal("WH-TEST-HOOKSAFE")).certificate(CHAIN).build().unwrap();
            let receiver = Receiver::new(verifier, MemoryStore::new());
            let signer = Signer::with_private_key(Scheme::paypal("WH-TEST-HOOKSAFE"), KEY)
                .unwrap()
                .certificate_url("https://api-m.paypal.com/v1/notifications/certs/CERT-hooksafe-test");
            let headers = signer.headers("WH-1", now, BODY).unwrap();
            receiver.receive_at((&headers, BODY), now).await.unwrap().complete().await.unwrap();
            // The genuine retry: a duplicate, nothing counted.
            let again = receiver.receive_at((&headers, BODY), now).await.unwrap_err();
            assert_eq!(again.kind(), hooksafe::ErrorKind::Duplicate);
            let counted = value(
                &snapshotter.snapshot().into_vec(),
                MetricKind::Counter,
                "hooksafe_duplicates_with_another_body_total",
                &[],
            );
            assert_eq!(counted.0, 0);
            // The forged body verifies (same CRC-32, same signature), is refused as a duplicate, and is counted.
            let forged = (0..FORGED.len()).step_by(2).map(|i| u8::from_str_radix(&FORGED[i..i + 2], 16).unwrap());
            let forged: Vec<u8> = forged.collect();
            assert!(receiver.verifier().verify_at((&headers, &forged), now).is_ok());
            let error = receiver.receive_at((&headers, &forged), now).await.unwrap_err();
            assert_eq!(error.kind(), hooksafe::ErrorKind::Duplicate);
        });
    });
    let snapshot = snapshotter.snapshot().into_vec();
    let counted =
        value(&snapshot, MetricKind::Counter, "hooksafe_duplicates_with_another_body_total", &[("scheme", "paypal")]);
    assert_eq!(counted.0, 1);
}

#[test]
fn report_only_failures_are_counted_by_reason_and_a_key_on_trial_by_its_id() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let other = "whsec_dGFtcGVyZWQgc2lnbmF0dXJlIGtleSBieXRlcw==";
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let verifier = Verifier::builder(Scheme::StandardWebhooks)
                .secret(SECRET)
                .secret(hooksafe::Secret::new(other).id("next").report_only())
                .report_only()
                .build()
                .unwrap();
            let handler = |_: hooksafe::axum::MaybeVerified<serde_json::Value>| async { StatusCode::NO_CONTENT };
            let app: Router = Router::new()
                .route("/hook", post(handler))
                .route_layer(WebhookLayer::new(Receiver::new(verifier, MemoryStore::new())));
            let now = time::OffsetDateTime::now_utc();
            for (secret, id) in [(other, "msg_1"), (other, "msg_2"), (SECRET, "msg_3")] {
                let signer = Signer::new(Scheme::StandardWebhooks, secret).unwrap();
                let request = signer.request("/hook".parse().unwrap(), id, now, b"{}".to_vec()).unwrap();
                assert_eq!(
                    app.clone().oneshot(request.map(Body::from)).await.unwrap().status(),
                    StatusCode::NO_CONTENT
                );
            }
        });
    });
    let snapshot = snapshotter.snapshot().into_vec();
    let unverified = [("scheme", "standard-webhooks"), ("reason", "invalid signature")];
    assert_eq!(value(&snapshot, MetricKind::Counter, "hooksafe_unverified_total", &unverified).0, 2);
    let trial = [("scheme", "standard-webhooks"), ("key", "next")];
    assert_eq!(value(&snapshot, MetricKind::Counter, "hooksafe_report_only_key_matches_total", &trial).0, 2);
    // The handler ran for each: the unverified ones end as `unverified`, never `processed` nor `rejected`.
    let count = |outcome| value(&snapshot, MetricKind::Counter, "hooksafe_deliveries_total", &[("outcome", outcome)]).0;
    assert_eq!((count("unverified"), count("processed"), count("rejected")), (2, 1, 0));
}

//! A complete axum server receiving Stripe webhooks: verified, deduplicated in memory, routed by event type to typed
//! handlers, and counted in Prometheus metrics at `/metrics`.
//!
//! `cargo run --example axum --features axum,metrics`, then run the `curl` command it prints and look at
//! `curl http://127.0.0.1:3000/metrics`. Check it as Stripe would with `hooksafe check` (see the README).
//! Environment: `PORT` (default 3000), `STRIPE_WEBHOOK_SECRET` (default `whsec_test_secret`).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use axum::{Router, http::StatusCode, routing::get, routing::post};
use hooksafe::axum::{VerifiedWebhook, WebhookLayer};
use hooksafe::router::Event;
use hooksafe::sign::Signer;
use hooksafe::{MemoryStore, Receiver, Scheme, Verifier};
use metrics_exporter_prometheus::PrometheusBuilder;

#[derive(Debug, serde::Deserialize)]
struct InvoicePaid {
    id: String,
    data: serde_json::Value,
}

#[derive(Debug, serde::Deserialize)]
struct Subscription {
    id: String,
}

/// One handler per event type; anything else is acknowledged by the fallback.
fn events() -> hooksafe::Router {
    // The ids whose first attempt the mail service below failed.
    let failed_once = Arc::new(Mutex::new(HashSet::new()));
    hooksafe::Router::new()
        .on::<InvoicePaid>("invoice.payment_failed", move |event: Event<InvoicePaid>| {
            // Telling the customer goes through a mail service that is down at the first attempt of each event
            // (simulated): the handler answers 503, the layer releases the claim, and Stripe's retry is processed.
            let first_attempt = failed_once.lock().unwrap_or_else(PoisonError::into_inner).insert(event.id.clone());
            async move {
                if first_attempt {
                    println!("payment failed ({}): mail service unavailable, answered 503 for a retry", event.id);
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                println!("payment failed ({}): customer notified", event.id);
                StatusCode::OK
            }
        })
        .on::<InvoicePaid>("invoice.paid", |event: Event<InvoicePaid>| async move {
            println!("invoice paid ({}): {}", event.id, event.data);
            StatusCode::OK // 2xx completes the claim; a non-2xx or a panic releases it so Stripe's retry is processed
        })
        .prefix::<Subscription>("customer.subscription.", |event: Event<Subscription>| async move {
            println!("{} ({})", event.event_type().unwrap_or_default(), event.id);
            StatusCode::OK
        })
        .fallback::<serde_json::Value>(|event: Event<serde_json::Value>| async move {
            println!("ignored {:?}, a type this endpoint does not handle", event.event_type());
            StatusCode::OK
        })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT").ok().and_then(|port| port.parse().ok()).unwrap_or(3000);
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_else(|_| "whsec_test_secret".to_owned());
    let prometheus = PrometheusBuilder::new().install_recorder()?;

    let verifier = Verifier::builder(Scheme::Stripe).secret(&secret).build()?;
    let receiver = Receiver::new(verifier, MemoryStore::new());
    let events = Arc::new(events());
    let stripe = move |webhook: VerifiedWebhook| {
        let events = events.clone();
        async move { events.dispatch(&webhook).await } // a body that does not fit its type is 422, released
    };
    let app = Router::new()
        .route("/webhooks/stripe", post(stripe))
        .route_layer(WebhookLayer::new(receiver))
        .route("/metrics", get(move || std::future::ready(prometheus.render())));

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    print_instructions(port, &secret)?;
    axum::serve(listener, app).await?;
    Ok(())
}

/// A `curl` command that sends what Stripe would, signed now (valid for five minutes).
fn print_instructions(port: u16, secret: &str) -> Result<(), Box<dyn std::error::Error>> {
    let body = r#"{"id":"evt_1","type":"invoice.paid","data":{"amount_paid":4200}}"#;
    let headers = Signer::new(Scheme::Stripe, secret)?.headers("", time::OffsetDateTime::now_utc(), body.as_bytes())?;
    println!("listening on http://127.0.0.1:{port}/webhooks/stripe; send a signed test delivery with:\n");
    print!("curl -i http://127.0.0.1:{port}/webhooks/stripe");
    for (name, value) in &headers {
        print!(" -H '{name}: {}'", value.to_str()?);
    }
    println!(" --data '{body}'\n\nSend it twice: the second answer carries `hooksafe-outcome: duplicate`.");
    println!("Then see the counts: curl http://127.0.0.1:{port}/metrics");
    Ok(())
}

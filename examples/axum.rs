//! A complete axum server receiving Stripe webhooks: verified, deduplicated in memory, parsed into a typed enum.
//!
//! `cargo run --example axum --features axum`, then run the `curl` command it prints.
//! Environment: `PORT` (default 3000), `STRIPE_WEBHOOK_SECRET` (default `whsec_test_secret`).

use axum::{Router, http::StatusCode, routing::post};
use hooksafe::axum::{Webhook, WebhookLayer};
use hooksafe::sign::Signer;
use hooksafe::{MemoryStore, Receiver, Scheme, Verifier};

/// The events this endpoint handles; anything else lands in `Other` and is acknowledged.
#[derive(Debug, serde::Deserialize)]
#[serde(tag = "type")]
enum StripeEvent {
    #[serde(rename = "invoice.paid")]
    InvoicePaid { id: String, data: serde_json::Value },
    #[serde(rename = "customer.subscription.deleted")]
    SubscriptionDeleted { id: String },
    #[serde(other)]
    Other,
}

async fn stripe(Webhook(event): Webhook<StripeEvent>) -> StatusCode {
    match event {
        StripeEvent::InvoicePaid { id, data } => println!("invoice paid ({id}): {data}"),
        StripeEvent::SubscriptionDeleted { id } => println!("subscription deleted ({id})"),
        StripeEvent::Other => println!("ignored an event type this endpoint does not handle"),
    }
    StatusCode::OK // 2xx completes the claim; a non-2xx or a panic releases it so Stripe's retry is processed
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT").ok().and_then(|port| port.parse().ok()).unwrap_or(3000);
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_else(|_| "whsec_test_secret".to_owned());

    let verifier = Verifier::builder(Scheme::Stripe).secret(&secret).build()?;
    let receiver = Receiver::new(verifier, MemoryStore::new());
    let app = Router::new().route("/webhooks/stripe", post(stripe)).route_layer(WebhookLayer::new(receiver));

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
    Ok(())
}

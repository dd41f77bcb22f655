//! Sign a sample event as a provider would, verify it, and watch three bad deliveries get rejected.
//!
//! Run with `cargo run --example quickstart`.

use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier};
use time::{Duration, OffsetDateTime};

#[derive(Debug, serde::Deserialize)]
#[serde(tag = "type")]
enum Event {
    #[serde(rename = "invoice.paid")]
    InvoicePaid { id: String, amount_paid: u64 },
    #[serde(other)]
    Other,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(secret).build()?;

    // What the provider sends: the raw body and its headers.
    let body = br#"{"type":"invoice.paid","id":"in_1","amount_paid":4200}"#;
    let now = OffsetDateTime::now_utc();
    let provider = Signer::new(Scheme::StandardWebhooks, secret)?;
    let headers = provider.headers("msg_2mK8", now, body)?;
    for (name, value) in &headers {
        println!("{name}: {}", value.to_str()?);
    }

    let verified = verifier.verify((&headers, body))?;
    let event: Event = verified.json()?;
    println!("\nverified delivery {:?} at {:?}: {event:?}", verified.id(), verified.timestamp());
    if let Event::InvoicePaid { id, amount_paid } = &event {
        println!("  -> invoice {id} paid {amount_paid}");
    }

    println!("\nrejected deliveries:");
    let tampered = br#"{"type":"invoice.paid","id":"in_1","amount_paid":1}"#;
    let error = verifier.verify((&headers, tampered)).unwrap_err();
    println!("  tampered body:   {} -> {error}", error.status());

    let stale = provider.headers("msg_2mK8", now - Duration::minutes(10), body)?;
    let error = verifier.verify((&stale, body)).unwrap_err();
    println!("  stale timestamp: {} -> {error}", error.status());

    let stranger = Signer::new(Scheme::StandardWebhooks, "whsec_c29tZWJvZHkgZWxzZSdzIDI0IGJ5dGUga2V5")?;
    let forged = stranger.headers("msg_2mK8", now, body)?;
    let error = verifier.verify((&forged, body)).unwrap_err();
    println!("  wrong secret:    {} -> {error}", error.status());
    Ok(())
}

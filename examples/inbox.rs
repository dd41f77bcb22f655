//! An axum server receiving Stripe webhooks into a durable inbox in PostgreSQL, acknowledged as soon as each is
//! committed, and two workers processing them: `processed <event id>` for each, a retry with backoff when the handler
//! fails, and dead after the last attempt.
//!
//! Start PostgreSQL (one command, with Docker): `docker run --rm -p 5432:5432 -e POSTGRES_PASSWORD=hooksafe postgres:16`
//! then `DATABASE_URL=postgres://postgres:hooksafe@127.0.0.1/postgres cargo run --example inbox --features axum,postgres`
//! and run the `curl` commands it prints.
//! Environment: `DATABASE_URL` (required), `STRIPE_WEBHOOK_SECRET` (default `whsec_test_secret`), `PORT` (default 3000).

use std::time::Duration;

use hooksafe::inbox::{Inbox, InboxDelivery};
use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier};

#[derive(Debug, serde::Deserialize)]
struct StripeEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let database = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL (see the top of examples/inbox.rs)")?;
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_else(|_| "whsec_test_secret".to_owned());
    let port: u16 = std::env::var("PORT").ok().and_then(|port| port.parse().ok()).unwrap_or(3000);

    let pool = sqlx::PgPool::connect(&database).await?;
    let verifier = Verifier::builder(Scheme::Stripe).secret(&secret).build()?;
    let inbox = Inbox::builder(verifier, pool)
        .max_attempts(3)
        .backoff(Duration::from_secs(1), Duration::from_secs(30))
        .build()?;
    inbox.migrate().await?;

    // Two workers, in this process here; they could as well run in another.
    for _ in 0..2 {
        let worker = inbox.worker(|delivery: InboxDelivery, _tx| {
            Box::pin(async move {
                let event: StripeEvent = delivery.json()?;
                if event.kind == "invoice.payment_failed" && delivery.attempt() < 3 {
                    // A flaky downstream: this attempt fails, and the worker retries after a backoff.
                    println!("attempt {} of {} failed; retrying", delivery.attempt(), event.id);
                    return Err("the billing service is unavailable".into());
                }
                println!("processed {}", event.id);
                Ok(())
            })
        });
        tokio::spawn(worker.run());
    }

    let app = axum::Router::new().route_service("/webhooks/stripe", inbox.service());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    print_instructions(port, &secret)?;
    axum::serve(listener, app).await?;
    Ok(())
}

/// `curl` commands that send what Stripe would, signed now (valid for five minutes).
fn print_instructions(port: u16, secret: &str) -> Result<(), Box<dyn std::error::Error>> {
    let signer = Signer::new(Scheme::Stripe, secret)?;
    println!("listening on http://127.0.0.1:{port}/webhooks/stripe; send signed test deliveries with:\n");
    for body in [
        r#"{"id":"evt_1","type":"invoice.paid","data":{"amount_paid":4200}}"#,
        r#"{"id":"evt_2","type":"invoice.payment_failed","data":{}}"#,
    ] {
        let headers = signer.headers("", time::OffsetDateTime::now_utc(), body.as_bytes())?;
        print!("curl -i http://127.0.0.1:{port}/webhooks/stripe");
        for (name, value) in &headers {
            print!(" -H '{name}: {}'", value.to_str()?);
        }
        println!(" --data '{body}'\n");
    }
    println!("Each is answered 202 once committed; send one twice and the second is a duplicate.");
    Ok(())
}

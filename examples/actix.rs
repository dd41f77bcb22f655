//! A complete actix-web server receiving Standard Webhooks (Svix) deliveries: verified, deduplicated in memory,
//! parsed into a typed enum.
//!
//! `cargo run --example actix --features actix-web`, then run the `curl` command it prints.
//! Environment: `PORT` (default 3000), `WEBHOOK_SECRET` (default a test `whsec_` secret).

use actix_web::{App, HttpResponse, HttpServer, web};
use hooksafe::actix::{Webhook, WebhookMiddleware};
use hooksafe::sign::Signer;
use hooksafe::{MemoryStore, Receiver, Scheme, Verifier};

/// The events this endpoint handles; anything else lands in `Other` and is acknowledged.
#[derive(Debug, serde::Deserialize)]
#[serde(tag = "type")]
enum Event {
    #[serde(rename = "user.created")]
    UserCreated { data: serde_json::Value },
    #[serde(rename = "user.deleted")]
    UserDeleted { data: serde_json::Value },
    #[serde(other)]
    Other,
}

async fn webhook(Webhook(event): Webhook<Event>) -> HttpResponse {
    match event {
        Event::UserCreated { data } => println!("user created: {data}"),
        Event::UserDeleted { data } => println!("user deleted: {data}"),
        Event::Other => println!("ignored an event type this endpoint does not handle"),
    }
    HttpResponse::NoContent().finish()
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT").ok().and_then(|port| port.parse().ok()).unwrap_or(3000);
    let secret =
        std::env::var("WEBHOOK_SECRET").unwrap_or_else(|_| "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned());

    let verifier = Verifier::builder(Scheme::Svix).secret(&secret).build()?;
    // One receiver shared by every worker, so they deduplicate together.
    let middleware = WebhookMiddleware::new(Receiver::new(verifier, MemoryStore::new()));
    print_instructions(port, &secret)?;
    HttpServer::new(move || {
        App::new().service(web::resource("/webhooks").wrap(middleware.clone()).route(web::post().to(webhook)))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}

/// A `curl` command that sends what Svix would, signed now (valid for five minutes).
fn print_instructions(port: u16, secret: &str) -> Result<(), Box<dyn std::error::Error>> {
    let body = r#"{"type":"user.created","data":{"id":"user_1"}}"#;
    let headers =
        Signer::new(Scheme::Svix, secret)?.headers("msg_1", time::OffsetDateTime::now_utc(), body.as_bytes())?;
    println!("listening on http://127.0.0.1:{port}/webhooks; send a signed test delivery with:\n");
    print!("curl -i http://127.0.0.1:{port}/webhooks");
    for (name, value) in &headers {
        print!(" -H '{name}: {}'", value.to_str()?);
    }
    println!(" --data '{body}'\n\nSend it twice: the second answer carries `hooksafe-outcome: duplicate`.");
    Ok(())
}

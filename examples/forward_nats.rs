//! Stripe deliveries forwarded to NATS JetStream, and a consumer printing each message it reads.
//!
//! `cargo run --example forward_nats --features axum,nats`: uses the NATS server at `NATS_URL`, or starts its own
//! `nats-server -js` (Debian: `apt-get install nats-server`) on a free loopback port with a scratch store. It serves
//! a forwarder on a loopback port, sends it four signed Stripe events (one of them twice, as a retry) and prints
//! what the provider was answered and what a JetStream consumer then reads: three messages, each once.

use std::time::Duration;

use async_nats::jetstream::{self, consumer::pull, stream};
use futures_util::StreamExt as _;
use hooksafe::forward::nats::JetStreamSink;
use hooksafe::forward::{Forwarder, Message};
use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const SECRET: &str = "whsec_example_3f1a9c0e4b7d2a6f";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (url, _server) = match std::env::var("NATS_URL") {
        Ok(url) => (url, None),
        Err(_) => {
            let server = OwnServer::start()?;
            (server.url.clone(), Some(server))
        }
    };
    let context = jetstream::new(async_nats::connect(&url).await?);
    // File storage, and a duplicate window longer than Stripe's replay window (5 minutes each way).
    context
        .get_or_create_stream(stream::Config {
            name: "STRIPE".into(),
            subjects: vec!["stripe.>".into()],
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(20 * 60),
            ..Default::default()
        })
        .await?;

    let sink = JetStreamSink::new(context.clone(), "STRIPE", "stripe").await?;
    // Bodies must fit the server's `max_payload` (1 MB by default) with the message's headers.
    let verifier = Verifier::builder(Scheme::Stripe).secret(SECRET).max_body_size(512 * 1024).build()?;
    let forwarder = Forwarder::builder(verifier, sink)
        // One subject per Stripe object, so a consumer can follow one customer's events in order.
        .ordering_key(|event| {
            event.json::<serde_json::Value>().ok()?["data"]["object"]["id"].as_str().map(str::to_owned)
        })
        .build()?;
    let app = axum::Router::new().route_service("/webhooks/stripe", forwarder.service());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("forwarding Stripe deliveries from http://{address}/webhooks/stripe to JetStream at {url}");

    let signer = Signer::new(Scheme::Stripe, SECRET)?;
    let events = [
        (r#"{"id":"evt_1","type":"customer.created","data":{"object":{"id":"cus_1"}}}"#, "sent"),
        (r#"{"id":"evt_2","type":"invoice.paid","data":{"object":{"id":"in_1"}}}"#, "sent"),
        (r#"{"id":"evt_2","type":"invoice.paid","data":{"object":{"id":"in_1"}}}"#, "retried"),
        (r#"{"id":"evt_3","type":"customer.updated","data":{"object":{"id":"cus_1"}}}"#, "sent"),
    ];
    for (body, how) in events {
        let headers = signer.headers("", time::OffsetDateTime::now_utc(), body.as_bytes())?;
        let signature = headers["stripe-signature"].to_str()?;
        let answer = post(address, signature, body).await?;
        println!("{how} {}: {answer}", &body[7..12]);
    }

    let stream = context.get_stream("STRIPE").await?;
    let consumer = stream
        .get_or_create_consumer("example", pull::Config { durable_name: Some("example".into()), ..Default::default() })
        .await?;
    let mut messages = consumer.fetch().max_messages(10).expires(Duration::from_secs(1)).messages().await?;
    while let Some(message) = messages.next().await {
        let message = message?;
        let delivery = Message::from_nats(&message)?;
        println!(
            "read on {}: {} {} (object {}, received {})",
            message.subject,
            delivery.id().unwrap_or("-"),
            delivery.event_type().unwrap_or_default(),
            delivery.ordering_key().unwrap_or("-"),
            delivery.received_at()
        );
        message.ack().await?;
    }
    Ok(())
}

/// Posts a Stripe delivery and returns the status line and the outcome header, if any.
async fn post(address: std::net::SocketAddr, signature: &str, body: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let request = format!(
        "POST /webhooks/stripe HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-type: application/json\r\n\
         stripe-signature: {signature}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let status = response.lines().next().unwrap_or_default().trim_start_matches("HTTP/1.1 ").to_owned();
    let outcome = response.lines().find_map(|line| line.strip_prefix("hooksafe-outcome: "));
    Ok(outcome.map_or(status.clone(), |outcome| format!("{status} ({outcome})")))
}

/// A `nats-server -js` of the example's own, stopped on drop.
struct OwnServer {
    child: std::process::Child,
    url: String,
    dir: std::path::PathBuf,
}

impl OwnServer {
    fn start() -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let dir = std::env::temp_dir().join(format!("hooksafe-example-nats-{port}"));
        let child = std::process::Command::new("nats-server")
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd", dir.to_str().unwrap_or(".")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|error| {
                format!("set NATS_URL, or install nats-server (`apt-get install nats-server`): {error}")
            })?;
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Self { child, url: format!("nats://127.0.0.1:{port}"), dir })
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

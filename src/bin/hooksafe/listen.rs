//! `hooksafe listen`: receive deliveries on a loopback port and print each one's id, type, key and outcome.

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use hooksafe::{ErrorKind, MemoryStore, Receiver};

use super::{Failure, VerifyingKeys, paint};

#[derive(Args)]
pub(crate) struct ListenArgs {
    #[command(flatten)]
    keys: VerifyingKeys,
    /// The port on 127.0.0.1 (0: any free port, printed).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Print each verified body too, as indented JSON where it is JSON.
    #[arg(long)]
    show_body: bool,
}

pub(crate) fn run(args: &ListenArgs) -> Result<ExitCode, Failure> {
    let receiver = Arc::new(Receiver::new(args.keys.verifier()?, MemoryStore::new()));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let show_body = args.show_body;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port))).await?;
        let address = listener.local_addr()?;
        println!("listening on http://{address}/ ({} deliveries), Ctrl-C to stop", receiver.verifier().scheme());
        let colour = std::io::stdout().is_terminal();
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let receiver = receiver.clone();
            async move { receive(&receiver, request, show_body, colour).await }
        });
        axum::serve(listener, app).await?;
        Ok::<_, Failure>(ExitCode::SUCCESS)
    })
}

/// Verifies and claims one delivery, prints it, and answers as a receiver would (`200`, or the error's status).
async fn receive(
    receiver: &Receiver<MemoryStore>,
    request: axum::extract::Request,
    show_body: bool,
    colour: bool,
) -> http::Response<axum::body::Body> {
    let (parts, body) = request.into_parts();
    let limit = receiver.verifier().max_body_size();
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(body) => body,
        Err(_) => {
            println!(
                "{} {} {}: the body is larger than {limit} bytes",
                paint("✗", false, colour),
                parts.method,
                parts.uri
            );
            let mut response = http::Response::new(axum::body::Body::from("payload too large"));
            *response.status_mut() = http::StatusCode::PAYLOAD_TOO_LARGE;
            return response;
        }
    };
    let delivery = match receiver.receive((&parts, &body)).await {
        Ok(delivery) => delivery,
        Err(error) if error.kind() == ErrorKind::Duplicate => {
            println!("= {} {}: a duplicate, acknowledged without processing", parts.method, parts.uri);
            return error.to_response();
        }
        Err(error) => {
            println!("{} {} {}: {error}", paint("✗", false, colour), parts.method, parts.uri);
            return error.to_response();
        }
    };
    if let Some(handshake) = delivery.handshake() {
        println!("{} {} {}: answered the provider's endpoint check", paint("✓", true, colour), parts.method, parts.uri);
        return handshake.to_response();
    }
    let verified = delivery.verified();
    println!(
        "{} id={} type={} key={} outcome=processed",
        paint("✓", true, colour),
        verified.id().unwrap_or("-"),
        verified.event_type().as_deref().unwrap_or("-"),
        verified.key_id(),
    );
    if show_body {
        match serde_json::from_slice::<serde_json::Value>(verified.body()) {
            Ok(json) => println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default()),
            Err(_) => println!("{}", String::from_utf8_lossy(verified.body())),
        }
    }
    let _ = std::io::stdout().flush();
    match delivery.complete().await {
        Ok(_) => http::Response::new(axum::body::Body::empty()),
        Err(error) => error.to_response(),
    }
}

//! `hooksafe listen`: receive deliveries on a loopback port and print each one's id, type, key and outcome.

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use hooksafe::sign::Signer;
use hooksafe::{ErrorKind, MemoryStore, Receiver};

use super::inspector::{Inspector, Outcome};
use super::{Failure, VerifyingKeys, configured, paint};

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
    /// Also serve an inspector page on loopback: the deliveries received, live, with a replay button.
    #[arg(long)]
    ui: bool,
    /// The inspector's port on 127.0.0.1 (0: any free port, printed).
    #[arg(long, default_value_t = 0, requires = "ui")]
    ui_port: u16,
}

pub(crate) fn run(args: &ListenArgs) -> Result<ExitCode, Failure> {
    let receiver = Arc::new(Receiver::new(args.keys.verifier()?, MemoryStore::new()));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let show_body = args.show_body;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port))).await?;
        let address = listener.local_addr()?;
        println!("listening on http://{address}/ ({} deliveries), Ctrl-C to stop", receiver.verifier().scheme());
        let inspector = match args.ui {
            true => {
                let inspector = Arc::new(Inspector::new(
                    address,
                    replay_signer(&args.keys),
                    args.keys.verifier_ignoring_time().ok(),
                    receiver.verifier().scheme().to_string(),
                    args.keys.secret.clone(),
                )?);
                let ui = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.ui_port))).await?;
                // The token in the fragment: the browser keeps it, and only this terminal shows it.
                println!("inspector on http://{}/#token={}", ui.local_addr()?, inspector.token());
                let serving = inspector.clone();
                tokio::spawn(async move {
                    if let Err(error) = super::inspector::serve(serving, ui).await {
                        eprintln!("hooksafe: the inspector stopped: {error}");
                    }
                });
                Some(inspector)
            }
            false => None,
        };
        let _ = std::io::stdout().flush();
        let colour = std::io::stdout().is_terminal();
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let (receiver, inspector) = (receiver.clone(), inspector.clone());
            async move { receive(&receiver, request, show_body, colour, inspector.as_deref()).await }
        });
        axum::serve(listener, app).await?;
        Ok::<_, Failure>(ExitCode::SUCCESS)
    })
}

/// What re-signs a replay from the inspector: the first secret `listen` verifies with; or why there is none.
fn replay_signer(keys: &VerifyingKeys) -> Result<Signer, String> {
    let scheme = configured(&keys.scheme, keys.public_url.as_deref(), keys.webhook_id.as_deref());
    let secret = keys.secret.first().ok_or("listen was given no secret")?;
    let mut signer = Signer::new(scheme, secret).map_err(|error| error.to_string())?;
    if let Some(url) = &keys.public_url {
        signer = signer.public_url(url).map_err(|error| error.to_string())?;
    }
    Ok(signer)
}

/// Verifies and claims one delivery, prints it (and keeps it for the inspector), and answers as a receiver would
/// (`200`, or the error's status).
async fn receive(
    receiver: &Receiver<MemoryStore>,
    request: axum::extract::Request,
    show_body: bool,
    colour: bool,
    inspector: Option<&Inspector>,
) -> http::Response<axum::body::Body> {
    let (parts, body) = request.into_parts();
    let limit = receiver.verifier().max_body_size();
    let record = |body: Option<&bytes::Bytes>, outcome: Outcome| {
        if let Some(inspector) = inspector {
            inspector.record(&parts, body, outcome);
        }
    };
    let refused = |verdict, reason: Option<String>, response: &http::Response<axum::body::Body>| Outcome {
        verdict,
        reason,
        status: response.status().as_u16(),
        id: None,
        event_type: None,
    };
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(body) => body,
        Err(_) => {
            let reason = format!("the body could not be read within the limit of {limit} bytes");
            println!("{} {} {}: {reason}", paint("✗", false, colour), parts.method, parts.uri);
            let mut response = http::Response::new(axum::body::Body::from("payload too large"));
            *response.status_mut() = http::StatusCode::PAYLOAD_TOO_LARGE;
            record(None, refused("rejected", Some(reason), &response));
            return response;
        }
    };
    let delivery = match receiver.receive((&parts, &body)).await {
        Ok(delivery) => delivery,
        Err(error) if error.kind() == ErrorKind::Duplicate => {
            println!("= {} {}: a duplicate, acknowledged without processing", parts.method, parts.uri);
            let response = error.to_response();
            // It verified before the store found it done: its id and type, for the page.
            let verified = inspector.and_then(|_| receiver.verifier().verify((&parts, &body)).ok());
            let reason = "already processed: acknowledged, not processed again";
            let outcome = Outcome {
                id: verified.as_ref().and_then(|verified| verified.id().map(str::to_owned)),
                event_type: verified.as_ref().and_then(hooksafe::Verified::event_type),
                ..refused("duplicate", Some(reason.into()), &response)
            };
            record(Some(&body), outcome);
            return response;
        }
        Err(error) => {
            println!("{} {} {}: {error}", paint("✗", false, colour), parts.method, parts.uri);
            let response = error.to_response();
            let verdict = if error.kind() == ErrorKind::InProgress { "in-progress" } else { "rejected" };
            record(Some(&body), refused(verdict, Some(error.to_string()), &response));
            return response;
        }
    };
    if let Some(handshake) = delivery.handshake() {
        println!("{} {} {}: answered the provider's endpoint check", paint("✓", true, colour), parts.method, parts.uri);
        let response = handshake.to_response();
        record(Some(&body), refused("handshake", Some("the provider's endpoint check, answered".into()), &response));
        return response;
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
    let outcome = Outcome {
        verdict: "processed",
        reason: None,
        status: 200,
        id: verified.id().map(str::to_owned),
        event_type: verified.event_type(),
    };
    let response = match delivery.complete().await {
        Ok(_) => http::Response::new(axum::body::Body::empty()),
        Err(error) => error.to_response(),
    };
    let verdict = if response.status().is_success() { "processed" } else { "failed" };
    record(Some(&body), Outcome { status: response.status().as_u16(), verdict, ..outcome });
    response
}

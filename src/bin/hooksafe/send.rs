//! `hooksafe send`: correctly signed (or deliberately broken) deliveries to a local endpoint, never through a proxy.

use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Args, ValueEnum};
use http::{HeaderMap, HeaderValue, Request};

use super::{Delivery, Failure, Prepared, SigningKey, paint, signed_request};

#[derive(Args)]
pub(crate) struct SendArgs {
    /// The endpoint, such as http://127.0.0.1:3000/webhooks/stripe.
    url: String,
    #[command(flatten)]
    key: SigningKey,
    #[command(flatten)]
    delivery: Delivery,
    /// Send the same delivery N times (a provider's retries: all but one should be duplicates).
    #[arg(long, default_value_t = 1, value_name = "N")]
    repeat: usize,
    /// At most N deliveries in flight at once (at most 64).
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=64))]
    concurrency: u8,
    /// Break the delivery after signing it, to see the endpoint refuse it.
    #[arg(long)]
    tamper: Option<Tamper>,
    /// Sign as of SECONDS ago, to see the replay window refuse it.
    #[arg(long, value_name = "SECONDS")]
    stale: Option<u32>,
    /// Allow an endpoint that is not on this machine (loopback).
    #[arg(long)]
    allow_remote: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Tamper {
    /// Change one byte of the body.
    Body,
    /// Replace the signature with one made by another key.
    Signature,
    /// Move the signed timestamp a minute without signing it again.
    Timestamp,
}

pub(crate) fn run(args: &SendArgs) -> Result<ExitCode, Failure> {
    let uri = super::endpoint(&args.url, args.allow_remote)?;
    let signer = args.key.signer()?;
    let mut prepared = args.delivery.prepare(&args.key.scheme)?;
    if let Some(seconds) = args.stale {
        prepared.timestamp -= time::Duration::seconds(i64::from(seconds));
    }
    let mut request = signed_request(&signer, &prepared, uri)?;
    if let Some(tamper) = args.tamper {
        tamper_with(&mut request, tamper, &args.key, &prepared)?;
    }
    let agent = super::loopback_agent(std::time::Duration::from_secs(30));
    let next = AtomicUsize::new(0);
    let (succeeded, failed) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let colour = std::io::stdout().is_terminal();
    let errors = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..usize::from(args.concurrency).min(args.repeat) {
            scope.spawn(|| {
                while next.fetch_add(1, Ordering::SeqCst) < args.repeat {
                    match post(&agent, &args.url, &request) {
                        Ok((status, outcome)) => {
                            let ok = (200..300).contains(&status);
                            let counter = if ok { &succeeded } else { &failed };
                            counter.fetch_add(1, Ordering::SeqCst);
                            let line = format!(
                                "{status} {}",
                                outcome.map_or_else(String::new, |outcome| format!("({outcome})"))
                            );
                            println!("{}", paint(line.trim_end(), ok, colour));
                        }
                        Err(error) => errors.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(error),
                    }
                }
            });
        }
    });
    if let Some(error) = errors.into_inner().unwrap_or_default().into_iter().next() {
        return Err(Failure(format!("could not send to {}: {error}", args.url)));
    }
    if args.repeat > 1 {
        eprintln!("{} answered 2xx, {} did not", succeeded.load(Ordering::SeqCst), failed.load(Ordering::SeqCst));
    }
    Ok(if failed.load(Ordering::SeqCst) == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Posts `request` to `url`: the status and the `hooksafe-outcome` header.
fn post(agent: &ureq::Agent, url: &str, request: &Request<Vec<u8>>) -> Result<(u16, Option<String>), String> {
    super::exchange(agent, url, request, 0).map(|answered| (answered.status, answered.outcome))
}

/// Breaks a signed request as `tamper` says: the headers that carry the signature are those that differ when another
/// key signs the same delivery; a timestamp is moved where it is written in unix seconds or milliseconds.
fn tamper_with(
    request: &mut Request<Vec<u8>>,
    tamper: Tamper,
    key: &SigningKey,
    prepared: &Prepared,
) -> Result<(), Failure> {
    match tamper {
        Tamper::Body => super::tamper_body(request.body_mut()),
        Tamper::Signature => {
            let forged = key.forger().map(|forger| signed_request(&forger, prepared, request.uri().clone()));
            let forged = forged
                .and_then(Result::ok)
                .ok_or_else(|| Failure("this scheme's signature cannot be tampered with here".into()))?;
            let mut changed = false;
            for (name, value) in forged.headers() {
                if request.headers().get(name) != Some(value) {
                    request.headers_mut().insert(name.clone(), value.clone());
                    changed = true;
                }
            }
            if !changed {
                return Err(Failure("this scheme carries no signature header to tamper with".into()));
            }
        }
        Tamper::Timestamp => {
            let seconds = prepared.timestamp.unix_timestamp();
            let (from, to) = (seconds.to_string(), (seconds + 60).to_string());
            let mut changed = false;
            let headers: HeaderMap = request.headers().clone();
            for (name, value) in &headers {
                let text = value.to_str().unwrap_or_default();
                if text.contains(&from) {
                    request.headers_mut().insert(name.clone(), HeaderValue::from_str(&text.replace(&from, &to))?);
                    changed = true;
                }
            }
            if !changed {
                return Err(Failure("this scheme's timestamp is not in a header hooksafe can move".into()));
            }
        }
    }
    Ok(())
}

//! `hooksafe`: sign, send, verify and receive webhooks on your own machine, exactly as each provider signs them.
//!
//! Installed with `cargo install hooksafe --features cli`. Secrets may come from `HOOKSAFE_SECRET` instead of the
//! command line (which other users of the machine can see in the process list). Nothing here prints a secret: `sign`
//! masks headers that carry one as it is (GitLab's token, Basic credentials) unless `--show-secret` is given, and
//! `send` never goes through a proxy.

mod fixtures;

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Args, Parser, Subcommand, ValueEnum};
use hooksafe::sign::Signer;
use hooksafe::{ErrorKind, MemoryStore, Receiver, Scheme, Verifier, VerifierBuilder};
use http::{HeaderMap, HeaderValue, Request, Uri};
use time::OffsetDateTime;

/// Exit codes: 0 success, 1 a delivery was rejected (or answered non-2xx), 2 a usage, configuration or network error.
#[derive(Parser)]
#[command(
    name = "hooksafe",
    version,
    about = "Sign, send, verify and receive webhooks locally, exactly as each provider signs them.",
    after_help = "Exit status: 0 on success, 1 when a delivery is rejected or answered with a non-2xx status, 2 on a \
                  usage, configuration or network error. Secrets can be given in HOOKSAFE_SECRET instead of --secret."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the headers a provider sends with a body, or a complete curl command.
    Sign(SignArgs),
    /// POST correctly signed deliveries to a local endpoint and print each answer.
    Send(SendArgs),
    /// Explain whether a captured HTTP request verifies, and if not, why.
    Verify(VerifyArgs),
    /// Receive deliveries on a local port and print each one's id, type, key and outcome.
    Listen(ListenArgs),
}

/// How the provider signs: its scheme and key.
#[derive(Args)]
struct SigningKey {
    /// The provider's scheme by name: stripe, github, standard-webhooks, … (an unknown name lists them all).
    #[arg(long)]
    scheme: Scheme,
    /// The signing secret, as the provider's dashboard shows it.
    #[arg(long, env = "HOOKSAFE_SECRET", hide_env_values = true, required_unless_present = "private_key")]
    secret: Option<String>,
    /// Instead of a secret, the provider's private key (Discord, SendGrid, Standard Webhooks v1a, PayPal), or `@FILE`.
    #[arg(long, conflicts_with = "secret")]
    private_key: Option<String>,
    /// PayPal: the webhook id signed into every delivery.
    #[arg(long)]
    webhook_id: Option<String>,
    /// The URL the provider calls, for schemes that sign it (Twilio, HubSpot, Mandrill; Square's notification URL).
    #[arg(long)]
    public_url: Option<String>,
}

/// What is delivered.
#[derive(Args)]
struct Delivery {
    /// The body: JSON or other text, or `@FILE` (`@-` for standard input).
    #[arg(long, required_unless_present = "from_fixture")]
    body: Option<String>,
    /// A sample event shipped with hooksafe instead of --body: stripe-invoice-paid, github-push, … (an unknown name
    /// lists them).
    #[arg(long, conflicts_with = "body")]
    from_fixture: Option<String>,
    /// The delivery id, where the scheme sends one (default: a fresh `msg_…`).
    #[arg(long)]
    id: Option<String>,
    /// The signing time: unix seconds or RFC 3339 (default: now).
    #[arg(long)]
    timestamp: Option<String>,
}

#[derive(Args)]
struct SignArgs {
    #[command(flatten)]
    key: SigningKey,
    #[command(flatten)]
    delivery: Delivery,
    /// Print a complete curl command that posts the delivery to URL.
    #[arg(long, value_name = "URL")]
    curl: Option<String>,
    /// Print headers that carry the secret itself (GitLab's token, Basic credentials) instead of masking them.
    #[arg(long)]
    show_secret: bool,
}

#[derive(Args)]
struct SendArgs {
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

/// How the receiver verifies.
#[derive(Args)]
struct VerifyingKeys {
    /// The provider's scheme by name: stripe, github, standard-webhooks, …
    #[arg(long)]
    scheme: Scheme,
    /// A signing secret; give it again for each secret of a rotation.
    #[arg(long, env = "HOOKSAFE_SECRET", hide_env_values = true)]
    secret: Vec<String>,
    /// A provider public key (Discord, SendGrid, Standard Webhooks v1a); may be repeated.
    #[arg(long)]
    public_key: Vec<String>,
    /// PayPal: a pinned certificate, as a PEM file.
    #[arg(long, value_name = "FILE")]
    certificate: Vec<std::path::PathBuf>,
    /// PayPal: the webhook id.
    #[arg(long)]
    webhook_id: Option<String>,
    /// The URL the provider calls, for schemes that sign it.
    #[arg(long)]
    public_url: Option<String>,
}

#[derive(Args)]
struct VerifyArgs {
    #[command(flatten)]
    keys: VerifyingKeys,
    /// The raw HTTP request as captured (request line, headers, blank line, body), or `-` for standard input.
    #[arg(long, value_name = "FILE")]
    request: String,
    /// Verify as of this time (unix seconds or RFC 3339) instead of now, for an old capture.
    #[arg(long)]
    at: Option<String>,
}

#[derive(Args)]
struct ListenArgs {
    #[command(flatten)]
    keys: VerifyingKeys,
    /// The port on 127.0.0.1 (0: any free port, printed).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Print each verified body too, as indented JSON where it is JSON.
    #[arg(long)]
    show_body: bool,
}

/// A failure the command reports and exits 2 for.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Self(error.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sign(args) => sign(&args),
        Command::Send(args) => send(&args),
        Command::Verify(args) => verify(&args),
        Command::Listen(args) => listen(&args),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("hooksafe: {message}");
            ExitCode::from(2)
        }
    }
}

/// `@FILE` (`@-`: standard input) read as bytes, or the text itself.
fn text_or_file(value: &str) -> Result<Vec<u8>, Failure> {
    match value.strip_prefix('@') {
        Some("-") => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes)?;
            Ok(bytes)
        }
        Some(path) => std::fs::read(path).map_err(|error| Failure(format!("cannot read {path}: {error}"))),
        None => Ok(value.as_bytes().to_vec()),
    }
}

/// A time given as unix seconds or RFC 3339.
fn time_arg(value: &str) -> Result<OffsetDateTime, Failure> {
    if let Ok(seconds) = value.parse::<i64>() {
        return OffsetDateTime::from_unix_timestamp(seconds).map_err(Failure::from);
    }
    OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map_err(|_| Failure(format!("`{value}` is neither unix seconds nor an RFC 3339 time")))
}

/// Square's notification URL comes from --public-url; every other scheme as named.
fn scheme_with_url(scheme: &Scheme, public_url: Option<&str>) -> Scheme {
    match (scheme, public_url) {
        (Scheme::Square { .. }, Some(url)) => Scheme::square(url),
        _ => scheme.clone(),
    }
}

impl SigningKey {
    fn signer(&self) -> Result<Signer, Failure> {
        let scheme = scheme_with_url(&self.scheme, self.public_url.as_deref());
        let mut signer = match (&self.secret, &self.private_key) {
            (_, Some(private_key)) => {
                let key = String::from_utf8(text_or_file(private_key)?)?;
                Signer::with_private_key(scheme, key.trim_end_matches('\n'))?
            }
            (Some(secret), None) => Signer::new(scheme, secret)?,
            (None, None) => return Err(Failure("give --secret (or HOOKSAFE_SECRET) or --private-key".into())),
        };
        if let Some(webhook_id) = &self.webhook_id {
            signer = signer.webhook_id(webhook_id);
        }
        if let Some(url) = &self.public_url {
            signer = signer.public_url(url)?;
        }
        Ok(signer)
    }
}

/// The body, id, time and extra headers of a delivery, checked against the scheme for a fixture.
struct Prepared {
    body: Vec<u8>,
    id: String,
    timestamp: OffsetDateTime,
    extra: Vec<(&'static str, &'static str)>,
}

impl Delivery {
    fn prepare(&self, scheme: &Scheme) -> Result<Prepared, Failure> {
        let (body, extra) = match (&self.body, &self.from_fixture) {
            (Some(body), _) => (text_or_file(body)?, Vec::new()),
            (None, Some(name)) => {
                let Some(fixture) = fixtures::find(name) else {
                    let names: Vec<_> = fixtures::FIXTURES.iter().map(|fixture| fixture.name).collect();
                    return Err(Failure(format!("no fixture `{name}`; there are: {}", names.join(", "))));
                };
                if fixture.scheme != scheme.to_string() {
                    return Err(Failure(format!("the fixture `{name}` is a `{}` delivery", fixture.scheme)));
                }
                (fixture.body.as_bytes().to_vec(), fixture.headers.to_vec())
            }
            (None, None) => return Err(Failure("give --body or --from-fixture".into())),
        };
        let timestamp = self.timestamp.as_deref().map(time_arg).transpose()?.unwrap_or_else(OffsetDateTime::now_utc);
        let id = self.id.clone().unwrap_or_else(|| format!("msg_{}", OffsetDateTime::now_utc().unix_timestamp_nanos()));
        Ok(Prepared { body, id, timestamp, extra })
    }
}

/// The signed request to `uri`, with the fixture's extra headers.
fn signed_request(signer: &Signer, prepared: &Prepared, uri: Uri) -> Result<Request<Vec<u8>>, Failure> {
    let mut request = signer.request(uri, &prepared.id, prepared.timestamp, prepared.body.clone())?;
    for (name, value) in &prepared.extra {
        request.headers_mut().insert(*name, HeaderValue::from_static(value));
    }
    Ok(request)
}

fn sign(args: &SignArgs) -> Result<ExitCode, Failure> {
    let signer = args.key.signer()?;
    let prepared = args.delivery.prepare(&args.key.scheme)?;
    let uri: Uri = args.curl.as_deref().unwrap_or("/").parse()?;
    let request = signed_request(&signer, &prepared, uri)?;
    let mut headers = Vec::new();
    let mut masked = false;
    for (name, value) in request.headers() {
        let value = value.to_str()?;
        if !args.show_secret && carries_secret(name, value, args.key.secret.as_deref()) {
            masked = true;
            headers.push((name, "********"));
        } else {
            headers.push((name, value));
        }
    }
    let mut out = std::io::stdout().lock();
    match &args.curl {
        Some(url) => {
            write!(out, "curl -i -X POST {}", shell_quote(url))?;
            for (name, value) in &headers {
                write!(out, " -H {}", shell_quote(&format!("{name}: {value}")))?;
            }
            writeln!(out, " --data-binary {}", shell_quote(&String::from_utf8_lossy(request.body())))?;
        }
        None => {
            for (name, value) in &headers {
                writeln!(out, "{name}: {value}")?;
            }
        }
    }
    if masked {
        eprintln!("hooksafe: a header carries the secret itself and is masked; --show-secret prints it");
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether a header sends the secret as it is (a token or Basic credentials) rather than a MAC of the message.
fn carries_secret(name: &http::HeaderName, value: &str, secret: Option<&str>) -> bool {
    let credential = [http::header::AUTHORIZATION, http::header::PROXY_AUTHORIZATION];
    credential.contains(name)
        || name.as_str() == "x-gitlab-token"
        || secret.is_some_and(|secret| !secret.is_empty() && value.contains(secret))
}

/// `text` in single quotes for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Whether `uri`'s host is this machine.
fn is_loopback(uri: &Uri) -> bool {
    match uri.host() {
        Some("localhost") => true,
        Some(host) => {
            host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

fn send(args: &SendArgs) -> Result<ExitCode, Failure> {
    let uri: Uri = args.url.parse().map_err(|_| Failure(format!("`{}` is not a URL", args.url)))?;
    if uri.scheme_str() != Some("http") && uri.scheme_str() != Some("https") {
        return Err(Failure(format!("`{}` is not an http:// or https:// URL", args.url)));
    }
    if !is_loopback(&uri) && !args.allow_remote {
        return Err(Failure(format!(
            "`{}` is not on this machine; hooksafe sends only to loopback unless --allow-remote is given",
            args.url
        )));
    }
    let signer = args.key.signer()?;
    let mut prepared = args.delivery.prepare(&args.key.scheme)?;
    if let Some(seconds) = args.stale {
        prepared.timestamp -= time::Duration::seconds(i64::from(seconds));
    }
    let mut request = signed_request(&signer, &prepared, uri)?;
    if let Some(tamper) = args.tamper {
        tamper_with(&mut request, tamper, &args.key, &prepared)?;
    }
    // Never through a proxy (`HTTP_PROXY`, `ALL_PROXY`): "loopback only" must mean the delivery, and any token it
    // carries, stays on this machine.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
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

/// Posts `request`'s headers and body to `url`: the status and the `hooksafe-outcome` header.
fn post(agent: &ureq::Agent, url: &str, request: &Request<Vec<u8>>) -> Result<(u16, Option<String>), String> {
    let mut call = agent.post(url);
    for (name, value) in request.headers() {
        call = call.header(name.as_str(), value.to_str().map_err(|error| error.to_string())?);
    }
    let response = call.send(request.body().as_slice()).map_err(|error| error.to_string())?;
    let outcome = response.headers().get("hooksafe-outcome").and_then(|value| value.to_str().ok()).map(str::to_owned);
    Ok((response.status().as_u16(), outcome))
}

/// `text` in green or red on a terminal, as is elsewhere.
fn paint(text: &str, ok: bool, colour: bool) -> String {
    match (colour, ok) {
        (false, _) => text.to_owned(),
        (true, true) => format!("\x1b[32m{text}\x1b[0m"),
        (true, false) => format!("\x1b[31m{text}\x1b[0m"),
    }
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
        Tamper::Body => match request.body_mut().iter_mut().rev().find(|byte| byte.is_ascii_alphanumeric()) {
            Some(byte) => *byte ^= 0x01,
            None => request.body_mut().push(b' '),
        },
        Tamper::Signature => {
            let other = match key.scheme {
                Scheme::StandardWebhooks | Scheme::Svix => "whsec_dGFtcGVyZWQgc2lnbmF0dXJlIGtleSBieXRlcw==".to_owned(),
                Scheme::Stripe => "whsec_tampered_signature_key".to_owned(),
                _ => "tampered-signature-key:x".to_owned(),
            };
            let forger = SigningKey { secret: Some(other), private_key: None, ..key.clone_without_secrets() };
            let forged = forger.signer().and_then(|signer| signed_request(&signer, prepared, request.uri().clone()));
            let forged = forged.map_err(|_| Failure("this scheme's signature cannot be tampered with here".into()))?;
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

impl SigningKey {
    /// The same scheme and settings, without a key.
    fn clone_without_secrets(&self) -> Self {
        Self {
            scheme: self.scheme.clone(),
            secret: None,
            private_key: None,
            webhook_id: self.webhook_id.clone(),
            public_url: self.public_url.clone(),
        }
    }
}

impl VerifyingKeys {
    fn verifier(&self) -> Result<Verifier, Failure> {
        let scheme = scheme_with_url(&self.scheme, self.public_url.as_deref());
        let mut builder: VerifierBuilder = Verifier::builder(scheme);
        for secret in &self.secret {
            builder = builder.secret(secret.as_str());
        }
        for key in &self.public_key {
            builder = builder.public_key(key.as_str());
        }
        for path in &self.certificate {
            let pem = std::fs::read_to_string(path)
                .map_err(|error| Failure(format!("cannot read {}: {error}", path.display())))?;
            builder = builder.certificate(pem);
        }
        if let Some(webhook_id) = &self.webhook_id {
            builder = builder.webhook_id(webhook_id);
        }
        if let Some(url) = &self.public_url {
            builder = builder.public_url(url);
        }
        Ok(builder.build()?)
    }

    fn key_count(&self) -> usize {
        self.secret.len() + self.public_key.len() + self.certificate.len()
    }
}

/// A raw HTTP/1.1 request as captured: the head, then the body (its `Content-Length`, or the rest).
fn parse_request(bytes: &[u8]) -> Result<Request<Vec<u8>>, Failure> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut parsed = httparse::Request::new(&mut headers);
    let head_len = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Err(Failure("the request ends inside its head".into())),
        Err(error) => return Err(Failure(format!("the request is not HTTP/1.1: {error}"))),
    };
    let mut request = Request::builder().method(parsed.method.unwrap_or("POST")).uri(parsed.path.unwrap_or("/"));
    for header in parsed.headers.iter() {
        request = request.header(header.name, header.value);
    }
    let mut body = bytes[head_len..].to_vec();
    let request = request.body(())?;
    if request.headers().get(http::header::TRANSFER_ENCODING).is_some() {
        return Err(Failure("a chunked capture cannot be verified: capture the decoded body".into()));
    }
    if let Some(length) = request.headers().get(http::header::CONTENT_LENGTH) {
        let length: usize = length.to_str()?.trim().parse()?;
        if body.len() < length {
            return Err(Failure(format!(
                "the body is {} bytes, shorter than its Content-Length of {length}",
                body.len()
            )));
        }
        body.truncate(length);
    }
    Ok(request.map(|()| body))
}

fn verify(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let verifier = args.keys.verifier()?;
    let bytes = if args.request == "-" { text_or_file("@-")? } else { text_or_file(&format!("@{}", args.request))? };
    let request = parse_request(&bytes)?;
    let now = args.at.as_deref().map(time_arg).transpose()?.unwrap_or_else(OffsetDateTime::now_utc);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    match runtime.block_on(verifier.verify_request_async_at(&request, now)) {
        Ok(verified) => {
            println!("verified: the signature matches key {}", verified.key_id());
            println!("  id:         {}", verified.id().unwrap_or("(none)"));
            println!("  event type: {}", verified.event_type().as_deref().unwrap_or("(none)"));
            if let Some(signed) = verified.timestamp() {
                println!("  signed:     {} s before the verification time", (now - signed).whole_seconds());
            }
            if verified.handshake().is_some() {
                println!("  this is the provider's endpoint check, answered without calling a handler");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            println!("rejected: {}", explain(&error, args.keys.key_count()));
            println!("  ({error})");
            Ok(ExitCode::from(1))
        }
    }
}

/// The decision in plain words.
fn explain(error: &hooksafe::Error, keys: usize) -> String {
    let header = error.header_name().map_or_else(String::new, |name| format!("`{name}`"));
    match error.kind() {
        ErrorKind::MissingHeader => format!("the request has no {header} header, which this scheme always sends"),
        ErrorKind::MalformedHeader => format!("the {header} header is not in the form this scheme sends"),
        ErrorKind::InvalidTimestamp => format!("the timestamp in {header} is not a time"),
        ErrorKind::TimestampTooOld => "the timestamp is older than the replay window allows".into(),
        ErrorKind::TimestampTooNew => "the timestamp is further in the future than the window allows".into(),
        ErrorKind::InvalidSignature => {
            let plural = if keys == 1 { "" } else { "s" };
            format!("the signature matches none of the {keys} configured key{plural}")
        }
        ErrorKind::MalformedBody => {
            "the body is not what this scheme signs (its signature or timestamp lives there)".into()
        }
        ErrorKind::PublicUrlRequired => "this scheme signs the URL: give --public-url".into(),
        ErrorKind::PayloadTooLarge => "the body is larger than the verifier accepts".into(),
        kind => kind.as_str().to_owned(),
    }
}

fn listen(args: &ListenArgs) -> Result<ExitCode, Failure> {
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
    let delivery = match receiver.receive_parts(&parts, &body).await {
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

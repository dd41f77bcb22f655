//! `hooksafe`: sign, send, verify and receive webhooks on your own machine, exactly as each provider signs them, and
//! check any receiving endpoint as a provider would.
//!
//! Installed with `cargo install hooksafe --features cli`. Secrets may come from `HOOKSAFE_SECRET` instead of the
//! command line (which other users of the machine can see in the process list). Nothing here prints a secret: `sign`
//! masks headers that carry one as it is (GitLab's token, Basic credentials) unless `--show-secret` is given, and
//! `send` never goes through a proxy.

mod check;
mod fixtures;
mod inspector;
mod listen;
mod send;
mod sign;
mod verify;

use std::io::Read as _;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier, VerifierBuilder};
use http::{HeaderValue, Request, Uri};
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
    Sign(sign::SignArgs),
    /// POST correctly signed deliveries to a local endpoint and print each answer.
    Send(send::SendArgs),
    /// Explain whether a captured HTTP request verifies, and if not, why.
    Verify(verify::VerifyArgs),
    /// Receive deliveries on a local port and print each one's id, type, key and outcome.
    Listen(listen::ListenArgs),
    /// Run a provider's checks against a receiving endpoint: valid, forged, stale, unsigned, oversized, duplicate
    /// and concurrent deliveries, a retry after a failure, the handshake.
    Check(check::CheckArgs),
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
        Command::Sign(args) => sign::run(&args),
        Command::Send(args) => send::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Listen(args) => listen::run(&args),
        Command::Check(args) => check::run(&args),
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

/// The scheme as named, with what the command line configures: Square's notification URL from --public-url,
/// PayPal's webhook id from --webhook-id.
fn configured(scheme: &Scheme, public_url: Option<&str>, webhook_id: Option<&str>) -> Scheme {
    match (scheme, public_url, webhook_id) {
        (Scheme::Square(_), Some(url), _) => Scheme::square(url).into(),
        (Scheme::PayPal(_), _, Some(id)) => Scheme::paypal(id).into(),
        _ => scheme.clone(),
    }
}

impl SigningKey {
    fn signer(&self) -> Result<Signer, Failure> {
        let scheme = configured(&self.scheme, self.public_url.as_deref(), self.webhook_id.as_deref());
        let mut signer = match (&self.secret, &self.private_key) {
            (_, Some(private_key)) => {
                let key = String::from_utf8(text_or_file(private_key)?)?;
                Signer::with_private_key(scheme, key.trim_end_matches('\n'))?
            }
            (Some(secret), None) => Signer::new(scheme, secret)?,
            (None, None) => return Err(Failure("give --secret (or HOOKSAFE_SECRET) or --private-key".into())),
        };
        if let Some(url) = &self.public_url {
            signer = signer.public_url(url)?;
        }
        Ok(signer)
    }

    /// A signer like this key's with another secret of the same form, for a forged signature: a fixed one, or else
    /// the real one with its first letter or digit (after any `prefix_`) changed. `None` for a private key.
    fn forger(&self) -> Option<Signer> {
        let real = self.secret.as_ref().filter(|_| self.private_key.is_none())?;
        let with = |secret: String| SigningKey {
            scheme: self.scheme.clone(),
            secret: Some(secret),
            private_key: None,
            webhook_id: self.webhook_id.clone(),
            public_url: self.public_url.clone(),
        };
        let fixed = match self.scheme {
            Scheme::StandardWebhooks | Scheme::Svix => "whsec_dGFtcGVyZWQgc2lnbmF0dXJlIGtleSBieXRlcw==",
            Scheme::Stripe => "whsec_tampered_signature_key",
            _ => "tampered-signature-key:x",
        };
        if let Ok(signer) = with(fixed.to_owned()).signer() {
            return Some(signer);
        }
        let start = real.rfind('_').map_or(0, |underscore| underscore + 1);
        let position = real[start..].find(|c: char| c.is_ascii_alphanumeric())? + start;
        let changed = match real.as_bytes()[position] {
            b'0' => '1',
            b'a' => 'b',
            b'A' => 'B',
            byte if byte.is_ascii_digit() => '0',
            byte if byte.is_ascii_lowercase() => 'a',
            _ => 'A',
        };
        let mut other = real.clone();
        other.replace_range(position..=position, &changed.to_string());
        with(other).signer().ok()
    }
}

/// One byte of `body` changed (its last letter or digit), or a space added to a body without one.
fn tamper_body(body: &mut Vec<u8>) {
    match body.iter_mut().rev().find(|byte| byte.is_ascii_alphanumeric()) {
        Some(byte) => *byte ^= 0x01,
        None => body.push(b' '),
    }
}

/// Headers never copied into a request sent: they describe the connection or the body as first sent, and the client
/// sets its own.
const HOP_BY_HOP: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection",
    "expect",
];

/// What an endpoint answered: its status, its `hooksafe-outcome`, the start of its body, and how long it took.
struct Answered {
    status: u16,
    outcome: Option<String>,
    body: Vec<u8>,
    elapsed: std::time::Duration,
}

/// Sends `request` (its method, its headers but the hop-by-hop ones, its body) to `url`, reading at most `limit` bytes
/// of the answer's body.
fn exchange(agent: &ureq::Agent, url: &str, request: &Request<Vec<u8>>, limit: u64) -> Result<Answered, String> {
    let started = std::time::Instant::now();
    let mut call = Request::builder().method(request.method().clone()).uri(url);
    for (name, value) in request.headers() {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            call = call.header(name, value);
        }
    }
    // No body at all rather than an empty one, which a client may refuse for a `GET`.
    let sent = match request.body().is_empty() {
        true => call.body(()).map(|call| agent.run(call)),
        false => call.body(request.body().clone()).map(|call| agent.run(call)),
    };
    let mut response = sent.map_err(|error| error.to_string())?.map_err(|error| error.to_string())?;
    let outcome = response.headers().get("hooksafe-outcome").and_then(|value| value.to_str().ok()).map(str::to_owned);
    let body = match limit {
        0 => Vec::new(),
        limit => response.body_mut().with_config().limit(limit).read_to_vec().unwrap_or_default(),
    };
    Ok(Answered { status: response.status().as_u16(), outcome, body, elapsed: started.elapsed() })
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

/// The HTTP client of every subcommand: never through a proxy (`HTTP_PROXY`, `ALL_PROXY`), so "loopback only" means
/// the delivery, and any token it carries, stays on this machine; no redirect followed; every status an answer.
fn loopback_agent(timeout: std::time::Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// Whether `uri`'s host is this machine.
fn is_loopback(uri: &Uri) -> bool {
    match uri.host() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// `url` as an endpoint to send to: `http` or `https`, and on this machine unless `allow_remote`.
fn endpoint(url: &str, allow_remote: bool) -> Result<Uri, Failure> {
    let uri: Uri = url.parse().map_err(|_| Failure(format!("`{url}` is not a URL")))?;
    if uri.scheme_str() != Some("http") && uri.scheme_str() != Some("https") {
        return Err(Failure(format!("`{url}` is not an http:// or https:// URL")));
    }
    if !is_loopback(&uri) && !allow_remote {
        return Err(Failure(format!(
            "`{url}` is not on this machine; hooksafe sends only to loopback unless --allow-remote is given"
        )));
    }
    Ok(uri)
}

/// `text` in green or red on a terminal, as is elsewhere.
fn paint(text: &str, ok: bool, colour: bool) -> String {
    match (colour, ok) {
        (false, _) => text.to_owned(),
        (true, true) => format!("\x1b[32m{text}\x1b[0m"),
        (true, false) => format!("\x1b[31m{text}\x1b[0m"),
    }
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

impl VerifyingKeys {
    fn verifier(&self) -> Result<Verifier, Failure> {
        Ok(self.builder()?.build()?)
    }

    /// A verifier with the same keys that does not check the timestamp: whether listen's keys signed a captured
    /// delivery, however old (the inspector re-signs only those).
    fn verifier_ignoring_time(&self) -> Result<Verifier, Failure> {
        Ok(self.builder()?.dangerous_skip_timestamp_check().build()?)
    }

    fn builder(&self) -> Result<VerifierBuilder, Failure> {
        let scheme = configured(&self.scheme, self.public_url.as_deref(), self.webhook_id.as_deref());
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
        if let Some(url) = &self.public_url {
            builder = builder.public_url(url);
        }
        Ok(builder)
    }

    fn key_count(&self) -> usize {
        self.secret.len() + self.public_key.len() + self.certificate.len()
    }
}

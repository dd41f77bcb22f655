//! `hooksafe check`: the battery a careful provider would run against a receiving endpoint, hooksafe's or any other:
//! a valid delivery accepted in time; forged, stale, unsigned and oversized ones refused; duplicates and concurrent
//! copies not processed twice; a retry after a `5xx` processed; the handshake answered. Prints a table (or JSON) and
//! exits 0 only if every check passes.

use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use hooksafe::Verifier;
use hooksafe::sign::Signer;
use http::{HeaderName, HeaderValue, Method, Request, Uri};
use time::OffsetDateTime;

use super::{Failure, SigningKey, fixtures, paint, send::is_loopback, text_or_file};

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// The endpoint, such as http://127.0.0.1:3000/webhooks/stripe.
    url: String,
    #[command(flatten)]
    key: SigningKey,
    /// The body of the valid deliveries (made unique for each): JSON or other text, or `@FILE`. Default: the
    /// scheme's first sample event, or a small JSON event.
    #[arg(long)]
    body: Option<String>,
    /// A body the endpoint fails (answers `5xx`) the first time it processes it, to check that a retry is then
    /// processed, not acknowledged as done. Without it, that check is skipped.
    #[arg(long, value_name = "BODY")]
    failing_body: Option<String>,
    /// Valid deliveries sent one after another to time the answers (p50, p99).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=50))]
    tries: u8,
    /// Copies of one delivery sent at once for the concurrency check.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u8).range(2..=64))]
    concurrency: u8,
    /// For an endpoint that is not hooksafe's: a URL that answers `GET URL?id=ID` with the number of times the
    /// endpoint processed the delivery `ID`, so duplicates can be observed. hooksafe endpoints say so themselves
    /// (`hooksafe-outcome: duplicate`).
    #[arg(long, value_name = "URL")]
    effects_url: Option<String>,
    /// Also send two events of one object out of order (the newer first) and report how each was answered.
    #[arg(long)]
    ordering: bool,
    /// Print the results as JSON, for CI.
    #[arg(long)]
    json: bool,
    /// Allow an endpoint that is not on this machine (loopback).
    #[arg(long)]
    allow_remote: bool,
}

/// How a check ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Pass,
    Fail,
    /// Not applicable to this scheme or endpoint, or not observable: says why.
    Skip,
    /// Reported, not judged.
    Info,
}

impl Verdict {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "FAIL",
            Self::Skip => "skip",
            Self::Info => "info",
        }
    }
}

/// One line of the report.
struct Row {
    check: &'static str,
    expected: String,
    got: String,
    verdict: Verdict,
}

impl Row {
    fn new(check: &'static str, expected: impl Into<String>, got: impl Into<String>, verdict: Verdict) -> Self {
        Self { check, expected: expected.into(), got: got.into(), verdict }
    }
}

/// An endpoint's answer.
struct Answer {
    status: u16,
    /// `hooksafe-outcome`, where the endpoint is hooksafe's.
    outcome: Option<String>,
    body: Vec<u8>,
    elapsed: Duration,
}

impl Answer {
    const fn is_success(&self) -> bool {
        self.status >= 200 && self.status < 300
    }

    fn is_duplicate(&self) -> bool {
        self.outcome.as_deref() == Some("duplicate")
    }

    /// The status, with the outcome the endpoint declared.
    fn describe(&self) -> String {
        self.outcome.as_ref().map_or_else(|| self.status.to_string(), |outcome| format!("{} ({outcome})", self.status))
    }
}

/// What "refused" means: a `4xx`. A `2xx` accepted a bad delivery; a `5xx` makes the provider retry it.
fn refused(answer: &Result<Answer, String>) -> (String, Verdict) {
    match answer {
        Ok(answer) if (400..500).contains(&answer.status) => (answer.describe(), Verdict::Pass),
        Ok(answer) if answer.is_success() => (format!("{} (accepted)", answer.describe()), Verdict::Fail),
        Ok(answer) => (answer.describe(), Verdict::Fail),
        Err(error) => (format!("no answer: {error}"), Verdict::Fail),
    }
}

/// How long the provider waits for an answer before it counts the delivery as failed, and where that is stated.
fn provider_timeout(scheme: &str) -> (Duration, &'static str) {
    match scheme {
        "slack" => (Duration::from_secs(3), "Slack's 3 s"),
        "discord" => (Duration::from_secs(3), "Discord's 3 s"),
        "zoom" => (Duration::from_secs(3), "Zoom's 3 s"),
        "shopify" => (Duration::from_secs(5), "Shopify's 5 s"),
        "github" => (Duration::from_secs(10), "GitHub's 10 s"),
        "standard-webhooks" | "svix" => (Duration::from_secs(15), "Svix's 15 s"),
        "stripe" => (Duration::from_secs(20), "Stripe's ~20 s"),
        _ => (Duration::from_secs(10), "10 s, assumed"),
    }
}

/// The deliveries the checks send, each made unique so no check sees another's as a duplicate.
struct Deliveries {
    signer: Signer,
    /// The same scheme and settings with another key, for a forged signature; `None` when no other key of the same
    /// form can be made here (a private-key scheme).
    forger: Option<Signer>,
    /// hooksafe's own verifier with the same key: what the endpoint should see (the delivery's id, the handshake's
    /// answer). It is never the judge of the endpoint's answers, only of the requests sent.
    verifier: Option<Verifier>,
    uri: Uri,
    body: Vec<u8>,
    /// The unsigned headers the sample event comes with (`x-github-event`, `x-shopify-topic`).
    extra: Vec<(&'static str, &'static str)>,
    run: u128,
    sent: std::sync::atomic::AtomicU32,
}

impl Deliveries {
    /// A fresh id for the next delivery.
    fn next_id(&self) -> String {
        let n = self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        format!("msg_check_{}_{n}", self.run)
    }

    /// What `signer` sends for `body` as delivery `id` at `timestamp`, with the sample's unsigned headers.
    fn request(
        &self,
        signer: &Signer,
        id: &str,
        timestamp: OffsetDateTime,
        body: Vec<u8>,
    ) -> Result<Request<Vec<u8>>, Failure> {
        let mut request = signer.request(self.uri.clone(), id, timestamp, body)?;
        for (name, value) in &self.extra {
            request.headers_mut().insert(*name, HeaderValue::from_static(value));
        }
        Ok(request)
    }

    /// `body` made unique with `id`. Where hooksafe reads the delivery's id from the body, every string equal to it is
    /// changed (and it is an error if the id then read is the same); otherwise a JSON object (or an array's first
    /// object) gets a field `hooksafe_check`, and a form body a parameter of that name.
    fn unique(&self, body: &[u8], id: &str) -> Result<Vec<u8>, Failure> {
        let before = self.body_id(body);
        let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(body) else {
            let text = String::from_utf8_lossy(body);
            let trimmed = text.trim_end();
            if !trimmed.is_empty() && !trimmed.contains(['{', '[', '<', ' ']) {
                return Ok(format!("{trimmed}&hooksafe_check={id}").into_bytes());
            }
            return Ok(body.to_vec());
        };
        match &before {
            Some(body_id) => replace_strings(&mut json, body_id, &format!("{body_id}_{id}")),
            None => {
                let object = match &mut json {
                    serde_json::Value::Array(items) => items.first_mut().and_then(serde_json::Value::as_object_mut),
                    other => other.as_object_mut(),
                };
                if let Some(object) = object {
                    object.insert("hooksafe_check".into(), id.into());
                }
            }
        }
        let unique = serde_json::to_vec(&json)?;
        if before.is_some() && self.body_id(&unique) == before {
            return Err(Failure(format!(
                "cannot make the deliveries unique: the id hooksafe reads from this body ({}) is not a JSON string \
                 it can change; give a --body whose id is one",
                before.unwrap_or_default()
            )));
        }
        Ok(unique)
    }

    /// The id hooksafe reads from this body, when it reads one from the body rather than from a header.
    fn body_id(&self, body: &[u8]) -> Option<String> {
        let request = self.request(&self.signer, "msg_probe", OffsetDateTime::now_utc(), body.to_vec()).ok()?;
        let verified = self.verifier.as_ref()?.verify(&request).ok()?;
        verified.id().filter(|id| *id != "msg_probe").map(str::to_owned)
    }

    /// The delivery id the endpoint sees for `request`: as hooksafe reads it, else the id it was signed with.
    fn seen_id(&self, request: &Request<Vec<u8>>, signed_with: &str) -> String {
        let verified = self.verifier.as_ref().and_then(|verifier| verifier.verify(request).ok());
        verified.and_then(|verified| verified.id().map(str::to_owned)).unwrap_or_else(|| signed_with.to_owned())
    }

    /// A valid, unique delivery of `body` signed at `timestamp`, and the id the endpoint will see.
    fn signed(&self, body: &[u8], timestamp: OffsetDateTime) -> Result<(Request<Vec<u8>>, String), Failure> {
        let id = self.next_id();
        let body = self.unique(body, &id)?;
        let request = self.request(&self.signer, &id, timestamp, body)?;
        let seen = self.seen_id(&request, &id);
        Ok((request, seen))
    }

    /// The headers that carry the signature: those that change when the body does (with the id and time the same),
    /// or when another key signs (a shared token, Basic credentials).
    fn signature_headers(&self, request: &Request<Vec<u8>>, id: &str, timestamp: OffsetDateTime) -> Vec<HeaderName> {
        let mut other = request.body().clone();
        other.push(b' ');
        let mut variants: Vec<Request<Vec<u8>>> =
            self.request(&self.signer, id, timestamp, other).into_iter().collect();
        if let Some(forger) = &self.forger {
            variants.extend(self.request(forger, id, timestamp, request.body().clone()));
        }
        request
            .headers()
            .iter()
            .filter(|(name, value)| variants.iter().any(|variant| variant.headers().get(*name) != Some(*value)))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// Replaces every string in `json` equal to `from` with `to`.
fn replace_strings(json: &mut serde_json::Value, from: &str, to: &str) {
    match json {
        serde_json::Value::String(text) if text == from => *text = to.to_owned(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|item| replace_strings(item, from, to)),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(|value| replace_strings(value, from, to)),
        _ => {}
    }
}

/// A signer like `key`'s with another secret of the same form, for a forged signature: a fixed one, or else the real
/// one with its first letter or digit (after any `prefix_`) changed. `None` for a private-key scheme.
fn forger(key: &SigningKey) -> Option<Signer> {
    let real = key.secret.as_ref().filter(|_| key.private_key.is_none())?;
    let with = |secret: String| SigningKey { secret: Some(secret), private_key: None, ..key.clone_without_secrets() };
    if let Ok(signer) = with(super::send::other_secret(&key.scheme)).signer() {
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

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode, Failure> {
    let uri: Uri = args.url.parse().map_err(|_| Failure(format!("`{}` is not a URL", args.url)))?;
    if uri.scheme_str() != Some("http") && uri.scheme_str() != Some("https") {
        return Err(Failure(format!("`{}` is not an http:// or https:// URL", args.url)));
    }
    if !is_loopback(&uri) && !args.allow_remote {
        return Err(Failure(format!(
            "`{}` is not on this machine; hooksafe checks only loopback endpoints unless --allow-remote is given",
            args.url
        )));
    }
    if let Some(effects) = &args.effects_url {
        let effects_uri: Uri = effects.parse().map_err(|_| Failure(format!("`{effects}` is not a URL")))?;
        if !is_loopback(&effects_uri) && !args.allow_remote {
            return Err(Failure(format!("`{effects}` is not on this machine; give --allow-remote to use it")));
        }
    }
    let scheme_name = args.key.scheme.to_string();
    let signer = args.key.signer()?;
    let verifier = local_verifier(&args.key, &signer);
    let fixture = fixtures::FIXTURES.iter().find(|fixture| fixture.scheme == scheme_name);
    let (body, extra) = match (&args.body, fixture) {
        (Some(body), _) => (text_or_file(body)?, Vec::new()),
        (None, Some(fixture)) => (fixture.body.as_bytes().to_vec(), fixture.headers.to_vec()),
        (None, None) => (default_body(&signer, &uri), Vec::new()),
    };
    let run = OffsetDateTime::now_utc().unix_timestamp_nanos().unsigned_abs();
    let deliveries = Deliveries {
        forger: forger(&args.key),
        signer,
        verifier,
        uri,
        body,
        extra,
        run,
        sent: std::sync::atomic::AtomicU32::new(0),
    };
    let (timeout, timeout_source) = provider_timeout(&scheme_name);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout + Duration::from_secs(5)))
        .build()
        .into();
    let declares = std::sync::atomic::AtomicBool::new(false);
    let checker = Checker { args, agent, deliveries, timeout, timeout_source, declares };
    let rows = checker.rows()?;
    let failed = rows.iter().any(|row| row.verdict == Verdict::Fail);
    if args.json {
        println!("{}", to_json(&args.url, &scheme_name, &rows));
    } else {
        print_table(&args.url, &scheme_name, &rows);
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// hooksafe's own verifier for the key the deliveries are signed with (`None` where it cannot be built here, such
/// as PayPal's certificates).
fn local_verifier(key: &SigningKey, signer: &Signer) -> Option<Verifier> {
    let scheme = super::configured(&key.scheme, key.public_url.as_deref(), key.webhook_id.as_deref());
    let mut builder = Verifier::builder(scheme);
    builder = match (&key.secret, signer.public_key()) {
        (Some(secret), _) => builder.secret(secret.as_str()),
        (None, Some(public)) => builder.public_key(public),
        (None, None) => return None,
    };
    if let Some(url) = &key.public_url {
        builder = builder.public_url(url);
    }
    builder.build().ok()
}

/// A body for a scheme without a sample: a small JSON event with an id, or form parameters for a scheme that sends
/// forms.
fn default_body(signer: &Signer, uri: &Uri) -> Vec<u8> {
    let probe = signer.request(uri.clone(), "msg_probe", OffsetDateTime::now_utc(), Vec::new());
    let form = probe.ok().is_some_and(|probe| {
        probe
            .headers()
            .get(http::header::CONTENT_TYPE)
            .is_some_and(|value| value.as_bytes().starts_with(b"application/x-www-form-urlencoded"))
    });
    if form {
        b"EventType=hooksafe.check".to_vec()
    } else {
        br#"{"id":"evt_check","type":"hooksafe.check","data":{}}"#.to_vec()
    }
}

struct Checker<'a> {
    args: &'a CheckArgs,
    agent: ureq::Agent,
    deliveries: Deliveries,
    timeout: Duration,
    timeout_source: &'static str,
    /// Whether the endpoint has marked an answer with `hooksafe-outcome`, so a plain `2xx` means processed.
    declares: std::sync::atomic::AtomicBool,
}

impl Checker<'_> {
    fn rows(&self) -> Result<Vec<Row>, Failure> {
        let mut rows = vec![self.valid()?];
        rows.extend(self.refusals()?);
        rows.push(self.duplicate()?);
        rows.push(self.concurrent()?);
        rows.push(self.retry_after_failure()?);
        rows.push(self.handshake()?);
        if self.args.ordering {
            rows.push(self.ordering()?);
        }
        Ok(rows)
    }

    fn send(&self, request: &Request<Vec<u8>>) -> Result<Answer, String> {
        let answer = exchange(&self.agent, request);
        if answer.as_ref().is_ok_and(|answer| answer.outcome.is_some()) {
            self.declares.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        answer
    }

    /// Valid deliveries, one after another: each `2xx` within the provider's timeout.
    fn valid(&self) -> Result<Row, Failure> {
        let expected = format!("2xx within {}", self.timeout_source);
        let mut times = Vec::new();
        for _ in 0..self.args.tries {
            let (request, _) = self.deliveries.signed(&self.deliveries.body, OffsetDateTime::now_utc())?;
            match self.send(&request) {
                Ok(answer) if answer.is_success() => times.push(answer.elapsed),
                Ok(answer) => return Ok(Row::new("valid delivery", expected, answer.describe(), Verdict::Fail)),
                Err(error) => {
                    return Ok(Row::new("valid delivery", expected, format!("no answer: {error}"), Verdict::Fail));
                }
            }
        }
        times.sort();
        let percentile = |p: usize| times[(times.len() * p).div_ceil(100).saturating_sub(1)];
        let (p50, p99) = (percentile(50), percentile(99));
        let got = format!("2xx ×{}, p50 {}, p99 {}", times.len(), millis(p50), millis(p99));
        let verdict = if p99 <= self.timeout { Verdict::Pass } else { Verdict::Fail };
        Ok(Row::new("valid delivery", expected, got, verdict))
    }

    /// Forged, stale, unsigned and oversized deliveries: each refused with a `4xx`.
    fn refusals(&self) -> Result<Vec<Row>, Failure> {
        let d = &self.deliveries;
        let now = OffsetDateTime::now_utc();
        let mut rows = Vec::new();
        let expect = "refused (4xx)";

        let (mut request, _) = d.signed(&d.body, now)?;
        match request.body_mut().iter_mut().rev().find(|byte| byte.is_ascii_alphanumeric()) {
            Some(byte) => *byte ^= 0x01,
            None => request.body_mut().push(b' '),
        }
        if d.verifier.as_ref().is_some_and(|verifier| verifier.verify(&request).is_ok()) {
            let why = "skipped: this scheme's signature does not cover the body (see the scheme guide)";
            rows.push(Row::new("tampered body", expect, why, Verdict::Skip));
        } else {
            let (got, verdict) = refused(&self.send(&request));
            rows.push(Row::new("tampered body", expect, got, verdict));
        }

        let id = d.next_id();
        let request = d.request(&d.signer, &id, now, d.unique(&d.body, &id)?)?;
        let signature_headers = d.signature_headers(&request, &id, now);
        if signature_headers.is_empty() {
            let why = "skipped: this scheme's signature is not in a header";
            rows.push(Row::new("tampered signature", expect, why, Verdict::Skip));
            rows.push(Row::new("missing signature", expect, why, Verdict::Skip));
        } else {
            let mut tampered = request.clone();
            for name in &signature_headers {
                if let Some(value) = tampered.headers().get(name).map(|value| flip_middle(value.as_bytes())) {
                    tampered.headers_mut().insert(name.clone(), HeaderValue::from_bytes(&value)?);
                }
            }
            let (got, verdict) = refused(&self.send(&tampered));
            rows.push(Row::new("tampered signature", expect, got, verdict));
            let mut missing = request;
            for name in &signature_headers {
                missing.headers_mut().remove(name);
            }
            let names: Vec<_> = signature_headers.iter().map(HeaderName::as_str).collect();
            let (got, verdict) = refused(&self.send(&missing));
            rows.push(Row::new(
                "missing signature",
                format!("refused (4xx) without {}", names.join(", ")),
                got,
                verdict,
            ));
        }

        match &d.forger {
            Some(forger) => {
                let id = d.next_id();
                let forged = d.request(forger, &id, now, d.unique(&d.body, &id)?)?;
                let (got, verdict) = refused(&self.send(&forged));
                rows.push(Row::new("wrong secret", expect, got, verdict));
            }
            None => rows.push(Row::new(
                "wrong secret",
                expect,
                "skipped: no other key of this form can be made here (a forged signature is the tampered-signature \
                 check)",
                Verdict::Skip,
            )),
        }

        if self.args.key.scheme.has_timestamp() {
            for (check, shift) in [("timestamp too old", -3600), ("timestamp too new", 3600)] {
                let (request, _) = d.signed(&d.body, now + time::Duration::seconds(shift))?;
                let (got, verdict) = refused(&self.send(&request));
                rows.push(Row::new(check, "refused (4xx), signed an hour off", got, verdict));
            }
        } else {
            for check in ["timestamp too old", "timestamp too new"] {
                rows.push(Row::new(check, expect, "skipped: this scheme signs no timestamp", Verdict::Skip));
            }
        }

        let limit = self.args.key.scheme.default_max_body_size();
        let padded = {
            let mut body = d.body.clone();
            body.resize(limit + 1, b' ');
            body
        };
        let id = d.next_id();
        let request = d.request(&d.signer, &id, now, padded)?;
        let answer = match request.uri().scheme_str() {
            Some("http") => send_raw(&request, self.timeout + Duration::from_secs(5)),
            _ => self.send(&request),
        };
        let (got, verdict) = refused(&answer);
        rows.push(Row::new("oversized body", format!("refused (4xx) at {} bytes", limit + 1), got, verdict));
        Ok(rows)
    }

    /// The same delivery twice: both `2xx`, the second not processed.
    fn duplicate(&self) -> Result<Row, Failure> {
        let expected = "2xx twice, processed once";
        let (request, id) = self.deliveries.signed(&self.deliveries.body, OffsetDateTime::now_utc())?;
        let (first, second) = match (self.send(&request), self.send(&request)) {
            (Ok(first), Ok(second)) => (first, second),
            (Err(error), _) | (_, Err(error)) => {
                return Ok(Row::new("duplicate", expected, format!("no answer: {error}"), Verdict::Fail));
            }
        };
        let answers = format!("{}, then {}", first.describe(), second.describe());
        if !first.is_success() || !second.is_success() || first.outcome.is_some() {
            return Ok(Row::new("duplicate", expected, answers, Verdict::Fail));
        }
        let processed = if second.is_duplicate() { Some(1) } else { None };
        let (got, verdict) = self.processed_once(&id, processed, answers);
        Ok(Row::new("duplicate", expected, got, verdict))
    }

    /// Whether the delivery `id` was processed exactly once: by the effects URL (waiting a little for an endpoint
    /// that processes after it answers), else by what its answers showed (`processed`: `None` when they cannot tell).
    fn processed_once(&self, id: &str, processed: Option<usize>, answers: String) -> (String, Verdict) {
        if let Some(effects) = &self.args.effects_url {
            return match effects_count(&self.agent, effects, id) {
                Ok(count) => {
                    let verdict = if count == 1 { Verdict::Pass } else { Verdict::Fail };
                    (format!("{answers}; processed {count}× (effects URL)"), verdict)
                }
                Err(Failure(error)) => (format!("{answers}; {error}"), Verdict::Fail),
            };
        }
        match processed {
            Some(1) => (answers, Verdict::Pass),
            Some(count) => (format!("{answers}: processed {count}×"), Verdict::Fail),
            None => (format!("{answers}; processing not observable: give --effects-url"), Verdict::Skip),
        }
    }

    /// N copies of one delivery at once: each `2xx`, or asked to retry (`409`, `429`), exactly one processed.
    fn concurrent(&self) -> Result<Row, Failure> {
        let n = usize::from(self.args.concurrency);
        let expected = format!("{n} at once: processed once, none refused or 5xx");
        let (request, id) = self.deliveries.signed(&self.deliveries.body, OffsetDateTime::now_utc())?;
        let barrier = std::sync::Barrier::new(n);
        let answers: Vec<Result<Answer, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..n)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait();
                        self.send(&request)
                    })
                })
                .collect();
            handles.into_iter().map(|handle| handle.join().unwrap_or_else(|_| Err("panicked".into()))).collect()
        });
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        let (mut accepted, mut bad, mut declared) = (0, false, false);
        for answer in &answers {
            match answer {
                Ok(answer) => {
                    *counts.entry(answer.describe()).or_default() += 1;
                    declared |= answer.outcome.is_some();
                    let retry_later = answer.status == 409 || answer.status == 429;
                    bad |= !(answer.is_success() || retry_later);
                    accepted += usize::from(answer.is_success() && answer.outcome.is_none());
                }
                Err(error) => {
                    *counts.entry(format!("no answer: {error}")).or_default() += 1;
                    bad = true;
                }
            }
        }
        let summary: Vec<_> = counts.iter().map(|(answer, count)| format!("{answer} ×{count}")).collect();
        let summary = summary.join(", ");
        if bad || accepted == 0 {
            return Ok(Row::new("concurrent copies", expected, summary, Verdict::Fail));
        }
        // A hooksafe endpoint marks every copy it did not process; another that accepted one copy and asked the
        // others to retry processed one. Several plain `2xx` may be acknowledged duplicates: only effects tell.
        let processed = (declared || accepted == 1).then_some(accepted);
        let (got, verdict) = self.processed_once(&id, processed, summary);
        Ok(Row::new("concurrent copies", expected, got, verdict))
    }

    /// A delivery the endpoint fails (`5xx`), sent again: processed, not acknowledged as done.
    fn retry_after_failure(&self) -> Result<Row, Failure> {
        let expected = "5xx, then the retry processed (2xx, not a duplicate)";
        let Some(failing) = &self.args.failing_body else {
            let why = "skipped: give --failing-body, a delivery the endpoint fails once";
            return Ok(Row::new("retry after 5xx", expected, why, Verdict::Skip));
        };
        let body = text_or_file(failing)?;
        let (request, id) = self.deliveries.signed(&body, OffsetDateTime::now_utc())?;
        let first = match self.send(&request) {
            Ok(first) if first.status >= 500 => first,
            Ok(first) => {
                let got = format!("{}: the endpoint did not fail it, so there is nothing to check", first.describe());
                return Ok(Row::new("retry after 5xx", expected, got, Verdict::Skip));
            }
            Err(error) => {
                return Ok(Row::new("retry after 5xx", expected, format!("no answer: {error}"), Verdict::Fail));
            }
        };
        let retry = match self.send(&request) {
            Ok(retry) => retry,
            Err(error) => {
                return Ok(Row::new("retry after 5xx", expected, format!("no answer: {error}"), Verdict::Fail));
            }
        };
        let got = format!("{}, then {}", first.describe(), retry.describe());
        if !retry.is_success() || retry.outcome.is_some() {
            return Ok(Row::new("retry after 5xx", expected, got, Verdict::Fail));
        }
        // A plain `2xx` from an endpoint that declares what it does not process was processed.
        let declares = first.outcome.is_some() || self.declares_outcomes();
        let (got, verdict) = self.processed_once(&id, declares.then_some(1), got);
        Ok(Row::new("retry after 5xx", expected, got, verdict))
    }

    /// Whether this endpoint marks what it does not process (`hooksafe-outcome`), as the duplicate check saw.
    fn declares_outcomes(&self) -> bool {
        self.declares.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The scheme's endpoint check, answered as hooksafe's own verifier answers it.
    fn handshake(&self) -> Result<Row, Failure> {
        let scheme = self.args.key.scheme.to_string();
        let Some(request) = self.handshake_request(&scheme)? else {
            let why = if ["line", "meta", "notion", "x", "xero"].contains(&scheme.as_str()) {
                "skipped: this scheme's handshake is not checked yet"
            } else {
                "skipped: the scheme has no handshake"
            };
            return Ok(Row::new("handshake", "-", why, Verdict::Skip));
        };
        let expected = match self.deliveries.verifier.as_ref().map(|verifier| verifier.verify(&request)) {
            Some(Ok(verified)) => match verified.handshake() {
                Some(handshake) => handshake.to_response::<Vec<u8>>(),
                None => return Ok(Row::new("handshake", "-", "skipped: not a handshake here", Verdict::Skip)),
            },
            _ => return Ok(Row::new("handshake", "-", "skipped: the key cannot answer it", Verdict::Skip)),
        };
        let want = format!("{} {}", expected.status().as_u16(), String::from_utf8_lossy(expected.body()));
        let answer = match self.send(&request) {
            Ok(answer) => answer,
            Err(error) => return Ok(Row::new("handshake", want, format!("no answer: {error}"), Verdict::Fail)),
        };
        let got = format!("{} {}", answer.status, String::from_utf8_lossy(&answer.body));
        // Slack also takes the challenge as `{"challenge": …}`, as its Bolt framework answers.
        let slack_json = scheme == "slack"
            && serde_json::from_slice::<serde_json::Value>(&answer.body).is_ok_and(|json| {
                json.get("challenge").and_then(serde_json::Value::as_str).map(str::as_bytes) == Some(expected.body())
            });
        let same_body = slack_json || trim_json(&answer.body) == trim_json(expected.body());
        let verdict =
            if answer.status == expected.status().as_u16() && same_body { Verdict::Pass } else { Verdict::Fail };
        Ok(Row::new("handshake", want, got, verdict))
    }

    /// The provider's endpoint check for the schemes that send a signed one in a delivery, or an unsigned `GET`.
    fn handshake_request(&self, scheme: &str) -> Result<Option<Request<Vec<u8>>>, Failure> {
        let d = &self.deliveries;
        let challenge = format!("hooksafe_check_{}", d.run);
        let now = OffsetDateTime::now_utc();
        let id = d.next_id();
        let signed = |body: String| d.signer.request(d.uri.clone(), &id, now, body.into_bytes());
        Ok(Some(match scheme {
            "slack" => signed(format!(r#"{{"token":"t","challenge":"{challenge}","type":"url_verification"}}"#))?,
            "discord" => signed(r#"{"id":"1","application_id":"1","type":1,"version":1}"#.to_owned())?,
            "zoom" => signed(format!(
                r#"{{"event":"endpoint.url_validation","payload":{{"plainToken":"{challenge}"}},"event_ts":{}}}"#,
                now.unix_timestamp() * 1000
            ))?,
            "twitch-eventsub" => {
                let body = format!(
                    r#"{{"challenge":"{challenge}","subscription":{{"id":"{id}","type":"channel.follow","status":"webhook_callback_verification_pending"}}}}"#
                );
                let mut request = d.signer.request(d.uri.clone(), &id, now, body.into_bytes())?;
                request
                    .headers_mut()
                    .insert("twitch-eventsub-message-type", HeaderValue::from_static("webhook_callback_verification"));
                // The type header is not signed: set after signing, as Twitch sends it.
                request
            }
            "dropbox" | "nylas" => {
                let mut request = Request::new(Vec::new());
                *request.method_mut() = Method::GET;
                *request.uri_mut() = with_query(&d.uri, &format!("challenge={challenge}"))?;
                request
            }
            _ => return Ok(None),
        }))
    }

    /// Two events of one object, the newer sent first: reported as answered.
    fn ordering(&self) -> Result<Row, Failure> {
        let now = OffsetDateTime::now_utc();
        let (newer, _) = self.deliveries.signed(&self.deliveries.body, now)?;
        let (older, _) = self.deliveries.signed(&self.deliveries.body, now - time::Duration::seconds(60))?;
        let describe = |answer: Result<Answer, String>| {
            answer.map_or_else(|error| format!("no answer: {error}"), |a| a.describe())
        };
        let got = format!("newer: {}, then older: {}", describe(self.send(&newer)), describe(self.send(&older)));
        Ok(Row::new("out of order", "reported, not judged", got, Verdict::Info))
    }
}

/// Sends `request` and reads the answer (its body up to 64 KiB).
fn exchange(agent: &ureq::Agent, request: &Request<Vec<u8>>) -> Result<Answer, String> {
    let started = Instant::now();
    let url = request.uri().to_string();
    let mut response = if request.method() == Method::GET {
        let mut call = agent.get(&url);
        for (name, value) in request.headers() {
            call = call.header(name.as_str(), value.to_str().map_err(|error| error.to_string())?);
        }
        call.call()
    } else {
        let mut call = agent.post(&url);
        for (name, value) in request.headers() {
            call = call.header(name.as_str(), value.to_str().map_err(|error| error.to_string())?);
        }
        call.send(request.body().as_slice())
    }
    .map_err(|error| error.to_string())?;
    let outcome = response.headers().get("hooksafe-outcome").and_then(|value| value.to_str().ok()).map(str::to_owned);
    let body = response.body_mut().with_config().limit(64 * 1024).read_to_vec().unwrap_or_default();
    Ok(Answer { status: response.status().as_u16(), outcome, body, elapsed: started.elapsed() })
}

/// Sends `request` over plain HTTP/1.1 on a connection of its own, and reads the status even when the endpoint
/// answers before the whole body is sent and stops reading (as a receiver refusing a declared length over its limit
/// does: an HTTP client that writes the whole body first would only see the connection reset).
fn send_raw(request: &Request<Vec<u8>>, timeout: Duration) -> Result<Answer, String> {
    use std::io::{Read as _, Write as _};
    let started = Instant::now();
    // One deadline for the whole exchange, however slowly the endpoint reads or answers.
    let remaining = || (started + timeout).saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
    let uri = request.uri();
    let host = uri.host().ok_or("no host")?;
    let port = uri.port_u16().unwrap_or(80);
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<_> =
        std::net::ToSocketAddrs::to_socket_addrs(&(bare, port)).map_err(|error| error.to_string())?.collect();
    // Every address the name has (`localhost` is `::1` and `127.0.0.1`), as an HTTP client tries them.
    let mut stream = addresses
        .iter()
        .find_map(|address| std::net::TcpStream::connect_timeout(address, remaining()).ok())
        .ok_or_else(|| format!("could not connect to {host}:{port}"))?;
    let target = uri.path_and_query().map_or("/", |path| path.as_str());
    let mut head = format!("{} {target} HTTP/1.1\r\nhost: {host}:{port}\r\n", request.method());
    for (name, value) in request.headers() {
        if name != http::header::CONTENT_LENGTH && name != http::header::HOST {
            head.push_str(&format!("{name}: {}\r\n", value.to_str().map_err(|error| error.to_string())?));
        }
    }
    head.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", request.body().len()));
    stream.set_write_timeout(Some(remaining())).map_err(|error| error.to_string())?;
    stream.write_all(head.as_bytes()).map_err(|error| error.to_string())?;
    // A write that fails once the endpoint stopped reading is expected: its answer is read below.
    for chunk in request.body().chunks(64 * 1024) {
        if stream.set_write_timeout(Some(remaining())).is_err() || stream.write_all(chunk).is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        stream.set_read_timeout(Some(remaining())).map_err(|error| error.to_string())?;
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => answer.extend_from_slice(&buffer[..read]),
        }
        let mut headers = [httparse::EMPTY_HEADER; 64];
        if !matches!(httparse::Response::new(&mut headers).parse(&answer), Ok(httparse::Status::Partial))
            || answer.len() > 64 * 1024
        {
            break;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    response.parse(&answer).map_err(|error| format!("no HTTP answer ({error})"))?;
    let status = response.code.ok_or("no HTTP answer (the connection closed)")?;
    let outcome = response
        .headers
        .iter()
        .find(|header| header.name.eq_ignore_ascii_case("hooksafe-outcome"))
        .map(|header| String::from_utf8_lossy(header.value).into_owned());
    Ok(Answer { status, outcome, body: Vec::new(), elapsed: started.elapsed() })
}

/// `GET effects?id=ID`: the number the endpoint's effects URL reports, read until it is not zero (for up to five
/// seconds, for an endpoint that processes after it answers) and once more a little later.
fn effects_count(agent: &ureq::Agent, effects: &str, id: &str) -> Result<u64, Failure> {
    let encoded: String = id
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect();
    let separator = if effects.contains('?') { '&' } else { '?' };
    let url = format!("{effects}{separator}id={encoded}");
    let read = || -> Result<u64, Failure> {
        let mut response =
            agent.get(&url).call().map_err(|error| Failure(format!("the effects URL did not answer: {error}")))?;
        let text = response.body_mut().with_config().limit(1024).read_to_string().unwrap_or_default();
        text.trim().parse().map_err(|_| Failure(format!("the effects URL answered `{}`, not a count", text.trim())))
    };
    let started = Instant::now();
    while read()? == 0 && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    read()
}

/// `uri` with `query` added to its query.
fn with_query(uri: &Uri, query: &str) -> Result<Uri, Failure> {
    let scheme = uri.scheme_str().unwrap_or("http");
    let authority = uri.authority().map_or("", |authority| authority.as_str());
    let query = uri.query().map_or_else(|| query.to_owned(), |existing| format!("{existing}&{query}"));
    format!("{scheme}://{authority}{}?{query}", uri.path())
        .parse()
        .map_err(|_| Failure("cannot add the challenge to the URL".into()))
}

/// A header value with one character changed in the middle of its longest run of signature characters (base64, hex),
/// its format kept. In the middle, every bit of the character counts: the last character of base64 may carry only
/// padding bits, which a lenient decoder ignores.
fn flip_middle(value: &[u8]) -> Vec<u8> {
    let is_signature = |byte: &u8| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'-' | b'_');
    let (mut best, mut start) = ((0, 0), None);
    for (index, byte) in value.iter().chain(std::iter::once(&b' ')).enumerate() {
        match (is_signature(byte), start) {
            (true, None) => start = Some(index),
            (false, Some(from)) => {
                if index - from > best.1 - best.0 {
                    best = (from, index);
                }
                start = None;
            }
            _ => {}
        }
    }
    let mut value = value.to_vec();
    if best.1 > best.0 {
        let middle = best.0 + (best.1 - best.0) / 2;
        value[middle] = match value[middle] {
            b'0' => b'1',
            b'a' => b'b',
            b'A' => b'B',
            b'+' => b'/',
            b'-' => b'_',
            byte if byte.is_ascii_digit() => b'0',
            byte if byte.is_ascii_lowercase() => b'a',
            byte if byte.is_ascii_uppercase() => b'A',
            _ => b'+',
        };
    }
    value
}

/// A body compared as JSON where both are JSON, else byte for byte (trimmed).
fn trim_json(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .map_or_else(|_| String::from_utf8_lossy(body).trim().to_owned(), |json| json.to_string())
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn print_table(url: &str, scheme: &str, rows: &[Row]) {
    let colour = std::io::stdout().is_terminal();
    println!("hooksafe check {url} ({scheme})\n");
    let width = |f: fn(&Row) -> usize, title: &str| rows.iter().map(f).max().unwrap_or(0).max(title.len());
    let (check, expected) =
        (width(|row| row.check.len(), "check"), width(|row| cell(&row.expected).chars().count(), "expected"));
    println!("{:<4}  {:<check$}  {:<expected$}  got", "", "check", "expected");
    for row in rows {
        let verdict = match row.verdict {
            Verdict::Pass => paint("pass", true, colour),
            Verdict::Fail => paint("FAIL", false, colour),
            other => other.as_str().to_owned(),
        };
        let pad = 4usize.saturating_sub(row.verdict.as_str().len());
        println!(
            "{verdict}{}  {:<check$}  {:<expected$}  {}",
            " ".repeat(pad),
            row.check,
            cell(&row.expected),
            cell(&row.got)
        );
    }
    let failed = rows.iter().filter(|row| row.verdict == Verdict::Fail).count();
    let passed = rows.iter().filter(|row| row.verdict == Verdict::Pass).count();
    let skipped = rows.iter().filter(|row| row.verdict == Verdict::Skip).count();
    println!("\n{passed} passed, {failed} failed, {skipped} skipped");
}

/// A table cell: at most 60 characters (`--json` has the whole text).
fn cell(text: &str) -> String {
    match text.char_indices().nth(59) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn to_json(url: &str, scheme: &str, rows: &[Row]) -> String {
    let checks: Vec<_> = rows
        .iter()
        .map(|row| {
            serde_json::json!({
                "check": row.check,
                "expected": row.expected,
                "got": row.got,
                "verdict": row.verdict.as_str().to_ascii_lowercase(),
            })
        })
        .collect();
    let passed = rows.iter().all(|row| row.verdict != Verdict::Fail);
    let report = serde_json::json!({ "url": url, "scheme": scheme, "passed": passed, "checks": checks });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

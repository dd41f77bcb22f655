//! `hooksafe check`: the battery a careful provider would run against a receiving endpoint, hooksafe's or any other:
//! a valid delivery accepted in time; forged, stale, unsigned and oversized ones refused; duplicates and concurrent
//! copies not processed twice; a retry after a `5xx` processed; the handshake answered. Prints a table (or JSON) and
//! exits 0 only if every check passes.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use http::{HeaderName, HeaderValue, Request};
use time::OffsetDateTime;

use super::{Answered, Failure, SigningKey, fixtures, text_or_file};

mod deliveries;
mod handshake;
mod report;
mod transport;

use deliveries::{Deliveries, default_body, flip_middle, local_verifier};
use report::{Row, Verdict, millis, print_table, to_json};
use transport::{effects_count, exchange, send_raw};

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
    /// (`hooksafe-outcome: duplicate` or `in-progress`).
    #[arg(long, value_name = "URL")]
    effects_url: Option<String>,
    /// Also send two events of one object out of order (the newer first) and report how each was answered.
    #[arg(long)]
    ordering: bool,
    /// Print the results as JSON, for CI.
    #[arg(long)]
    json: bool,
    /// Exit 0 even when checks were skipped (could not be run without an option, or not observed); checks that do
    /// not apply to the scheme never count.
    #[arg(long)]
    allow_skipped: bool,
    /// Allow an endpoint that is not on this machine (loopback).
    #[arg(long)]
    allow_remote: bool,
}

/// What "refused" means: a `4xx`. A `2xx` accepted a bad delivery; a `5xx` makes the provider retry it.
fn refused(answer: &Result<Answered, String>) -> (String, Verdict) {
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

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode, Failure> {
    let uri = super::endpoint(&args.url, args.allow_remote)?;
    if let Some(effects) = &args.effects_url {
        super::endpoint(effects, args.allow_remote)?;
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
        forger: args.key.forger(),
        signer,
        verifier,
        uri,
        body,
        extra,
        run,
        sent: std::sync::atomic::AtomicU32::new(0),
    };
    let (timeout, timeout_source) = provider_timeout(&scheme_name);
    let agent = super::loopback_agent(timeout + Duration::from_secs(5));
    let declares = std::sync::atomic::AtomicBool::new(false);
    let checker = Checker { args, agent, deliveries, timeout, timeout_source, declares };
    let rows = checker.rows()?;
    let passed = rows.iter().all(|row| match row.verdict {
        Verdict::Fail => false,
        Verdict::Skip => args.allow_skipped,
        Verdict::Pass | Verdict::NotApplicable | Verdict::Info => true,
    });
    if args.json {
        println!("{}", to_json(&args.url, &scheme_name, &rows, passed));
    } else {
        print_table(&args.url, &scheme_name, &rows);
    }
    Ok(if passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
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

    fn send(&self, request: &Request<Vec<u8>>) -> Result<Answered, String> {
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
        super::tamper_body(request.body_mut());
        if d.verifier.as_ref().is_some_and(|verifier| verifier.verify(&request).is_ok()) {
            let why = "this scheme's signature does not cover the body (see the scheme guide)";
            rows.push(Row::new("tampered body", expect, why, Verdict::NotApplicable));
        } else {
            let (got, verdict) = refused(&self.send(&request));
            rows.push(Row::new("tampered body", expect, got, verdict));
        }

        let id = d.next_id();
        let request = d.request(&d.signer, &id, now, d.unique(&d.body, &id)?)?;
        let signature_headers = d.signature_headers(&request, &id, now);
        if signature_headers.is_empty() {
            let why = "this scheme's signature is not in a header";
            rows.push(Row::new("tampered signature", expect, why, Verdict::NotApplicable));
            rows.push(Row::new("missing signature", expect, why, Verdict::NotApplicable));
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
                "no other key of this form can be made here (a forged signature is the tampered-signature check)",
                Verdict::NotApplicable,
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
                rows.push(Row::new(check, expect, "this scheme signs no timestamp", Verdict::NotApplicable));
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
        let answers: Vec<Result<Answered, String>> = std::thread::scope(|scope| {
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

    /// Two events of one object, the newer sent first: reported as answered.
    fn ordering(&self) -> Result<Row, Failure> {
        let now = OffsetDateTime::now_utc();
        let (newer, _) = self.deliveries.signed(&self.deliveries.body, now)?;
        let (older, _) = self.deliveries.signed(&self.deliveries.body, now - time::Duration::seconds(60))?;
        let describe = |answer: Result<Answered, String>| {
            answer.map_or_else(|error| format!("no answer: {error}"), |a| a.describe())
        };
        let got = format!("newer: {}, then older: {}", describe(self.send(&newer)), describe(self.send(&older)));
        Ok(Row::new("out of order", "reported, not judged", got, Verdict::Info))
    }
}

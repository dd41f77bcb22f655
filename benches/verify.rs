//! Verification cost against its floor, in one run:
//! - HMAC schemes, one per family: a timestamp and an id in headers (Standard Webhooks `v1`), a `t=…,v1=…` list and
//!   an id in the body (Stripe, whose body is a Stripe event padded to size, so its id is read from a realistic body),
//!   the body alone (GitHub), a timestamp in a header and an id in the body (Slack, a padded Events API callback):
//!   a bare `hmac::Hmac<Sha256>`, keyed once and cloned per call, over the same signed bytes concatenated
//!   beforehand. Bounds: verify ≤ 1.35× the baseline at 1 KiB, ≤ 1.10× from 16 KiB up.
//! - The fixed cost: Standard Webhooks `verify_at` against a plain verifier written the obvious way in a few dozen
//!   lines (`http::HeaderMap` lookups, RustCrypto `hmac` keyed once, `base64`, a `subtle` comparison). Bounds:
//!   ≤ 1.25× at 64 B, ≤ 1.10× at 1 KiB.
//! - Ed25519 (Standard Webhooks `v1a`): a bare `ed25519_dalek::VerifyingKey::verify_strict` of the same message.
//!   Bound: ≤ 1.10× at 1 KiB.
//! - A verifier whose resolver answers from memory (a map of tenants' keys, looked up by a header), against the
//!   same verifier with fixed keys, both verifying a whole request head and body. Bound: ≤ 1.20× at 1 KiB.
//!
//! `cargo bench --bench verify`; each group prints `baseline` and `verify` for one scheme and body size. The run ends
//! with each ratio measured a second way, less exposed to the machine's drift between criterion's two timings: the
//! two sides alternate in short batches, and the median of the per-round ratios is printed.

use std::collections::HashMap;
use std::future::Future as _;
use std::hint::black_box;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use hooksafe::sign::Signer;
use hooksafe::{Keys, RequestHead, Scheme, Verifier};
use http::HeaderMap;
use sha2::Sha256;
use subtle::ConstantTimeEq as _;
use time::OffsetDateTime;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SEED: &str = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";

/// The floor a verification is compared with.
enum Baseline {
    Hmac { keyed: Hmac<Sha256>, signed: Vec<u8> },
    Ed25519 { key: ed25519_dalek::VerifyingKey, signature: ed25519_dalek::Signature, signed: Vec<u8> },
    Plain { verifier: PlainVerifier, headers: HeaderMap, body: Vec<u8> },
}

/// A Standard Webhooks verifier written the obvious way: what a team writes by hand from the specification, with
/// its key decoded once.
struct PlainVerifier {
    key: Hmac<Sha256>,
    now: i64,
}

impl PlainVerifier {
    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> bool {
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        let (Some(id), Some(timestamp), Some(signatures)) =
            (header("webhook-id"), header("webhook-timestamp"), header("webhook-signature"))
        else {
            return false;
        };
        let Ok(seconds) = timestamp.parse::<i64>() else { return false };
        if (self.now - seconds).abs() > 300 {
            return false;
        }
        let mut mac = self.key.clone();
        for part in [id.as_bytes(), b".", timestamp.as_bytes(), b".", body] {
            mac.update(part);
        }
        let expected = mac.finalize().into_bytes();
        signatures.split(' ').filter_map(|entry| entry.strip_prefix("v1,")).any(|signature| {
            let mut decoded = [0u8; 48];
            STANDARD
                .decode_slice(signature, &mut decoded)
                .is_ok_and(|length| length == 32 && bool::from(decoded[..32].ct_eq(&expected[..])))
        })
    }
}

impl Baseline {
    fn run(&self) -> bool {
        match self {
            Self::Hmac { keyed, signed } => {
                let mut mac = keyed.clone();
                mac.update(black_box(signed));
                black_box(mac.finalize().into_bytes())[0] != 0xff
            }
            Self::Ed25519 { key, signature, signed } => key.verify_strict(black_box(signed), signature).is_ok(),
            Self::Plain { verifier, headers, body } => verifier.verify(black_box(headers), black_box(body)),
        }
    }
}

/// One scheme and body size: the request, its verifier, and the baseline.
struct Case {
    group: String,
    size: usize,
    body: Vec<u8>,
    headers: HeaderMap,
    verifier: Verifier,
    baseline: Baseline,
    now: OffsetDateTime,
}

/// A Stripe event as Stripe sends it (`invoice.paid`, pretty-printed, its id first), padded to `size` bytes with a
/// string field inside the object, so a scheme that reads its id from the body reads a realistic one.
fn stripe_event(size: usize) -> Vec<u8> {
    let head = "{\n  \"id\": \"evt_1PqR2sT3uV4wX5yZ\",\n  \"object\": \"event\",\n  \"api_version\": \"2024-06-20\",\n  \"created\": 1719835200,\n  \"type\": \"invoice.paid\",\n  \"livemode\": false,\n  \"data\": {\n    \"object\": {\n      \"id\": \"in_1PqR2s\",\n      \"object\": \"invoice\",\n      \"amount_paid\": 4200,\n      \"description\": \"";
    let tail = "\"\n    }\n  }\n}\n";
    let padding = size.saturating_sub(head.len() + tail.len());
    [head.as_bytes(), &vec![b'x'; padding], tail.as_bytes()].concat()
}

/// A Slack Events API callback (`event_callback`, its `event_id` after the event), padded to `size` bytes inside the
/// event's text.
fn slack_event(size: usize) -> Vec<u8> {
    let head = r#"{"token":"XXYYZZ","team_id":"T123ABC456","api_app_id":"A123ABC456","event":{"type":"message","channel":"C123ABC456","user":"U123ABC456","ts":"1700000000.000100","text":""#;
    let tail = r#""},"type":"event_callback","event_id":"Ev123ABC456","event_time":1700000000}"#;
    let padding = size.saturating_sub(head.len() + tail.len());
    [head.as_bytes(), &vec![b'x'; padding], tail.as_bytes()].concat()
}

impl Case {
    fn new(name: &str, size: usize) -> Self {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let body = match name {
            "stripe" => stripe_event(size),
            "slack" => slack_event(size),
            _ => vec![b'a'; size],
        };
        let (headers, verifier, baseline) = match name {
            "standard-webhooks" | "plain" => {
                let headers = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap().headers("msg_bench", now, &body);
                let key = STANDARD.decode(&SECRET["whsec_".len()..]).unwrap();
                let keyed = Hmac::<Sha256>::new_from_slice(&key).unwrap();
                let signed = [&b"msg_bench.1700000000."[..], &body].concat();
                // The bench's bodies go up to 1 MiB, over Standard Webhooks' default cap.
                let verifier =
                    Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).max_body_size(2 << 20).build().unwrap();
                let headers = headers.unwrap();
                let baseline = if name == "plain" {
                    let verifier = PlainVerifier { key: keyed, now: now.unix_timestamp() };
                    Baseline::Plain { verifier, headers: headers.clone(), body: body.clone() }
                } else {
                    Baseline::Hmac { keyed, signed }
                };
                (headers, verifier, baseline)
            }
            "github" => {
                let secret = "github bench secret";
                let headers = Signer::new(Scheme::GitHub, secret).unwrap().headers("", now, &body).unwrap();
                let keyed = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
                let verifier = Verifier::builder(Scheme::GitHub).secret(secret).max_body_size(2 << 20).build().unwrap();
                (headers, verifier, Baseline::Hmac { keyed, signed: body.clone() })
            }
            "slack" => {
                let secret = "slack bench signing secret";
                let headers = Signer::new(Scheme::Slack, secret).unwrap().headers("", now, &body).unwrap();
                let keyed = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
                let signed = [&b"v0:1700000000:"[..], &body].concat();
                let verifier = Verifier::builder(Scheme::Slack).secret(secret).max_body_size(2 << 20).build().unwrap();
                (headers, verifier, Baseline::Hmac { keyed, signed })
            }
            "stripe" => {
                let secret = "whsec_stripe_bench_secret";
                let headers = Signer::new(Scheme::Stripe, secret).unwrap().headers("", now, &body).unwrap();
                let keyed = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
                let signed = [&b"1700000000."[..], &body].concat();
                let verifier = Verifier::builder(Scheme::Stripe).secret(secret).max_body_size(2 << 20).build().unwrap();
                (headers, verifier, Baseline::Hmac { keyed, signed })
            }
            _ => {
                let signer = Signer::with_private_key(Scheme::StandardWebhooks, SEED).unwrap();
                let public = signer.public_key().unwrap();
                let headers = signer.headers("msg_bench", now, &body).unwrap();
                let entry = headers["webhook-signature"].to_str().unwrap().strip_prefix("v1a,").unwrap();
                let bytes: [u8; 64] = STANDARD.decode(entry).unwrap().try_into().unwrap();
                let key_bytes: [u8; 32] = STANDARD.decode(&public["whpk_".len()..]).unwrap().try_into().unwrap();
                let baseline = Baseline::Ed25519 {
                    key: ed25519_dalek::VerifyingKey::from_bytes(&key_bytes).unwrap(),
                    signature: ed25519_dalek::Signature::from_bytes(&bytes),
                    signed: [&b"msg_bench.1700000000."[..], &body].concat(),
                };
                let verifier = Verifier::builder(Scheme::StandardWebhooks).public_key(public).build().unwrap();
                (headers, verifier, baseline)
            }
        };
        Self { group: format!("verify/{name}"), size, body, headers, verifier, baseline, now }
    }

    fn verify(&self) -> bool {
        self.verifier.verify_at((black_box(&self.headers), black_box(&self.body)), self.now).is_ok()
    }
}

/// The resolver's cost: one request verified by a verifier with fixed keys and by one that looks its keys up.
struct ResolverCase {
    parts: http::request::Parts,
    body: Vec<u8>,
    fixed: Verifier,
    resolving: Verifier,
    now: OffsetDateTime,
}

impl ResolverCase {
    fn new() -> Self {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let body = vec![b'a'; 1024];
        let signer = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
        let request = signer.request(http::Uri::from_static("/hooks/acme"), "msg_bench", now, body.clone()).unwrap();
        let (mut parts, body) = request.into_parts();
        parts.headers.insert("x-tenant", http::HeaderValue::from_static("acme"));
        let mut tenants = HashMap::new();
        for tenant in ["acme", "globex", "initech"] {
            let keys = Keys::builder(&Scheme::StandardWebhooks).secret(SECRET).tenant(tenant).build().unwrap();
            tenants.insert(tenant.to_owned(), keys);
        }
        let tenants = Arc::new(tenants);
        let resolving = Verifier::builder(Scheme::StandardWebhooks)
            .resolver(move |head: &RequestHead<'_>| {
                let tenant = head.headers().get("x-tenant").and_then(|value| value.to_str().ok());
                std::future::ready(Ok(tenant.and_then(|tenant| tenants.get(tenant).cloned())))
            })
            .build()
            .unwrap();
        let fixed = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
        Self { parts, body, fixed, resolving, now }
    }

    fn fixed(&self) -> bool {
        self.fixed.verify_at((black_box(&self.parts), black_box(&self.body)), self.now).is_ok()
    }

    /// The resolving verifier's future, polled once: a resolver that answers from memory is ready at once.
    fn resolving(&self) -> bool {
        let future = self.resolving.verify_async_at((black_box(&self.parts), black_box(&self.body)), self.now);
        let mut context = Context::from_waker(Waker::noop());
        matches!(std::pin::pin!(future).poll(&mut context), Poll::Ready(Ok(_)))
    }
}

/// `measured` against `baseline` over `rounds` alternating batches of `batch` calls each: the median of the rounds'
/// ratios.
fn alternating_ratio(rounds: usize, batch: usize, measured: &dyn Fn() -> bool, baseline: &dyn Fn() -> bool) -> f64 {
    let time = |run: &dyn Fn() -> bool| {
        let start = Instant::now();
        for _ in 0..batch {
            assert!(run());
        }
        start.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..rounds).map(|_| time(measured) / time(baseline)).collect();
    ratios.sort_by(f64::total_cmp);
    ratios[rounds / 2]
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend([64, 1024].map(|size| Case::new("plain", size)));
    cases.extend([64, 1024, 16 * 1024, 1024 * 1024].map(|size| Case::new("standard-webhooks", size)));
    // A Stripe event or a Slack callback is a few hundred bytes before any padding: no 64-byte case.
    cases.extend([1024, 16 * 1024, 1024 * 1024].map(|size| Case::new("stripe", size)));
    cases.extend([64, 1024, 16 * 1024, 1024 * 1024].map(|size| Case::new("github", size)));
    cases.extend([1024, 16 * 1024, 1024 * 1024].map(|size| Case::new("slack", size)));
    cases.extend([1024, 16 * 1024].map(|size| Case::new("standard-webhooks-v1a", size)));
    cases
}

fn main() {
    let cases = cases();
    let mut criterion = Criterion::default().configure_from_args();
    for case in &cases {
        let mut group = criterion.benchmark_group(&case.group);
        group.throughput(Throughput::Bytes(case.size as u64));
        group.bench_function(BenchmarkId::new("baseline", case.size), |b| b.iter(|| case.baseline.run()));
        group.bench_function(BenchmarkId::new("verify", case.size), |b| b.iter(|| case.verify()));
        group.finish();
    }
    let resolver = ResolverCase::new();
    let mut group = criterion.benchmark_group("verify/resolver");
    group.bench_function(BenchmarkId::new("fixed", 1024), |b| b.iter(|| resolver.fixed()));
    group.bench_function(BenchmarkId::new("resolving", 1024), |b| b.iter(|| resolver.resolving()));
    group.finish();
    criterion.final_summary();

    // `cargo bench -- --test` (CI's smoke run) checks that this part runs, in one short round per case.
    let smoke = std::env::args().any(|arg| arg == "--test");
    println!("\nverify / baseline, alternating batches: median of the rounds' ratios");
    for case in cases.iter().filter(|case| case.size <= 16 * 1024) {
        let batch = if matches!(case.baseline, Baseline::Ed25519 { .. }) {
            50
        } else {
            (2_000_000 / (case.size + 64)).clamp(10, 20_000)
        };
        let (rounds, batch) = if smoke { (1, 2) } else { (31, batch) };
        let ratio = alternating_ratio(rounds, batch, &|| case.verify(), &|| case.baseline.run());
        println!("{}/{}: {ratio:.3}×", case.group, case.size);
    }
    let (rounds, batch) = if smoke { (1, 2) } else { (31, 2000) };
    let ratio = alternating_ratio(rounds, batch, &|| resolver.resolving(), &|| resolver.fixed());
    println!("verify/resolver (resolving / fixed keys)/1024: {ratio:.3}×");
}

//! Verification cost against its floor: a bare HMAC-SHA256 of the same signed bytes, keyed once and cloned per call
//! (what any verifier must at least do). Targets: verify ≤ 1.15× the baseline at 1 KiB, ≤ 1.05× from 16 KiB up.
//!
//! `cargo bench --bench verify`; each group prints `baseline` and `verify` for one scheme and body size. Criterion
//! times each side over its own few seconds, and on a shared VM the machine's speed drifts by up to 10 % between
//! them, so the run ends with the ratio measured a second way: the two sides alternate in short batches, and the
//! median of the per-round ratios is printed for each case.

use std::hint::black_box;
use std::time::Instant;

use criterion::{BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier};
use http::HeaderMap;
use sha2::Sha256;
use time::OffsetDateTime;

const SIZES: [usize; 4] = [64, 1024, 16 * 1024, 1024 * 1024];

/// One scheme and body size: the request, its verifier, and the baseline's key and signed bytes.
struct Case {
    group: String,
    size: usize,
    body: Vec<u8>,
    headers: HeaderMap,
    verifier: Verifier,
    keyed: Hmac<Sha256>,
    signed: Vec<u8>,
    now: OffsetDateTime,
}

impl Case {
    fn new(scheme: Scheme, name: &str, secret: &str, size: usize) -> Self {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let body = vec![b'a'; size];
        let headers = Signer::new(scheme.clone(), secret).unwrap().headers("msg_bench", now, &body).unwrap();
        let verifier = Verifier::builder(scheme.clone()).secret(secret).build().unwrap();
        // The same signed bytes and key the verifier uses, concatenated once outside the timed loop.
        let (key, signed): (Vec<u8>, Vec<u8>) = match scheme {
            Scheme::StandardWebhooks => {
                use base64::Engine as _;
                let key = base64::engine::general_purpose::STANDARD.decode(&secret["whsec_".len()..]).unwrap();
                (key, [&b"msg_bench.1700000000."[..], &body].concat())
            }
            _ => (secret.as_bytes().to_vec(), [&b"1700000000."[..], &body].concat()),
        };
        let keyed = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        Self { group: format!("verify/{name}"), size, body, headers, verifier, keyed, signed, now }
    }

    fn baseline(&self) -> impl Sized {
        let mut mac = self.keyed.clone();
        mac.update(black_box(&self.signed));
        mac.finalize().into_bytes()
    }

    fn verify(&self) -> bool {
        self.verifier.verify_at(black_box(&self.headers), black_box(&self.body), self.now).is_ok()
    }

    /// Verify against the baseline over `rounds` alternating batches of `batch` calls each: the median of the
    /// rounds' ratios, and the fastest verify batch over the fastest baseline batch.
    fn alternating_ratios(&self, rounds: usize, batch: usize) -> (f64, f64) {
        let time = |run: &dyn Fn()| {
            let start = Instant::now();
            for _ in 0..batch {
                run();
            }
            start.elapsed().as_secs_f64()
        };
        let mut times: Vec<(f64, f64)> = (0..rounds)
            .map(|_| {
                let baseline = time(&|| {
                    black_box(self.baseline());
                });
                (baseline, time(&|| assert!(black_box(self.verify()))))
            })
            .collect();
        let fastest = |side: fn(&(f64, f64)) -> f64| times.iter().map(side).fold(f64::INFINITY, f64::min);
        let best = fastest(|round| round.1) / fastest(|round| round.0);
        times.sort_by(|a, b| (a.1 / a.0).total_cmp(&(b.1 / b.0)));
        let median = times[rounds / 2];
        (median.1 / median.0, best)
    }
}

fn cases() -> Vec<Case> {
    let schemes = [
        (Scheme::StandardWebhooks, "standard-webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        (Scheme::Stripe, "stripe", "whsec_stripe_bench_secret"),
    ];
    schemes
        .into_iter()
        .flat_map(|(scheme, name, secret)| SIZES.map(|size| Case::new(scheme.clone(), name, secret, size)))
        .collect()
}

fn main() {
    let cases = cases();
    let mut criterion = Criterion::default().configure_from_args();
    for case in &cases {
        let mut group = criterion.benchmark_group(&case.group);
        group.throughput(Throughput::Bytes(case.size as u64));
        group.bench_function(BenchmarkId::new("baseline", case.size), |b| b.iter(|| case.baseline()));
        group.bench_function(BenchmarkId::new("verify", case.size), |b| b.iter(|| case.verify()));
        group.finish();
    }
    criterion.final_summary();

    // `cargo bench -- --test` (CI's smoke run) checks that this part runs, in one short round per case.
    let smoke = std::env::args().any(|arg| arg == "--test");
    println!("\nverify / baseline, alternating batches: median of the rounds' ratios, and fastest over fastest");
    for case in cases.iter().filter(|case| case.size <= 16 * 1024) {
        // About 2 ms of baseline per batch.
        let batch = (2_000_000 / (case.size + 64)).max(10);
        let (median, best) = if smoke { case.alternating_ratios(1, 10) } else { case.alternating_ratios(41, batch) };
        println!("{}/{}: {median:.3}× median, {best:.3}× fastest", case.group, case.size);
    }
}

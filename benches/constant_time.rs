//! Constant-time evidence, dudect-style: times `verify_at` on two classes of forged signature, interleaved at random,
//! and reports Welch's t-statistic between the two timing distributions.
//!
//! - class A: the tag is right in every byte but the **last**;
//! - class B: the tag is wrong in the **first** byte.
//!
//! A comparison that stopped at the first differing byte would make A slower than B; |t| > 5 would say so with high
//! confidence (dudect's threshold; |t| < 4.5 is "no leak detected"). Machines are noisy, so this does not gate CI.
//!
//! `cargo bench --bench constant_time` (2 million samples per class by default; `CT_SAMPLES` to change).

use std::hint::black_box;
use std::time::Instant;

use base64::Engine as _;
use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier};
use http::{HeaderMap, HeaderValue};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// The signature header with the genuine tag's byte `flip` changed.
fn forged(headers: &HeaderMap, flip: usize) -> HeaderValue {
    let value = headers["webhook-signature"].to_str().unwrap();
    let mut tag = base64::engine::general_purpose::STANDARD.decode(&value[3..]).unwrap();
    tag[flip] ^= 0x01;
    HeaderValue::from_str(&format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(tag))).unwrap()
}

/// Mean and variance, online (Welford).
#[derive(Default)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (x - self.mean);
    }

    fn variance(&self) -> f64 {
        self.m2 / (self.n - 1.0)
    }
}

fn welch_t(a: &Moments, b: &Moments) -> f64 {
    (a.mean - b.mean) / (a.variance() / a.n + b.variance() / b.n).sqrt()
}

fn main() {
    if std::env::args().any(|arg| arg == "--test" || arg == "--list") {
        return; // `cargo bench -- --test` smoke runs; this bench only makes sense when run in full
    }
    let samples: usize = std::env::var("CT_SAMPLES").ok().and_then(|n| n.parse().ok()).unwrap_or(2_000_000);
    let now = time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    let body = vec![b'a'; 64];
    let mut headers = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap().headers("msg_1", now, &body).unwrap();
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap();
    let classes = [forged(&headers, 31), forged(&headers, 0)];

    // A cheap deterministic generator for the class sequence (xorshift), so no dependency is needed.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut timings: [Vec<f64>; 2] = [Vec::with_capacity(samples), Vec::with_capacity(samples)];
    while timings[0].len() < samples || timings[1].len() < samples {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let class = (state & 1) as usize;
        // Both classes go through the same header map, so memory placement is not a difference between them.
        headers.insert("webhook-signature", classes[class].clone());
        let start = Instant::now();
        let result = black_box(verifier.verify_at((black_box(&headers), black_box(&body)), now));
        let elapsed = start.elapsed().as_nanos() as f64;
        assert!(result.is_err());
        timings[class].push(elapsed);
    }
    // dudect crops the slow tail (interrupts, preemption): compare the samples below a common percentile.
    let mut all: Vec<f64> = timings.iter().flatten().copied().collect();
    all.sort_by(f64::total_cmp);
    for percentile in [1.0, 0.99, 0.9, 0.5] {
        let cutoff = all[((all.len() - 1) as f64 * percentile) as usize];
        let [a, b] = [0, 1].map(|class| {
            let mut moments = Moments::default();
            timings[class].iter().filter(|&&t| t <= cutoff).for_each(|&t| moments.push(t));
            moments
        });
        println!(
            "samples below p{:<3} (≤ {cutoff:>6.0} ns): last-byte-wrong mean {:.1} ns, first-byte-wrong mean {:.1} ns, t = {:+.2}",
            (percentile * 100.0) as u32,
            a.mean,
            b.mean,
            welch_t(&a, &b)
        );
    }
}

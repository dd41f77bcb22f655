//! Verification cost against its floor: a bare HMAC-SHA256 of the same signed bytes, keyed once and cloned per call
//! (what any verifier must at least do). Targets: verify ≤ 1.15× the baseline at 1 KiB, ≤ 1.05× from 16 KiB up.
//!
//! `cargo bench --bench verify`; each group prints `baseline` and `verify` for one scheme and body size.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use hooksafe::sign::Signer;
use hooksafe::{Scheme, Verifier};
use sha2::Sha256;
use std::hint::black_box;
use time::OffsetDateTime;

const SIZES: [usize; 4] = [64, 1024, 16 * 1024, 1024 * 1024];

fn bench(c: &mut Criterion) {
    let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    let cases = [
        (Scheme::StandardWebhooks, "standard-webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        (Scheme::Stripe, "stripe", "whsec_stripe_bench_secret"),
    ];
    for (scheme, name, secret) in cases {
        let mut group = c.benchmark_group(format!("verify/{name}"));
        for size in SIZES {
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

            group.throughput(Throughput::Bytes(size as u64));
            group.bench_with_input(BenchmarkId::new("baseline", size), &signed, |b, signed| {
                b.iter(|| {
                    let mut mac = keyed.clone();
                    mac.update(black_box(signed));
                    black_box(mac.finalize().into_bytes())
                })
            });
            group.bench_with_input(BenchmarkId::new("verify", size), &body, |b, body| {
                b.iter(|| black_box(verifier.verify_at(black_box(&headers), black_box(body), now).is_ok()))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

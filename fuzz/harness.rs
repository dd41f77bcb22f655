//! The fuzz harnesses, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/`) and by `tests/fuzz_corpus.rs`, which
//! replays the kept corpus on every `cargo test`. Each takes arbitrary bytes and must never panic.

use hooksafe::{Custom, Encoding, Scheme, SecretEncoding, Verifier};
use http::{HeaderMap, HeaderName, HeaderValue};
use time::OffsetDateTime;

/// Fixed secrets that every scheme accepts.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn schemes() -> [Scheme; 8] {
    [
        Scheme::StandardWebhooks,
        Scheme::Svix,
        Scheme::Stripe,
        Scheme::GitHub,
        Scheme::Slack,
        Scheme::Shopify,
        Scheme::Paddle,
        Scheme::Custom(
            Custom::new("x-sig")
                .prefix("sha256=")
                .encoding(Encoding::Base64)
                .id_header("x-id")
                .timestamp_header("x-ts")
                .signed_content("{id}:{timestamp}:{body}"),
        ),
    ]
}

/// Every header name any built-in scheme reads.
const NAMES: [&str; 14] = [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "stripe-signature",
    "x-hub-signature-256",
    "x-github-delivery",
    "x-slack-request-timestamp",
    "x-slack-signature",
    "x-shopify-hmac-sha256",
    "paddle-signature",
    "x-ts",
];

/// Splits `data` at `\n` into header values (each assigned, in turn, to one of the scheme's header names, some
/// repeated) and a body; verifies the result under every scheme at a fixed clock. Covers the header parsers, the
/// timestamp parser and window, the tag decoders and the whole of `verify_at`.
pub fn verify(data: &[u8]) {
    let mut parts = data.split(|&byte| byte == b'\n');
    let selector = parts.next().unwrap_or_default();
    let mut headers = HeaderMap::new();
    for (index, value) in parts.by_ref().take(8).enumerate() {
        let choice = selector.get(index).copied().unwrap_or(index as u8);
        let name = HeaderName::from_static(NAMES[usize::from(choice) % NAMES.len()]);
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(name, value);
        }
    }
    let body: Vec<u8> = parts.flat_map(|part| part.iter().copied().chain([b'\n'])).collect();
    let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    for scheme in schemes() {
        let secret = if matches!(scheme, Scheme::StandardWebhooks | Scheme::Svix) { SECRET } else { "secret" };
        let verifier = Verifier::builder(scheme).secret(secret).build().expect("fixed configuration is valid");
        match verifier.verify_at(&headers, &body, now) {
            Ok(verified) => {
                let _ = (verified.id(), verified.timestamp(), verified.json::<serde_json::Value>());
            }
            Err(error) => {
                let _ = (error.to_string(), error.status(), error.to_response::<String>());
            }
        }
    }
}

/// Arbitrary text as a secret for every scheme, and as a custom scheme's template and header names: configuration
/// must fail with a `ConfigError`, never a panic.
pub fn configure(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (first, second) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(0, |(at, _)| at));
    for scheme in schemes() {
        let _ = Verifier::builder(scheme).secret(first).secret(second).build().map(|v| format!("{v:?}"));
    }
    for encoding in [SecretEncoding::Utf8, SecretEncoding::Base64, SecretEncoding::Hex] {
        let custom = Custom::new(first).id_header(second).timestamp_header(first).signed_content(second);
        let _ = Verifier::builder(Scheme::Custom(custom.secret_encoding(encoding))).secret(second).build();
        let template = Custom::new("x-sig").timestamp_header("x-ts").signed_content(&text);
        let _ = Verifier::builder(Scheme::Custom(template.secret_encoding(encoding))).secret("s").build();
    }
}

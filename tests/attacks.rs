//! The attack suite: every class of hostile input in one place. Each case asserts the error kind, that the handler
//! did not run, and that the deduplication store was never touched.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use hooksafe::sign::Signer;
use hooksafe::store::{Claim, DedupKey, MemoryStore, Retention, Store, StoreError, Token};
use hooksafe::{ConfigError, ErrorKind, Receiver, Scheme, Verifier};
use http::{HeaderMap, HeaderValue};
use time::OffsetDateTime;

const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY: &[u8] = br#"{"id":"evt_1","type":"invoice.paid","amount":100}"#;
const NOW: i64 = 1_700_000_000;

/// Counts every store call.
#[derive(Debug, Default)]
struct Spy {
    inner: MemoryStore,
    calls: AtomicUsize,
}

impl Store for Spy {
    async fn claim(&self, key: DedupKey, token: Token, lease: Duration) -> Result<Claim, StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.claim(key, token, lease).await
    }
    async fn complete(&self, key: DedupKey, token: Token, retention: Retention) -> Result<bool, StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.complete(key, token, retention).await
    }
    async fn release(&self, key: DedupKey, token: Token) -> Result<(), StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.release(key, token).await
    }
}

fn secret(scheme: &Scheme) -> &'static str {
    match scheme {
        Scheme::StandardWebhooks | Scheme::Svix => SW_SECRET,
        _ => "whsec_plain_secret",
    }
}

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

fn signed(scheme: &Scheme) -> HeaderMap {
    Signer::new(scheme.clone(), secret(scheme)).unwrap().headers("msg_1", at(NOW), BODY).unwrap()
}

/// Sends `headers` and `body` to a receiver whose handler counts its runs; returns the error kind.
fn attempt(scheme: &Scheme, headers: &HeaderMap, body: &[u8]) -> ErrorKind {
    let verifier = Verifier::builder(scheme.clone()).secret(secret(scheme)).max_body_size(4096).build().unwrap();
    let receiver = Receiver::new(verifier, Spy::default());
    let handler_runs = AtomicUsize::new(0);
    let outcome = poll(async {
        let delivery = receiver.receive_at((headers, body), at(NOW)).await?;
        handler_runs.fetch_add(1, Ordering::SeqCst);
        delivery.complete().await
    });
    let kind = outcome.expect_err("a hostile delivery was accepted").kind();
    assert_eq!(handler_runs.load(Ordering::SeqCst), 0, "{kind:?}: the handler ran");
    assert_eq!(receiver.store().calls.load(Ordering::SeqCst), 0, "{kind:?}: the store was touched");
    kind
}

/// The memory store never waits: one poll runs the receive to its end.
fn poll<F: std::future::Future>(future: F) -> F::Output {
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(future).poll(&mut context) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => unreachable!("the memory store never waits"),
    }
}

fn with(scheme: &Scheme, name: &'static str, value: &str) -> HeaderMap {
    let mut headers = signed(scheme);
    headers.insert(name, HeaderValue::from_str(value).unwrap());
    headers
}

#[test]
fn the_genuine_deliveries_are_accepted() {
    for scheme in [Scheme::StandardWebhooks, Scheme::Stripe, Scheme::GitHub, Scheme::Slack, Scheme::Paddle] {
        let verifier = Verifier::builder(scheme.clone()).secret(secret(&scheme)).build().unwrap();
        assert!(verifier.verify_at((&signed(&scheme), BODY), at(NOW)).is_ok(), "{scheme:?}");
    }
}

#[test]
fn missing_duplicated_and_oversized_headers() {
    let scheme = Scheme::StandardWebhooks;
    let mut missing = signed(&scheme);
    missing.remove("webhook-signature");
    assert_eq!(attempt(&scheme, &missing, BODY), ErrorKind::MissingHeader);

    let mut duplicated = signed(&scheme);
    let value = duplicated["webhook-signature"].clone();
    duplicated.append("webhook-signature", value);
    assert_eq!(attempt(&scheme, &duplicated, BODY), ErrorKind::MalformedHeader);

    let many = vec!["v1,AAAA"; 10_000].join(" ");
    assert_eq!(attempt(&scheme, &with(&scheme, "webhook-signature", &many), BODY), ErrorKind::MalformedHeader);
    // An id becomes a store key: over 256 bytes it is refused before the signature is even computed.
    let huge_id = "a".repeat(100_000);
    assert_eq!(attempt(&scheme, &with(&scheme, "webhook-id", &huge_id), BODY), ErrorKind::MalformedHeader);
}

#[test]
fn empty_truncated_and_extended_tags() {
    let standard = Scheme::StandardWebhooks;
    let tag = signed(&standard)["webhook-signature"].to_str().unwrap().to_owned();
    for value in ["v1,".to_owned(), tag[..tag.len() - 4].to_owned(), format!("{tag}AAAA"), format!("{tag}=")] {
        assert_eq!(
            attempt(&standard, &with(&standard, "webhook-signature", &value), BODY),
            ErrorKind::InvalidSignature
        );
    }
    let stripe = Scheme::Stripe;
    let header = signed(&stripe)["stripe-signature"].to_str().unwrap().to_owned();
    let (prefix, hex) = header.split_once("v1=").unwrap();
    for value in [format!("{prefix}v1="), format!("{prefix}v1={}", &hex[..63]), format!("{prefix}v1={hex}0")] {
        assert_eq!(attempt(&stripe, &with(&stripe, "stripe-signature", &value), BODY), ErrorKind::InvalidSignature);
    }
    let github = Scheme::GitHub;
    let value = signed(&github)["x-hub-signature-256"].to_str().unwrap().to_owned();
    for value in ["sha256=".to_owned(), value[..value.len() - 1].to_owned(), format!("{value}f")] {
        assert_eq!(attempt(&github, &with(&github, "x-hub-signature-256", &value), BODY), ErrorKind::InvalidSignature);
    }
}

#[test]
fn downgrades_to_other_versions() {
    let stripe = Scheme::Stripe;
    let header = signed(&stripe)["stripe-signature"].to_str().unwrap().replace("v1=", "v0=");
    assert_eq!(attempt(&stripe, &with(&stripe, "stripe-signature", &header), BODY), ErrorKind::InvalidSignature);
    let standard = Scheme::StandardWebhooks;
    let tag = signed(&standard)["webhook-signature"].to_str().unwrap().trim_start_matches("v1,").to_owned();
    for version in ["v2", "v1a", "V1", "v0"] {
        let value = format!("{version},{tag}");
        let kind = attempt(&standard, &with(&standard, "webhook-signature", &value), BODY);
        assert_eq!(kind, ErrorKind::InvalidSignature, "{version}");
    }
}

#[test]
fn non_canonical_timestamps() {
    let scheme = Scheme::StandardWebhooks;
    let canonical = NOW.to_string();
    let cases = [
        format!("+{canonical}"),
        format!("00{canonical}"),
        format!(" {canonical}"),
        format!("{canonical} "),
        "1e9".to_owned(),
        format!("{canonical}.5"),
        i64::MIN.to_string(),
        "1".repeat(25),
    ];
    for value in cases {
        assert_eq!(attempt(&scheme, &with(&scheme, "webhook-timestamp", &value), BODY), ErrorKind::InvalidTimestamp);
    }
    let far = with(&scheme, "webhook-timestamp", &i64::MAX.to_string());
    assert_eq!(attempt(&scheme, &far, BODY), ErrorKind::TimestampTooNew);
    let stale = Signer::new(scheme.clone(), SW_SECRET).unwrap().headers("msg_1", at(NOW - 301), BODY).unwrap();
    assert_eq!(attempt(&scheme, &stale, BODY), ErrorKind::TimestampTooOld);
}

#[test]
fn bodies_altered_in_transit() {
    let scheme = Scheme::Stripe;
    let headers = signed(&scheme);
    let value: serde_json::Value = serde_json::from_slice(BODY).unwrap();
    let reserialized = serde_json::to_vec_pretty(&value).unwrap();
    let crlf = [BODY, b"\r\n"].concat();
    let not_utf8 = [BODY, b"\xff"].concat();
    let reordered = br#"{"type":"invoice.paid","id":"evt_1","amount":100}"#;
    for body in [&reserialized[..], &crlf, &not_utf8, reordered, b""] {
        assert_eq!(attempt(&scheme, &headers, body), ErrorKind::InvalidSignature);
    }
    assert_eq!(attempt(&scheme, &headers, &[b'x'; 5000]), ErrorKind::PayloadTooLarge);
}

#[test]
fn weak_secrets_and_tolerances_are_refused_at_build() {
    let build = |scheme: Scheme, secret: &str| Verifier::builder(scheme).secret(secret).build().err();
    assert_eq!(build(Scheme::Stripe, ""), Some(ConfigError::EmptySecret { index: 1 }));
    assert_eq!(build(Scheme::GitHub, " \t "), Some(ConfigError::SecretWhitespace { index: 1 }));
    assert!(matches!(build(Scheme::Svix, "whsec_c2hvcnQ="), Some(ConfigError::SecretLength { .. })));
    let zero = Verifier::builder(Scheme::Stripe).secret("whsec_x").tolerance(Duration::ZERO).build();
    assert!(matches!(zero, Err(ConfigError::InvalidTolerance { .. })));
    // A year-long window accepts a year of replays; a one-byte secret can be guessed; an API key is not a secret.
    let year =
        Verifier::builder(Scheme::Stripe).secret("whsec_x").past_tolerance(Duration::from_secs(31536000)).build();
    assert!(matches!(year, Err(ConfigError::InvalidTolerance { which: "past" })));
    assert!(Verifier::builder(Scheme::Stripe).secret("whsec_x").tolerance(hooksafe::MAX_TOLERANCE).build().is_ok());
    assert_eq!(build(Scheme::GitHub, "k"), Some(ConfigError::WeakSecret { index: 1, len: 1, min: 6 }));
    let fixture = Verifier::builder(Scheme::Twilio).secret("12345").dangerous_allow_short_secrets().build();
    assert!(fixture.is_ok(), "Twilio's published example token, allowed by name");
    let api_key = build(Scheme::Stripe, "sk_live_51H8abcdefghijklmnop");
    assert_eq!(api_key, Some(ConfigError::UnexpectedSecretFormat { index: 1, expected: "whsec_" }));
    let long = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode([7u8; 65]));
    assert!(matches!(build(Scheme::StandardWebhooks, &long), Some(ConfigError::SecretLength { len: 65, .. })));
}

#[test]
fn a_standard_webhooks_id_must_be_short_visible_ascii() {
    let scheme = Scheme::StandardWebhooks;
    for bad in ["msg 1", "msg\t1", &"a".repeat(257)] {
        assert_eq!(attempt(&scheme, &with(&scheme, "webhook-id", bad), BODY), ErrorKind::MalformedHeader, "{bad:?}");
    }
}

#[test]
fn compressed_bodies_are_refused_before_reading() {
    let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_x").build().unwrap();
    let mut headers = HeaderMap::new();
    headers.insert("content-encoding", HeaderValue::from_static("gzip"));
    assert_eq!(verifier.check_head(&headers).unwrap_err().kind(), ErrorKind::UnsupportedEncoding);
    headers.insert("content-encoding", HeaderValue::from_static("identity"));
    headers.insert("content-length", HeaderValue::from_static("999999999999"));
    assert_eq!(verifier.check_head(&headers).unwrap_err().kind(), ErrorKind::PayloadTooLarge);
}

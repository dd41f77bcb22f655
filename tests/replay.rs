//! The replay window: canonical timestamps, inclusive symmetric bounds, separate past and future limits.

use hooksafe::sign::Signer;
use hooksafe::{ConfigError, ErrorKind, Scheme, Verifier};
use http::{HeaderMap, HeaderValue};
use std::time::Duration;

use time::OffsetDateTime;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY: &[u8] = br#"{"type":"ping"}"#;
const SIGNED_AT: i64 = 1_700_000_000;

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

fn signed() -> HeaderMap {
    Signer::new(Scheme::StandardWebhooks, SECRET).unwrap().headers("msg_1", at(SIGNED_AT), BODY).unwrap()
}

fn verifier() -> Verifier {
    Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).build().unwrap()
}

fn kind_at(verifier: &Verifier, headers: &HeaderMap, now: i64) -> Option<ErrorKind> {
    verifier.verify_at((headers, BODY), at(now)).err().map(|error| error.kind())
}

#[test]
fn accepts_a_timestamp_exactly_300_seconds_old_or_ahead() {
    let (verifier, headers) = (verifier(), signed());
    assert_eq!(kind_at(&verifier, &headers, SIGNED_AT + 300), None);
    assert_eq!(kind_at(&verifier, &headers, SIGNED_AT - 300), None);
    assert_eq!(kind_at(&verifier, &headers, SIGNED_AT), None);
}

#[test]
fn rejects_a_timestamp_one_second_past_the_window() {
    let (verifier, headers) = (verifier(), signed());
    assert_eq!(kind_at(&verifier, &headers, SIGNED_AT + 301), Some(ErrorKind::TimestampTooOld));
    assert_eq!(kind_at(&verifier, &headers, SIGNED_AT - 301), Some(ErrorKind::TimestampTooNew));
}

#[test]
fn a_stale_timestamp_is_401_and_says_by_how_much() {
    let (verifier, headers) = (verifier(), signed());
    let error = verifier.verify_at((&headers, BODY), at(SIGNED_AT + 3600)).unwrap_err();
    assert_eq!(error.status(), http::StatusCode::UNAUTHORIZED);
    let message = error.to_string();
    assert!(message.contains("webhook-timestamp") && message.contains("3600 s"), "{message}");
}

#[test]
fn past_and_future_tolerances_are_separate() {
    let verifier = Verifier::builder(Scheme::StandardWebhooks)
        .secret(SECRET)
        .past_tolerance(Duration::from_secs(5))
        .future_tolerance(Duration::from_secs(60))
        .build()
        .unwrap();
    let headers = signed();
    assert_eq!(kind_at(&verifier, &headers, SIGNED_AT + 5), None);
    assert_eq!(kind_at(&verifier, &headers, SIGNED_AT + 6), Some(ErrorKind::TimestampTooOld));
    assert_eq!(kind_at(&verifier, &headers, SIGNED_AT - 60), None);
    assert_eq!(kind_at(&verifier, &headers, SIGNED_AT - 61), Some(ErrorKind::TimestampTooNew));
}

#[test]
fn the_timestamp_is_checked_before_the_signature() {
    let mut headers = signed();
    headers.insert("webhook-signature", HeaderValue::from_static("v1,AAAA"));
    assert_eq!(kind_at(&verifier(), &headers, SIGNED_AT + 301), Some(ErrorKind::TimestampTooOld));
}

#[test]
fn a_timestamp_moved_into_the_window_breaks_the_signature() {
    let mut headers = signed();
    headers.insert("webhook-timestamp", HeaderValue::from_static("1700000301"));
    assert_eq!(kind_at(&verifier(), &headers, SIGNED_AT + 301), Some(ErrorKind::InvalidSignature));
}

#[test]
fn rejects_non_canonical_timestamps() {
    let verifier = verifier();
    let canonical = SIGNED_AT.to_string();
    let cases = [
        format!("+{canonical}"),
        format!("0{canonical}"),
        format!(" {canonical}"),
        format!("{canonical} "),
        format!("{canonical}.0"),
        "1.7e9".to_owned(),
        "1e9".to_owned(),
        "-1".to_owned(),
        "0x6553f100".to_owned(),
        i64::MIN.to_string(),
        "1".repeat(25),
        "9223372036854775808".to_owned(),
    ];
    for value in cases {
        let mut headers = signed();
        headers.insert("webhook-timestamp", HeaderValue::from_str(&value).unwrap());
        assert_eq!(kind_at(&verifier, &headers, SIGNED_AT), Some(ErrorKind::InvalidTimestamp), "{value:?}");
    }
}

#[test]
fn window_arithmetic_does_not_overflow_at_the_extremes() {
    let verifier = verifier();
    let mut headers = signed();
    headers.insert("webhook-timestamp", HeaderValue::from_str(&i64::MAX.to_string()).unwrap());
    assert_eq!(kind_at(&verifier, &headers, i64::MIN / 1_000_000_000), Some(ErrorKind::TimestampTooNew));
    assert_eq!(kind_at(&verifier, &headers, 0), Some(ErrorKind::TimestampTooNew));
    headers.insert("webhook-timestamp", HeaderValue::from_static("0"));
    assert_eq!(kind_at(&verifier, &headers, SIGNED_AT), Some(ErrorKind::TimestampTooOld));
}

#[test]
fn a_zero_or_negative_tolerance_is_a_configuration_error() {
    for tolerance in [Duration::ZERO, Duration::from_millis(999)] {
        let built = Verifier::builder(Scheme::Stripe).secret("whsec_x").tolerance(tolerance).build();
        assert_eq!(built.unwrap_err(), ConfigError::InvalidTolerance { which: "past" }, "{tolerance:?}");
    }
    let built = Verifier::builder(Scheme::Stripe).secret("whsec_x").future_tolerance(Duration::ZERO).build();
    assert_eq!(built.unwrap_err(), ConfigError::InvalidTolerance { which: "future" });
}

#[test]
fn skipping_the_time_check_must_be_asked_for_by_name() {
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).dangerous_skip_timestamp_check().build();
    let verified = verifier.unwrap();
    let headers = signed();
    let verified = verified.verify_at((&headers, BODY), at(SIGNED_AT + 86_400 * 365)).unwrap();
    assert_eq!(verified.timestamp(), Some(at(SIGNED_AT)));
}

#[test]
fn schemes_without_a_timestamp_have_no_window() {
    let signer = Signer::new(Scheme::GitHub, "s3cret").unwrap();
    let headers = signer.headers("guid", at(0), BODY).unwrap();
    let verifier = Verifier::builder(Scheme::GitHub).secret("s3cret").build().unwrap();
    assert!(verifier.verify_at((&headers, BODY), at(SIGNED_AT)).is_ok());
    assert!(!Scheme::GitHub.has_timestamp() && !Scheme::Shopify.has_timestamp());
}

#[test]
fn verify_uses_the_system_clock() {
    let headers = Signer::new(Scheme::Slack, "slack-secret").unwrap().headers("", OffsetDateTime::now_utc(), BODY);
    let verifier = Verifier::builder(Scheme::Slack).secret("slack-secret").build().unwrap();
    let headers = headers.unwrap();
    assert!(verifier.verify((&headers, BODY)).is_ok());
    let old = Signer::new(Scheme::Slack, "slack-secret").unwrap().headers("", at(SIGNED_AT), BODY).unwrap();
    assert_eq!(verifier.verify((&old, BODY)).unwrap_err().kind(), ErrorKind::TimestampTooOld);
}

#[test]
fn which_schemes_carry_a_timestamp_and_how_wide_the_window_is() {
    for scheme in [Scheme::StandardWebhooks, Scheme::Svix, Scheme::Stripe, Scheme::Slack, Scheme::Paddle] {
        assert!(scheme.has_timestamp(), "{scheme:?}");
    }
    assert_eq!(verifier().replay_window(), Some(Duration::from_secs(600)));
    let uneven = Verifier::builder(Scheme::Stripe).secret("whsec_x").past_tolerance(Duration::from_secs(60)).build();
    assert_eq!(uneven.unwrap().replay_window(), Some(Duration::from_secs(360)));
    assert_eq!(Verifier::builder(Scheme::GitHub).secret("g-secret").build().unwrap().replay_window(), None);
    let skipped = Verifier::builder(Scheme::Stripe).secret("whsec_x").dangerous_skip_timestamp_check().build();
    assert_eq!(skipped.unwrap().replay_window(), None);

    // A custom scheme has a window exactly when it names a timestamp header.
    let stamped = hooksafe::Custom::new("x-acme-signature")
        .timestamp_header("x-acme-timestamp")
        .signed_content("{timestamp}.{body}");
    assert!(Scheme::Custom(stamped.clone()).has_timestamp());
    let stamped = Verifier::builder(Scheme::Custom(stamped)).secret("acme-secret").build().unwrap();
    assert_eq!(stamped.replay_window(), Some(Duration::from_secs(600)));
    let unstamped = Scheme::Custom(hooksafe::Custom::new("x-acme-signature"));
    assert!(!unstamped.has_timestamp());
    assert_eq!(Verifier::builder(unstamped).secret("acme-secret").build().unwrap().replay_window(), None);
}

#[test]
fn a_future_timestamp_says_how_far_ahead_it_is() {
    let error = verifier().verify_at((&signed(), BODY), at(SIGNED_AT - 301)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TimestampTooNew);
    assert!(error.to_string().contains("is 301 s ahead of now; the tolerance is 300 s"), "{error}");
}

#[test]
fn a_timestamp_past_the_last_representable_date_is_invalid_even_unchecked() {
    // With the window skipped, any canonical timestamp up to 9999-12-31 23:59:59 UTC is accepted and reported;
    // one second later is not a date `time` can express, so it is invalid rather than silently dropped.
    use hmac::{Hmac, KeyInit as _, Mac as _};
    let custom = hooksafe::Custom::new("x-acme-signature")
        .timestamp_header("x-acme-timestamp")
        .signed_content("{timestamp}.{body}");
    let verifier = Verifier::builder(Scheme::Custom(custom))
        .secret("acme-secret")
        .dangerous_skip_timestamp_check()
        .build()
        .unwrap();
    let last = 253_402_300_799_i64;
    for (seconds, accepted) in [(last, true), (last + 1, false)] {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"acme-secret").unwrap();
        mac.update(format!("{seconds}.").as_bytes());
        mac.update(BODY);
        let mut headers = HeaderMap::new();
        headers.insert("x-acme-timestamp", HeaderValue::from(seconds));
        let tag = hex::encode(mac.finalize().into_bytes());
        headers.insert("x-acme-signature", HeaderValue::from_str(&tag).unwrap());
        let result = verifier.verify_at((&headers, BODY), at(SIGNED_AT));
        if accepted {
            assert_eq!(result.unwrap().timestamp().map(OffsetDateTime::unix_timestamp), Some(last));
        } else {
            assert_eq!(result.unwrap_err().kind(), ErrorKind::InvalidTimestamp);
        }
    }
}

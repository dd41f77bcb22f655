//! Property tests: whatever a provider signs verifies, and any single-bit change to a signed part does not.

use hooksafe::sign::Signer;
use hooksafe::{ErrorKind, Scheme, Secret, Verifier};
use http::{HeaderMap, HeaderValue, Request};
use proptest::prelude::*;
use time::OffsetDateTime;

const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Private keys for the asymmetric schemes: the Standard Webhooks `v1a` example seed, an Ed25519 seed and a P-256
/// PKCS#8 key made by `openssl genpkey`.
const WHSK: &str = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
const ED25519_SEED: &str = "0ab310f5eac56c62ec87d5a5138c253f6149ab3b739acc5c9254b46c3637ab33";
const P256_PKCS8: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgR9eqhnPw4XHaKh4aDbIanJGEO6jbqprgcnExHH1OBjehRANCAASG8kp+8s5gY8t8r+SCR1yBKQm0SJZdnHqJRwC+WX0oh63y43BkFM7nWn20TBaQBoK35C0GIrpB5CMiQmQuSRbX";

/// The tests' PayPal certificate and its key (`tests/fixtures/paypal-test-*.pem`), valid from 2026-12-02 to
/// 2036-11-29.
const PAYPAL_CERT: &str = include_str!("fixtures/paypal-test-leaf.pem");
const PAYPAL_KEY: &str = include_str!("fixtures/paypal-test-key.pem");

/// The app key Pusher sends as `X-Pusher-Key`, which names the secret that checks the delivery.
const PUSHER_APP_KEY: &str = "pusher-app-key";
/// Where URL-signing providers deliver.
const URL: &str = "https://hooks.example.com/webhooks/provider";

/// A time the keys of `scheme` are valid at: PayPal's certificate only from 2026 on.
fn valid_at(scheme: &Scheme, seconds: i64) -> OffsetDateTime {
    match scheme {
        Scheme::PayPal(_) => at(1_800_000_000 + seconds.rem_euclid(100_000_000)),
        _ => at(seconds),
    }
}

/// A provider's signer and a verifier for it, with the keys and configuration it takes; a scheme not named here
/// takes a secret, so a new provider is covered without an edit.
fn setup(scheme: &Scheme) -> (Scheme, Signer, Verifier) {
    let keyed = |scheme: Scheme, secret: &str| {
        let signer = Signer::new(scheme.clone(), secret).unwrap();
        (scheme.clone(), signer, Verifier::builder(scheme).secret(secret).build().unwrap())
    };
    let asymmetric = |scheme: Scheme, private_key: &str| {
        let signer = Signer::with_private_key(scheme.clone(), private_key).unwrap();
        let verifier = Verifier::builder(scheme.clone()).public_key(signer.public_key().unwrap()).build().unwrap();
        (scheme, signer, verifier)
    };
    match scheme {
        Scheme::Discord => asymmetric(Scheme::Discord, ED25519_SEED),
        Scheme::SendGrid => asymmetric(Scheme::SendGrid, P256_PKCS8),
        Scheme::PayPal(_) => {
            let signer = Signer::with_private_key(Scheme::paypal("WH-PROPERTY"), PAYPAL_KEY).unwrap();
            let verifier = Verifier::builder(Scheme::paypal("WH-PROPERTY")).certificate(PAYPAL_CERT).build();
            (Scheme::paypal("WH-PROPERTY").into(), signer, verifier.unwrap())
        }
        Scheme::Square(_) => keyed(Scheme::square(URL).into(), "square key"),
        Scheme::Adyen(_) => keyed(scheme.clone(), "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"),
        Scheme::Ripple => keyed(Scheme::Ripple, "cmlwcGxlLXZlcmlmaWNhdGlvbi1rZXk="),
        Scheme::AzureDevOps => keyed(Scheme::AzureDevOps, "hooks:azure devops password"),
        Scheme::Pusher => {
            let signer = Signer::new(Scheme::Pusher, "pusher app secret").unwrap();
            let secret = Secret::new("pusher app secret").id(PUSHER_APP_KEY);
            (Scheme::Pusher, signer, Verifier::builder(Scheme::Pusher).secret(secret).build().unwrap())
        }
        other => keyed(other.clone(), SW_SECRET),
    }
}

/// Every built-in scheme with its signer and verifier, and Standard Webhooks signed with an Ed25519 key (`v1a`).
fn schemes() -> impl Strategy<Value = (Scheme, Signer, Verifier)> {
    let mut cases: Vec<_> = Scheme::ALL.iter().map(setup).collect();
    let v1a = Signer::with_private_key(Scheme::StandardWebhooks, WHSK).unwrap();
    let verifier = Verifier::builder(Scheme::StandardWebhooks).public_key(v1a.public_key().unwrap()).build();
    cases.push((Scheme::StandardWebhooks, v1a, verifier.unwrap()));
    prop::sample::select(cases)
}

/// A body made of `bytes`: as they are, or a JSON object carrying them (X, Mailgun and the other providers that
/// send only JSON objects sign no other body).
fn body(bytes: impl Strategy<Value = Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (bytes, any::<bool>()).prop_map(|(bytes, json)| match json {
        true => serde_json::to_vec(&serde_json::json!({ "id": "evt_1", "type": "test", "bytes": bytes })).unwrap(),
        false => bytes,
    })
}

/// The delivery `signer` sends for `body`, as a whole request to [`URL`] (the URL-signing providers sign it);
/// `None` when the provider never sends such a body (an empty one to Square, anything but a JSON object to X or
/// Mailgun, Linear's without its timestamp, Adyen's that is no notification), which the test kit refuses to sign.
fn deliver(scheme: &Scheme, signer: &Signer, id: &str, at: OffsetDateTime, body: &[u8]) -> Option<Request<Vec<u8>>> {
    let id = if *scheme == Scheme::Pusher { PUSHER_APP_KEY } else { id };
    signer.request(URL.parse().unwrap(), id, at, body.to_vec()).ok()
}

fn id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,40}"
}

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

/// Flips one bit of a header value's text, keeping it a valid header value; `None` when the flip would not be one.
fn flip_header(headers: &HeaderMap, name: &str, bit: usize) -> Option<HeaderMap> {
    let mut text = headers.get(name)?.as_bytes().to_vec();
    let index = (bit / 8) % text.len();
    text[index] ^= 1 << (bit % 8);
    let value = HeaderValue::from_bytes(&text).ok()?;
    let mut flipped = headers.clone();
    flipped.insert(http::HeaderName::from_bytes(name.as_bytes()).ok()?, value);
    Some(flipped)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn whatever_a_provider_signs_verifies(
        (scheme, signer, verifier) in schemes(),
        body in body(proptest::collection::vec(any::<u8>(), 0..2048)),
        id in id(),
        timestamp in 1_000_000_000i64..4_000_000_000,
        skew in -300i64..=300,
    ) {
        let signed_at = valid_at(&scheme, timestamp);
        let delivery = deliver(&scheme, &signer, &id, signed_at, &body);
        prop_assume!(delivery.is_some());
        let delivery = delivery.unwrap();
        // Anywhere inside the scheme's own default window (180 s for Calendly and WorkOS, else 300 s).
        let tolerance = i64::try_from(scheme.default_tolerance().as_secs()).unwrap();
        let skew = skew.clamp(-tolerance, tolerance);
        let verified = verifier.verify_at(&delivery, signed_at + time::Duration::seconds(skew));
        let verified = verified.map_err(|error| TestCaseError::fail(format!("{scheme}: {error}")))?;
        prop_assert_eq!(verified.body(), &delivery.body()[..]);
        if scheme.has_timestamp() {
            prop_assert_eq!(verified.timestamp(), Some(signed_at));
        }
    }

    #[test]
    fn any_single_bit_flip_of_the_body_is_rejected(
        (scheme, signer, verifier) in schemes(),
        body in body(proptest::collection::vec(any::<u8>(), 1..512)),
        bit in any::<usize>(),
    ) {
        // Only where the signature covers the whole body (not PayPal's CRC-32, Mailgun's block, Adyen's fields, or
        // a shared token).
        prop_assume!(scheme.signs_whole_body());
        let now = valid_at(&scheme, 1_700_000_000);
        let delivery = deliver(&scheme, &signer, "msg_1", now, &body);
        prop_assume!(delivery.is_some());
        let mut tampered = delivery.unwrap();
        let sent = tampered.body_mut();
        let at = (bit / 8) % sent.len();
        sent[at] ^= 1 << (bit % 8);
        let kind = verifier.verify_at(&tampered, now).unwrap_err().kind();
        // A JSON body the flip made no JSON (X signs only objects) is refused before its signature is checked.
        let broken = serde_json::from_slice::<serde_json::Value>(tampered.body()).is_err();
        let refused = kind == ErrorKind::InvalidSignature || (kind == ErrorKind::MalformedBody && broken);
        prop_assert!(refused, "{}: {:?}", scheme, kind);
    }

    #[test]
    fn a_bit_flip_in_any_header_is_rejected_or_changes_nothing_signed(
        (scheme, signer, verifier) in schemes(),
        body in body(proptest::collection::vec(any::<u8>(), 0..256)),
        bit in any::<usize>(),
        which in any::<prop::sample::Index>(),
    ) {
        let now = valid_at(&scheme, 1_700_000_000);
        let delivery = deliver(&scheme, &signer, "msg_1", now, &body);
        prop_assume!(delivery.is_some());
        let delivery = delivery.unwrap();
        let original = verifier.verify_at(&delivery, now).unwrap();
        let names: Vec<String> = delivery.headers().keys().map(|name| name.as_str().to_owned()).collect();
        let name = which.get(&names);
        if let Some(flipped) = flip_header(delivery.headers(), name, bit) {
            let mut tampered = delivery.clone();
            *tampered.headers_mut() = flipped;
            // Accepted only if it changes nothing the signature covers: an unsigned id, an unsigned event type
            // header, the case of a hex tag.
            if let Ok(verified) = verifier.verify_at(&tampered, now) {
                prop_assert_eq!(verified.body(), original.body(), "{}: {} flipped", scheme, name);
                prop_assert_eq!(verified.timestamp(), original.timestamp(), "{}: {} flipped", scheme, name);
                prop_assert_eq!(verified.key_id(), original.key_id(), "{}: {} flipped", scheme, name);
                if original.id_is_signed() {
                    prop_assert_eq!(verified.id(), original.id(), "{}: {} flipped", scheme, name);
                }
            }
        }
    }

    #[test]
    fn rotation_accepts_exactly_the_configured_secrets(
        secrets in proptest::collection::hash_set("[a-z]{8,16}", 2..5),
        signer_index in any::<prop::sample::Index>(),
        configured in 1usize..4,
    ) {
        let secrets: Vec<String> = secrets.into_iter().collect();
        let configured = configured.min(secrets.len() - 1);
        let verifier = secrets[..configured]
            .iter()
            .fold(Verifier::builder(Scheme::GitHub), |builder, secret| builder.secret(secret))
            .build()
            .unwrap();
        let signer_secret = signer_index.get(&secrets);
        let headers = Signer::new(Scheme::GitHub, signer_secret).unwrap().headers("", at(0), b"{}").unwrap();
        let accepted = verifier.verify((&headers, b"{}")).is_ok();
        prop_assert_eq!(accepted, secrets[..configured].contains(signer_secret));
    }
}

//! The asymmetric schemes: Standard Webhooks `v1a` and Discord (Ed25519), SendGrid (ECDSA P-256), against the
//! providers' published examples where they exist, and against signatures made by `openssl` where they do not.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hooksafe::sign::Signer;
use hooksafe::{ConfigError, ErrorKind, PublicKey, Scheme, Secret, Verifier};
use http::{HeaderMap, HeaderName, HeaderValue};
use time::OffsetDateTime;

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
    }
    map
}

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

fn with_key(scheme: Scheme, key: &str) -> Verifier {
    Verifier::builder(scheme).public_key(key).build().unwrap()
}

// Source: the Standard Webhooks Go library's asymmetric PR (#253), `TestAsymmetricWebhookSign`, on the shared
// `v1` test message.
const SW_SEED: &str = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
const SW_PUBLIC: &str = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SW_TIMESTAMP: i64 = 1_614_265_330;
const SW_BODY: &[u8] = br#"{"test": 2432232314}"#;
const SW_V1A: &str = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_V1: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn standard(signature: &str) -> HeaderMap {
    headers(&[("webhook-id", SW_ID), ("webhook-timestamp", "1614265330"), ("webhook-signature", signature)])
}

#[test]
fn accepts_the_standard_webhooks_v1a_published_example() {
    let map = standard(SW_V1A);
    let verified = with_key(Scheme::StandardWebhooks, SW_PUBLIC).verify_at((&map, SW_BODY), at(SW_TIMESTAMP)).unwrap();
    assert_eq!(verified.id(), Some(SW_ID));
    assert_eq!(verified.key_id(), "1");
}

#[test]
fn the_test_kit_reproduces_the_v1a_example_from_the_seed() {
    // Ed25519 is deterministic, so the signer must give the published bytes exactly.
    let signer = Signer::with_private_key(Scheme::StandardWebhooks, SW_SEED).unwrap();
    assert_eq!(signer.public_key().as_deref(), Some(SW_PUBLIC));
    let sent = signer.headers(SW_ID, at(SW_TIMESTAMP), SW_BODY).unwrap();
    assert_eq!(sent["webhook-signature"], SW_V1A);
    // The 64-byte form (seed, then public key) signs the same; a mismatched public half is refused.
    let seed = STANDARD.decode(&SW_SEED[5..]).unwrap();
    let public = STANDARD.decode(&SW_PUBLIC[5..]).unwrap();
    let long = format!("whsk_{}", STANDARD.encode([seed.as_slice(), &public].concat()));
    assert_eq!(Signer::with_private_key(Scheme::Svix, &long).unwrap().public_key().as_deref(), Some(SW_PUBLIC));
    let wrong = format!("whsk_{}", STANDARD.encode([seed.as_slice(), &[7; 32]].concat()));
    assert!(matches!(Signer::with_private_key(Scheme::Svix, &wrong), Err(ConfigError::InvalidPublicKey { .. })));
}

#[test]
fn a_header_mixing_v1_and_v1a_matches_either_kind_and_reports_which_key() {
    let verifier = Verifier::builder(Scheme::StandardWebhooks)
        .secret(Secret::new(SW_SECRET).id("hmac"))
        .public_key(PublicKey::new(SW_PUBLIC).id("ed25519"))
        .build()
        .unwrap();
    let mixed = standard(&format!("{SW_V1} {SW_V1A}"));
    let verified = verifier.verify_at((&mixed, SW_BODY), at(SW_TIMESTAMP)).unwrap();
    assert_eq!(verified.key_id(), "hmac");
    let only_v1a = standard(&format!("v1,{} {SW_V1A}", STANDARD.encode([0u8; 32])));
    assert_eq!(verifier.verify_at((&only_v1a, SW_BODY), at(SW_TIMESTAMP)).unwrap().key_id(), "ed25519");
}

#[test]
fn a_v1a_entry_with_only_a_secret_configured_never_matches_and_says_no_more_than_garbage() {
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(SW_SECRET).build().unwrap();
    let error = verifier.verify_at((&standard(SW_V1A), SW_BODY), at(SW_TIMESTAMP)).unwrap_err();
    let garbage = verifier.verify_at((&standard("v1,dawfeoifkpqwoekfpqoekf"), SW_BODY), at(SW_TIMESTAMP)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
    assert_eq!(error.to_string(), garbage.to_string(), "the error must not reveal which kind was tried");
    // And the other way round: a `v1` entry with only a public key.
    let ed_only = with_key(Scheme::StandardWebhooks, SW_PUBLIC);
    let error = ed_only.verify_at((&standard(SW_V1), SW_BODY), at(SW_TIMESTAMP)).unwrap_err();
    assert_eq!(error.to_string(), garbage.to_string());
}

#[test]
fn malformed_v1a_entries_are_non_matches_beside_a_valid_one() {
    let verifier = with_key(Scheme::StandardWebhooks, SW_PUBLIC);
    let decoy = format!("v1a,{}", STANDARD.encode([1u8; 32]));
    for bad in ["v1a,", "v1a,dawfeoifkpqwoekfpqoekf", decoy.as_str()] {
        let alone = verifier.verify_at((&standard(bad), SW_BODY), at(SW_TIMESTAMP)).unwrap_err();
        assert_eq!(alone.kind(), ErrorKind::InvalidSignature, "{bad}");
        let beside = standard(&format!("{bad} {SW_V1A}"));
        assert!(verifier.verify_at((&beside, SW_BODY), at(SW_TIMESTAMP)).is_ok(), "{bad}");
    }
}

#[test]
fn a_v1a_signature_fails_on_a_tampered_body_or_a_stale_timestamp() {
    let verifier = with_key(Scheme::StandardWebhooks, SW_PUBLIC);
    let map = standard(SW_V1A);
    let tampered = verifier.verify_at((&map, br#"{"test": 2432232315}"#), at(SW_TIMESTAMP));
    assert_eq!(tampered.unwrap_err().kind(), ErrorKind::InvalidSignature);
    let stale = verifier.verify_at((&map, SW_BODY), at(SW_TIMESTAMP + 301));
    assert_eq!(stale.unwrap_err().kind(), ErrorKind::TimestampTooOld);
}

#[test]
fn standard_webhooks_public_keys_are_checked_at_build() {
    let build = |key: &str| Verifier::builder(Scheme::Svix).public_key(key).build().err();
    let short = format!("whpk_{}", STANDARD.encode([9u8; 31]));
    // The identity point has small order: it would "verify" signatures nobody made.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let small_order = format!("whpk_{}", STANDARD.encode(identity));
    for bad in [SW_SEED, &SW_PUBLIC[5..], "whpk_!!!!", short.as_str(), small_order.as_str()] {
        assert!(matches!(build(bad), Some(ConfigError::InvalidPublicKey { index: 1, .. })), "{bad}");
    }
    assert!(matches!(
        Verifier::builder(Scheme::Stripe).public_key(SW_PUBLIC).build(),
        Err(ConfigError::KeyKindNotAccepted { index: 1, given: "public key" })
    ));
}

// No published Discord example: the signature below was made by `openssl pkeyutl -sign -rawin` with a key generated
// by `openssl genpkey -algorithm ed25519`, over `1700000000` followed by the body.
const DISCORD_SEED: &str = "0ab310f5eac56c62ec87d5a5138c253f6149ab3b739acc5c9254b46c3637ab33";
const DISCORD_PUBLIC: &str = "fe6d602da9321130eeaebf38da995ce5abb893d606af314569c5a2a26b083ba3";
const DISCORD_BODY: &[u8] = br#"{"id":"1234","type":1,"application_id":"app"}"#;
const DISCORD_SIGNATURE: &str = "b1c43dc2b4ad173bb11fd57ceb0ff611eb68dcac0029beb45d31fa089f671bf57e1ca0169f9001af31a672fc65c04a00ab6b910bf395c7738fd721baf7c1e401";

fn discord(signature: &str) -> HeaderMap {
    headers(&[("x-signature-ed25519", signature), ("x-signature-timestamp", "1700000000")])
}

#[test]
fn accepts_a_discord_interaction_signed_by_openssl() {
    let map = discord(DISCORD_SIGNATURE);
    let verifier = with_key(Scheme::Discord, DISCORD_PUBLIC);
    let verified = verifier.verify_at((&map, DISCORD_BODY), at(1_700_000_000)).unwrap();
    assert_eq!(verified.id(), Some("1234"), "the interaction id, from the signed body");
    assert!(verified.id_is_signed());
    // The application key may be given in upper case.
    let upper = with_key(Scheme::Discord, &DISCORD_PUBLIC.to_uppercase());
    assert!(upper.verify_at((&discord(DISCORD_SIGNATURE), DISCORD_BODY), at(1_700_000_000)).is_ok());
    // The test kit signs exactly as openssl did.
    let signer = Signer::with_private_key(Scheme::Discord, DISCORD_SEED).unwrap();
    assert_eq!(signer.public_key().as_deref(), Some(DISCORD_PUBLIC));
    let sent = signer.headers("", at(1_700_000_000), DISCORD_BODY).unwrap();
    assert_eq!(sent["x-signature-ed25519"], DISCORD_SIGNATURE);
}

#[test]
fn discord_rejects_tampering_staleness_and_badly_spelled_signatures() {
    let verifier = with_key(Scheme::Discord, DISCORD_PUBLIC);
    let attempt = |map: &HeaderMap, body: &[u8], now| verifier.verify_at((map, body), at(now)).unwrap_err().kind();
    assert_eq!(attempt(&discord(DISCORD_SIGNATURE), br#"{"id":"1235"}"#, 1_700_000_000), ErrorKind::InvalidSignature);
    assert_eq!(attempt(&discord(DISCORD_SIGNATURE), DISCORD_BODY, 1_700_000_301), ErrorKind::TimestampTooOld);
    let bytes = hex::decode(DISCORD_SIGNATURE).unwrap();
    let spellings = [&DISCORD_SIGNATURE[..127], &format!("0x{DISCORD_SIGNATURE}"), &STANDARD.encode(&bytes)];
    for spelling in spellings {
        assert_eq!(attempt(&discord(spelling), DISCORD_BODY, 1_700_000_000), ErrorKind::InvalidSignature, "{spelling}");
    }
    let mut other_timestamp = discord(DISCORD_SIGNATURE);
    other_timestamp.insert("x-signature-timestamp", HeaderValue::from_static("1700000001"));
    assert_eq!(attempt(&other_timestamp, DISCORD_BODY, 1_700_000_000), ErrorKind::InvalidSignature);
}

#[test]
fn discord_takes_a_public_key_and_nothing_else() {
    assert!(matches!(
        Verifier::builder(Scheme::Discord).secret("secret").build(),
        Err(ConfigError::KeyKindNotAccepted { index: 1, given: "secret" })
    ));
    assert!(matches!(
        Verifier::builder(Scheme::Discord).public_key("zz").build(),
        Err(ConfigError::InvalidPublicKey { index: 1, .. })
    ));
}

// Source: sendgrid-nodejs, `packages/eventwebhook/src/eventwebhook.spec.js`.
const SENDGRID_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
const SENDGRID_BODY: &[u8] = br#"{"category":"example_payload","event":"test_event","message_id":"message_id"}"#;
const SENDGRID_SIGNATURE: &str =
    "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";

fn sendgrid(signature: &str, timestamp: &str) -> HeaderMap {
    headers(&[
        ("x-twilio-email-event-webhook-signature", signature),
        ("x-twilio-email-event-webhook-timestamp", timestamp),
    ])
}

#[test]
fn accepts_sendgrids_published_example() {
    let verifier = with_key(Scheme::SendGrid, SENDGRID_KEY);
    let map = sendgrid(SENDGRID_SIGNATURE, "1588788367");
    let verified = verifier.verify_at((&map, SENDGRID_BODY), at(1_588_788_367)).unwrap();
    assert_eq!(verified.id(), None, "a batch has no delivery id");
    let other_time = sendgrid(SENDGRID_SIGNATURE, "1588788368");
    let tampered = verifier.verify_at((&other_time, SENDGRID_BODY), at(1_588_788_367));
    assert_eq!(tampered.unwrap_err().kind(), ErrorKind::InvalidSignature);
    // The timestamp is signed, so the crate's window applies although SendGrid's SDKs check none.
    let stale = verifier.verify_at((&map, SENDGRID_BODY), at(1_588_788_367 + 301));
    assert_eq!(stale.unwrap_err().kind(), ErrorKind::TimestampTooOld);
}

// Made by `openssl dgst -sha256 -sign` with a P-256 key from `openssl genpkey`, over `1700000000` and a body that
// ends with `\r\n`, as SendGrid's do.
const SENDGRID_OWN_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhvJKfvLOYGPLfK/kgkdcgSkJtEiWXZx6iUcAvll9KIet8uNwZBTO51p9tEwWkAaCt+QtBiK6QeQjIkJkLkkW1w==";
const SENDGRID_OWN_PRIVATE: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgR9eqhnPw4XHaKh4aDbIanJGEO6jbqprgcnExHH1OBjehRANCAASG8kp+8s5gY8t8r+SCR1yBKQm0SJZdnHqJRwC+WX0oh63y43BkFM7nWn20TBaQBoK35C0GIrpB5CMiQmQuSRbX";
const SENDGRID_OWN_SIGNATURE: &str =
    "MEUCIQDAXRwPGBtNNPAzWjwgRPh/0Gnb/JhA1wjkvf0PGXOqvwIgPVzrAO3KKEXB9LTbvA2F5hjXwK+LeawvdNKYaiF1hDo=";
const SENDGRID_BATCH: &[u8] = b"[{\"sg_event_id\":\"e1\"}]\r\n";

#[test]
fn the_trailing_crlf_is_signed_and_never_trimmed() {
    let verifier = with_key(Scheme::SendGrid, SENDGRID_OWN_KEY);
    let map = sendgrid(SENDGRID_OWN_SIGNATURE, "1700000000");
    assert!(verifier.verify_at((&map, SENDGRID_BATCH), at(1_700_000_000)).is_ok());
    let trimmed = &SENDGRID_BATCH[..SENDGRID_BATCH.len() - 2];
    assert_eq!(verifier.verify_at((&map, trimmed), at(1_700_000_000)).unwrap_err().kind(), ErrorKind::InvalidSignature);
}

#[test]
fn high_s_is_accepted_as_sendgrid_accepts_it_and_trailing_der_bytes_are_not() {
    use p256::ecdsa::Signature;
    let verifier = with_key(Scheme::SendGrid, SENDGRID_OWN_KEY);
    let signature = Signature::from_der(&STANDARD.decode(SENDGRID_OWN_SIGNATURE).unwrap()).unwrap();
    let low = signature.normalize_s();
    let (r, s) = low.split_scalars();
    let high = Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
    for signature in [low, high] {
        let map = sendgrid(&STANDARD.encode(signature.to_der().as_bytes()), "1700000000");
        assert!(verifier.verify_at((&map, SENDGRID_BATCH), at(1_700_000_000)).is_ok());
    }
    let mut trailing = STANDARD.decode(SENDGRID_OWN_SIGNATURE).unwrap();
    trailing.push(0);
    let map = sendgrid(&STANDARD.encode(trailing), "1700000000");
    let error = verifier.verify_at((&map, SENDGRID_BATCH), at(1_700_000_000)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
}

#[test]
fn the_test_kit_signs_sendgrid_batches_the_verifier_accepts() {
    let signer = Signer::with_private_key(Scheme::SendGrid, SENDGRID_OWN_PRIVATE).unwrap();
    assert_eq!(signer.public_key().as_deref(), Some(SENDGRID_OWN_KEY));
    let request = signer.request("/sendgrid".parse().unwrap(), "", OffsetDateTime::now_utc(), SENDGRID_BATCH.to_vec());
    assert!(with_key(Scheme::SendGrid, SENDGRID_OWN_KEY).verify(&request.unwrap()).is_ok());
}

#[test]
fn a_sendgrid_key_must_be_p256() {
    // An Ed25519 SubjectPublicKeyInfo: valid DER, wrong curve.
    let prefix = hex::decode("302a300506032b6570032100").unwrap();
    let ed25519 = STANDARD.encode([prefix.as_slice(), &[0x11; 32]].concat());
    for bad in [ed25519.as_str(), "not base64!", SW_PUBLIC] {
        assert!(
            matches!(
                Verifier::builder(Scheme::SendGrid).public_key(bad).build(),
                Err(ConfigError::InvalidPublicKey { index: 1, .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn a_request_may_carry_only_a_few_public_key_signatures() {
    // Each public-key entry is checked against every configured key and hashes the whole body: a forged header
    // full of them is refused before any is checked.
    let verifier = with_key(Scheme::StandardWebhooks, SW_PUBLIC);
    let decoy = format!("v1a,{}", STANDARD.encode([1u8; 64]));
    let mut entries = vec![decoy.as_str(); hooksafe::MAX_PUBLIC_KEY_SIGNATURES - 1];
    entries.push(SW_V1A);
    let within = standard(&entries.join(" "));
    assert!(verifier.verify_at((&within, SW_BODY), at(SW_TIMESTAMP)).is_ok());
    entries.insert(0, decoy.as_str());
    let error = verifier.verify_at((&standard(&entries.join(" ")), SW_BODY), at(SW_TIMESTAMP)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedHeader);
    assert!(error.to_string().contains("webhook-signature"), "{error}");
    // HMAC entries are cheap and stay within the general cap of 16.
    let secret = Verifier::builder(Scheme::StandardWebhooks).secret(SW_SECRET).build().unwrap();
    let many = [vec!["v1,AAAA"; 10], vec![SW_V1]].concat().join(" ");
    assert!(secret.verify_at((&standard(&many), SW_BODY), at(SW_TIMESTAMP)).is_ok());
}

#[test]
fn standard_webhooks_bodies_are_capped_near_what_the_specification_recommends() {
    for scheme in [Scheme::StandardWebhooks, Scheme::Svix] {
        assert_eq!(with_key(scheme, SW_PUBLIC).max_body_size(), 256 * 1024);
    }
}

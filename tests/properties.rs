//! Property tests: whatever a provider signs verifies, and any single-bit change to a signed part does not.

use hooksafe::sign::Signer;
use hooksafe::{ErrorKind, Scheme, Verifier};
use http::{HeaderMap, HeaderValue};
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

/// PayPal's signer, and a verifier pinning its certificate.
fn paypal() -> (Scheme, Signer, Verifier) {
    let signer = Signer::with_private_key(Scheme::paypal("WH-PROPERTY"), PAYPAL_KEY).unwrap();
    let verifier = Verifier::builder(Scheme::paypal("WH-PROPERTY")).certificate(PAYPAL_CERT).build();
    (Scheme::paypal("WH-PROPERTY").into(), signer, verifier.unwrap())
}

/// A time the keys of `scheme` are valid at: PayPal's certificate only from 2026 on.
fn valid_at(scheme: &Scheme, seconds: i64) -> OffsetDateTime {
    match scheme {
        Scheme::PayPal(_) => at(1_800_000_000 + seconds.rem_euclid(100_000_000)),
        _ => at(seconds),
    }
}

/// A provider's signer and a verifier for it.
fn keyed(scheme: Scheme, secret: &str) -> (Scheme, Signer, Verifier) {
    let signer = Signer::new(scheme.clone(), secret).unwrap();
    (scheme.clone(), signer, Verifier::builder(scheme).secret(secret).build().unwrap())
}

/// The same, signing with a private key and verifying with its public key.
fn asymmetric(scheme: Scheme, private_key: &str) -> (Scheme, Signer, Verifier) {
    let signer = Signer::with_private_key(scheme.clone(), private_key).unwrap();
    let verifier = Verifier::builder(scheme.clone()).public_key(signer.public_key().unwrap()).build().unwrap();
    (scheme, signer, verifier)
}

/// Square refuses empty bodies (it always signs a notification); every other scheme signs any body.
fn signable(scheme: &Scheme, body: &[u8]) -> bool {
    !(matches!(scheme, Scheme::Square { .. }) && body.is_empty())
}

/// A body the scheme would send made of `bytes`: X signs only JSON objects, so its bytes go between braces.
fn delivered(scheme: &Scheme, bytes: Vec<u8>) -> Vec<u8> {
    match scheme {
        Scheme::X => [&b"{"[..], &bytes, b"}"].concat(),
        _ => bytes,
    }
}

fn schemes() -> impl Strategy<Value = (Scheme, Signer, Verifier)> {
    prop_oneof![
        Just(keyed(Scheme::StandardWebhooks, SW_SECRET)),
        Just(keyed(Scheme::Svix, SW_SECRET)),
        Just(keyed(Scheme::Stripe, "whsec_stripe")),
        Just(keyed(Scheme::GitHub, "github")),
        Just(keyed(Scheme::GitHubSha1, "github")),
        Just(keyed(Scheme::Slack, "slack secret")),
        Just(keyed(Scheme::Shopify, "shopify")),
        Just(keyed(Scheme::Paddle, "paddle")),
        Just(keyed(Scheme::Typeform, "typeform")),
        Just(keyed(Scheme::LemonSqueezy, "lemon squeezy")),
        Just(keyed(Scheme::Vercel, "vercel")),
        Just(keyed(Scheme::Intercom, "intercom")),
        Just(keyed(Scheme::CoinbaseCommerce, "coinbase")),
        Just(keyed(Scheme::Calendly, "calendly")),
        Just(keyed(Scheme::WorkOS, "workos")),
        Just(keyed(Scheme::square("https://hooks.example.com/square").into(), "square key")),
        Just(keyed(Scheme::Zoom, "zoom secret token")),
        Just(keyed(Scheme::TwitchEventSub, "twitch subscription secret")),
        Just(keyed(Scheme::Dropbox, "dropbox app secret")),
        Just(keyed(Scheme::HubSpotV1, "hubspot client secret")),
        Just(keyed(Scheme::CircleCI, "circleci secret")),
        Just(keyed(Scheme::Line, "line channel secret")),
        Just(keyed(Scheme::Paystack, "sk_test_paystack")),
        Just(keyed(Scheme::Recharge, "recharge client secret")),
        Just(keyed(Scheme::Fintoc, "whsec_fintoc_secret")),
        Just(keyed(Scheme::CloudflareStream, "cloudflare stream secret")),
        Just(keyed(Scheme::Zendesk, "zendesk signing secret")),
        Just(keyed(Scheme::Klaviyo, "klaviyo webhook secret")),
        Just(keyed(Scheme::X, "x consumer secret")),
        Just(keyed(Scheme::Xero, "xero webhook key")),
        Just(keyed(Scheme::PagerDuty, "pagerduty secret")),
        Just(keyed(Scheme::Box, "box primary key")),
        Just(keyed(Scheme::Mollie, "mollie signing secret")),
        Just(keyed(Scheme::DocuSign, "docusign hmac key")),
        Just(keyed(Scheme::Gitea, "gitea secret")),
        Just(keyed(Scheme::Hook0, "hook0 subscription secret")),
        Just(keyed(Scheme::Ripple, "cmlwcGxlLXZlcmlmaWNhdGlvbi1rZXk=")),
        Just(keyed(Scheme::notion().into(), "secret_notion_verification_token")),
        Just(asymmetric(Scheme::StandardWebhooks, WHSK)),
        Just(asymmetric(Scheme::Discord, ED25519_SEED)),
        Just(asymmetric(Scheme::SendGrid, P256_PKCS8)),
        Just(paypal()),
    ]
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
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        id in id(),
        timestamp in 1_000_000_000i64..4_000_000_000,
        skew in -300i64..=300,
    ) {
        prop_assume!(signable(&scheme, &body));
        let body = delivered(&scheme, body);
        let signed_at = valid_at(&scheme, timestamp);
        let headers = signer.headers(&id, signed_at, &body).unwrap();
        // Anywhere inside the scheme's own default window (180 s for Calendly and WorkOS, else 300 s).
        let tolerance = i64::try_from(scheme.default_tolerance().as_secs()).unwrap();
        let skew = skew.clamp(-tolerance, tolerance);
        let verified = verifier.verify_at((&headers, &body), signed_at + time::Duration::seconds(skew)).unwrap();
        prop_assert_eq!(verified.body(), &body[..]);
        if scheme.has_timestamp() {
            prop_assert_eq!(verified.timestamp(), Some(signed_at));
        }
    }

    #[test]
    fn any_single_bit_flip_of_the_body_is_rejected(
        (scheme, signer, verifier) in schemes(),
        body in proptest::collection::vec(any::<u8>(), 1..512),
        bit in any::<usize>(),
    ) {
        let body = delivered(&scheme, body);
        let now = valid_at(&scheme, 1_700_000_000);
        let headers = signer.headers("msg_1", now, &body).unwrap();
        let mut tampered = body.clone();
        tampered[(bit / 8) % body.len()] ^= 1 << (bit % 8);
        let kind = verifier.verify_at((&headers, &tampered), now).unwrap_err().kind();
        // An X body whose braces the flip broke is no JSON object, refused before its signature is checked.
        let refused = kind == ErrorKind::InvalidSignature || (scheme == Scheme::X && kind == ErrorKind::MalformedBody);
        prop_assert!(refused, "{:?}", kind);
    }

    #[test]
    fn any_single_bit_flip_of_a_signed_header_is_rejected(
        (scheme, signer, verifier) in schemes(),
        body in proptest::collection::vec(any::<u8>(), 0..256),
        bit in any::<usize>(),
        which in 0usize..3,
    ) {
        prop_assume!(signable(&scheme, &body));
        let body = delivered(&scheme, body);
        let now = valid_at(&scheme, 1_700_000_000);
        let headers = signer.headers("msg_1", now, &body).unwrap();
        let signed_headers: Vec<&str> = match &scheme {
            Scheme::StandardWebhooks => vec!["webhook-id", "webhook-timestamp", "webhook-signature"],
            Scheme::Svix => vec!["svix-id", "svix-timestamp", "svix-signature"],
            Scheme::Stripe => vec!["stripe-signature"],
            Scheme::GitHub => vec!["x-hub-signature-256"],
            Scheme::GitHubSha1 | Scheme::Intercom => vec!["x-hub-signature"],
            Scheme::Typeform => vec!["typeform-signature"],
            Scheme::LemonSqueezy => vec!["x-signature"],
            Scheme::Vercel => vec!["x-vercel-signature"],
            Scheme::CoinbaseCommerce => vec!["x-cc-webhook-signature"],
            Scheme::Calendly => vec!["calendly-webhook-signature"],
            Scheme::WorkOS => vec!["workos-signature"],
            Scheme::Square { .. } => vec!["x-square-hmacsha256-signature"],
            Scheme::Discord => vec!["x-signature-ed25519", "x-signature-timestamp"],
            Scheme::SendGrid => vec!["x-twilio-email-event-webhook-signature", "x-twilio-email-event-webhook-timestamp"],
            Scheme::Slack => vec!["x-slack-request-timestamp", "x-slack-signature"],
            Scheme::Shopify => vec!["x-shopify-hmac-sha256"],
            Scheme::Paddle => vec!["paddle-signature"],
            Scheme::Zoom => vec!["x-zm-request-timestamp", "x-zm-signature"],
            Scheme::TwitchEventSub => vec![
                "twitch-eventsub-message-id",
                "twitch-eventsub-message-timestamp",
                "twitch-eventsub-message-signature",
            ],
            Scheme::Dropbox => vec!["x-dropbox-signature"],
            Scheme::HubSpotV1 => vec!["x-hubspot-signature", "x-hubspot-signature-version"],
            Scheme::CircleCI => vec!["circleci-signature"],
            Scheme::Line => vec!["x-line-signature"],
            Scheme::Paystack => vec!["x-paystack-signature"],
            Scheme::Recharge => vec!["x-recharge-hmac-sha256"],
            Scheme::Fintoc => vec!["fintoc-signature"],
            Scheme::CloudflareStream => vec!["webhook-signature"],
            Scheme::Zendesk => vec!["x-zendesk-webhook-signature-timestamp", "x-zendesk-webhook-signature"],
            Scheme::Klaviyo => vec!["klaviyo-timestamp", "klaviyo-signature"],
            Scheme::X => vec!["x-twitter-webhooks-signature"],
            Scheme::Xero => vec!["x-xero-signature"],
            Scheme::PagerDuty => vec!["x-pagerduty-signature"],
            Scheme::Box => vec!["box-delivery-timestamp", "box-signature-primary", "box-signature-version"],
            Scheme::Mollie => vec!["x-mollie-signature"],
            Scheme::DocuSign => vec!["x-docusign-signature-1"],
            Scheme::Gitea => vec!["x-gitea-signature"],
            Scheme::Hook0 => vec!["x-hook0-signature"],
            Scheme::Ripple => vec!["x-webhook-timestamp", "x-webhook-signature"],
            Scheme::Notion(_) => vec!["x-notion-signature"],
            Scheme::PayPal(_) => vec!["paypal-transmission-id", "paypal-transmission-time", "paypal-transmission-sig"],
            _ => unreachable!(),
        };
        let name = signed_headers[which % signed_headers.len()];
        if let Some(flipped) = flip_header(&headers, name, bit) {
            // Upper- and lower-case hex digits decode to the same tag: that flip is not a change of the tag.
            let same_tag = flipped[name].to_str().is_ok_and(|text| text.eq_ignore_ascii_case(headers[name].to_str().unwrap()))
                && !name.ends_with("-id");
            prop_assume!(!same_tag);
            prop_assert!(verifier.verify_at((&flipped, &body), now).is_err(), "{} flipped", name);
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

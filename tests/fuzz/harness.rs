//! The fuzz harnesses, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/`) and by `tests/fuzz_corpus.rs`, which
//! replays the kept corpus on every `cargo test`. Each takes arbitrary bytes and must never panic.

use hooksafe::{Algorithm, Custom, Encoding, Scheme, SecretEncoding, Verifier, VerifierBuilder};
use http::{HeaderName, HeaderValue, Method, Request};
use time::OffsetDateTime;

/// A fixed secret that every HMAC scheme accepts.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Fixed public keys: Standard Webhooks' `v1a` example key, an Ed25519 key as Discord writes it, SendGrid's example.
const WHPK: &str = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";
const DISCORD: &str = "fe6d602da9321130eeaebf38da995ce5abb893d606af314569c5a2a26b083ba3";
/// The tests' PayPal certificate (`tests/fixtures/paypal-test-leaf.pem`), valid from 2026-12-02 to 2036-11-29.
const PAYPAL_CERT: &str = include_str!("../fixtures/paypal-test-leaf.pem");
const SENDGRID: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";

/// Every built-in scheme, and two custom schemes (each tag encoding is reached through them and the catalogue).
fn schemes() -> impl Iterator<Item = Scheme> {
    let custom = [
        Custom::new("x-sig")
            .prefix("sha256=")
            .encoding(Encoding::Base64)
            .id_header("x-id")
            .timestamp_header("x-ts")
            .signed_content("{id}:{timestamp}:{body}"),
        Custom::new("x-sig")
            .algorithm(Algorithm::HmacSha1)
            .signed_content("{method} {url}\n{timestamp}\n{body}")
            .timestamp_header("x-ts"),
    ];
    Scheme::ALL.iter().cloned().chain(custom.map(Scheme::Custom))
}

/// Every scheme's verifier, with the keys and configuration it takes (Standard Webhooks and Svix: a secret and a
/// public key); a scheme not named here takes a secret.
fn verifier(scheme: Scheme) -> Verifier {
    let builder: VerifierBuilder = match scheme {
        Scheme::StandardWebhooks | Scheme::Svix => Verifier::builder(scheme).secret(SECRET).public_key(WHPK),
        Scheme::Discord => Verifier::builder(scheme).public_key(DISCORD),
        Scheme::SendGrid => Verifier::builder(scheme).public_key(SENDGRID),
        Scheme::Twilio | Scheme::Mandrill => {
            Verifier::builder(scheme).secret("secret").public_url("https://hooks.example.com")
        }
        Scheme::Expo => Verifier::builder(scheme).secret("whsec_secret_of_16+"),
        Scheme::Ripple => Verifier::builder(scheme).secret("cmlwcGxlLXZlcmlmaWNhdGlvbi1rZXk="),
        Scheme::Notion(_) => {
            Verifier::builder(Scheme::notion().on_verification_token(|_, _| {})).secret("whsec_secret")
        }
        Scheme::AzureDevOps => Verifier::builder(scheme).secret("hooks:whsec_secret"),
        Scheme::BitbucketServer => Verifier::builder(scheme).secret("whsec_secret").basic_auth("hooks:whsec_secret"),
        Scheme::Square(_) => {
            Verifier::builder(Scheme::square("https://hooks.example.com/square")).secret("whsec_secret")
        }
        Scheme::PayPal(_) => Verifier::builder(Scheme::paypal("WH-FUZZ").allow_sha1()).certificate(PAYPAL_CERT),
        Scheme::Meta(_) => Verifier::builder(Scheme::meta().verify_token("meatyhamhock")).secret("whsec_secret"),
        Scheme::Adyen(_) => {
            Verifier::builder(scheme).secret("DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00")
        }
        _ => Verifier::builder(scheme).secret("whsec_secret"),
    };
    builder.build().expect("fixed configuration is valid")
}

/// Every header name any built-in scheme reads.
const NAMES: [&str; 93] = [
    "paypal-transmission-id",
    "paypal-transmission-time",
    "paypal-transmission-sig",
    "paypal-cert-url",
    "paypal-auth-algo",
    "x-contentful-signature",
    "x-contentful-signed-headers",
    "x-contentful-timestamp",
    "x-notion-signature",
    "x-mandrill-signature",
    "x-webhook-timestamp",
    "x-webhook-signature",
    "x-hook0-signature",
    "x-event-id",
    "x-event-type",
    "x-gitlab-token",
    "authorization",
    "x-pusher-key",
    "x-pusher-signature",
    "x-mollie-signature",
    "x-docusign-signature-1",
    "x-docusign-signature-2",
    "x-gitea-signature",
    "x-forgejo-signature",
    "box-delivery-timestamp",
    "box-signature-primary",
    "box-signature-secondary",
    "box-signature-version",
    "x-pagerduty-signature",
    "x-twitter-webhooks-signature",
    "x-nylas-signature",
    "x-xero-signature",
    "x-timestamp",
    "x-webflow-timestamp",
    "x-webflow-signature",
    "x-zendesk-webhook-signature",
    "x-zendesk-webhook-signature-timestamp",
    "klaviyo-timestamp",
    "klaviyo-signature",
    "fintoc-signature",
    "mux-signature",
    "tailscale-webhook-signature",
    "circleci-signature",
    "expo-signature",
    "x-fs-signature",
    "x-ld-signature",
    "x-line-signature",
    "x-paystack-signature",
    "x-razorpay-signature",
    "x-recharge-hmac-sha256",
    "sentry-hook-signature",
    "tally-signature",
    "x-wc-webhook-signature",
    "x-hubspot-signature",
    "x-hubspot-signature-version",
    "x-zm-signature",
    "x-zm-request-timestamp",
    "twitch-eventsub-message-id",
    "twitch-eventsub-message-timestamp",
    "twitch-eventsub-message-signature",
    "twitch-eventsub-message-type",
    "x-dropbox-signature",
    "typeform-signature",
    "x-signature",
    "x-vercel-signature",
    "x-cc-webhook-signature",
    "calendly-webhook-signature",
    "workos-signature",
    "linear-signature",
    "x-square-hmacsha256-signature",
    "x-hubspot-signature-v3",
    "x-hubspot-request-timestamp",
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
    "x-hub-signature",
    "x-twilio-signature",
    "x-signature-ed25519",
    "x-signature-timestamp",
    "x-twilio-email-event-webhook-signature",
    "x-twilio-email-event-webhook-timestamp",
    "content-type",
];

/// Splits `data` at `\n` into a request target, header values (each assigned, in turn, to one of the schemes'
/// header names, some repeated) and a body; verifies the result under every scheme at a fixed clock, with and
/// without the request line. Covers the header parsers, the timestamp parser and window, the tag decoders, the
/// URL and form handling and the whole of `verify_at` on a request head.
pub fn verify(data: &[u8]) {
    let mut parts = data.split(|&byte| byte == b'\n');
    let selector = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    let mut request = Request::new(());
    // The selector's first byte also picks the method: a `GET` reaches the unsigned handshake (Dropbox).
    *request.method_mut() =
        if selector.first().is_some_and(|byte| byte & 0x80 != 0) { Method::GET } else { Method::POST };
    if let Ok(uri) = http::Uri::try_from(target) {
        *request.uri_mut() = uri;
    }
    for (index, value) in parts.by_ref().take(8).enumerate() {
        let choice = selector.get(index).copied().unwrap_or(index as u8);
        let name = HeaderName::from_static(NAMES[usize::from(choice) % NAMES.len()]);
        if let Ok(value) = HeaderValue::from_bytes(value) {
            request.headers_mut().append(name, value);
        }
    }
    let (head, ()) = request.into_parts();
    let body: Vec<u8> = parts.flat_map(|part| part.iter().copied().chain([b'\n'])).collect();
    for scheme in schemes() {
        // PayPal's certificate is valid only from 2026 on: inside it, the RSA check is reached.
        let seconds = if matches!(scheme, Scheme::PayPal(_)) { 1_800_000_000 } else { 1_700_000_000 };
        let now = OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let verifier = verifier(scheme);
        let _ = verifier.verify_at((&head.headers, &body), now).map_err(|error| error.to_string());
        match verifier.verify_at((&head, &body), now) {
            Ok(verified) => {
                let _ = (verified.id(), verified.timestamp(), verified.json::<serde_json::Value>());
                let _ = verified.handshake().map(hooksafe::Handshake::to_response::<Vec<u8>>);
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
        let _ = Verifier::builder(scheme.clone()).secret(first).secret(second).build().map(|v| format!("{v:?}"));
        let _ = Verifier::builder(scheme.clone()).public_key(first).public_url(second).build();
        let _ = hooksafe::sign::Signer::with_private_key(scheme, first).map(|signer| signer.public_key());
    }
    let _ = Verifier::builder(Scheme::paypal(second)).certificate(first).build();
    let _ = Verifier::builder(Scheme::StandardWebhooks).raw_base64_secret(first).basic_auth(second).build();
    let _ = Verifier::builder(Scheme::BitbucketServer).basic_auth(first).build();
    for encoding in [SecretEncoding::Utf8, SecretEncoding::Base64, SecretEncoding::Hex] {
        let custom = Custom::new(first).id_header(second).timestamp_header(first).signed_content(second);
        let _ = Verifier::builder(Scheme::Custom(custom.secret_encoding(encoding))).secret(second).build();
        let template = Custom::new("x-sig").timestamp_header("x-ts").signed_content(&text);
        let _ = Verifier::builder(Scheme::Custom(template.secret_encoding(encoding))).secret("s").build();
    }
}

//! Each scheme against the provider's own published examples, and the format rules each provider documents.

use hooksafe::sign::Signer;
use hooksafe::{Custom, Encoding, ErrorKind, Scheme, Secret, Verifier};
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

fn verifier(scheme: impl Into<Scheme>, secret: &str) -> Verifier {
    Verifier::builder(scheme).secret(secret).build().unwrap()
}

// Source: GitHub docs, "Validating webhook deliveries", "Testing the webhook payload validation".
const GITHUB_SECRET: &str = "It's a Secret to Everybody";
const GITHUB_SIGNATURE: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

#[test]
fn accepts_githubs_published_example() {
    let verifier = verifier(Scheme::GitHub, GITHUB_SECRET);
    let map = headers(&[
        ("x-hub-signature-256", GITHUB_SIGNATURE),
        ("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
    ]);
    let verified = verifier.verify((&map, b"Hello, World!")).unwrap();
    assert_eq!(verified.id(), Some("72d3162e-cc78-11e3-81ab-4c9367dc0958"));
    assert!(!verified.id_is_signed(), "X-GitHub-Delivery is not covered by the signature");
    assert_eq!(verified.timestamp(), None);
    assert_eq!(verified.body(), b"Hello, World!");
}

#[test]
fn rejects_a_github_sha1_value_in_the_sha256_header() {
    let verifier = verifier(Scheme::GitHub, GITHUB_SECRET);
    let map = headers(&[("x-hub-signature-256", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59")]);
    let error = verifier.verify((&map, b"Hello, World!")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedHeader);
    assert_eq!(error.header_name().map(HeaderName::as_str), Some("x-hub-signature-256"));
}

#[test]
fn github_ignores_the_legacy_sha1_header() {
    let verifier = verifier(Scheme::GitHub, GITHUB_SECRET);
    let map = headers(&[("x-hub-signature", "sha1=0000000000000000000000000000000000000000")]);
    assert_eq!(verifier.verify((&map, b"Hello, World!")).unwrap_err().kind(), ErrorKind::MissingHeader);
}

// Source: the Standard Webhooks libraries' shared test vector (standard-webhooks repo, libraries/*/ tests).
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SW_TIMESTAMP: i64 = 1_614_265_330;
const SW_BODY: &[u8] = br#"{"test": 2432232314}"#;
const SW_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn standard_headers(prefix: &str, signature: &str) -> HeaderMap {
    headers(&[
        (&format!("{prefix}-id"), SW_ID),
        (&format!("{prefix}-timestamp"), "1614265330"),
        (&format!("{prefix}-signature"), signature),
    ])
}

#[test]
fn accepts_the_standard_webhooks_published_example() {
    let map = standard_headers("webhook", SW_SIGNATURE);
    let verified = verifier(Scheme::StandardWebhooks, SW_SECRET).verify_at((&map, SW_BODY), at(SW_TIMESTAMP)).unwrap();
    assert_eq!(verified.id(), Some(SW_ID));
    assert!(verified.id_is_signed());
    assert_eq!(verified.timestamp(), Some(at(SW_TIMESTAMP)));
}

#[test]
fn standard_webhooks_secret_prefix_is_optional() {
    let verifier = verifier(Scheme::StandardWebhooks, SW_SECRET.trim_start_matches("whsec_"));
    assert!(verifier.verify_at((&standard_headers("webhook", SW_SIGNATURE), SW_BODY), at(SW_TIMESTAMP)).is_ok());
}

#[test]
fn svix_accepts_both_svix_and_webhook_header_names() {
    let verifier = verifier(Scheme::Svix, SW_SECRET);
    for prefix in ["svix", "webhook"] {
        let map = standard_headers(prefix, SW_SIGNATURE);
        let verified = verifier.verify_at((&map, SW_BODY), at(SW_TIMESTAMP));
        assert_eq!(verified.unwrap().id(), Some(SW_ID), "{prefix}- headers");
    }
}

#[test]
fn standard_webhooks_does_not_read_svix_headers() {
    let error = verifier(Scheme::StandardWebhooks, SW_SECRET)
        .verify_at((&standard_headers("svix", SW_SIGNATURE), SW_BODY), at(SW_TIMESTAMP))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MissingHeader);
    assert_eq!(error.header_name().map(HeaderName::as_str), Some("webhook-id"));
}

#[test]
fn standard_webhooks_accepts_any_matching_v1_among_other_versions_and_garbage() {
    let verifier = verifier(Scheme::StandardWebhooks, SW_SECRET);
    let value = format!(
        "v1a,aGVsbG8= v2,abc v1,dawfeoifkpqwoekfpqoekf v1, v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA= {SW_SIGNATURE}"
    );
    assert!(verifier.verify_at((&standard_headers("webhook", &value), SW_BODY), at(SW_TIMESTAMP)).is_ok());
}

#[test]
fn standard_webhooks_with_only_other_versions_is_an_invalid_signature() {
    let verifier = verifier(Scheme::StandardWebhooks, SW_SECRET);
    let only_v2 = SW_SIGNATURE.replacen("v1,", "v2,", 1);
    let error = verifier.verify_at((&standard_headers("webhook", &only_v2), SW_BODY), at(SW_TIMESTAMP)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
}

#[test]
fn standard_webhooks_rejects_an_id_containing_a_dot() {
    // `{id}.{timestamp}.{body}` would otherwise be re-splittable into another id/timestamp/body.
    let map = headers(&[
        ("webhook-id", "msg.1614265330"),
        ("webhook-timestamp", "1614265330"),
        ("webhook-signature", SW_SIGNATURE),
    ]);
    let error = verifier(Scheme::StandardWebhooks, SW_SECRET).verify_at((&map, SW_BODY), at(SW_TIMESTAMP)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedHeader);
    assert_eq!(error.header_name().map(HeaderName::as_str), Some("webhook-id"));
}

#[test]
fn standard_webhooks_rejects_unpadded_or_url_safe_base64_tags() {
    let verifier = verifier(Scheme::StandardWebhooks, SW_SECRET);
    for value in [SW_SIGNATURE.trim_end_matches('='), &SW_SIGNATURE.replace('+', "-").replace('/', "_")] {
        let error = verifier.verify_at((&standard_headers("webhook", value), SW_BODY), at(SW_TIMESTAMP)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidSignature, "{value}");
    }
}

// Source: Slack docs, "Verifying requests from Slack", worked example.
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const SLACK_BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const SLACK_SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

#[test]
fn accepts_slacks_published_example() {
    let map = headers(&[("x-slack-request-timestamp", "1531420618"), ("x-slack-signature", SLACK_SIGNATURE)]);
    let verified = verifier(Scheme::Slack, SLACK_SECRET).verify_at((&map, SLACK_BODY.as_bytes()), at(1_531_420_618));
    let verified = verified.unwrap();
    assert_eq!(verified.id(), None);
    assert_eq!(verified.timestamp(), Some(at(1_531_420_618)));
}

#[test]
fn slack_requires_the_v0_prefix() {
    let map = headers(&[
        ("x-slack-request-timestamp", "1531420618"),
        ("x-slack-signature", SLACK_SIGNATURE.trim_start_matches("v0=")),
    ]);
    let error = verifier(Scheme::Slack, SLACK_SECRET).verify_at((&map, SLACK_BODY.as_bytes()), at(1_531_420_618));
    assert_eq!(error.unwrap_err().kind(), ErrorKind::MalformedHeader);
}

// Stripe publishes the algorithm but no fixed vector. This one was computed with Python's standard `hmac` module
// (an implementation independent of this crate) following https://docs.stripe.com/webhooks#verify-manually:
// HMAC-SHA256(key = "whsec_test_secret" as UTF-8, "1686157680." + body), lowercase hex.
const STRIPE_SECRET: &str = "whsec_test_secret";
const STRIPE_BODY: &[u8] = b"{\n  \"id\": \"evt_1NG8Du2eZvKYlo2CUI79vXWy\",\n  \"object\": \"event\",\n  \"type\": \"payment_intent.succeeded\"\n}";
const STRIPE_V1: &str = "4837b318039b2f511b42919deecc4cbd6901fe706a00f58dd883baaf792cb875";

fn stripe(value: &str) -> HeaderMap {
    headers(&[("stripe-signature", value)])
}

#[test]
fn accepts_a_stripe_signature_and_reads_the_event_id_from_the_signed_body() {
    let verifier = verifier(Scheme::Stripe, STRIPE_SECRET);
    let map = stripe(&format!(
        "t=1686157680,v1={STRIPE_V1},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"
    ));
    let verified = verifier.verify_at((&map, STRIPE_BODY), at(1_686_157_680)).unwrap();
    assert_eq!(verified.id(), Some("evt_1NG8Du2eZvKYlo2CUI79vXWy"));
    assert!(verified.id_is_signed());
}

#[test]
fn stripe_accepts_any_of_several_v1_values_during_a_secret_roll() {
    let verifier = verifier(Scheme::Stripe, STRIPE_SECRET);
    let map = stripe(&format!("t=1686157680,v1={},v1={STRIPE_V1}", "0".repeat(64)));
    assert!(verifier.verify_at((&map, STRIPE_BODY), at(1_686_157_680)).is_ok());
}

#[test]
fn stripe_refuses_a_downgrade_to_v0() {
    let verifier = verifier(Scheme::Stripe, STRIPE_SECRET);
    let map = stripe(&format!("t=1686157680,v0={STRIPE_V1}"));
    let error = verifier.verify_at((&map, STRIPE_BODY), at(1_686_157_680));
    assert_eq!(error.unwrap_err().kind(), ErrorKind::InvalidSignature);
}

#[test]
fn stripe_uses_the_whsec_secret_verbatim() {
    // Decoding or stripping the prefix would give another key: a secret without it is refused at build.
    let stripped = Verifier::builder(Scheme::Stripe).secret(STRIPE_SECRET.trim_start_matches("whsec_")).build();
    assert!(matches!(stripped, Err(hooksafe::ConfigError::UnexpectedSecretFormat { index: 1, expected: "whsec_" })));
    // Stripe's SDK test fixtures use `webhook_secret`: the escape for test fixtures takes it, verbatim.
    // `printf '1700000000.{"id":"evt_1","object":"event"}' | openssl dgst -sha256 -hmac webhook_secret`
    let fixture = Verifier::builder(Scheme::Stripe).secret("webhook_secret").dangerous_allow_short_secrets().build();
    let body = br#"{"id":"evt_1","object":"event"}"#;
    let map = stripe("t=1700000000,v1=58eea6dfe1a3849f9a29a9f69762be8a7f3effb7b3a901a33faef20df20243c6");
    assert_eq!(fixture.unwrap().verify_at((&map, body), at(1_700_000_000)).unwrap().id(), Some("evt_1"));
    let other = verifier(Scheme::Stripe, "whsec_another");
    let map = stripe(&format!("t=1686157680,v1={STRIPE_V1}"));
    assert_eq!(
        other.verify_at((&map, STRIPE_BODY), at(1_686_157_680)).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
}

#[test]
fn stripe_rejects_every_malformed_header_the_sdks_reject() {
    let verifier = verifier(Scheme::Stripe, STRIPE_SECRET);
    let v1 = format!("v1={STRIPE_V1}");
    let cases: &[(&str, ErrorKind)] = &[
        (&format!("t=,{v1}"), ErrorKind::InvalidTimestamp),
        ("t,v1=,v0=", ErrorKind::MalformedHeader),
        ("t,,", ErrorKind::MalformedHeader),
        (",,", ErrorKind::MalformedHeader),
        ("t", ErrorKind::MalformedHeader),
        ("v1,t=1686157680", ErrorKind::MalformedHeader),
        ("t=", ErrorKind::InvalidTimestamp),
        ("bad_header", ErrorKind::MalformedHeader),
        (&format!("t=1686157680,t=1686157680,{v1}"), ErrorKind::MalformedHeader),
        (&format!("t=1686157680,{v1},"), ErrorKind::MalformedHeader),
        (&v1, ErrorKind::MalformedHeader),
        (&format!("t=1686157680,=x,{v1}"), ErrorKind::MalformedHeader),
    ];
    for (value, kind) in cases {
        let error = verifier.verify_at((&stripe(value), STRIPE_BODY), at(1_686_157_680)).unwrap_err();
        assert_eq!(error.kind(), *kind, "{value:?}");
        assert_eq!(error.header_name().map(HeaderName::as_str), Some("stripe-signature"), "{value:?}");
    }
}

#[test]
fn stripe_treats_unparseable_v1_values_as_non_matches() {
    let verifier = verifier(Scheme::Stripe, STRIPE_SECRET);
    for bad in ["", "xyz", &STRIPE_V1[..63], &format!("{STRIPE_V1}00"), &STRIPE_V1[..32]] {
        let map = stripe(&format!("t=1686157680,v1={bad}"));
        let error = verifier.verify_at((&map, STRIPE_BODY), at(1_686_157_680));
        assert_eq!(error.unwrap_err().kind(), ErrorKind::InvalidSignature, "v1={bad}");
    }
}

// Computed with Python's `hmac` module following Paddle's "Verify webhook signatures" manual steps:
// HMAC-SHA256(key = secret as UTF-8, "1692007722:" + body), hex.
const PADDLE_SECRET: &str = "pdl_ntfset_01h7x6pd3t6nqz7bzv2mn7m9a3_6iSLRbyIs+C8W7QRnvZsvwEh3IyXyNLJ";
const PADDLE_BODY: &[u8] = br#"{"event_id":"evt_01h7x6rxkqp4c4fvbfn2edm0wt","event_type":"transaction.paid","occurred_at":"2023-08-14T10:08:42.335Z"}"#;
const PADDLE_H1: &str = "b5220d9b46f8bca7fcc8b49b818ee4388ab30223c40f94f503b4ae0a2e30b765";

#[test]
fn accepts_a_paddle_signature_with_unknown_keys_and_several_h1() {
    let verifier = verifier(Scheme::Paddle, PADDLE_SECRET);
    let map = headers(&[("paddle-signature", &format!("ts=1692007722;h1={};h2=abc;h1={PADDLE_H1}", "1".repeat(64)))]);
    let verified = verifier.verify_at((&map, PADDLE_BODY), at(1_692_007_722)).unwrap();
    assert_eq!(verified.id(), Some("evt_01h7x6rxkqp4c4fvbfn2edm0wt"));
}

#[test]
fn paddle_signs_with_a_colon_not_a_dot() {
    let stripe_style = Signer::new(Scheme::Stripe, PADDLE_SECRET).unwrap();
    let signed = stripe_style.headers("", at(1_692_007_722), PADDLE_BODY).unwrap();
    let stripe_hex = signed["stripe-signature"].to_str().unwrap().split("v1=").nth(1).unwrap().to_owned();
    let map = headers(&[("paddle-signature", &format!("ts=1692007722;h1={stripe_hex}"))]);
    let error = verifier(Scheme::Paddle, PADDLE_SECRET).verify_at((&map, PADDLE_BODY), at(1_692_007_722));
    assert_eq!(error.unwrap_err().kind(), ErrorKind::InvalidSignature);
}

// Computed with Python's `hmac` and `base64` modules following Shopify's "Validate the origin of your webhook":
// base64(HMAC-SHA256(key = app secret as UTF-8, body)).
const SHOPIFY_SECRET: &str = "hush_shopify_app_secret";
const SHOPIFY_BODY: &[u8] = br#"{"id":820982911946154508,"email":"jon@example.com","total_price":"403.00"}"#;
const SHOPIFY_HMAC: &str = "mfNdI6OVgyb+WIU054+24ZU5hH9qfOtyTR9OcJ1pjF4=";

#[test]
fn accepts_a_shopify_signature_and_reports_the_unsigned_webhook_id() {
    let map = headers(&[
        ("x-shopify-hmac-sha256", SHOPIFY_HMAC),
        ("x-shopify-webhook-id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"),
        ("x-shopify-topic", "orders/create"),
    ]);
    let verified = verifier(Scheme::Shopify, SHOPIFY_SECRET).verify((&map, SHOPIFY_BODY)).unwrap();
    assert_eq!(verified.id(), Some("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"));
    assert!(!verified.id_is_signed());
    assert_eq!(verified.json::<serde_json::Value>().unwrap()["total_price"], "403.00");
}

#[test]
fn shopify_answers_401_for_a_bad_hmac() {
    let map = headers(&[("x-shopify-hmac-sha256", SHOPIFY_HMAC)]);
    let error = verifier(Scheme::Shopify, "another secret").verify((&map, SHOPIFY_BODY)).unwrap_err();
    assert_eq!(error.status(), http::StatusCode::UNAUTHORIZED);
}

#[test]
fn a_custom_scheme_verifies_what_its_description_says_is_signed() {
    // Equivalent to Slack, described as a custom scheme: it must accept Slack's published example.
    let slack_like = Custom::new("X-Slack-Signature")
        .prefix("v0=")
        .encoding(Encoding::Hex)
        .timestamp_header("x-slack-request-timestamp")
        .signed_content("v0:{timestamp}:{body}");
    let map = headers(&[("x-slack-request-timestamp", "1531420618"), ("x-slack-signature", SLACK_SIGNATURE)]);
    let verifier = verifier(Scheme::Custom(slack_like), SLACK_SECRET);
    assert!(verifier.verify_at((&map, SLACK_BODY.as_bytes()), at(1_531_420_618)).is_ok());
}

#[test]
fn a_custom_scheme_with_base64_tags_and_a_signed_id() {
    // Equivalent to Standard Webhooks with a single entry: it must accept the published example.
    let scheme = Custom::new("webhook-signature")
        .prefix("v1,")
        .encoding(Encoding::Base64)
        .secret_encoding(hooksafe::SecretEncoding::Base64)
        .id_header("webhook-id")
        .timestamp_header("webhook-timestamp")
        .signed_content("{id}.{timestamp}.{body}");
    let verifier = verifier(Scheme::Custom(scheme), SW_SECRET.trim_start_matches("whsec_"));
    let map = standard_headers("webhook", SW_SIGNATURE);
    let verified = verifier.verify_at((&map, SW_BODY), at(SW_TIMESTAMP)).unwrap();
    assert_eq!(verified.id(), Some(SW_ID));
    assert!(verified.id_is_signed());
}

#[test]
fn rotation_accepts_a_delivery_signed_by_any_configured_secret() {
    let old = "whsec_dGhlIG9sZCBzZWNyZXQgb2YgMjQgYnl0ZXMh";
    let new = "whsec_dGhlIG5ldyBzZWNyZXQgb2YgMjQgYnl0ZXMh";
    let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(new).secret(old).build().unwrap();
    let now = OffsetDateTime::now_utc();
    for secret in [old, new] {
        let signed = Signer::new(Scheme::StandardWebhooks, secret).unwrap().headers("msg_1", now, b"{}").unwrap();
        assert!(verifier.verify((&signed, b"{}")).is_ok());
    }
    let stranger = Signer::new(Scheme::StandardWebhooks, "whsec_c29tZWJvZHkgZWxzZSdzIDI0IGJ5dGUga2V5").unwrap();
    let error = verifier.verify((&stranger.headers("msg_1", now, b"{}").unwrap(), b"{}")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
}

#[test]
fn the_signer_reproduces_every_published_example() {
    let cases = [
        (Scheme::GitHub, GITHUB_SECRET, "", 0, &b"Hello, World!"[..], "x-hub-signature-256", GITHUB_SIGNATURE),
        (Scheme::StandardWebhooks, SW_SECRET, SW_ID, SW_TIMESTAMP, SW_BODY, "webhook-signature", SW_SIGNATURE),
        (Scheme::Svix, SW_SECRET, SW_ID, SW_TIMESTAMP, SW_BODY, "svix-signature", SW_SIGNATURE),
        (Scheme::Slack, SLACK_SECRET, "", 1_531_420_618, SLACK_BODY.as_bytes(), "x-slack-signature", SLACK_SIGNATURE),
        (Scheme::Shopify, SHOPIFY_SECRET, "", 0, SHOPIFY_BODY, "x-shopify-hmac-sha256", SHOPIFY_HMAC),
    ];
    for (scheme, secret, id, timestamp, body, header, expected) in cases {
        let signed = Signer::new(scheme.clone(), secret).unwrap().headers(id, at(timestamp), body).unwrap();
        assert_eq!(signed[header], expected, "{scheme:?}");
    }
    let stripe = Signer::new(Scheme::Stripe, STRIPE_SECRET).unwrap().headers("", at(1_686_157_680), STRIPE_BODY);
    assert_eq!(stripe.unwrap()["stripe-signature"], format!("t=1686157680,v1={STRIPE_V1}").as_str());
    let paddle = Signer::new(Scheme::Paddle, PADDLE_SECRET).unwrap().headers("", at(1_692_007_722), PADDLE_BODY);
    assert_eq!(paddle.unwrap()["paddle-signature"], format!("ts=1692007722;h1={PADDLE_H1}").as_str());
}

#[test]
fn the_bare_tag_is_what_the_signature_header_carries_and_compares_only_by_value() {
    let signer = Signer::new(Scheme::StandardWebhooks, SW_SECRET).unwrap();
    let tag = |id, seconds| signer.tag(id, at(seconds), SW_BODY).unwrap();
    let expected = tag(SW_ID, SW_TIMESTAMP);
    assert_eq!(format!("v1,{}", expected.to_base64()), SW_SIGNATURE);
    assert!(expected.matches(&tag(SW_ID, SW_TIMESTAMP)));
    assert!(!expected.matches(&tag(SW_ID, SW_TIMESTAMP + 1)));
    assert!(!expected.matches(&tag("msg_other", SW_TIMESTAMP)));
    let tag = expected;
    assert_eq!(format!("{tag:?}"), "Tag { .. }", "a computed MAC never shows in Debug");

    let stripe = Signer::new(Scheme::Stripe, STRIPE_SECRET).unwrap().tag("ignored", at(1_686_157_680), STRIPE_BODY);
    assert_eq!(stripe.unwrap().to_hex(), STRIPE_V1);
}

#[test]
fn serverless_requests_verify_in_one_call() {
    let signer = Signer::new(Scheme::Svix, SW_SECRET).unwrap();
    let now = OffsetDateTime::now_utc();
    let request = signer.request(http::Uri::from_static("/hooks"), "msg_9", now, b"{}".to_vec()).unwrap();
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.headers()["content-type"], "application/json");
    let verifier = verifier(Scheme::Svix, SW_SECRET);
    assert_eq!(verifier.verify(&request).unwrap().id(), Some("msg_9"));
    // The body type only needs `AsRef<[u8]>`, as serverless runtimes' body types do.
    let (parts, body) = request.into_parts();
    let request = http::Request::from_parts(parts, bytes_like(body));
    assert!(verifier.verify(&request).is_ok());
}

fn bytes_like(body: Vec<u8>) -> Box<[u8]> {
    body.into_boxed_slice()
}

#[test]
fn a_custom_id_header_that_is_not_signed_is_reported_as_unsigned() {
    let scheme = Custom::new("x-sig").id_header("x-delivery");
    let signer = Signer::new(Scheme::Custom(scheme.clone()), "s-secret").unwrap();
    let headers = signer.headers("d-1", at(0), b"{}").unwrap();
    let verifier = verifier(Scheme::Custom(scheme), "s-secret");
    let verified = verifier.verify((&headers, b"{}")).unwrap();
    assert_eq!(verified.id(), Some("d-1"));
    assert!(!verified.id_is_signed());
}

#[test]
fn the_signer_sends_optional_id_headers_only_when_given_and_the_providers_content_type() {
    let shopify = Signer::new(Scheme::Shopify, SHOPIFY_SECRET).unwrap();
    assert_eq!(shopify.headers("wh-1", at(0), SHOPIFY_BODY).unwrap()["x-shopify-webhook-id"], "wh-1");
    assert!(!shopify.headers("", at(0), SHOPIFY_BODY).unwrap().contains_key("x-shopify-webhook-id"));
    let slack = Signer::new(Scheme::Slack, SLACK_SECRET).unwrap().headers("", at(0), b"a=b").unwrap();
    assert_eq!(slack["content-type"], "application/x-www-form-urlencoded");
}

// `printf 'Hello, World!' | openssl dgst -sha1 -hmac "It's a Secret to Everybody"`: GitHub publishes no sha1 example.
const GITHUB_SHA1_SIGNATURE: &str = "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59";

#[test]
fn github_sha1_accepts_the_legacy_header_only_under_its_own_name() {
    let verifier = verifier(Scheme::GitHubSha1, GITHUB_SECRET);
    let map = headers(&[("x-hub-signature", GITHUB_SHA1_SIGNATURE)]);
    assert!(verifier.verify((&map, b"Hello, World!")).is_ok());
    assert_eq!(verifier.verify((&map, b"Hello, World?")).unwrap_err().kind(), ErrorKind::InvalidSignature);
    // The request never chooses the algorithm: a sha256 value in the sha1 header is malformed.
    let sha256 = headers(&[("x-hub-signature", GITHUB_SIGNATURE)]);
    assert_eq!(verifier.verify((&sha256, b"Hello, World!")).unwrap_err().kind(), ErrorKind::MalformedHeader);
    let only_new = headers(&[("x-hub-signature-256", GITHUB_SIGNATURE)]);
    assert_eq!(verifier.verify((&only_new, b"Hello, World!")).unwrap_err().kind(), ErrorKind::MissingHeader);
}

#[test]
fn the_matching_key_is_reported_by_its_id_or_its_position() {
    use hooksafe::Secret;
    let map = headers(&[("x-hub-signature-256", GITHUB_SIGNATURE)]);
    let positional = Verifier::builder(Scheme::GitHub).secret("old secret").secret(GITHUB_SECRET).build().unwrap();
    assert_eq!(positional.verify((&map, b"Hello, World!")).unwrap().key_id(), "2");
    let named = Verifier::builder(Scheme::GitHub)
        .secret(Secret::new("old secret").id("2024"))
        .secret(Secret::new(GITHUB_SECRET).id("2025-rotation"))
        .build()
        .unwrap();
    assert_eq!(named.verify((&map, b"Hello, World!")).unwrap().key_id(), "2025-rotation");
    let clash = Verifier::builder(Scheme::GitHub).secret(Secret::new("a secret").id("2")).secret("b secret").build();
    assert!(matches!(clash, Err(hooksafe::ConfigError::DuplicateKeyId { .. })));
}

// No published examples for these: each signature below was made with `openssl dgst -hmac` (`-sha256` or `-sha1`,
// `-binary | base64` for Typeform) over the exact signed bytes, with the secret `whsec_or_any_secret_1`.
const PLAIN_SECRET: &str = "whsec_or_any_secret_1";
const PLAIN_BODY: &[u8] = br#"{"event_id":"01HXYZ","event_type":"form_response","id":"evt_1"}"#;

#[test]
fn body_signing_schemes_accept_openssl_made_signatures_and_nothing_else() {
    let cases = [
        (Scheme::Typeform, "typeform-signature", "sha256=lb5rVXTqGfQH0n+Gd9tPayeS7NiYNvn8C1MaaAwI1yU=", Some("01HXYZ")),
        (Scheme::LemonSqueezy, "x-signature", "95be6b5574ea19f407d27f8677db4f6b2792ecd89836f9fc0b531a680c08d725", None),
        (
            Scheme::CoinbaseCommerce,
            "x-cc-webhook-signature",
            "95be6b5574ea19f407d27f8677db4f6b2792ecd89836f9fc0b531a680c08d725",
            None,
        ),
        (Scheme::Vercel, "x-vercel-signature", "e88c21063dcbc251d62a7c4cf8fc61c2b4eb9e83", Some("evt_1")),
        (Scheme::Intercom, "x-hub-signature", "sha1=e88c21063dcbc251d62a7c4cf8fc61c2b4eb9e83", Some("evt_1")),
    ];
    for (scheme, header, signature, id) in cases {
        let verifier = verifier(scheme.clone(), PLAIN_SECRET);
        let map = headers(&[(header, signature)]);
        let verified = verifier.verify((&map, PLAIN_BODY)).unwrap_or_else(|error| panic!("{scheme:?}: {error}"));
        assert_eq!(verified.id(), id, "{scheme:?}");
        assert_eq!(verified.timestamp(), None, "{scheme:?} signs no timestamp");
        let tampered = verifier.verify((&map, br#"{"event_id":"01HXYZ"}"#)).unwrap_err();
        assert_eq!(tampered.kind(), ErrorKind::InvalidSignature, "{scheme:?}");
        let other = Verifier::builder(scheme.clone()).secret("another secret").build().unwrap();
        assert_eq!(other.verify((&map, PLAIN_BODY)).unwrap_err().kind(), ErrorKind::InvalidSignature, "{scheme:?}");
    }
    // Typeform's tag is base64 even after `sha256=`: the hex spelling of the same MAC is no match.
    let hex =
        headers(&[("typeform-signature", "sha256=95be6b5574ea19f407d27f8677db4f6b2792ecd89836f9fc0b531a680c08d725")]);
    let error = verifier(Scheme::Typeform, PLAIN_SECRET).verify((&hex, PLAIN_BODY)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
}

#[test]
fn calendly_signs_the_seconds_and_body_with_a_180_second_window() {
    // `printf '1700000000.<body>' | openssl dgst -sha256 -hmac whsec_or_any_secret_1`
    let signature = "t=1700000000,v1=772680cfbd3fb7842dbe2891b819c4e3f7f1287d1c3008a7cbf6371dd89baaa7";
    let map = headers(&[("calendly-webhook-signature", signature)]);
    let verifier = verifier(Scheme::Calendly, PLAIN_SECRET);
    assert!(verifier.verify_at((&map, PLAIN_BODY), at(1_700_000_180)).is_ok());
    assert_eq!(
        verifier.verify_at((&map, PLAIN_BODY), at(1_700_000_181)).unwrap_err().kind(),
        ErrorKind::TimestampTooOld
    );
    let doubled = headers(&[("calendly-webhook-signature", &format!("t=1,{signature}") as &str)]);
    assert_eq!(verifier.verify_at((&doubled, PLAIN_BODY), at(1)).unwrap_err().kind(), ErrorKind::MalformedHeader);
}

#[test]
fn workos_signs_milliseconds_as_sent_and_compares_them_as_seconds() {
    // `printf '1700000000123.<body>' | openssl dgst -sha256 -hmac whsec_or_any_secret_1`; note the space after `,`.
    let map = headers(&[(
        "workos-signature",
        "t=1700000000123, v1=0184b8d56bed767f290ff09013f4922eaa3fb835dbe9244ad4d29678651dc57d",
    )]);
    let verifier = verifier(Scheme::WorkOS, PLAIN_SECRET);
    let verified = verifier.verify_at((&map, PLAIN_BODY), at(1_700_000_000)).unwrap();
    assert_eq!(verified.timestamp(), Some(at(1_700_000_000)));
    assert_eq!(verified.id(), Some("evt_1"));
    assert_eq!(
        verifier.verify_at((&map, PLAIN_BODY), at(1_700_000_181)).unwrap_err().kind(),
        ErrorKind::TimestampTooOld
    );
    // Microseconds (as an unmerged SDK change proposes) fail loudly as a timestamp far in the future.
    let micros = headers(&[("workos-signature", "t=1700000000123000, v1=00")]);
    assert_eq!(
        verifier.verify_at((&micros, PLAIN_BODY), at(1_700_000_000)).unwrap_err().kind(),
        ErrorKind::TimestampTooNew
    );
}

// Source: the Square Python and Node SDK tests (webhooks helper), checked with
// `printf '<url><body>' | openssl dgst -sha256 -hmac Ibxx_5AKakO-3qeNVR61Dw -binary | base64`.
const SQUARE_KEY: &str = "Ibxx_5AKakO-3qeNVR61Dw";
const SQUARE_URL: &str = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9";
const SQUARE_BODY: &[u8] = br#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
const SQUARE_SIGNATURE: &str = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=";

#[test]
fn accepts_squares_published_example_with_the_configured_notification_url_only() {
    let map = headers(&[("x-square-hmacsha256-signature", SQUARE_SIGNATURE)]);
    let verified = verifier(Scheme::square(SQUARE_URL), SQUARE_KEY).verify((&map, SQUARE_BODY)).unwrap();
    assert_eq!(verified.id(), Some("ac3ac95b-f97d-458c-a6e6-18981597e05f"));
    // A trailing slash is another URL, and so another signature.
    let slashed = verifier(Scheme::square(format!("{SQUARE_URL}/")), SQUARE_KEY);
    assert_eq!(slashed.verify((&map, SQUARE_BODY)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let square = verifier(Scheme::square(SQUARE_URL), SQUARE_KEY);
    assert_eq!(square.verify((&map, b"")).unwrap_err().kind(), ErrorKind::MalformedBody);
    // The legacy SHA-1 header alone is no signature at all.
    let legacy = headers(&[("x-square-signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")]);
    assert_eq!(square.verify((&legacy, SQUARE_BODY)).unwrap_err().kind(), ErrorKind::MissingHeader);
    let no_url = Verifier::builder(Scheme::square(" ")).secret(SQUARE_KEY).build();
    assert!(matches!(no_url, Err(hooksafe::ConfigError::InvalidScheme(_))));
}

// `printf '<body>' | openssl dgst -sha256 -hmac 'linear secret'`: Linear publishes no example.
const LINEAR_BODY: &[u8] = br#"{"action":"create","type":"Issue","data":{"id":"i1"},"webhookTimestamp":1700000000123}"#;
const LINEAR_SIGNATURE: &str = "ce352120aaa3812750cd44ad83fc682f28a6fcda13bea00a904ff1ffabd96343";

#[test]
fn linear_checks_the_signature_then_the_bodys_millisecond_timestamp_with_a_60_second_window() {
    let verifier = verifier(Scheme::Linear, "linear secret");
    let map = headers(&[("linear-signature", LINEAR_SIGNATURE)]);
    let verified = verifier.verify_at((&map, LINEAR_BODY), at(1_700_000_000)).unwrap();
    assert_eq!(verified.timestamp(), Some(at(1_700_000_000)));
    assert!(verifier.verify_at((&map, LINEAR_BODY), at(1_700_000_060)).is_ok());
    let stale = verifier.verify_at((&map, LINEAR_BODY), at(1_700_000_061)).unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::TimestampTooOld);
    // The signature is checked first: a forged body is a bad signature, whatever timestamp it claims.
    let forged = br#"{"action":"create","type":"Issue","webhookTimestamp":1700000000123}"#;
    assert_eq!(verifier.verify_at((&map, forged), at(1_700_000_000)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    // A genuine body without the timestamp is refused (Linear's SDK would skip the check).
    let untimed = headers(&[("linear-signature", "2706306de1ad39a924d8612807bde5838a5a00395ca71b8718b0d4151cefec59")]);
    let error =
        verifier.verify_at((&untimed, br#"{"action":"create","type":"Issue"}"#), at(1_700_000_000)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedBody, "{error}");
}

// Zoom, Twitch and Dropbox publish no worked example: each signature below is `openssl dgst -sha256 -hmac <secret>`
// over exactly what the provider's documentation says it signs.
const ZOOM_SECRET: &str = "zoom_secret_token_1234";
const ZOOM_BODY: &[u8] = br#"{"event":"meeting.started","payload":{"account_id":"AAAAAABBBB","object":{"id":"1234567890","topic":"My Meeting"}},"event_ts":1700000000123}"#;

#[test]
fn zoom_signs_v0_the_timestamp_and_the_body() {
    // `printf 'v0:1700000000:<body>' | openssl dgst -sha256 -hmac zoom_secret_token_1234`
    let map = headers(&[
        ("x-zm-request-timestamp", "1700000000"),
        ("x-zm-signature", "v0=bca54e9dfb7d46b0e7bdd3d40bd6ed87d7174e904ac96cab365c1b633fdd247c"),
    ]);
    let verifier = verifier(Scheme::Zoom, ZOOM_SECRET);
    let verified = verifier.verify_at((&map, ZOOM_BODY), at(1_700_000_000)).unwrap();
    assert_eq!(verified.timestamp(), Some(at(1_700_000_000)));
    assert!(verified.handshake().is_none(), "an ordinary event is no handshake");
    assert_eq!(
        verifier.verify_at((&map, ZOOM_BODY), at(1_700_000_301)).unwrap_err().kind(),
        ErrorKind::TimestampTooOld
    );
    let tampered = verifier.verify_at((&map, br#"{"event":"meeting.ended"}"#), at(1_700_000_000)).unwrap_err();
    assert_eq!(tampered.kind(), ErrorKind::InvalidSignature);
    let other = Verifier::builder(Scheme::Zoom).secret("another_secret_token").build().unwrap();
    assert_eq!(other.verify_at((&map, ZOOM_BODY), at(1_700_000_000)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let bare = headers(&[
        ("x-zm-request-timestamp", "1700000000"),
        ("x-zm-signature", "bca54e9dfb7d46b0e7bdd3d40bd6ed87d7174e904ac96cab365c1b633fdd247c"),
    ]);
    let error = verifier.verify_at((&bare, ZOOM_BODY), at(1_700_000_000)).unwrap_err();
    assert_eq!(
        (error.kind(), error.header_name().map(HeaderName::as_str)),
        (ErrorKind::MalformedHeader, Some("x-zm-signature"))
    );
}

const TWITCH_SECRET: &str = "s3cRe7-tw1tch";
const TWITCH_ID: &str = "e76c6bd4-55c9-4987-8304-da1588d8988b";
const TWITCH_TIMESTAMP: &str = "2019-11-16T10:11:12.634234626Z";
const TWITCH_BODY: &[u8] = br#"{"subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","type":"channel.follow","version":"2","status":"enabled","cost":0,"condition":{"broadcaster_user_id":"1337","moderator_user_id":"1337"},"transport":{"method":"webhook","callback":"https://example.com/webhooks/callback"},"created_at":"2019-11-16T10:11:12.634234626Z"},"event":{"user_id":"1234","user_login":"cool_user","user_name":"Cool_User","broadcaster_user_id":"1337","broadcaster_user_login":"cooler_user","broadcaster_user_name":"Cooler_User","followed_at":"2020-07-15T18:16:11.17106713Z"}}"#;
// `printf '<id><timestamp><body>' | openssl dgst -sha256 -hmac s3cRe7-tw1tch`
const TWITCH_SIGNATURE: &str = "sha256=e2b902389d594b45ce87009f29898bb7b54056f9e76a365e12fed14494b03b99";

fn twitch(timestamp: &str, kind: &str) -> HeaderMap {
    headers(&[
        ("twitch-eventsub-message-id", TWITCH_ID),
        ("twitch-eventsub-message-timestamp", timestamp),
        ("twitch-eventsub-message-signature", TWITCH_SIGNATURE),
        ("twitch-eventsub-message-type", kind),
    ])
}

#[test]
fn twitch_signs_the_id_the_rfc_3339_timestamp_as_sent_and_the_body() {
    let verifier = verifier(Scheme::TwitchEventSub, TWITCH_SECRET);
    let sent = OffsetDateTime::parse(TWITCH_TIMESTAMP, &time::format_description::well_known::Rfc3339).unwrap();
    let notification = twitch(TWITCH_TIMESTAMP, "notification");
    let verified = verifier.verify_at((&notification, TWITCH_BODY), sent).unwrap();
    assert_eq!((verified.id(), verified.id_is_signed()), (Some(TWITCH_ID), true));
    assert_eq!(verified.timestamp(), Some(at(sent.unix_timestamp())));
    // Ten minutes each way.
    let late = verifier.verify_at((&notification, TWITCH_BODY), sent + time::Duration::seconds(601));
    assert_eq!(late.unwrap_err().kind(), ErrorKind::TimestampTooOld);
    assert!(verifier.verify_at((&notification, TWITCH_BODY), sent + time::Duration::seconds(600)).is_ok());
    // The same instant written another way is not what was signed.
    let reformatted = twitch("2019-11-16T10:11:12.634234626+00:00", "notification");
    assert_eq!(verifier.verify_at((&reformatted, TWITCH_BODY), sent).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let unix = twitch("1573899072", "notification");
    let error = verifier.verify_at((&unix, TWITCH_BODY), sent).unwrap_err();
    assert_eq!(
        (error.kind(), error.header_name().map(HeaderName::as_str)),
        (ErrorKind::MalformedHeader, Some("twitch-eventsub-message-timestamp"))
    );
    // A revocation is an ordinary, signed event for the handler.
    let revocation = twitch(TWITCH_TIMESTAMP, "revocation");
    assert!(verifier.verify_at((&revocation, TWITCH_BODY), sent).unwrap().handshake().is_none());
    let error = Verifier::builder(Scheme::TwitchEventSub).secret("short").build().unwrap_err();
    assert!(matches!(error, hooksafe::ConfigError::SecretLength { min: 10, max: 100, .. }), "{error}");
}

const DROPBOX_SECRET: &str = "dropbox-app-secret-42";
const DROPBOX_BODY: &[u8] =
    br#"{"list_folder":{"accounts":["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]},"delta":{"users":[12345678]}}"#;

#[test]
fn dropbox_signs_the_body_alone() {
    // `printf '<body>' | openssl dgst -sha256 -hmac dropbox-app-secret-42`
    let map = headers(&[("x-dropbox-signature", "4448312485de2051a050533bdfa29d30e3e3ab5981a4b918fa729bea7d8e8e08")]);
    let verifier = verifier(Scheme::Dropbox, DROPBOX_SECRET);
    let verified = verifier.verify((&map, DROPBOX_BODY)).unwrap();
    assert_eq!((verified.id(), verified.timestamp()), (None, None));
    assert_eq!(verifier.verify((&map, b"{}")).unwrap_err().kind(), ErrorKind::InvalidSignature);
    assert_eq!(verifier.verify((&HeaderMap::new(), DROPBOX_BODY)).unwrap_err().kind(), ErrorKind::MissingHeader);
}

// Mailgun publishes no worked example: `printf '1529006854<token>' | openssl dgst -sha256 -hmac <key>`.
const MAILGUN_KEY: &str = "key-7d3f1b2a9c8e4f6a5b0d1e2f3a4b5c6d";
const MAILGUN_TOKEN: &str = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0";

fn mailgun(event_data: &str) -> Vec<u8> {
    format!(
        r#"{{"signature":{{"timestamp":"1529006854","token":"{MAILGUN_TOKEN}","signature":"b93a7214750adf5546f584664097581ff91f426800443cd8f4ec3d6a954c79dc"}},"event-data":{event_data}}}"#
    )
    .into_bytes()
}

#[test]
fn mailgun_signs_the_timestamp_and_token_only_and_dedups_on_the_token() {
    let verifier = verifier(Scheme::Mailgun, MAILGUN_KEY);
    let none = HeaderMap::new();
    let body = mailgun(r#"{"event":"delivered","id":"CPgfbmQMTCKtHW6uIWtuVe"}"#);
    let verified = verifier.verify_at((&none, &body), at(1_529_006_854)).unwrap();
    assert_eq!((verified.id(), verified.id_is_signed()), (Some(MAILGUN_TOKEN), true));
    assert_eq!(verified.timestamp(), Some(at(1_529_006_854)));
    // The event data is not covered: other event data under the same block verifies, with the same id, so the
    // receiver takes it as a duplicate of the first.
    let swapped = mailgun(r#"{"event":"failed"}"#);
    assert_eq!(verifier.verify_at((&none, &swapped), at(1_529_006_854)).unwrap().id(), Some(MAILGUN_TOKEN));
    let stale = verifier.verify_at((&none, &body), at(1_529_007_155)).unwrap_err();
    assert_eq!((stale.kind(), stale.header_name()), (ErrorKind::TimestampTooOld, None));
    let other = Verifier::builder(Scheme::Mailgun).secret("key-another-signing-key").build().unwrap();
    let error = other.verify_at((&none, &body), at(1_529_006_854)).unwrap_err();
    assert_eq!((error.kind(), error.header_name()), (ErrorKind::InvalidSignature, None));
    let retimed = String::from_utf8(body.clone()).unwrap().replace("1529006854", "1529006855");
    let error = verifier.verify_at((&none, retimed.as_bytes()), at(1_529_006_854)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidSignature);
}

#[test]
fn mailgun_bodies_are_parsed_strictly() {
    let verifier = verifier(Scheme::Mailgun, MAILGUN_KEY);
    let none = HeaderMap::new();
    let block = r#"{"timestamp":"1529006854","token":"t","signature":"00"}"#;
    for body in [
        String::from("not json"),
        format!(r#"{{"signature":{block},"signature":{block},"event-data":{{}}}}"#),
        format!(r#"{{"signature":{block},"event-data":{{}},"event-data":{{}}}}"#),
        format!(r#"{{"signature":{block},"event-data":{{}}}} trailing"#),
        String::from(r#"{"signature":{"timestamp":1529006854,"token":"t","signature":"00"}}"#),
        String::from(r#"{"signature":{"timestamp":"01529006854","token":"t","signature":"00"}}"#),
        String::from(r#"{"signature":{"timestamp":"1529006854","token":"","signature":"00"}}"#),
        String::from(r#"{"event-data":{}}"#),
    ] {
        let error = verifier.verify_at((&none, body.as_bytes()), at(1_529_006_854)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MalformedBody, "{body}");
    }
    // The test kit wraps event data in a signed block.
    let signer = Signer::new(Scheme::Mailgun, MAILGUN_KEY).unwrap();
    let sent = signer.body("token-2", at(1_700_000_000), br#"{"event":"opened"}"#).unwrap();
    let verified = verifier.verify_at((&none, &sent), at(1_700_000_000)).unwrap();
    assert_eq!(verified.id(), Some("token-2"));
    assert!(signer.body("token-2", at(1_700_000_000), b"not json").is_err());
}

// Source: Adyen/adyen-node-api-library, `src/__tests__/hmacValidator.spec.ts` ("should have valid hmac"), checked with
// `printf '<signed string>' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<key> -binary | base64`.
const ADYEN_KEY: &str = "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00";
const ADYEN_SIGNATURE: &str = "xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0=";

fn adyen_item(psp: &str, signature: &str, reason: &str) -> String {
    format!(
        r#"{{"NotificationRequestItem":{{"additionalData":{{"hmacSignature":"{signature}","authCode":"1234"}},"amount":{{"currency":"EUR","value":1000}},"eventCode":"CAPTURE","eventDate":"2024-01-01T00:00:00+01:00","merchantAccountCode":"merchantAccount","merchantReference":"reference","originalReference":"originalReference","pspReference":"{psp}","reason":"{reason}","success":"true"}}}}"#
    )
}

fn adyen(items: &[String]) -> Vec<u8> {
    format!(r#"{{"live":"false","notificationItems":[{}]}}"#, items.join(",")).into_bytes()
}

#[test]
fn accepts_adyens_published_example_keyed_with_the_hex_decoded_key() {
    let verifier = verifier(Scheme::adyen(), ADYEN_KEY);
    let none = HeaderMap::new();
    let body = adyen(&[adyen_item("pspReference", ADYEN_SIGNATURE, "")]);
    let verified = verifier.verify((&none, &body)).unwrap();
    assert_eq!(
        (verified.id(), verified.id_is_signed(), verified.timestamp()),
        (Some("pspReference:CAPTURE"), true, None)
    );
    // `reason` (like `eventDate`) is not signed; a signed field is.
    assert!(verifier.verify((&none, &adyen(&[adyen_item("pspReference", ADYEN_SIGNATURE, "changed")]))).is_ok());
    let moved = adyen(&[adyen_item("otherReference", ADYEN_SIGNATURE, "")]);
    assert_eq!(verifier.verify((&none, &moved)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    // The classic bug, keying with the ASCII of the hex key, makes another signature, which is refused.
    let ascii_keyed = adyen(&[adyen_item("pspReference", "5eVueInPymecscWGFlP2TcIBcno+a40qjo0ItgTGX1o=", "")]);
    assert_eq!(verifier.verify((&none, &ascii_keyed)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let wrong = Verifier::builder(Scheme::adyen()).secret("00".repeat(32)).build().unwrap();
    assert_eq!(wrong.verify((&none, &body)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let error = Verifier::builder(Scheme::adyen()).secret("not hex").build().unwrap_err();
    assert!(matches!(error, hooksafe::ConfigError::UndecodableSecret { .. }), "{error}");
}

#[test]
fn every_item_of_an_adyen_batch_must_verify() {
    let verifier = Verifier::builder(Scheme::adyen().dangerous_allow_batches()).secret(ADYEN_KEY).build().unwrap();
    let none = HeaderMap::new();
    let signer = Signer::new(Scheme::adyen(), ADYEN_KEY).unwrap();
    let unsigned = adyen(&[adyen_item("psp-2", "", ""), adyen_item("psp-1", "", "")]);
    let batch = signer.body("", time::OffsetDateTime::UNIX_EPOCH, &unsigned).unwrap();
    let verified = verifier.verify((&none, &batch)).unwrap();
    assert_eq!(verified.id(), Some("psp-1:CAPTURE psp-2:CAPTURE"));
    // By default, a batch is refused: its separately signed items could be recombined.
    let error = self::verifier(Scheme::adyen(), ADYEN_KEY).verify((&none, &batch)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedBody);
    // A genuine first item cannot carry a forged second one.
    let forged = adyen(&[adyen_item("pspReference", ADYEN_SIGNATURE, ""), adyen_item("psp-2", ADYEN_SIGNATURE, "")]);
    assert_eq!(verifier.verify((&none, &forged)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    for body in [
        br#"{"notificationItems":[]}"#.to_vec(),
        br#"{"live":"false"}"#.to_vec(),
        adyen(&[adyen_item("pspReference", r"xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0\u003d", "")]),
        String::from_utf8(adyen(&[adyen_item("p", ADYEN_SIGNATURE, "")]))
            .unwrap()
            .replace(r#""eventCode":"CAPTURE","#, r#""eventCode":"CAPTURE","eventCode":"REFUND","#)
            .into_bytes(),
    ] {
        let error = verifier.verify((&none, &body)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MalformedBody, "{}", String::from_utf8_lossy(&body));
    }
}

// Source: coinbase/coinbase-commerce-node, `test/testWebhook.spec.js` (first test); the payload is 816 bytes, SHA-256
// bf64d9bbd0d35ae0f4088512a46a8ceb1ea6dd81476ba53448e0dd7488979e6c.
const COINBASE_SECRET: &str = "30291a20-0bd1-4267-9b0f-e6e7b123c0bf";
const COINBASE_BODY: &[u8] = br#"{"id":1,"scheduled_for":"2017-01-31T20:50:02Z","attempt_number":1,"event":{"id":"24934862-d980-46cb-9402-43c81b0cdba6","type":"charge:created","api_version":"2018-03-22","created_at":"2017-01-31T20:49:02Z","data":{"code":"66BEOV2A","name":"The Sovereign Individual","description":"Mastering the Transition to the Information Age","hosted_url":"https://commerce.coinbase.com/charges/66BEOV2A","created_at":"2017-01-31T20:49:02Z","expires_at":"2017-01-31T21:04:02Z","timeline":[{"time":"2017-01-31T20:49:02Z","status":"NEW"}],"metadata":{},"pricing_type":"no_price","payments":[],"addresses":{"bitcoin":"0000000000000000000000000000000000","ethereum":"0x0000000000000000000000000000000000000000","litecoin":"3000000000000000000000000000000000","bitcoincash":"bitcoincash:000000000000000000000000000000000000000000"}}}}"#;

#[test]
fn accepts_coinbase_commerces_published_example_and_dedups_on_the_nested_event_id() {
    let map =
        headers(&[("x-cc-webhook-signature", "8be7742c7d372f08a6a3224edadf18a22b65fa9e28f3f2de97376cdaa092590d")]);
    let verified = verifier(Scheme::CoinbaseCommerce, COINBASE_SECRET).verify((&map, COINBASE_BODY)).unwrap();
    assert_eq!((verified.id(), verified.id_is_signed()), (Some("24934862-d980-46cb-9402-43c81b0cdba6"), true));
    // The SDK's second test: one character of the secret changed.
    let other = verifier(Scheme::CoinbaseCommerce, "30291a20-0bd1-4267-9b0f-e6e7b123c0bg");
    assert_eq!(other.verify((&map, COINBASE_BODY)).unwrap_err().kind(), ErrorKind::InvalidSignature);
}

/// A `POST` to `uri` with `pairs` as headers and `body`, as a serverless runtime hands it over.
fn post(uri: &str, pairs: &[(&str, &str)], body: &[u8]) -> http::Request<Vec<u8>> {
    let mut request = http::Request::new(body.to_vec());
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = uri.parse().unwrap();
    *request.headers_mut() = headers(pairs);
    request
}

#[test]
fn the_catalogues_examples_verify_as_whole_requests() {
    // The examples' timestamps are years old: the window is what the other tests check, so it is off here.
    let check = |scheme: Scheme, secret: &str, request: http::Request<Vec<u8>>, id: Option<&str>| {
        let verifier =
            Verifier::builder(scheme.clone()).secret(secret).dangerous_skip_timestamp_check().build().unwrap();
        let verified = verifier.verify(&request).unwrap_or_else(|error| panic!("{scheme:?}: {error}"));
        assert_eq!(verified.id(), id, "{scheme:?}");
    };
    check(
        Scheme::square(SQUARE_URL).into(),
        SQUARE_KEY,
        post("/square", &[("x-square-hmacsha256-signature", SQUARE_SIGNATURE)], SQUARE_BODY),
        Some("ac3ac95b-f97d-458c-a6e6-18981597e05f"),
    );
    check(
        Scheme::Linear,
        "linear secret",
        post("/linear", &[("linear-signature", LINEAR_SIGNATURE)], LINEAR_BODY),
        None,
    );
    check(
        Scheme::Zoom,
        ZOOM_SECRET,
        post(
            "/zoom",
            &[
                ("x-zm-request-timestamp", "1700000000"),
                ("x-zm-signature", "v0=bca54e9dfb7d46b0e7bdd3d40bd6ed87d7174e904ac96cab365c1b633fdd247c"),
            ],
            ZOOM_BODY,
        ),
        None,
    );
    check(
        Scheme::TwitchEventSub,
        TWITCH_SECRET,
        post(
            "/twitch",
            &[
                ("twitch-eventsub-message-id", TWITCH_ID),
                ("twitch-eventsub-message-timestamp", TWITCH_TIMESTAMP),
                ("twitch-eventsub-message-signature", TWITCH_SIGNATURE),
                ("twitch-eventsub-message-type", "notification"),
            ],
            TWITCH_BODY,
        ),
        Some(TWITCH_ID),
    );
    let hubspot = "https://www.example.com/webhook_uri";
    check(
        Scheme::HubSpot,
        "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy",
        post(
            hubspot,
            &[
                ("x-hubspot-signature-v3", "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw="),
                ("x-hubspot-request-timestamp", "15000000"),
            ],
            b"{'example_field':'example_value'}",
        ),
        None,
    );
    check(
        Scheme::HubSpotV2,
        "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy",
        post(
            hubspot,
            &[
                ("x-hubspot-signature", "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900"),
                ("x-hubspot-signature-version", "v2"),
            ],
            br#"{"example_field":"example_value"}"#,
        ),
        None,
    );
    check(
        Scheme::Mailgun,
        MAILGUN_KEY,
        post("/mailgun", &[], &mailgun(r#"{"event":"delivered"}"#)),
        Some(MAILGUN_TOKEN),
    );
    check(
        Scheme::adyen().into(),
        ADYEN_KEY,
        post("/adyen", &[], &adyen(&[adyen_item("pspReference", ADYEN_SIGNATURE, "")])),
        Some("pspReference:CAPTURE"),
    );
    check(
        Scheme::CoinbaseCommerce,
        COINBASE_SECRET,
        post(
            "/coinbase",
            &[("x-cc-webhook-signature", "8be7742c7d372f08a6a3224edadf18a22b65fa9e28f3f2de97376cdaa092590d")],
            COINBASE_BODY,
        ),
        Some("24934862-d980-46cb-9402-43c81b0cdba6"),
    );
    check(
        Scheme::Dropbox,
        DROPBOX_SECRET,
        post(
            "/dropbox",
            &[("x-dropbox-signature", "4448312485de2051a050533bdfa29d30e3e3ab5981a4b918fa729bea7d8e8e08")],
            DROPBOX_BODY,
        ),
        None,
    );
}

// The long tail of body HMACs. Published examples where the provider has one (cited); otherwise each signature is
// `printf '<body>' | openssl dgst -<hash> -hmac provider-secret-0123456789` (Recharge: `sha256sum` of secret ‖ body).
const TAIL_SECRET: &str = "provider-secret-0123456789";
const TAIL_BODY: &[u8] = br#"{"event":"test","id":"evt_42","eventId":"evt_42"}"#;

#[test]
fn the_body_hmac_catalogue_accepts_independently_made_signatures_and_nothing_else() {
    let hex256 = "d4e9dd5dc9569fa36d15e0ac12d493f954ae7108a0796e29d80192459d2c1023";
    let b64 = "1OndXclWn6NtFeCsEtST+VSucQigeW4p2AGSRZ0sECM=";
    let sha512 = "178d1dffabc4e6e5e444136dfc51846bb05fe85bd7b278f6b860af24d06bc8a8dc1164eb290c6e5a412354909bf528877ead7271fbe0d595593cc3de112c1c45";
    let cases = [
        (Scheme::BitbucketServer, "x-hub-signature", format!("sha256={hex256}"), None),
        (Scheme::Expo, "expo-signature", String::from("sha1=440a695c1d8cb46cd7835ffc08d19ebd4e9c9bde"), None),
        (Scheme::FastSpring, "x-fs-signature", b64.to_owned(), None),
        (Scheme::LaunchDarkly, "x-ld-signature", hex256.to_owned(), None),
        (Scheme::Paystack, "x-paystack-signature", sha512.to_owned(), None),
        (
            Scheme::Recharge,
            "x-recharge-hmac-sha256",
            String::from("950d0e2fcd073ef8a4c47ff347d5015e113c296a96555834b55e3b25520452a2"),
            None,
        ),
        (Scheme::Sentry, "sentry-hook-signature", hex256.to_owned(), None),
        (Scheme::Tally, "tally-signature", b64.to_owned(), Some("evt_42")),
        (Scheme::WooCommerce, "x-wc-webhook-signature", b64.to_owned(), None),
    ];
    for (scheme, header, signature, id) in cases {
        let checker = verifier(scheme.clone(), TAIL_SECRET);
        let map = headers(&[(header, &signature)]);
        let verified = checker.verify((&map, TAIL_BODY)).unwrap_or_else(|error| panic!("{scheme:?}: {error}"));
        assert_eq!((verified.id(), verified.timestamp()), (id, None), "{scheme:?}");
        assert_eq!(checker.verify((&map, b"{}")).unwrap_err().kind(), ErrorKind::InvalidSignature, "{scheme:?}");
        let other = verifier(scheme.clone(), "another-secret-0123456789");
        assert_eq!(other.verify((&map, TAIL_BODY)).unwrap_err().kind(), ErrorKind::InvalidSignature, "{scheme:?}");
        assert_eq!(checker.verify((&HeaderMap::new(), TAIL_BODY)).unwrap_err().kind(), ErrorKind::MissingHeader);
        // The test kit signs the same way.
        let signed = Signer::new(scheme.clone(), TAIL_SECRET).unwrap().headers("", at(0), TAIL_BODY).unwrap();
        assert_eq!(signed[header], signature.as_str(), "{scheme:?}");
    }
    // Paystack's tag is SHA-512: a SHA-256-sized tag is no match.
    let short = headers(&[("x-paystack-signature", hex256)]);
    assert_eq!(
        verifier(Scheme::Paystack, TAIL_SECRET).verify((&short, TAIL_BODY)).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    let error = Verifier::builder(Scheme::Expo).secret("fifteen-chars!!").build().unwrap_err();
    assert!(matches!(error, hooksafe::ConfigError::WeakSecret { min: 16, .. }), "{error}");
}

#[test]
fn the_body_hmac_catalogue_verifies_the_providers_published_examples() {
    // Atlassian's "Manage webhooks" example.
    let bitbucket =
        headers(&[("x-hub-signature", "sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9")]);
    assert!(
        verifier(Scheme::BitbucketCloud, "It's a Secret to Everybody").verify((&bitbucket, b"Hello World!")).is_ok()
    );
    let sha1 = headers(&[("x-hub-signature", "sha1=0000000000000000000000000000000000000000")]);
    let error =
        verifier(Scheme::BitbucketCloud, "It's a Secret to Everybody").verify((&sha1, b"Hello World!")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedHeader);
    // CircleCI's outbound-webhooks guide; only `v1` entries count.
    let circleci = verifier(Scheme::CircleCI, "secret-for-circleci");
    let guide = Verifier::builder(Scheme::CircleCI).secret("secret").dangerous_allow_short_secrets().build().unwrap();
    let signed = "v1=734cc62f32841568f45715aeb9f4d7891324e6d948e4c6c60c0621cdac48623a";
    assert!(guide.verify((&headers(&[("circleci-signature", signed)]), b"hello world")).is_ok());
    let with_v2 = format!("v2=00,{signed}");
    assert!(guide.verify((&headers(&[("circleci-signature", &with_v2)]), b"hello world")).is_ok());
    let only_v2 =
        headers(&[("circleci-signature", "v2=734cc62f32841568f45715aeb9f4d7891324e6d948e4c6c60c0621cdac48623a")]);
    assert_eq!(circleci.verify((&only_v2, b"hello world")).unwrap_err().kind(), ErrorKind::MissingHeader);
    // LINE's Python SDK test.
    let line = headers(&[("x-line-signature", "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=")]);
    assert!(verifier(Scheme::Line, "channel_secret").verify((&line, b"bodybodybodybody")).is_ok());
    // GoCardless's Ruby SDK spec: a batch of two events.
    let gocardless_body = br#"{"events":[{"id":"EV00BD05S5VM2T","created_at":"2018-07-05T09:13:51.404Z","resource_type":"subscriptions","action":"created","links":{"subscription":"SB0003JJQ2MR06"},"details":{"origin":"api","cause":"subscription_created","description":"Subscription created via the API."},"metadata":{}},{"id":"EV00BD05TB8K63","created_at":"2018-07-05T09:13:56.893Z","resource_type":"mandates","action":"created","links":{"mandate":"MD000AMA19XGEC"},"details":{"origin":"api","cause":"mandate_created","description":"Mandate created via the API."},"metadata":{}}]}"#;
    let gocardless =
        headers(&[("webhook-signature", "2693754819d3e32d7e8fcb13c729631f316c6de8dc1cf634d6527f1c07276e7e")]);
    let secret = "ED7D658C-D8EB-4941-948B-3973214F2D49";
    assert!(verifier(Scheme::GoCardless, secret).verify((&gocardless, gocardless_body)).is_ok());
    assert!(verifier(Scheme::GoCardless, "foo-bar-baz").verify((&gocardless, gocardless_body)).is_err());
    // Razorpay's Python SDK test: the mock file byte for byte, final newline included.
    let razorpay_body = include_bytes!("fixtures/razorpay_payment_authorized.json");
    let razorpay =
        headers(&[("x-razorpay-signature", "d60e67fd884556c045e9be7dad57903e33efc7172c17c6e3ef77db42d2b366e9")]);
    assert!(verifier(Scheme::Razorpay, "key_secret").verify((&razorpay, razorpay_body)).is_ok());
    assert!(
        verifier(Scheme::Razorpay, "key_secret")
            .verify((&razorpay, &razorpay_body[..razorpay_body.len() - 1]))
            .is_err()
    );
}

#[test]
fn modern_treasury_verifies_its_sdks_examples() {
    // Modern Treasury's Python SDK test (`tests/api_resources/test_webhooks.py`): webhook key `foo`, which only the
    // short-secret escape admits; the same tags come from `openssl dgst -sha256 -hmac foo`.
    let verifier =
        Verifier::builder(Scheme::ModernTreasury).secret("foo").dangerous_allow_short_secrets().build().unwrap();
    let object = headers(&[("x-signature", "57e14f6f354543f0101fb06ea24df7731d90087b76651e3497345e22a3622940")]);
    let verified = verifier.verify((&object, br#"{"foo":"bar"}"#)).unwrap();
    assert_eq!((verified.id(), verified.timestamp()), (None, None));
    let text = headers(&[("x-signature", "08ba357e274f528065766c770a639abf6809b39ccfd37c2a3157c7f51954da0a")]);
    assert!(verifier.verify((&text, b"foo")).is_ok());
    // Another body, another key, another encoding of the same tag.
    assert_eq!(verifier.verify((&text, b"fop")).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let other = Verifier::builder(Scheme::ModernTreasury).secret("another webhook key").build().unwrap();
    assert_eq!(other.verify((&text, b"foo")).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let base64 = headers(&[("x-signature", "CLo1fidPUoBldmx3CmOavmgJs5zP0/KjFXxz9RlU2go=")]);
    assert_eq!(verifier.verify((&base64, b"foo")).unwrap_err().kind(), ErrorKind::InvalidSignature);
    assert_eq!("modern-treasury".parse::<Scheme>(), Ok(Scheme::ModernTreasury));
}

#[test]
fn timestamped_signature_lists_verify_published_and_openssl_made_examples() {
    // Fintoc's Python SDK test: its compact `payment_intent.succeeded` body.
    let fintoc_body = br#"{"id":"evt_2AaZeLCz0GjOW5zj","type":"payment_intent.succeeded","mode":"test","created_at":"2025-04-05T21:57:31.834Z","data":{"id":"pi_2vKOKniSGXRhXTKrJ67VXZxGCVt","mode":"test","amount":1,"object":"payment_intent","status":"succeeded","currency":"MXN","metadata":{},"created_at":"2025-04-05T21:57:17Z","expires_at":null,"error_reason":null,"payment_type":"bank_transfer","reference_id":null,"widget_token":null,"customer_email":null,"sender_account":{"type":"checking_account","number":"501514890244223279","holder_id":"mfiu593501oe4","institution_id":"mx_stp"},"business_profile":null,"transaction_date":null,"recipient_account":{"type":"checking_account","number":"646180357600000000","holder_id":"fsm211008hz9","institution_id":"mx_stp"},"payment_type_options":{}},"object":"event"}"#;
    let fintoc = verifier(Scheme::Fintoc, "whsec_test_secret");
    let header = "t=1743890251,v1=11b98dd8f5500109246aa4d9875fad2e97d462560b012a5f50ff924411de0b0f";
    let map = headers(&[("fintoc-signature", header)]);
    let verified = fintoc.verify_at((&map, fintoc_body), at(1_743_890_251)).unwrap();
    assert_eq!((verified.id(), verified.timestamp()), (Some("evt_2AaZeLCz0GjOW5zj"), Some(at(1_743_890_251))));
    let with_v2 = headers(&[("fintoc-signature", &format!("{header},v2=bad_signature") as &str)]);
    assert!(fintoc.verify_at((&with_v2, fintoc_body), at(1_743_890_251)).is_ok());
    assert_eq!(
        fintoc.verify_at((&map, fintoc_body), at(1_743_890_552)).unwrap_err().kind(),
        ErrorKind::TimestampTooOld
    );
    let wrong = verifier(Scheme::Fintoc, "whsec_wrong_secret");
    assert_eq!(
        wrong.verify_at((&map, fintoc_body), at(1_743_890_251)).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    // Mux's Elixir SDK test utilities.
    let mux = headers(&[(
        "mux-signature",
        "t=1591664030,v1=e43496b6aae982c4c2fd6f8e92935f1d90216f1f64d56024e72390acfb988272",
    )]);
    assert!(verifier(Scheme::Mux, "SuperSecret123").verify_at((&mux, b"payload"), at(1_591_664_030)).is_ok());
    // `printf '1700000000.{"event":"test"}' | openssl dgst -sha256 -hmac provider-secret-0123456789`
    let tag = "099262912fb65fbdea3b02d56e445488006b5f641328c1f7b4554aa13609cc11";
    let cases = [
        (Scheme::Tailscale, "tailscale-webhook-signature", format!("t=1700000000,v1={tag}")),
        (Scheme::CloudflareStream, "webhook-signature", format!("time=1700000000,sig1={tag}")),
    ];
    for (scheme, name, value) in cases {
        let checker = verifier(scheme.clone(), TAIL_SECRET);
        let map = headers(&[(name, &value)]);
        assert!(checker.verify_at((&map, br#"{"event":"test"}"#), at(1_700_000_000)).is_ok(), "{scheme:?}");
        let stale = checker.verify_at((&map, br#"{"event":"test"}"#), at(1_700_000_301)).unwrap_err();
        assert_eq!(stale.kind(), ErrorKind::TimestampTooOld, "{scheme:?}");
        assert_eq!(
            checker.verify_at((&map, b"{}"), at(1_700_000_000)).unwrap_err().kind(),
            ErrorKind::InvalidSignature
        );
    }
    // A repeated timestamp element is malformed.
    let doubled = headers(&[("mux-signature", "t=1,t=2,v1=00")]);
    assert_eq!(
        verifier(Scheme::Mux, "SuperSecret123").verify_at((&doubled, b""), at(1)).unwrap_err().kind(),
        ErrorKind::MalformedHeader
    );
}

#[test]
fn separate_timestamp_headers_are_read_in_each_providers_notation_and_signed_as_sent() {
    // `printf '<signed>' | openssl dgst -sha256 -hmac provider-secret-0123456789` (Zendesk: `-binary | base64`).
    let body = br#"{"id":"evt_7","name":"test"}"#;
    let cases = [
        (
            Scheme::Airwallex,
            [
                ("x-timestamp", "1700000000123"),
                ("x-signature", "f262259c91ff83afc6bd569cd5746cd4da5f352ff77cdd9aa52d76232102c237"),
            ],
            Some("evt_7"),
        ),
        (
            Scheme::Webflow,
            [
                ("x-webflow-timestamp", "1700000000123"),
                ("x-webflow-signature", "547a6e4b28bee96ddf2ee5520dc66b028f88281243499f771987d2c725368a35"),
            ],
            None,
        ),
        (
            Scheme::Zendesk,
            [
                ("x-zendesk-webhook-signature-timestamp", "2023-11-14T22:13:20Z"),
                ("x-zendesk-webhook-signature", "vvFORmCxZhBxOltq78ccoY7ljM7hD7eIno0W147hiEw="),
            ],
            None,
        ),
        (
            Scheme::Klaviyo,
            [
                ("klaviyo-timestamp", "Tue, 14 Nov 2023 22:13:20 GMT"),
                ("klaviyo-signature", "ee91979f92906d339eb74456a05a3a724e460bc48a171667f5d858245bbb9c94"),
            ],
            None,
        ),
    ];
    for (scheme, pairs, id) in cases {
        let checker = verifier(scheme.clone(), TAIL_SECRET);
        let map = headers(&pairs);
        let verified =
            checker.verify_at((&map, body), at(1_700_000_000)).unwrap_or_else(|error| panic!("{scheme:?}: {error}"));
        assert_eq!((verified.id(), verified.timestamp()), (id, Some(at(1_700_000_000))), "{scheme:?}");
        let stale = checker.verify_at((&map, body), at(1_700_000_301)).unwrap_err();
        assert_eq!(
            (stale.kind(), stale.header_name()),
            (ErrorKind::TimestampTooOld, Some(&HeaderName::from_static(pairs[0].0)))
        );
        assert_eq!(
            checker.verify_at((&map, b"{}"), at(1_700_000_000)).unwrap_err().kind(),
            ErrorKind::InvalidSignature
        );
        // The test kit writes the same headers for the same instant.
        let signed = Signer::new(scheme.clone(), TAIL_SECRET).unwrap().headers("", at(1_700_000_000), body).unwrap();
        assert!(checker.verify_at((&signed, body), at(1_700_000_000)).is_ok(), "{scheme:?}");
    }
    // Each notation is strict: seconds where milliseconds are due sign another string, a unix time is no RFC 3339
    // date, and an HTTP date must be GMT.
    let zendesk =
        headers(&[("x-zendesk-webhook-signature-timestamp", "1700000000"), ("x-zendesk-webhook-signature", "AA==")]);
    assert_eq!(
        verifier(Scheme::Zendesk, TAIL_SECRET).verify_at((&zendesk, body), at(1_700_000_000)).unwrap_err().kind(),
        ErrorKind::MalformedHeader
    );
    let klaviyo = headers(&[("klaviyo-timestamp", "Tue, 14 Nov 2023 22:13:20 +0000"), ("klaviyo-signature", "00")]);
    assert_eq!(
        verifier(Scheme::Klaviyo, TAIL_SECRET).verify_at((&klaviyo, body), at(1_700_000_000)).unwrap_err().kind(),
        ErrorKind::MalformedHeader
    );
}

#[test]
fn pagerduty_accepts_any_v1_entry_and_refuses_a_header_without_one() {
    // PagerDuty's go-pagerduty `webhookv3` test: its `incident.priority_updated` body, without a final newline.
    let body = include_bytes!("fixtures/pagerduty_incident_priority_updated.json");
    let secret = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK";
    let checker = verifier(Scheme::PagerDuty, secret);
    let genuine = "v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd";
    let map = headers(&[("x-pagerduty-signature", genuine)]);
    let verified = checker.verify((&map, body)).unwrap();
    assert_eq!((verified.id(), verified.id_is_signed()), (Some("01BWDWL3NYY7LUFPZCC28QUCMK"), true));
    let rolled = format!("v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5,{genuine}");
    assert!(checker.verify((&headers(&[("x-pagerduty-signature", &rolled)]), body)).is_ok());
    let mismatch =
        headers(&[("x-pagerduty-signature", "v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5")]);
    assert_eq!(checker.verify((&mismatch, body)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let unversioned =
        headers(&[("x-pagerduty-signature", "v2=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd")]);
    assert_eq!(checker.verify((&unversioned, body)).unwrap_err().kind(), ErrorKind::MalformedHeader);
}

#[test]
fn box_pairs_each_key_with_its_own_header_over_the_body_then_the_timestamp() {
    // Box's Java SDK test (`BoxWebHookSignatureVerifierTest`).
    let (primary, secondary) = ("faqZQdZ2dbNVaFdPWRsVMjZOC4nVwgp0", "4SidLLVJLIx3L3RAvMhybvvpmJHUd4iD");
    let body = br#"{ "payload" : "test" }"#;
    let stamp = "2016-07-08T01:20:32-07:00";
    let sent = OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339).unwrap();
    let (primary_tag, secondary_tag) =
        ("R54s9jpedqP/Og92+77Ip8hVtfWjR4pnaJXcvRGafCQ=", "V4b6jfPoCaTpcPvUDaaYLfVC4+DUZ3/B6F0pz44shEE=");
    let both = Verifier::builder(Scheme::Box).secret(primary).secret(secondary).build().unwrap();
    let map = headers(&[
        ("box-delivery-timestamp", stamp),
        ("box-signature-primary", primary_tag),
        ("box-signature-secondary", secondary_tag),
        ("box-signature-version", "1"),
        ("box-signature-algorithm", "HmacSHA256"),
    ]);
    assert_eq!(both.verify_at((&map, body), sent).unwrap().key_id(), "1");
    // The secondary header alone matches the secondary key; crosswise (the docs' sample) it matches nothing.
    let secondary_only = headers(&[("box-delivery-timestamp", stamp), ("box-signature-secondary", secondary_tag)]);
    assert_eq!(both.verify_at((&secondary_only, body), sent).unwrap().key_id(), "2");
    let crossed = headers(&[("box-delivery-timestamp", stamp), ("box-signature-primary", secondary_tag)]);
    assert_eq!(both.verify_at((&crossed, body), sent).unwrap_err().kind(), ErrorKind::InvalidSignature);
    assert_eq!(
        both.verify_at((&map, body), sent + time::Duration::seconds(601)).unwrap_err().kind(),
        ErrorKind::TimestampTooOld
    );
    let versioned = headers(&[
        ("box-delivery-timestamp", stamp),
        ("box-signature-primary", primary_tag),
        ("box-signature-version", "2"),
    ]);
    assert_eq!(both.verify_at((&versioned, body), sent).unwrap_err().kind(), ErrorKind::MalformedHeader);
    let unsigned = headers(&[("box-delivery-timestamp", stamp)]);
    assert_eq!(both.verify_at((&unsigned, body), sent).unwrap_err().kind(), ErrorKind::MissingHeader);
}

#[test]
fn pusher_checks_only_the_secret_its_key_header_names() {
    // Pusher's Node SDK webhook test: app key `123456789`, secret `beef`.
    let body = br#"{"time_ms":1403175510755,"events":[{"channel":"test_channel","name":"channel_vacated"}]}"#;
    let signature = "df1465f5ff93f83238152fd002cb904f9562d39569e68f00a6bfa0d8ccf88334";
    let verifier = Verifier::builder(Scheme::Pusher)
        .secret(Secret::new("another app's secret").id("987654321"))
        .secret(Secret::new("beef").id("123456789"))
        .dangerous_allow_short_secrets()
        .build()
        .unwrap();
    let map = headers(&[("x-pusher-key", "123456789"), ("x-pusher-signature", signature)]);
    assert_eq!(verifier.verify((&map, body)).unwrap().key_id(), "123456789");
    // The same signature under another app's key is refused, and so is a key with no secret configured.
    for key in ["987654321", "555"] {
        let other = headers(&[("x-pusher-key", key), ("x-pusher-signature", signature)]);
        assert_eq!(verifier.verify((&other, body)).unwrap_err().kind(), ErrorKind::InvalidSignature, "{key}");
    }
    let keyless = headers(&[("x-pusher-signature", signature)]);
    assert_eq!(verifier.verify((&keyless, body)).unwrap_err().kind(), ErrorKind::MissingHeader);
    // The test kit names the app by the delivery id.
    let signer = Signer::new(Scheme::Pusher, "another app's secret").unwrap();
    let signed = signer.headers("987654321", at(0), body).unwrap();
    assert_eq!(verifier.verify((&signed, body)).unwrap().key_id(), "987654321");
}

#[test]
fn mollie_docusign_and_gitea_read_every_line_or_header_they_define() {
    // `printf '{"resource":"payment","id":"tr_1"}' | openssl dgst -sha256 -hmac provider-secret-0123456789`
    let body = br#"{"resource":"payment","id":"tr_1"}"#;
    let hex = "c57275e66562b769d93fb34088aaebe4f7eb30876f8d7b10644645cb9d610f8c";
    let b64 = "xXJ15mVit2nZP7NAiKrr5PfrMIdvjXsQZEZFy51hD4w=";
    let mollie = verifier(Scheme::Mollie, TAIL_SECRET);
    let rolled =
        headers(&[("x-mollie-signature", "sha256=00"), ("x-mollie-signature", &format!("sha256={hex}") as &str)]);
    assert!(mollie.verify((&rolled, body)).is_ok());
    let bare = headers(&[("x-mollie-signature", hex)]);
    assert_eq!(mollie.verify((&bare, body)).unwrap_err().kind(), ErrorKind::MalformedHeader);
    let docusign = verifier(Scheme::DocuSign, TAIL_SECRET);
    let numbered = headers(&[("x-docusign-signature-1", "not base64!"), ("x-docusign-signature-2", b64)]);
    assert!(docusign.verify((&numbered, body)).is_ok());
    let unnumbered = headers(&[("x-docusign-signature-0", b64), ("x-docusign-signature-01", b64)]);
    assert_eq!(docusign.verify((&unnumbered, body)).unwrap_err().kind(), ErrorKind::MissingHeader);
    let gitea = verifier(Scheme::Gitea, TAIL_SECRET);
    assert!(gitea.verify((&headers(&[("x-gitea-signature", hex)]), body)).is_ok());
    assert!(gitea.verify((&headers(&[("x-forgejo-signature", hex)]), body)).is_ok());
    let form = headers(&[("x-gitea-signature", hex), ("content-type", "application/x-www-form-urlencoded")]);
    assert_eq!(gitea.verify((&form, b"payload=%7B%7D")).unwrap_err().kind(), ErrorKind::MalformedBody);
}

#[test]
fn token_senders_are_compared_in_constant_time_and_refused_strictly() {
    let gitlab = verifier(Scheme::GitLab, "gitlab-secret-token");
    let genuine = headers(&[("x-gitlab-token", "gitlab-secret-token")]);
    let verified = gitlab.verify((&genuine, b"{}")).unwrap();
    assert_eq!((verified.key_id(), verified.timestamp()), ("1", None));
    for wrong in ["gitlab-secret-tokeN", "gitlab-secret-token ", "gitlab-secret-toke", "gitlab-secret-token-and-more"] {
        let error = gitlab.verify((&headers(&[("x-gitlab-token", wrong)]), b"{}")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidSignature, "{wrong:?}");
    }
    assert_eq!(gitlab.verify((&HeaderMap::new(), b"{}")).unwrap_err().kind(), ErrorKind::MissingHeader);

    // `printf 'hooks:p4ssw0rd' | base64` is aG9va3M6cDRzc3cwcmQ=
    let azure = verifier(Scheme::AzureDevOps, "hooks:p4ssw0rd");
    assert!(azure.verify((&headers(&[("authorization", "Basic aG9va3M6cDRzc3cwcmQ=")]), b"{}")).is_ok());
    for (value, kind) in [
        ("Basic aG9va3M6cDRzc3cwcmU=", ErrorKind::InvalidSignature),
        ("basic aG9va3M6cDRzc3cwcmQ=", ErrorKind::MalformedHeader),
        ("Basic  aG9va3M6cDRzc3cwcmQ=", ErrorKind::MalformedHeader),
        ("Basic aG9va3M6cDRzc3cwcmQ", ErrorKind::MalformedHeader),
        ("Basic aG9va3NwNHNzdzByZA==", ErrorKind::MalformedHeader),
        ("Bearer aG9va3M6cDRzc3cwcmQ=", ErrorKind::MalformedHeader),
    ] {
        let error = azure.verify((&headers(&[("authorization", value)]), b"{}")).unwrap_err();
        assert_eq!(error.kind(), kind, "{value}");
        assert!(!error.to_string().contains("p4ssw0rd"), "{error}");
    }
    let one_colon = Verifier::builder(Scheme::AzureDevOps).secret("no-colon-here").build().unwrap_err();
    assert!(matches!(one_colon, hooksafe::ConfigError::BasicCredentials { index: 1 }), "{one_colon}");
    // The test kit sends the token as the provider does; a verifier's `Debug` never shows it.
    let signed = Signer::new(Scheme::AzureDevOps, "hooks:p4ssw0rd").unwrap().headers("", at(0), b"{}").unwrap();
    assert_eq!(signed["authorization"], "Basic aG9va3M6cDRzc3cwcmQ=");
    assert!(!format!("{azure:?}{gitlab:?}").contains("p4ssw0rd") && !format!("{gitlab:?}").contains("gitlab-secret"));
}

#[test]
fn hook0_checks_v1_over_the_named_headers_when_sent_and_v0_otherwise() {
    // Hook0's `output-worker/src/work.rs` example: secret `secret`, body `hello !`.
    let checker =
        Verifier::builder(Scheme::CoinbaseCdp).secret("secret").dangerous_allow_short_secrets().build().unwrap();
    let body = b"hello !";
    let v1 = "bc521546ba5de381b12f135782d2008b028c3065c191760b12b76850a8fc8f51";
    let v0 = "1b3d69df55f1e52f05224ba94a5162abeb17ef52cd7f4948c390f810d6a87e98";
    let event = [("x-event-id", "1a01cb48-5142-4d9b-8f90-d20cca61f0ee"), ("x-event-type", "service.resource.verb")];
    let with = |signature: &str| {
        let mut map = headers(&event);
        map.insert("x-hook0-signature", HeaderValue::from_str(signature).unwrap());
        map
    };
    let now = at(1_636_936_200);
    assert!(checker.verify_at((&with(&format!("t=1636936200,h=x-event-id x-event-type,v1={v1}")), body), now).is_ok());
    assert!(checker.verify_at((&with(&format!("t=1636936200,v0={v0}")), body), now).is_ok());
    // A good v0 beside a bad v1 is a mismatch: v1 alone counts when sent.
    let downgrade = with(&format!("t=1636936200,v0={v0},h=x-event-id x-event-type,v1={}", "00".repeat(32)));
    assert_eq!(checker.verify_at((&downgrade, body), now).unwrap_err().kind(), ErrorKind::InvalidSignature);
    // A covered header that did not arrive is refused before any MAC; a covered value that changed is a mismatch.
    let mut missing = with(&format!("t=1636936200,h=x-event-id x-event-type,v1={v1}"));
    missing.remove("x-event-type");
    let error = checker.verify_at((&missing, body), now).unwrap_err();
    assert_eq!(
        (error.kind(), error.header_name().map(HeaderName::as_str)),
        (ErrorKind::MissingHeader, Some("x-event-type"))
    );
    let mut changed = with(&format!("t=1636936200,h=x-event-id x-event-type,v1={v1}"));
    changed.insert("x-event-type", HeaderValue::from_static("service.resource.deleted"));
    assert_eq!(checker.verify_at((&changed, body), now).unwrap_err().kind(), ErrorKind::InvalidSignature);
    for malformed in ["t=1636936200,v0=abc", "t=1,t=2,v0=00", "t=1636936200,h=x-event-id", "v0=00"] {
        assert_eq!(
            checker.verify_at((&with(malformed), body), now).unwrap_err().kind(),
            ErrorKind::MalformedHeader,
            "{malformed}"
        );
    }
    assert_eq!(
        checker.verify_at((&with(&format!("t=1636936200,v0={v0}")), body), at(1_636_936_501)).unwrap_err().kind(),
        ErrorKind::TimestampTooOld
    );
    assert_eq!("hook0".parse::<Scheme>(), Ok(Scheme::Hook0));
    assert_eq!(Scheme::Hook0.to_string(), "coinbase-cdp");
}

#[test]
fn ripple_signs_the_timestamp_and_the_bodys_digest_with_the_decoded_key() {
    // Python's `hmac` over `1700000000123.` + hex SHA-256 of the body, keyed with base64-decoded
    // `cmlwcGxlLXZlcmlmaWNhdGlvbi1rZXk=` ("ripple-verification-key").
    let checker = verifier(Scheme::Ripple, "cmlwcGxlLXZlcmlmaWNhdGlvbi1rZXk=");
    let body = br#"{"event":"payment.completed"}"#;
    let tag = "fff22bcfef70006f50d86783efab392769c721e728639daf3201688cc32470e6";
    let map = headers(&[
        ("x-webhook-timestamp", "1700000000123"),
        ("x-webhook-signature", &format!("t=1700000000123,v1={tag}") as &str),
    ]);
    assert_eq!(checker.verify_at((&map, body), at(1_700_000_000)).unwrap().timestamp(), Some(at(1_700_000_000)));
    assert_eq!(checker.verify_at((&map, b"{}"), at(1_700_000_000)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let other_t = headers(&[
        ("x-webhook-timestamp", "1700000000124"),
        ("x-webhook-signature", &format!("t=1700000000123,v1={tag}") as &str),
    ]);
    assert_eq!(checker.verify_at((&other_t, body), at(1_700_000_000)).unwrap_err().kind(), ErrorKind::MalformedHeader);
    let error = Verifier::builder(Scheme::Ripple).secret("not base64!").build().unwrap_err();
    assert!(matches!(error, hooksafe::ConfigError::UndecodableSecret { .. }), "{error}");
}

#[test]
fn bitbucket_server_checks_the_signature_when_sent_and_basic_credentials_otherwise() {
    // The Bitbucket example signature, and `printf 'hooks:p4ssw0rd' | base64` = aG9va3M6cDRzc3cwcmQ=.
    let signature = "sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9";
    let both = Verifier::builder(Scheme::BitbucketServer)
        .secret("It's a Secret to Everybody")
        .basic_auth(Secret::new("hooks:p4ssw0rd").id("basic"))
        .build()
        .unwrap();
    let key_id = |map: HeaderMap, body: &[u8]| both.verify((&map, body)).map(|verified| verified.key_id().to_owned());
    assert_eq!(key_id(headers(&[("x-hub-signature", signature)]), b"Hello World!").unwrap(), "1");
    let credentials = headers(&[("authorization", "Basic aG9va3M6cDRzc3cwcmQ=")]);
    assert_eq!(key_id(credentials, b"any body at all").unwrap(), "basic");
    // A request with a signature is judged by it, whatever its credentials; a wrong password is a bad signature.
    let wrong_signature = headers(&[
        ("x-hub-signature", &signature.replace("63c9", "63c8")),
        ("authorization", "Basic aG9va3M6cDRzc3cwcmQ="),
    ]);
    assert_eq!(both.verify((&wrong_signature, b"Hello World!")).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let wrong_password = headers(&[("authorization", "Basic aG9va3M6cDRzc3cwcmU=")]);
    assert_eq!(both.verify((&wrong_password, b"{}")).unwrap_err().kind(), ErrorKind::InvalidSignature);
    let error = both.verify((&HeaderMap::new(), b"{}")).unwrap_err();
    assert_eq!(
        (error.kind(), error.header_name().map(HeaderName::as_str)),
        (ErrorKind::MissingHeader, Some("x-hub-signature"))
    );
    // Credentials never check a signature, nor a secret credentials: each key checks its own kind.
    let only_basic = Verifier::builder(Scheme::BitbucketServer).basic_auth("hooks:p4ssw0rd").build().unwrap();
    assert_eq!(
        only_basic.verify((&headers(&[("x-hub-signature", signature)]), b"Hello World!")).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    let only_secret = verifier(Scheme::BitbucketServer, "hooks:p4ssw0rd");
    assert_eq!(
        only_secret.verify((&headers(&[("authorization", "Basic aG9va3M6cDRzc3cwcmQ=")]), b"{}")).unwrap_err().kind(),
        ErrorKind::InvalidSignature
    );
    // Strict credentials, refused for schemes that take none; the test kit sends them as Bitbucket does.
    let one_colon = Verifier::builder(Scheme::BitbucketServer).basic_auth("no-colon-here").build().unwrap_err();
    assert!(matches!(one_colon, hooksafe::ConfigError::BasicCredentials { index: 1 }), "{one_colon}");
    let cloud = Verifier::builder(Scheme::BitbucketCloud).basic_auth("hooks:p4ssw0rd").build().unwrap_err();
    assert!(matches!(cloud, hooksafe::ConfigError::KeyKindNotAccepted { .. }), "{cloud}");
    let kit = Signer::basic_auth(Scheme::BitbucketServer, "hooks:p4ssw0rd").unwrap().headers("", at(0), b"{}").unwrap();
    assert_eq!(kit["authorization"], "Basic aG9va3M6cDRzc3cwcmQ=");
    assert!(!format!("{both:?}").contains("p4ssw0rd"));
}

#[test]
fn brex_secrets_without_the_whsec_prefix_are_taken_only_as_raw_base64() {
    // Brex lists its Standard Webhooks secrets as bare base64: the Standard Webhooks example's secret, so written.
    let raw = SW_SECRET.strip_prefix("whsec_").unwrap();
    let brex = Verifier::builder(Scheme::StandardWebhooks).raw_base64_secret(raw).build().unwrap();
    let map = standard_headers("webhook", SW_SIGNATURE);
    assert_eq!(brex.verify_at((&map, SW_BODY), at(SW_TIMESTAMP)).unwrap().id(), Some(SW_ID));
    for (secret, expected) in [
        (SW_SECRET, "UndecodableSecret"),
        ("not base64!", "UndecodableSecret"),
        ("c2hvcnQ=", "SecretLength"),
        ("", "EmptySecret"),
    ] {
        let error = Verifier::builder(Scheme::StandardWebhooks).raw_base64_secret(secret).build().unwrap_err();
        assert!(format!("{error:?}").starts_with(expected), "{secret}: {error:?}");
    }
    // On a scheme whose secrets are text, a raw base64 secret keys with its decoded bytes.
    let github = Verifier::builder(Scheme::GitHub).raw_base64_secret("SXQncyBhIFNlY3JldCB0byBFdmVyeWJvZHk=").build();
    let map = headers(&[("x-hub-signature-256", GITHUB_SIGNATURE)]);
    assert!(github.unwrap().verify((&map, b"Hello, World!")).is_ok());
}

//! Every bad input gets a typed error naming the header at fault, and secrets never leak into messages.

use hooksafe::sign::Signer;
use hooksafe::{ConfigError, Custom, ErrorKind, MAX_SIGNATURES, Scheme, Verifier};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use time::OffsetDateTime;

const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY: &[u8] = br#"{"id":"evt_1","amount":42}"#;

fn all_schemes() -> Vec<(Scheme, &'static str)> {
    vec![
        (Scheme::StandardWebhooks, SW_SECRET),
        (Scheme::Svix, SW_SECRET),
        (Scheme::Stripe, "whsec_stripe"),
        (Scheme::GitHub, "github secret"),
        (Scheme::GitHubSha1, "github secret"),
        (Scheme::Slack, "slack secret"),
        (Scheme::Shopify, "shopify secret"),
        (Scheme::Paddle, "pdl_ntfset_secret"),
        (Scheme::Custom(Custom::new("x-sig").timestamp_header("x-ts").signed_content("{timestamp}:{body}")), "custom"),
    ]
}

fn signed(scheme: &Scheme, secret: &str) -> HeaderMap {
    Signer::new(scheme.clone(), secret).unwrap().headers("msg_1", OffsetDateTime::now_utc(), BODY).unwrap()
}

fn verifier(scheme: &Scheme, secret: &str) -> Verifier {
    Verifier::builder(scheme.clone()).secret(secret).build().unwrap()
}

/// The headers a scheme's verification depends on: those the signer sets, minus informative ones.
fn required_headers(headers: &HeaderMap) -> Vec<HeaderName> {
    let optional = ["content-type", "x-github-delivery", "x-shopify-webhook-id"];
    headers.keys().filter(|name| !optional.contains(&name.as_str())).cloned().collect()
}

#[test]
fn every_scheme_accepts_what_its_signer_sends() {
    for (scheme, secret) in all_schemes() {
        let headers = signed(&scheme, secret);
        assert!(verifier(&scheme, secret).verify((&headers, BODY)).is_ok(), "{scheme:?}");
    }
}

#[test]
fn a_missing_or_empty_header_is_missing_and_named() {
    for (scheme, secret) in all_schemes() {
        let verifier = verifier(&scheme, secret);
        for name in required_headers(&signed(&scheme, secret)) {
            let mut headers = signed(&scheme, secret);
            headers.remove(&name);
            let error = verifier.verify((&headers, BODY)).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::MissingHeader, "{scheme:?} without {name}");
            assert_eq!(error.status(), StatusCode::BAD_REQUEST);
            assert!(error.to_string().contains(name.as_str()), "{error}");

            headers.insert(&name, HeaderValue::from_static(""));
            assert_eq!(verifier.verify((&headers, BODY)).unwrap_err().kind(), ErrorKind::MissingHeader);
        }
    }
}

#[test]
fn a_header_that_appears_twice_is_rejected_not_first_wins() {
    for (scheme, secret) in all_schemes() {
        let verifier = verifier(&scheme, secret);
        let original = signed(&scheme, secret);
        for name in required_headers(&original) {
            let mut headers = original.clone();
            headers.append(&name, original[&name].clone());
            let error = verifier.verify((&headers, BODY)).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::MalformedHeader, "{scheme:?} with {name} twice");
            assert_eq!(error.header_name(), Some(&name));
        }
    }
}

#[test]
fn repeated_unsigned_id_headers_are_rejected_too() {
    let mut headers = signed(&Scheme::GitHub, "github secret");
    headers.append("x-github-delivery", HeaderValue::from_static("another"));
    let error = verifier(&Scheme::GitHub, "github secret").verify((&headers, BODY)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedHeader);
}

#[test]
fn a_header_that_is_not_visible_ascii_is_malformed() {
    let mut headers = signed(&Scheme::StandardWebhooks, SW_SECRET);
    headers.insert("webhook-id", HeaderValue::from_bytes(b"msg_\xff").unwrap());
    let error = verifier(&Scheme::StandardWebhooks, SW_SECRET).verify((&headers, BODY)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedHeader);
    assert_eq!(error.header_name().map(HeaderName::as_str), Some("webhook-id"));
}

#[test]
fn more_signatures_than_any_rotation_needs_are_rejected() {
    let headers = signed(&Scheme::StandardWebhooks, SW_SECRET);
    let valid = headers["webhook-signature"].to_str().unwrap().to_owned();
    let verifier = verifier(&Scheme::StandardWebhooks, SW_SECRET);

    let mut at_cap = headers.clone();
    let mut entries = vec!["v1,AAAA"; MAX_SIGNATURES - 1];
    entries.push(&valid);
    at_cap.insert("webhook-signature", HeaderValue::from_str(&entries.join(" ")).unwrap());
    assert!(verifier.verify((&at_cap, BODY)).is_ok(), "{MAX_SIGNATURES} entries are allowed");

    let mut over = headers.clone();
    entries.insert(0, "v2,AAAA");
    over.insert("webhook-signature", HeaderValue::from_str(&entries.join(" ")).unwrap());
    let error = verifier.verify((&over, BODY)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedHeader);

    let stripe = signed(&Scheme::Stripe, "whsec_stripe");
    let mut value = stripe["stripe-signature"].to_str().unwrap().to_owned();
    value.push_str(&",v0=00".repeat(MAX_SIGNATURES));
    let mut over = HeaderMap::new();
    over.insert("stripe-signature", HeaderValue::from_str(&value).unwrap());
    let error = Verifier::builder(Scheme::Stripe).secret("whsec_stripe").build().unwrap().verify((&over, BODY));
    assert_eq!(error.unwrap_err().kind(), ErrorKind::MalformedHeader);
}

#[test]
fn empty_truncated_and_extended_tags_are_invalid_signatures() {
    let github = verifier(&Scheme::GitHub, "github secret");
    let tag = signed(&Scheme::GitHub, "github secret")["x-hub-signature-256"].to_str().unwrap().to_owned();
    for value in ["sha256=".to_owned(), tag[..tag.len() - 2].to_owned(), format!("{tag}00"), tag[..9].to_owned()] {
        let mut headers = HeaderMap::new();
        headers.insert("x-hub-signature-256", HeaderValue::from_str(&value).unwrap());
        let error = github.verify((&headers, BODY)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidSignature, "{value}");
        assert_eq!(error.status(), StatusCode::UNAUTHORIZED);
    }
    let standard = verifier(&Scheme::StandardWebhooks, SW_SECRET);
    let mut headers = signed(&Scheme::StandardWebhooks, SW_SECRET);
    headers.insert("webhook-signature", HeaderValue::from_static("v1,"));
    assert_eq!(standard.verify((&headers, BODY)).unwrap_err().kind(), ErrorKind::InvalidSignature);
}

#[test]
fn a_body_over_the_limit_is_413_before_anything_else() {
    let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_stripe").max_body_size(BODY.len() - 1).build();
    let error = verifier.unwrap().verify((&HeaderMap::new(), BODY)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PayloadTooLarge);
    assert_eq!(error.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let exact = Verifier::builder(Scheme::Stripe).secret("whsec_stripe").max_body_size(BODY.len()).build().unwrap();
    assert!(exact.verify((&signed(&Scheme::Stripe, "whsec_stripe"), BODY)).is_ok());
}

#[test]
fn default_body_limits_are_documented_per_scheme() {
    assert_eq!(Verifier::builder(Scheme::GitHub).secret("s-secret").build().unwrap().max_body_size(), 25 * 1024 * 1024);
    assert_eq!(Verifier::builder(Scheme::Stripe).secret("whsec_s").build().unwrap().max_body_size(), 5 * 1024 * 1024);
    let standard = Verifier::builder(Scheme::StandardWebhooks).secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").build();
    assert_eq!(standard.unwrap().max_body_size(), 256 * 1024);
}

#[test]
fn a_body_that_does_not_fit_the_type_is_422() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Charge {
        amount: String,
    }
    let headers = signed(&Scheme::Stripe, "whsec_stripe");
    let verified = verifier(&Scheme::Stripe, "whsec_stripe").verify((&headers, BODY)).unwrap();
    let error = verified.json::<Charge>().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidPayload);
    assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn the_body_is_hashed_as_received_not_as_json() {
    let headers = signed(&Scheme::Stripe, "whsec_stripe");
    let verifier = verifier(&Scheme::Stripe, "whsec_stripe");
    let reserialized = serde_json::to_vec_pretty(&serde_json::from_slice::<serde_json::Value>(BODY).unwrap()).unwrap();
    let crlf = [BODY, b"\r\n"].concat();
    for body in [&reserialized[..], &crlf, &BODY[..BODY.len() - 1]] {
        assert_eq!(verifier.verify((&headers, body)).unwrap_err().kind(), ErrorKind::InvalidSignature);
    }
    let binary = b"\x00\xff\xfe not utf-8";
    let headers =
        Signer::new(Scheme::GitHub, "g-secret").unwrap().headers("", OffsetDateTime::now_utc(), binary).unwrap();
    assert!(Verifier::builder(Scheme::GitHub).secret("g-secret").build().unwrap().verify((&headers, binary)).is_ok());
}

#[test]
fn configuration_mistakes_surface_at_build() {
    let build = |scheme: Scheme, secret: &str| Verifier::builder(scheme).secret(secret).build().map(drop);
    assert_eq!(Verifier::builder(Scheme::Stripe).build().map(drop), Err(ConfigError::NoSecret));
    assert_eq!(build(Scheme::Stripe, ""), Err(ConfigError::EmptySecret { index: 1 }));
    assert_eq!(build(Scheme::Stripe, "whsec_"), Err(ConfigError::EmptySecret { index: 1 }));
    assert_eq!(build(Scheme::StandardWebhooks, "whsec_"), Err(ConfigError::EmptySecret { index: 1 }));
    assert_eq!(build(Scheme::GitHub, "   "), Err(ConfigError::SecretWhitespace { index: 1 }));
    assert_eq!(build(Scheme::GitHub, "secret\n"), Err(ConfigError::SecretWhitespace { index: 1 }));
    assert_eq!(
        build(Scheme::Svix, "whsec_not*base64"),
        Err(ConfigError::UndecodableSecret { index: 1, encoding: "base64" })
    );
    assert_eq!(
        build(Scheme::StandardWebhooks, "whsec_c2hvcnQ="),
        Err(ConfigError::SecretLength { index: 1, len: 5, min: 24, max: 64 })
    );
    let second_bad = Verifier::builder(Scheme::Svix).secret(SW_SECRET).secret("whsec_%%").build();
    assert_eq!(second_bad.map(drop), Err(ConfigError::UndecodableSecret { index: 2, encoding: "base64" }));
    let many =
        (0..=hooksafe::MAX_SECRETS).fold(Verifier::builder(Scheme::GitHub), |b, i| b.secret(format!("secret-{i}")));
    assert!(matches!(many.build(), Err(ConfigError::TooManySecrets { .. })));
    let zero = Verifier::builder(Scheme::GitHub).secret("s-secret").max_body_size(0).build();
    assert_eq!(zero.map(drop), Err(ConfigError::InvalidMaxBodySize));
}

#[test]
fn custom_scheme_mistakes_surface_at_build() {
    let cases = [
        Custom::new("bad header name"),
        Custom::new("x-sig").signed_content("{timestamp}.{body}"),
        Custom::new("x-sig").timestamp_header("x-ts"),
        Custom::new("x-sig").signed_content("{id}{body}"),
        Custom::new("x-sig").signed_content("{ts}.{body}"),
        Custom::new("x-sig").signed_content("{body}{body}"),
        Custom::new("x-sig").signed_content("no body"),
        Custom::new("x-sig").signed_content("{body"),
        Custom::new("x-sig").signed_content("body}"),
    ];
    for custom in cases {
        let built = Verifier::builder(Scheme::Custom(custom.clone())).secret("s").build();
        assert!(matches!(built, Err(ConfigError::InvalidScheme(_))), "{custom:?}");
        assert!(Signer::new(Scheme::Custom(custom), "s").is_err());
    }
}

#[test]
fn secrets_never_appear_in_debug_display_or_errors() {
    let secret = "whsec_VGhpcyBpcyBhIHZlcnkgc2VjcmV0IGtleSEh";
    let key_material = "VGhpcyBpcyBhIHZlcnkgc2VjcmV0IGtleSEh";
    let builder = Verifier::builder(Scheme::StandardWebhooks).secret(secret);
    let builder_debug = format!("{builder:?}");
    let verifier = builder.build().unwrap();
    let signer = Signer::new(Scheme::StandardWebhooks, secret).unwrap();
    let mut headers = signer.headers("msg_1", OffsetDateTime::now_utc(), BODY).unwrap();
    let good_tag = headers["webhook-signature"].to_str().unwrap().trim_start_matches("v1,").to_owned();
    headers.insert("webhook-signature", HeaderValue::from_static("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    let error = verifier.verify((&headers, BODY)).unwrap_err();
    let bad_config = Verifier::builder(Scheme::Svix).secret("whsec_secret!!").build().unwrap_err();
    for text in [
        builder_debug,
        format!("{verifier:?}"),
        format!("{signer:?}"),
        format!("{error} {error:?}"),
        format!("{bad_config} {bad_config:?}"),
    ] {
        assert!(!text.contains(key_material) && !text.contains("secret!!"), "{text}");
        assert!(!text.contains(&good_tag), "a computed MAC leaked: {text}");
    }
}

#[test]
fn every_error_has_one_http_answer_naming_only_its_category() {
    let headers = signed(&Scheme::Stripe, "whsec_stripe");
    let error = verifier(&Scheme::Stripe, "whsec_other").verify((&headers, BODY)).unwrap_err();
    let response: http::Response<String> = error.to_response();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.body(), "invalid signature");
    assert!(response.headers().get("retry-after").is_none());
}

#[test]
fn a_declared_length_exactly_at_the_cap_is_accepted_before_reading() {
    let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_x").max_body_size(100).build().unwrap();
    let mut headers = HeaderMap::new();
    headers.insert("content-length", HeaderValue::from_static("100"));
    assert!(verifier.check_head(&headers).is_ok());
    headers.insert("content-length", HeaderValue::from_static("101"));
    assert_eq!(verifier.check_head(&headers).unwrap_err().kind(), ErrorKind::PayloadTooLarge);
}

#[test]
fn exactly_the_maximum_number_of_secrets_is_allowed() {
    let builder =
        (0..hooksafe::MAX_SECRETS).fold(Verifier::builder(Scheme::GitHub), |b, i| b.secret(format!("secret-{i}")));
    assert!(builder.build().is_ok());
}

#[test]
fn a_builder_debugs_its_policy_but_not_its_secrets() {
    let builder = Verifier::builder(Scheme::Stripe).secret("whsec_topsecret").secret("whsec_other");
    let text = format!("{builder:?}");
    assert!(text.contains("VerifierBuilder") && text.contains("Secret") && text.contains("Stripe"), "{text}");
    assert!(!text.contains("topsecret") && !text.contains("other"));
}

#[test]
fn a_custom_template_whose_placeholders_touch_is_refused_at_build() {
    // `{id}{timestamp}{body}` signs (`evt17`, `1700000000`) and (`evt1`, `71700000000`) alike.
    for template in ["{id}{timestamp}{body}", "{id}{body}", "{timestamp}.{id}{body}", "{method}{url} {body}"] {
        let custom = Custom::new("x-sig").id_header("x-id").timestamp_header("x-ts").signed_content(template);
        let custom = if template.contains("{timestamp}") {
            custom
        } else {
            Custom::new("x-sig").id_header("x-id").signed_content(template)
        };
        let built = Verifier::builder(Scheme::Custom(custom)).secret("custom secret").build();
        assert!(matches!(built, Err(ConfigError::InvalidScheme(_))), "{template}");
    }
}

#[test]
fn a_custom_id_that_contains_its_separator_is_malformed() {
    let custom =
        Custom::new("x-sig").id_header("x-id").timestamp_header("x-ts").signed_content("{id}.{timestamp}.{body}");
    let scheme = Scheme::Custom(custom);
    let now = OffsetDateTime::now_utc();
    let signer = Signer::new(scheme.clone(), "custom secret").unwrap();
    let verifier = verifier(&scheme, "custom secret");
    let fine = signer.headers("evt_1", now, BODY).unwrap();
    assert!(verifier.verify((&fine, BODY)).is_ok());
    let mut ambiguous = fine.clone();
    ambiguous.insert("x-id", HeaderValue::from_static("evt.1"));
    let error = verifier.verify((&ambiguous, BODY)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedHeader);
    assert_eq!(error.header_name().map(HeaderName::as_str), Some("x-id"));
}

//! PayPal: the published example with PayPal's sandbox certificate, signatures made by openssl and by the test kit
//! with a certificate chain the tests carry (`tests/fixtures/paypal-test-*.pem`: a root, an intermediate and a leaf
//! for `messageverificationcerts.paypal.com`, valid from 2026-12-02 to 2036-11-29), pinned and fetched certificates,
//! and the allow-list that keeps any other URL from ever being fetched. No test touches the network.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hooksafe::paypal::CertificateUrl;
use hooksafe::sign::Signer;
use hooksafe::{ConfigError, ErrorKind, ResolveError, Scheme, Verifier};
use http::{HeaderValue, Request};
use time::OffsetDateTime;
use time::macros::datetime;

const SANDBOX_CERT: &str = include_str!("fixtures/paypal-sandbox-cert.pem");
const SALE_COMPLETED: &[u8] = include_bytes!("fixtures/paypal-sale-completed.json");
const TEST_ROOT: &str = include_str!("fixtures/paypal-test-root.pem");
const TEST_CHAIN: &str = include_str!("fixtures/paypal-test-chain.pem");
const TEST_LEAF: &str = include_str!("fixtures/paypal-test-leaf.pem");
const TEST_KEY: &str = include_str!("fixtures/paypal-test-key.pem");
const FOREIGN_CHAIN: &str = include_str!("fixtures/paypal-test-foreign-chain.pem");

const WEBHOOK_ID: &str = "WH-TEST-HOOKSAFE";
const CERT_URL: &str = "https://api-m.paypal.com/v1/notifications/certs/CERT-hooksafe-test";
/// Inside the test chain's validity.
const NOW: OffsetDateTime = datetime!(2027-03-01 12:00:10 UTC);

fn request(headers: &[(&'static str, &str)], body: &[u8]) -> Request<Vec<u8>> {
    let mut request = Request::post("/webhooks/paypal").body(body.to_vec()).unwrap();
    for (name, value) in headers {
        request.headers_mut().append(*name, HeaderValue::from_str(value).unwrap());
    }
    request
}

/// The .NET SDK's `WebhookEventValidateReceivedEventTest` delivery: PayPal's own SHA1withRSA signature by its
/// sandbox certificate `CERT-360caa42-35c2ed1e-21e9a5d6` (served in the Node SDK's test mock), valid from 2014-05-12
/// to 2016-07-20.
fn published(algorithm: &str, body: &[u8]) -> Request<Vec<u8>> {
    request(
        &[
            (
                "paypal-cert-url",
                "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-35c2ed1e-21e9a5d6",
            ),
            ("paypal-auth-version", "v2"),
            (
                "paypal-transmission-sig",
                "UsYAipVbZNtuSGq59AqYhxA/k5esWWE8RGsaYHUQpURsrnyfpPou7AaozlMRXbP2Ry+REChStJLdjCeYHQa2PZAAr3ikzPFCT5kSNd1h\
                 L52fIXW60l3k5fJIMo4qSpvXmraEhn3zXAPIaw11RzzUxrDe4wDql4yhot109H+ZtFNUSjOt/KzzZugpAwwIfwOgtnbjpLhfRJaMykoz\
                 eMVelBPQ8GaYUpK37QI3BFYGs0joEEXeiRWZLAbIbyxBe1xYF8oVCYmhP47fkwhkHjy1J0hK8mhFPxOe1/6WKbljiJ9jbHzkdOWeInBh\
                 bq8LbaCX1Q+fHPkKOdo/bimMM5Pw4Q==",
            ),
            ("paypal-transmission-id", "657044e0-a0ec-11e4-a003-6b62a8a99ac4"),
            ("paypal-auth-algo", algorithm),
            ("paypal-transmission-time", "2015-01-20T21:36:30Z"),
            ("content-type", "application/json"),
        ],
        body,
    )
}

fn sandbox_verifier(webhook_id: &str) -> Verifier {
    Verifier::builder(Scheme::paypal(webhook_id).allow_sha1().sandbox()).certificate(SANDBOX_CERT).build().unwrap()
}

#[test]
fn verifies_paypals_published_example_with_its_sandbox_certificate() {
    assert_eq!(SALE_COMPLETED.len(), 1229);
    let at = datetime!(2015-01-20 21:36:40 UTC);
    let genuine = published("SHA1withRSA", SALE_COMPLETED);
    let verified = sandbox_verifier("6XE614444P001923J").verify_at(&genuine, at).unwrap();
    assert_eq!(verified.id(), Some("657044e0-a0ec-11e4-a003-6b62a8a99ac4"));
    assert!(verified.id_is_signed());
    assert_eq!(verified.timestamp(), Some(datetime!(2015-01-20 21:36:30 UTC)));

    let verify = |verifier: &Verifier, request: &Request<Vec<u8>>| verifier.verify_at(request, at).map(|_| ());
    let mut tampered = SALE_COMPLETED.to_vec();
    let last = tampered.len() - 3;
    tampered[last] ^= 1;
    let cases = [
        (verify(&sandbox_verifier("6XE614444P001923K"), &genuine), ErrorKind::InvalidSignature, "another webhook id"),
        (
            verify(&sandbox_verifier("6XE614444P001923J"), &published("SHA1withRSA", &tampered)),
            ErrorKind::InvalidSignature,
            "a changed body",
        ),
        // The signature is SHA-1's: the header cannot make it pass as SHA-256, nor name another algorithm.
        (
            verify(&sandbox_verifier("6XE614444P001923J"), &published("SHA256withRSA", SALE_COMPLETED)),
            ErrorKind::InvalidSignature,
            "SHA-256",
        ),
        (
            verify(&sandbox_verifier("6XE614444P001923J"), &published("MD5withRSA", SALE_COMPLETED)),
            ErrorKind::MalformedHeader,
            "MD5",
        ),
    ];
    for (result, kind, case) in cases {
        assert_eq!(result.unwrap_err().kind(), kind, "{case}");
    }

    // SHA-1 only when allowed, the sandbox only when configured.
    let strict = Verifier::builder(Scheme::paypal("6XE614444P001923J").sandbox()).certificate(SANDBOX_CERT);
    let error = strict.build().unwrap().verify_at(&genuine, at).unwrap_err();
    assert_eq!(
        (error.kind(), error.header_name().map(|name| name.as_str())),
        (ErrorKind::MalformedHeader, Some("paypal-auth-algo"))
    );
    assert!(error.to_string().contains("allow_sha1"), "{error}");
    let live = Verifier::builder(Scheme::paypal("6XE614444P001923J").allow_sha1()).certificate(SANDBOX_CERT);
    let error = live.build().unwrap().verify_at(&genuine, at).unwrap_err();
    assert_eq!(
        (error.kind(), error.header_name().map(|name| name.as_str())),
        (ErrorKind::MalformedHeader, Some("paypal-cert-url"))
    );

    // A pinned certificate is trusted only inside its validity period, whatever the window allows.
    let unbounded = Verifier::builder(Scheme::paypal("6XE614444P001923J").allow_sha1().sandbox())
        .certificate(SANDBOX_CERT)
        .dangerous_skip_timestamp_check()
        .build()
        .unwrap();
    assert!(unbounded.verify_at(&genuine, at).is_ok());
    let expired = unbounded.verify_at(&genuine, datetime!(2016-07-21 00:00:00 UTC)).unwrap_err();
    assert_eq!(expired.kind(), ErrorKind::InvalidSignature);
}

#[test]
fn verifies_a_signature_made_by_openssl() {
    // printf 'b1a7d2e0-0000-4000-8000-000000000001|2027-03-01T12:00:00Z|WH-TEST-HOOKSAFE|4028280564' |
    //   openssl dgst -sha256 -sign tests/fixtures/paypal-test-key.pem | base64 -w0
    let signature = "Z7Rao1+QyTXcDH+xYK0r+yvPbxV+mzt5iwTPMpfJuOqJ7g/vEtXra4v1QaGrC6zjIZ4aBWoTlBYOLiMf4AkE37H274aJvW03nWRy5w9P\
                     tRndqzgpWHj7b/QXJ/0tCH6DskNNpPVTkVwVIlmX0CPwAwKCtftD6l9TWsyRu6xfHeJPWug1BNdetu4RVE+ddFnAbE8rL/Hn6fdh\
                     B8U3sosgxIs7UnNgDbjQ8nW1tu5NA7IWePopDgCarCksY5d94XZZzKCf2wA7vn7eSa9vi3n2YHq1R7tpxnyx+cn3VByD/v5sy1R1\
                     hVTL/aqX59iXw2wBAjw7A044xpkoYnxUa6RhuQ==";
    let delivery = request(
        &[
            ("paypal-transmission-id", "b1a7d2e0-0000-4000-8000-000000000001"),
            ("paypal-transmission-time", "2027-03-01T12:00:00Z"),
            ("paypal-transmission-sig", signature),
            ("paypal-cert-url", CERT_URL),
            ("paypal-auth-algo", "SHA256withRSA"),
        ],
        SALE_COMPLETED,
    );
    let verifier = Verifier::builder(Scheme::paypal(WEBHOOK_ID)).certificate(TEST_LEAF).build().unwrap();
    assert_eq!(verifier.verify_at(&delivery, NOW).unwrap().id(), Some("b1a7d2e0-0000-4000-8000-000000000001"));
    let stale = verifier.verify_at(&delivery, datetime!(2027-03-01 12:05:01 UTC)).unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::TimestampTooOld);
    // Another certificate's key does not verify it.
    let other = Verifier::builder(Scheme::paypal(WEBHOOK_ID)).certificate(TEST_ROOT).build().unwrap();
    assert_eq!(other.verify_at(&delivery, NOW).unwrap_err().kind(), ErrorKind::InvalidSignature);
}

fn signer() -> Signer {
    Signer::with_private_key(Scheme::paypal(WEBHOOK_ID), TEST_KEY).unwrap().certificate_url(CERT_URL)
}

fn signed(id: &str, at: OffsetDateTime) -> Request<Vec<u8>> {
    signer().request("/webhooks/paypal".parse().unwrap(), id, at, SALE_COMPLETED.to_vec()).unwrap()
}

#[test]
fn the_test_kit_signs_as_paypal_does() {
    let delivery = signed("WH-1", datetime!(2027-03-01 12:00:00 UTC));
    assert_eq!(delivery.headers()["paypal-auth-algo"], "SHA256withRSA");
    assert_eq!(delivery.headers()["paypal-transmission-time"], "2027-03-01T12:00:00Z");
    let pinned = Verifier::builder(Scheme::paypal(WEBHOOK_ID)).certificate(TEST_CHAIN).build().unwrap();
    assert!(pinned.verify_at(&delivery, NOW).is_ok());
    let mut forged = delivery;
    *forged.body_mut() = b"{}".to_vec();
    assert_eq!(pinned.verify_at(&forged, NOW).unwrap_err().kind(), ErrorKind::InvalidSignature);

    let sha1 = signer().sha1().request("/".parse().unwrap(), "WH-2", NOW, b"{}".to_vec()).unwrap();
    assert_eq!(sha1.headers()["paypal-auth-algo"], "SHA1withRSA");
    assert_eq!(pinned.verify_at(&sha1, NOW).unwrap_err().kind(), ErrorKind::MalformedHeader);
    let allowing = Verifier::builder(Scheme::paypal(WEBHOOK_ID).allow_sha1()).certificate(TEST_LEAF);
    assert!(allowing.build().unwrap().verify_at(&sha1, NOW).is_ok());
}

/// A source serving the fixtures by certificate name, counting its calls.
fn source(
    chains: &'static [(&'static str, &'static str)],
    calls: Arc<AtomicUsize>,
) -> impl Fn(&CertificateUrl) -> std::future::Ready<Result<Vec<u8>, ResolveError>> + Send + Sync + 'static {
    move |url: &CertificateUrl| {
        calls.fetch_add(1, Ordering::SeqCst);
        let found = chains.iter().find(|(name, _)| *name == url.name());
        std::future::ready(
            found.map(|(_, pem)| pem.as_bytes().to_vec()).ok_or_else(|| ResolveError::new("no such certificate")),
        )
    }
}

fn fetching(calls: &Arc<AtomicUsize>, root: Option<&str>) -> Verifier {
    static CHAINS: [(&str, &str); 2] = [("CERT-hooksafe-test", TEST_CHAIN), ("CERT-foreign", FOREIGN_CHAIN)];
    let builder = Verifier::builder(Scheme::paypal(WEBHOOK_ID)).certificate_source(source(&CHAINS, calls.clone()));
    match root {
        Some(root) => builder.certificate_root(root).build().unwrap(),
        None => builder.build().unwrap(),
    }
}

async fn verify_async(
    verifier: &Verifier,
    request: &Request<Vec<u8>>,
    now: OffsetDateTime,
) -> Result<(), hooksafe::Error> {
    verifier.verify_async_at(request, now).await.map(|_| ())
}

#[tokio::test]
async fn fetched_certificates_must_chain_to_a_trusted_root_and_be_paypals() {
    let calls = Arc::new(AtomicUsize::new(0));
    let verifier = fetching(&calls, Some(TEST_ROOT));
    let delivery = signed("WH-1", datetime!(2027-03-01 12:00:00 UTC));
    verify_async(&verifier, &delivery, NOW).await.unwrap();
    verify_async(&verifier, &signed("WH-2", datetime!(2027-03-01 12:00:05 UTC)), NOW).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1, "cached by URL");
    // The sync path cannot fetch.
    assert_eq!(verifier.verify_at(&delivery, NOW).unwrap_err().kind(), ErrorKind::ResolverRequiresAsync);

    // Issued to another name, though by the trusted intermediate.
    let foreign = signer().certificate_url("https://api.paypal.com/v1/notifications/certs/CERT-foreign");
    let foreign = foreign.request("/".parse().unwrap(), "WH-3", NOW, b"{}".to_vec()).unwrap();
    let error = verify_async(&verifier, &foreign, NOW).await.unwrap_err();
    assert_eq!((error.kind(), error.status().as_u16()), (ErrorKind::UntrustedCertificate, 401));
    assert!(error.to_string().contains(".paypal.com"), "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(verify_async(&verifier, &foreign, NOW).await.unwrap_err().kind(), ErrorKind::UntrustedCertificate);
    assert_eq!(calls.load(Ordering::SeqCst), 2, "a refused certificate is remembered, not fetched again");

    // Mozilla's roots do not include the tests' root; and the chain is checked at the verification time.
    let public_roots = fetching(&calls, None);
    assert_eq!(verify_async(&public_roots, &delivery, NOW).await.unwrap_err().kind(), ErrorKind::UntrustedCertificate);
    let fresh = fetching(&calls, Some(TEST_ROOT));
    let late = datetime!(2037-01-01 00:00:00 UTC);
    let late = verify_async(&fresh, &signed("WH-5", late), late).await.unwrap_err();
    assert_eq!(late.kind(), ErrorKind::UntrustedCertificate);

    // A source that fails is a retry, not a rejection.
    let missing = signer().certificate_url("https://api.paypal.com/v1/notifications/certs/CERT-missing");
    let missing = missing.request("/".parse().unwrap(), "WH-4", NOW, b"{}".to_vec()).unwrap();
    let error = verify_async(&verifier, &missing, NOW).await.unwrap_err();
    assert_eq!((error.kind(), error.status().as_u16()), (ErrorKind::KeysUnavailable, 503));
}

#[tokio::test]
async fn a_certificate_url_off_paypals_hosts_is_refused_before_any_fetch() {
    let calls = Arc::new(AtomicUsize::new(0));
    let verifier = fetching(&calls, Some(TEST_ROOT));
    for url in [
        "https://evil.example/v1/notifications/certs/CERT-hooksafe-test",
        "https://api.paypal.com.evil.example/v1/notifications/certs/CERT-hooksafe-test",
        "http://api.paypal.com/v1/notifications/certs/CERT-hooksafe-test",
        "https://api.paypal.com:444/v1/notifications/certs/CERT-hooksafe-test",
        "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-hooksafe-test",
        "https://api.paypal.com/v1/oauth2/token",
        "https://api.paypal.com/v1/notifications/certs/CERT-hooksafe-test?redirect=https://evil.example",
    ] {
        let mut delivery = signed("WH-1", NOW);
        delivery.headers_mut().insert("paypal-cert-url", HeaderValue::from_str(url).unwrap());
        let error = verify_async(&verifier, &delivery, NOW).await.unwrap_err();
        assert_eq!(
            (error.kind(), error.header_name().map(|name| name.as_str())),
            (ErrorKind::MalformedHeader, Some("paypal-cert-url")),
            "{url}"
        );
    }
    // Stale and forged deliveries are refused before any fetch too.
    let stale = signed("WH-2", datetime!(2027-03-01 11:00:00 UTC));
    assert_eq!(verify_async(&verifier, &stale, NOW).await.unwrap_err().kind(), ErrorKind::TimestampTooOld);
    let mut unsigned = signed("WH-3", NOW);
    unsigned.headers_mut().remove("paypal-transmission-sig");
    assert_eq!(verify_async(&verifier, &unsigned, NOW).await.unwrap_err().kind(), ErrorKind::MissingHeader);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_paypal_verifier_needs_its_webhook_id_and_one_way_to_its_certificate() {
    let error = |builder: hooksafe::VerifierBuilder| builder.build().unwrap_err();
    let unconfigured = Verifier::builder("paypal".parse::<Scheme>().unwrap());
    assert!(
        matches!(error(unconfigured.certificate(TEST_LEAF)), ConfigError::PayPal(why) if why.contains("webhook_id"))
    );
    let paypal = || Verifier::builder(Scheme::paypal(WEBHOOK_ID));
    assert!(matches!(error(paypal()), ConfigError::PayPal(why) if why.contains("certificate")));
    let both = paypal().certificate(TEST_LEAF).certificate_source(source(&[], Arc::default()));
    assert!(matches!(error(both), ConfigError::PayPal(_)));
    let not_pem = paypal().certificate("MIIDhjCCAm6gAwIBAgIEU3E1kDANBgkqhkiG9w0BAQUFADCBhDELMAkGA1UEBhMC");
    assert!(matches!(error(not_pem), ConfigError::InvalidCertificate { index: 1, .. }));
    let bad_root = paypal().certificate_source(source(&[], Arc::default())).certificate_root("root");
    assert!(matches!(error(bad_root), ConfigError::InvalidCertificate { index: 1, .. }));
    // PayPal's settings on another scheme are a mistake, and a certificate is no key for it.
    let stripe = || Verifier::builder(Scheme::Stripe).secret("whsec_test_secret");
    assert!(matches!(error(stripe().certificate_source(source(&[], Arc::default()))), ConfigError::PayPal(_)));
    assert!(matches!(
        error(stripe().certificate(TEST_LEAF)),
        ConfigError::KeyKindNotAccepted { given: "certificate", .. }
    ));
    assert!(matches!(error(paypal().secret("a-shared-secret")), ConfigError::KeyKindNotAccepted { .. }));
}

#[cfg(feature = "axum")]
mod axum_server {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::post;
    use hooksafe::axum::{Webhook, WebhookLayer};
    use hooksafe::{MemoryStore, Receiver};
    use tower::ServiceExt as _;

    use super::*;

    #[tokio::test]
    async fn the_axum_layer_fetches_checks_and_deduplicates() {
        let calls = Arc::new(AtomicUsize::new(0));
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let handler = move |Webhook(event): Webhook<serde_json::Value>| async move {
            assert_eq!(event["event_type"], "PAYMENT.SALE.COMPLETED");
            counted.fetch_add(1, Ordering::SeqCst);
            http::StatusCode::NO_CONTENT
        };
        let receiver = Receiver::new(fetching(&calls, Some(TEST_ROOT)), MemoryStore::new());
        let app = Router::new().route("/webhooks/paypal", post(handler)).route_layer(WebhookLayer::new(receiver));
        let send = |request: Request<Vec<u8>>| {
            let app = app.clone();
            async move { app.oneshot(request.map(Body::from)).await.unwrap().status().as_u16() }
        };
        let now = OffsetDateTime::now_utc();
        assert_eq!(send(signed("WH-1", now)).await, 204);
        assert_eq!(send(signed("WH-1", now)).await, 200, "a duplicate is acknowledged, not run");
        let mut forged = signed("WH-2", now);
        *forged.body_mut() = br#"{"event_type":"PAYMENT.SALE.COMPLETED","forged":true}"#.to_vec();
        assert_eq!(send(forged).await, 401);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}

/// A delivery naming the certificate `name`, as a forger would send it.
fn naming(name: &str, id: &str) -> Request<Vec<u8>> {
    let url = format!("https://api.paypal.com/v1/notifications/certs/{name}");
    signer().certificate_url(&url).request("/".parse().unwrap(), id, NOW, b"{}".to_vec()).unwrap()
}

#[tokio::test]
async fn forged_requests_cannot_multiply_certificate_fetches() {
    // Twenty forged requests, each naming another unknown certificate: at most ten fetches a minute; the rest are
    // answered 503 with no fetch.
    let calls = Arc::new(AtomicUsize::new(0));
    let verifier = fetching(&calls, Some(TEST_ROOT));
    let mut refused_unfetched = 0;
    for index in 0..20 {
        let error = verify_async(&verifier, &naming(&format!("CERT-unknown-{index}"), "WH-X"), NOW).await.unwrap_err();
        assert_eq!((error.kind(), error.status().as_u16()), (ErrorKind::KeysUnavailable, 503));
        if error.to_string().contains("too many certificate fetches") {
            refused_unfetched += 1;
        }
    }
    assert_eq!(calls.load(Ordering::SeqCst), 10);
    assert_eq!(refused_unfetched, 10);
    // A failing URL is remembered: asking again costs no fetch.
    let again = verify_async(&verifier, &naming("CERT-unknown-0", "WH-Y"), NOW).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::KeysUnavailable);
    assert_eq!(calls.load(Ordering::SeqCst), 10);
}

#[tokio::test]
async fn concurrent_requests_for_one_certificate_wait_for_a_single_fetch() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let slow = move |url: &CertificateUrl| {
        counter.fetch_add(1, Ordering::SeqCst);
        let found = url.name() == "CERT-hooksafe-test";
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            found.then(|| TEST_CHAIN.as_bytes().to_vec()).ok_or_else(|| ResolveError::new("no such certificate"))
        }
    };
    let verifier = Arc::new(
        Verifier::builder(Scheme::paypal(WEBHOOK_ID))
            .certificate_source(slow)
            .certificate_root(TEST_ROOT)
            .build()
            .unwrap(),
    );
    let tasks: Vec<_> = (0..8)
        .map(|index| {
            let verifier = verifier.clone();
            tokio::spawn(async move {
                let delivery = signed(&format!("WH-{index}"), datetime!(2027-03-01 12:00:00 UTC));
                verify_async(&verifier, &delivery, NOW).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

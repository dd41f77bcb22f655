//! Deduplication: each delivery is processed once, none is lost, and nothing unverified touches the store.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hooksafe::sign::Signer;
use hooksafe::store::{Claim, DedupKey, MemoryStore, Retention, Store, StoreError, Token};
use hooksafe::{ConfigError, ErrorKind, Receiver, Scheme, Verifier};
use http::{HeaderValue, StatusCode};
use time::OffsetDateTime;

mod common;

use common::{BODY, SECRET, signed, verifier};

/// A store that counts what reaches it and can be switched off.
#[derive(Debug, Default)]
struct Spy {
    inner: MemoryStore,
    calls: AtomicUsize,
    down: std::sync::atomic::AtomicBool,
}

impl Spy {
    fn check(&self) -> Result<(), StoreError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) { Err(StoreError::new("connection refused")) } else { Ok(()) }
    }
}

impl Store for Spy {
    async fn claim(&self, key: DedupKey, token: Token, lease: Duration) -> Result<Claim, StoreError> {
        self.check()?;
        self.inner.claim(key, token, lease).await
    }
    async fn complete(&self, key: DedupKey, token: Token, retention: Retention) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.complete(key, token, retention).await
    }
    async fn release(&self, key: DedupKey, token: Token) -> Result<(), StoreError> {
        self.check()?;
        self.inner.release(key, token).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_identical_deliveries_are_claimed_exactly_once() {
    common::thirty_two_concurrent_receives_claim_once(Receiver::new(verifier(), MemoryStore::new())).await;
}

/// The receiver and the request that a delivery came from may go before it: a helper returns it (the match at the
/// end of a block was E0597 when a delivery borrowed them), and a task settles it.
#[tokio::test]
async fn a_delivery_outlives_its_request_and_its_receiver_and_moves_into_a_task() {
    async fn receive_in_a_helper(id: &str) -> Result<hooksafe::Delivery<MemoryStore>, hooksafe::Error> {
        let receiver = Receiver::new(verifier(), MemoryStore::new());
        let (headers, body) = (signed(id), BODY.to_vec());
        match receiver.receive((&headers, &body)).await {
            Ok(delivery) => Ok(delivery),
            Err(error) => Err(error),
        }
    }
    let delivery = receive_in_a_helper("msg_owned").await.unwrap();
    assert_eq!((delivery.id(), delivery.body()), (Some("msg_owned"), BODY));
    let settled = tokio::spawn(async move { delivery.complete().await }).await.unwrap();
    assert!(settled.unwrap());
}

#[tokio::test]
async fn a_completed_delivery_is_a_duplicate_and_a_released_one_is_processed_again() {
    common::release_lets_the_retry_through_and_complete_makes_duplicates(&Receiver::new(
        verifier(),
        MemoryStore::new(),
    ))
    .await;
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_the_stale_holders_late_complete_is_ignored() {
    let receiver = Receiver::builder(verifier(), MemoryStore::new()).lease(Duration::from_secs(1)).build().unwrap();
    common::a_lapsed_lease_is_taken_over_and_the_stale_complete_ignored(&receiver).await;
}

#[tokio::test]
async fn a_completion_after_the_lease_lapsed_is_recorded_when_nobody_else_claimed() {
    let receiver = Receiver::builder(verifier(), MemoryStore::new()).lease(Duration::from_secs(1)).build().unwrap();
    common::a_late_completion_with_no_other_claim_is_recorded(&receiver).await;
}

#[tokio::test]
async fn a_bad_signature_or_stale_timestamp_never_reaches_the_store() {
    let receiver = Receiver::new(verifier(), Spy::default());
    let mut forged = signed("msg_1");
    forged.insert("webhook-signature", HeaderValue::from_static("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    assert_eq!(receiver.receive((&forged, BODY)).await.unwrap_err().kind(), ErrorKind::InvalidSignature);
    let old = Signer::new(Scheme::StandardWebhooks, SECRET).unwrap();
    let old = old.headers("msg_1", OffsetDateTime::now_utc() - Duration::from_secs(3600), BODY).unwrap();
    assert_eq!(receiver.receive((&old, BODY)).await.unwrap_err().kind(), ErrorKind::TimestampTooOld);
    assert_eq!(receiver.receive((&signed("msg_1"), b"{}")).await.unwrap_err().kind(), ErrorKind::InvalidSignature);
    assert_eq!(receiver.store().calls.load(Ordering::SeqCst), 0);

    // A forged attempt did not pre-claim the real delivery.
    assert!(receiver.receive((&signed("msg_1"), BODY)).await.is_ok());
}

#[tokio::test]
async fn an_unreachable_store_fails_closed_and_processing_resumes_when_it_is_back() {
    let receiver = Receiver::new(verifier(), Spy::default());
    let headers = signed("msg_1");
    receiver.store().down.store(true, Ordering::SeqCst);
    let error = receiver.receive((&headers, BODY)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::StoreUnavailable);
    assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(error.retry_after().is_some());
    assert!(error.to_string().contains("connection refused"), "{error}");

    receiver.store().down.store(false, Ordering::SeqCst);
    let delivery = receiver.receive((&headers, BODY)).await.unwrap();
    assert!(delivery.is_claimed());
    delivery.complete().await.unwrap();
}

#[tokio::test]
async fn failing_open_is_an_explicit_choice_and_the_delivery_says_it_is_unclaimed() {
    let receiver = Receiver::builder(verifier(), Spy::default()).fail_open_when_store_unavailable().build().unwrap();
    receiver.store().down.store(true, Ordering::SeqCst);
    let headers = signed("msg_1");
    let delivery = receiver.receive((&headers, BODY)).await.expect("processed without a claim");
    assert!(!delivery.is_claimed());
    delivery.complete().await.unwrap();
}

#[tokio::test]
async fn endpoints_of_one_scheme_with_their_own_namespaces_sharing_a_store_never_collide() {
    let store = Arc::new(MemoryStore::new());
    let other_secret = "whsec_dGhlIG5ldyBzZWNyZXQgb2YgMjQgYnl0ZXMh";
    let first = Receiver::builder(verifier(), store.clone()).namespace("billing").build().unwrap();
    let second = Verifier::builder(Scheme::StandardWebhooks).secret(other_secret).build().unwrap();
    let second = Receiver::builder(second, store).namespace("crm").build().unwrap();
    first.receive((&signed("msg_1"), BODY)).await.unwrap().complete().await.unwrap();
    let headers = Signer::new(Scheme::StandardWebhooks, other_secret).unwrap();
    let headers = headers.headers("msg_1", OffsetDateTime::now_utc(), BODY).unwrap();
    assert!(second.receive((&headers, BODY)).await.is_ok(), "same id, other endpoint: not a duplicate");
}

#[tokio::test]
async fn a_github_and_a_shopify_receiver_with_one_secret_never_share_records() {
    let store = Arc::new(MemoryStore::new());
    let now = OffsetDateTime::now_utc();
    for scheme in [Scheme::GitHub, Scheme::Shopify] {
        let receiver =
            Receiver::new(Verifier::builder(scheme.clone()).secret("one secret").build().unwrap(), store.clone());
        let headers = Signer::new(scheme.clone(), "one secret").unwrap().headers("", now, BODY).unwrap();
        let delivery = receiver.receive((&headers, BODY)).await;
        assert!(delivery.is_ok(), "{scheme:?}: the same body on another scheme's endpoint is not a duplicate");
        delivery.unwrap().complete().await.unwrap();
    }
}

#[tokio::test]
async fn rotating_the_first_secret_forgets_no_record() {
    // A GitHub delivery has no timestamp: its record is the only thing that stops a replay.
    let store = Arc::new(MemoryStore::new());
    let before = Receiver::new(Verifier::builder(Scheme::GitHub).secret("old secret").build().unwrap(), store.clone());
    let captured =
        Signer::new(Scheme::GitHub, "old secret").unwrap().headers("guid-1", OffsetDateTime::now_utc(), BODY);
    let captured = captured.unwrap();
    before.receive((&captured, BODY)).await.unwrap().complete().await.unwrap();
    // The new secret goes first; the old one stays during the rollover, then goes.
    let rotated = Verifier::builder(Scheme::GitHub).secret("new secret").secret("old secret").build().unwrap();
    let after = Receiver::new(rotated, store.clone());
    assert_eq!(after.receive((&captured, BODY)).await.unwrap_err().kind(), ErrorKind::Duplicate);
}

#[tokio::test]
async fn a_full_memory_store_never_evicts_the_records_of_a_scheme_without_a_timestamp() {
    // One record per shard; many distinct GitHub deliveries, each completed (or refused while the store is full).
    let receiver = Receiver::new(
        Verifier::builder(Scheme::GitHub).secret("gh-secret").build().unwrap(),
        MemoryStore::with_capacity(16),
    );
    let signer = Signer::new(Scheme::GitHub, "gh-secret").unwrap();
    let now = OffsetDateTime::now_utc();
    let bodies: Vec<Vec<u8>> = (0..64).map(|n| format!(r#"{{"n":{n}}}"#).into_bytes()).collect();
    let mut processed = Vec::new();
    for body in &bodies {
        let headers = signer.headers("", now, body).unwrap();
        match receiver.receive((&headers, body)).await {
            Ok(delivery) => {
                delivery.complete().await.unwrap();
                processed.push(body);
            }
            Err(error) => assert_eq!(error.kind(), ErrorKind::StoreUnavailable, "full: fail closed"),
        }
    }
    assert!(!processed.is_empty());
    // A replay of anything processed is never processed again: it is a duplicate, or refused while full.
    for body in processed {
        let headers = signer.headers("", now, body).unwrap();
        assert_eq!(receiver.receive((&headers, body)).await.unwrap_err().kind(), ErrorKind::Duplicate);
    }
}

#[tokio::test]
async fn a_github_replay_under_a_fresh_delivery_guid_is_still_a_duplicate() {
    let verifier = Verifier::builder(Scheme::GitHub).secret("gh-secret").build().unwrap();
    let receiver = Receiver::new(verifier, MemoryStore::new());
    let signer = Signer::new(Scheme::GitHub, "gh-secret").unwrap();
    let now = OffsetDateTime::now_utc();
    let original = signer.headers("72d3162e-cc78-11e3-81ab-4c9367dc0958", now, BODY).unwrap();
    receiver.receive((&original, BODY)).await.unwrap().complete().await.unwrap();
    let replay = signer.headers("00000000-0000-0000-0000-000000000000", now, BODY).unwrap();
    assert_eq!(receiver.receive((&replay, BODY)).await.unwrap_err().kind(), ErrorKind::Duplicate);
}

#[tokio::test]
async fn stripe_deliveries_are_keyed_by_the_signed_event_id() {
    let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_s").build().unwrap();
    let receiver = Receiver::new(verifier, MemoryStore::new());
    let signer = Signer::new(Scheme::Stripe, "whsec_s").unwrap();
    let first = br#"{"id":"evt_1","type":"invoice.paid","attempt":1}"#;
    let resent = br#"{"id":"evt_1","type":"invoice.paid","attempt":2}"#;
    let now = OffsetDateTime::now_utc();
    let headers = signer.headers("", now, first).unwrap();
    receiver.receive((&headers, first)).await.unwrap().complete().await.unwrap();
    let headers = signer.headers("", now + Duration::from_secs(30), resent).unwrap();
    assert_eq!(receiver.receive((&headers, resent)).await.unwrap_err().kind(), ErrorKind::Duplicate);
}

#[tokio::test]
async fn a_custom_key_function_decides_what_counts_as_the_same_delivery() {
    let receiver = Receiver::builder(verifier(), MemoryStore::new())
        .key(|verified| verified.json::<serde_json::Value>().ok()?["type"].as_str().map(|t| t.as_bytes().to_vec()))
        .build()
        .unwrap();
    receiver.receive((&signed("msg_1"), BODY)).await.unwrap().complete().await.unwrap();
    assert_eq!(receiver.receive((&signed("msg_2"), BODY)).await.unwrap_err().kind(), ErrorKind::Duplicate);
}

#[test]
fn retention_must_outlast_the_replay_window_and_the_lease_must_be_sane() {
    let build = |lease: Duration, retention: Duration| {
        Receiver::builder(verifier(), MemoryStore::new()).lease(lease).retention(retention).build().map(drop)
    };
    assert_eq!(
        build(Duration::from_secs(60), Duration::from_secs(600)),
        Err(ConfigError::RetentionTooShort { retention_secs: 600, window_secs: 600 })
    );
    assert!(build(Duration::from_secs(60), Duration::from_secs(601)).is_ok());
    assert_eq!(build(Duration::from_millis(500), Duration::from_secs(86400)), Err(ConfigError::InvalidLease));
    assert_eq!(build(Duration::from_secs(86400), Duration::from_secs(86400)), Err(ConfigError::InvalidLease));
    // `new` picks a retention that always outlasts the window.
    let long_window =
        Verifier::builder(Scheme::StandardWebhooks).secret(SECRET).tolerance(hooksafe::MAX_TOLERANCE).build();
    let _ = Receiver::new(long_window.unwrap(), MemoryStore::new());
}

#[test]
fn the_handler_deadline_must_end_before_the_lease() {
    let build = |lease: Duration, deadline: Duration| {
        Receiver::builder(verifier(), MemoryStore::new()).lease(lease).handler_deadline(deadline).build().map(drop)
    };
    assert!(build(Duration::from_secs(60), Duration::from_secs(59)).is_ok());
    assert_eq!(build(Duration::from_secs(30), Duration::from_secs(30)), Err(ConfigError::InvalidHandlerDeadline));
    assert_eq!(build(Duration::from_secs(30), Duration::ZERO), Err(ConfigError::InvalidHandlerDeadline));
    // The defaults are coherent: a 30 s deadline inside a 60 s lease.
    assert!(Receiver::builder(verifier(), MemoryStore::new()).build().is_ok());
}

#[tokio::test]
async fn a_delivery_dropped_without_settling_is_released_at_once() {
    let receiver = Receiver::new(verifier(), MemoryStore::new());
    let headers = signed("msg_dropped");
    drop(receiver.receive((&headers, BODY)).await.unwrap());
    assert!(receiver.receive((&headers, BODY)).await.is_ok(), "not in progress: the dropped claim was released");
}

fn key(shard: u8, n: u8) -> DedupKey {
    let mut bytes = [n; 32];
    bytes[0] = shard;
    DedupKey::from_bytes(bytes)
}

const LEASE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn a_full_memory_store_evicts_old_completed_records_but_never_live_leases_or_protected_records() {
    let store = MemoryStore::with_capacity(16); // one record per shard
    assert_eq!(store.capacity(), 16);
    let (first, second, third) = (key(0, 1), key(0, 2), key(0, 3));
    let token = Token::new();
    assert_eq!(store.claim(first, token, LEASE).await.unwrap(), Claim::Claimed);
    assert!(store.claim(second, Token::new(), LEASE).await.is_err(), "a live lease is never evicted");

    let unprotected = Retention { keep_for: Duration::from_secs(3600), protect_for: Duration::ZERO };
    store.complete(first, token, unprotected).await.unwrap();
    let token = Token::new();
    assert_eq!(store.claim(second, token, LEASE).await.unwrap(), Claim::Claimed, "evicts the old completed record");
    let full = store.claim(first, Token::new(), LEASE).await.unwrap_err();
    assert!(full.to_string().contains("full"), "{full}");

    let protected = Retention { keep_for: Duration::from_secs(3600), protect_for: Duration::from_secs(600) };
    store.complete(second, token, protected).await.unwrap();
    assert!(store.claim(third, Token::new(), LEASE).await.is_err(), "inside the replay window: kept, fail closed");
    assert_eq!(store.claim(second, Token::new(), LEASE).await.unwrap(), Claim::Done);
    assert_eq!(store.claim(key(1, 1), Token::new(), LEASE).await.unwrap(), Claim::Claimed, "other shards are free");
}

#[tokio::test]
async fn expired_records_make_room_and_are_not_duplicates() {
    let store = MemoryStore::with_capacity(16);
    let token = Token::new();
    store.claim(key(0, 1), token, LEASE).await.unwrap();
    let brief = Retention { keep_for: Duration::from_millis(50), protect_for: Duration::from_millis(50) };
    store.complete(key(0, 1), token, brief).await.unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(store.claim(key(0, 1), Token::new(), LEASE).await.unwrap(), Claim::Claimed);
    assert_eq!(store.len(), 1);
}

#[tokio::test]
async fn only_the_holder_can_complete_or_release() {
    let store = MemoryStore::new();
    let holder = Token::new();
    store.claim(key(3, 3), holder, LEASE).await.unwrap();
    store.release(key(3, 3), Token::new()).await.unwrap();
    store.complete(key(3, 3), Token::new(), Retention { keep_for: LEASE, protect_for: LEASE }).await.unwrap();
    assert!(matches!(store.claim(key(3, 3), Token::new(), LEASE).await.unwrap(), Claim::Held { .. }));
    store.release(key(3, 3), holder).await.unwrap();
    assert_eq!(store.claim(key(3, 3), Token::new(), LEASE).await.unwrap(), Claim::Claimed);
}

#[tokio::test]
async fn expired_completions_leave_from_the_front_and_a_reused_key_keeps_its_new_record() {
    let store = MemoryStore::with_capacity(64);
    let retention = |millis| Retention { keep_for: Duration::from_millis(millis), protect_for: Duration::ZERO };
    let long = Retention { keep_for: Duration::from_secs(3600), protect_for: Duration::from_secs(600) };
    // Completed in this order, on one shard: `later` expires after `sooner`.
    let (later, sooner) = (key(0, 1), key(0, 2));
    for (key, retention) in [(later, retention(150)), (sooner, retention(50))] {
        let token = Token::new();
        store.claim(key, token, LEASE).await.unwrap();
        store.complete(key, token, retention).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(80)).await;

    // `sooner` expired behind `later`, which still heads the queue: it is claimed and completed again, and its old
    // queue entry now names a newer record.
    let token = Token::new();
    assert_eq!(store.claim(sooner, token, LEASE).await.unwrap(), Claim::Claimed);
    store.complete(sooner, token, long).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    // `later` expires and leaves; the stale entry behind it must leave without taking the new record along.
    assert_eq!(store.claim(key(0, 3), Token::new(), LEASE).await.unwrap(), Claim::Claimed);
    assert_eq!(store.len(), 2);
    assert_eq!(store.claim(sooner, Token::new(), LEASE).await.unwrap(), Claim::Done);
    assert_eq!(store.claim(later, Token::new(), LEASE).await.unwrap(), Claim::Claimed);
}

#[tokio::test]
async fn a_full_shard_refuses_without_rescanning_yet_frees_room_as_soon_as_a_lease_lapses() {
    let store = MemoryStore::with_capacity(16); // one record per shard
    let holder = Token::new();
    assert_eq!(store.claim(key(3, 1), holder, Duration::from_millis(80)).await.unwrap(), Claim::Claimed);
    for n in 2..50 {
        assert!(store.claim(key(3, n), Token::new(), LEASE).await.is_err(), "full while the lease is live");
    }
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(
        store.claim(key(3, 60), Token::new(), LEASE).await.unwrap(),
        Claim::Claimed,
        "the lapsed lease made room"
    );
}

#[tokio::test]
async fn a_mailgun_signature_block_is_accepted_once_whatever_event_data_comes_with_it() {
    let signer = Signer::new(Scheme::Mailgun, "key-mailgun-signing").unwrap();
    let receiver = Receiver::new(
        Verifier::builder(Scheme::Mailgun).secret("key-mailgun-signing").build().unwrap(),
        MemoryStore::new(),
    );
    let now = OffsetDateTime::now_utc();
    let genuine = signer.body("token-1", now, br#"{"event":"delivered"}"#).unwrap();
    let headers = http::HeaderMap::new();
    receiver.receive((&headers, &genuine)).await.unwrap().complete().await.unwrap();
    // The same block with other event data: the signature still matches, so the token decides.
    let text = String::from_utf8(genuine).unwrap();
    let swapped = text.replace(r#"{"event":"delivered"}"#, r#"{"event":"failed"}"#);
    assert_ne!(text, swapped);
    let error = receiver.receive((&headers, swapped.as_bytes())).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Duplicate);
}

/// A form `POST` to `path` with `body`, signed by `signer`, as parts and body.
fn form_request(signer: &Signer, path: &str, body: &str) -> (http::request::Parts, Vec<u8>) {
    let mut request =
        signer.request(path.parse().unwrap(), "", OffsetDateTime::now_utc(), body.as_bytes().to_vec()).unwrap();
    let form = HeaderValue::from_static("application/x-www-form-urlencoded");
    request.headers_mut().insert(http::header::CONTENT_TYPE, form);
    request.into_parts()
}

/// The same request with another body (which the signature over the sorted, decoded parameters still covers).
fn reencoded(parts: &http::request::Parts, body: &str) -> (http::request::Parts, Vec<u8>) {
    let mut request = http::Request::new(body.as_bytes().to_vec());
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = parts.uri.clone();
    *request.headers_mut() = parts.headers.clone();
    request.into_parts()
}

#[tokio::test]
async fn a_twilio_or_mandrill_replay_with_its_parameters_re_encoded_is_still_a_duplicate() {
    for (scheme, secret) in [(Scheme::Twilio, "twilio-auth-token-0123"), (Scheme::Mandrill, "mandrill-webhook-key")] {
        let url = "https://hooks.example.com";
        let verifier = Verifier::builder(scheme.clone()).secret(secret).public_url(url).build().unwrap();
        let receiver = Receiver::new(verifier, MemoryStore::new());
        let signer = Signer::new(scheme.clone(), secret).unwrap().public_url(url).unwrap();
        let original = "From=%2B14158675309&Body=hello+world&To=%2B14155551212";
        let (parts, body) = form_request(&signer, "/sms", original);
        receiver.receive((&parts, &body)).await.unwrap().complete().await.unwrap();
        for replay in [
            "To=%2B14155551212&Body=hello+world&From=%2B14158675309",
            "From=%2B14158675309&Body=hello%20world&To=%2B14155551212",
            "From=%2B14158675309&Body=hello+world&To=%2B14155551212&To=%2B14155551212",
            "From=+14158675309&Body=hello world&To=+14155551212".replace(' ', "%20").replace('+', "%2B").as_str(),
        ] {
            let (parts, body) = reencoded(&parts, replay);
            assert!(receiver.verifier().verify((&parts, &body)).is_ok(), "{scheme} {replay}: still verifies");
            let error = receiver.receive((&parts, &body)).await.unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Duplicate, "{scheme} {replay}");
        }
        // Different parameters are another delivery.
        let (parts, body) = form_request(&signer, "/sms", "From=%2B14158675309&Body=bye&To=%2B14155551212");
        assert!(receiver.receive((&parts, &body)).await.is_ok(), "{scheme}");
        // So are parameters in the signed query of a request without a body (Twilio's `GET` webhooks).
        for query in ["/sms?MessageSid=SM1", "/sms?MessageSid=SM2"] {
            let (parts, body) = form_request(&signer, query, "");
            assert!(receiver.receive((&parts, &body)).await.is_ok(), "{scheme} {query}");
        }
    }
}

#[tokio::test]
async fn adyen_batches_recombined_from_captured_items_are_refused_or_duplicates() {
    const KEY: &str = "DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00";
    let item = |psp: &str| {
        format!(
            r#"{{"NotificationRequestItem":{{"additionalData":{{"hmacSignature":""}},"amount":{{"currency":"EUR","value":1000}},"eventCode":"CAPTURE","merchantAccountCode":"acct","merchantReference":"ref","pspReference":"{psp}","success":"true"}}}}"#
        )
    };
    let signer = Signer::new(Scheme::adyen(), KEY).unwrap();
    let signed_items = |psps: &[&str]| {
        let items = psps.iter().map(|psp| item(psp)).collect::<Vec<_>>().join(",");
        let unsigned = format!(r#"{{"live":"false","notificationItems":[{items}]}}"#);
        signer.body("", OffsetDateTime::UNIX_EPOCH, unsigned.as_bytes()).unwrap()
    };
    // Each item's signature covers only that item: take them out of a captured [A, B] and recombine.
    let captured: serde_json::Value = serde_json::from_slice(&signed_items(&["A", "B"])).unwrap();
    let (a, b) = (&captured["notificationItems"][0], &captured["notificationItems"][1]);
    let batch =
        |items: &[&serde_json::Value]| serde_json::to_vec(&serde_json::json!({ "notificationItems": items })).unwrap();
    let none = http::HeaderMap::new();

    // By default, a notification of more than one item is refused before anything is claimed.
    let receiver = Receiver::new(Verifier::builder(Scheme::adyen()).secret(KEY).build().unwrap(), MemoryStore::new());
    for body in [batch(&[a, b]), batch(&[b, a]), batch(&[a, a])] {
        assert_eq!(receiver.receive((&none, &body)).await.unwrap_err().kind(), ErrorKind::MalformedBody);
    }
    receiver.receive((&none, &batch(&[a]))).await.unwrap().complete().await.unwrap();
    assert_eq!(receiver.receive((&none, &batch(&[a]))).await.unwrap_err().kind(), ErrorKind::Duplicate);

    // Opted in, a batch is one delivery whatever the order or repeats of its items.
    let verifier = Verifier::builder(Scheme::adyen().dangerous_allow_batches()).secret(KEY).build().unwrap();
    let receiver = Receiver::new(verifier, MemoryStore::new());
    receiver.receive((&none, &batch(&[a, b]))).await.unwrap().complete().await.unwrap();
    for body in [batch(&[b, a]), batch(&[a, b, a])] {
        assert_eq!(receiver.receive((&none, &body)).await.unwrap_err().kind(), ErrorKind::Duplicate);
    }
}

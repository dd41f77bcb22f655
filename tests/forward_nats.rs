//! Forwarding to NATS JetStream against a real `nats-server -js` each test starts on a free loopback port: the
//! stream's own deduplication makes one message per event across copies and replicas with no store, nothing is
//! acknowledged while the server is down, forgeries are never published, and a consumer reads each message back as
//! the delivery view.
#![cfg(all(feature = "nats", feature = "axum"))]

use std::time::Duration;

use async_nats::jetstream::consumer::pull;
use async_nats::jetstream::stream::StorageType;
use futures_util::StreamExt as _;
use hooksafe::ConfigError;
use hooksafe::forward::nats::JetStreamSink;
use hooksafe::forward::{Forwarder, Message};

mod common;

use common::forward::{Replica, delivery, duplicates, send, serve, verifier};
use common::nats::NatsServer;

const STREAM: &str = "WEBHOOKS";
/// Covers the Standard Webhooks replay window (5 minutes each way).
const WINDOW: Duration = Duration::from_secs(600);

async fn server() -> NatsServer {
    let server = NatsServer::start();
    server.create_stream(STREAM, "webhooks.>", WINDOW, StorageType::File).await;
    server
}

async fn forwarder(server: &NatsServer) -> Forwarder<JetStreamSink> {
    let sink = JetStreamSink::connect(&server.url(), STREAM, "webhooks").await.unwrap();
    Forwarder::builder(verifier(), sink)
        .publish_timeout(Duration::from_secs(2))
        .ordering_key(|delivery| delivery.json::<serde_json::Value>().ok()?["object"].as_str().map(str::to_owned))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_copies_publish_one_message_and_31_duplicates() {
    let server = server().await;
    let address = serve(&forwarder(&server).await).await;
    let answers = common::forward::thirty_two_copies_are_acknowledged_once(&[address], "msg_32").await;
    assert_eq!(duplicates(&answers), 31);
    assert_eq!(server.messages(STREAM).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replica_processes_on_one_stream_publish_one_message() {
    let server = server().await;
    let first = Replica::spawn("replica", &server.url());
    let second = Replica::spawn("replica", &server.url());
    let answers =
        common::forward::thirty_two_copies_are_acknowledged_once(&[first.address, second.address], "msg_replicas")
            .await;
    assert_eq!(duplicates(&answers), 31);
    assert_eq!(server.messages(STREAM).await, 1);
}

/// A replica's process: a forwarder to the NATS server at the URL it is given (run by the test above, never alone).
#[tokio::test]
#[ignore = "the entry point of a replica process, started by two_replica_processes_on_one_stream_publish_one_message"]
async fn replica() {
    let url = common::forward::replica_config().expect("started as a replica");
    let sink = JetStreamSink::connect(&url, STREAM, "webhooks").await.unwrap();
    common::forward::serve_as_replica(&Forwarder::builder(verifier(), sink).build().unwrap()).await;
}

#[tokio::test]
async fn forged_stale_and_oversized_deliveries_are_never_published() {
    let server = server().await;
    let address = serve(&forwarder(&server).await).await;
    common::forward::forged_stale_and_oversized_deliveries_are_refused(address).await;
    assert_eq!(server.messages(STREAM).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_server_is_down_nothing_is_acknowledged_and_every_event_is_one_message_after() {
    let mut server = server().await;
    let address = serve(&forwarder(&server).await).await;
    let cell = std::cell::RefCell::new(&mut server);
    let stop = || cell.borrow_mut().kill();
    let start = || cell.borrow_mut().restart();
    // The stream reports a held publish's retry a duplicate, never a second message.
    let _ = common::forward::nothing_is_acknowledged_while_the_broker_is_down(address, stop, start).await;
    assert_eq!(server.messages(STREAM).await, 5, "one message per event, kept across the restart");
}

#[tokio::test]
async fn a_window_shorter_than_the_replay_window_memory_storage_and_uncovered_subjects_are_refused() {
    let server = NatsServer::start();
    // JetStream's default duplicate window: two minutes.
    server.create_stream("SHORT", "short.>", Duration::from_secs(120), StorageType::File).await;
    let sink = JetStreamSink::connect(&server.url(), "SHORT", "short").await.unwrap();
    assert_eq!(sink.duplicate_window(), Duration::from_secs(120));
    let error = Forwarder::builder(verifier(), sink.clone()).build().unwrap_err();
    assert_eq!(error, ConfigError::DedupWindowTooShort { window_secs: 120, required_secs: 600 });
    assert!(Forwarder::builder(verifier(), sink).store(hooksafe::MemoryStore::new()).build().is_ok());

    server.create_stream("VOLATILE", "volatile.>", WINDOW, StorageType::Memory).await;
    let memory = JetStreamSink::connect(&server.url(), "VOLATILE", "volatile").await.unwrap_err();
    assert!(memory.to_string().contains("memory"), "{memory}");
    let uncovered = JetStreamSink::connect(&server.url(), "SHORT", "elsewhere").await.unwrap_err();
    assert!(uncovered.to_string().contains("elsewhere.>"), "{uncovered}");
    assert!(JetStreamSink::connect(&server.url(), "MISSING", "x").await.is_err());
    // A verifier's default cap (5 MiB) is more than the server's 1 MB `max_payload`: refused, not a 503 forever.
    let sink = JetStreamSink::connect(&server.url(), "SHORT", "short").await.unwrap();
    let stripe = hooksafe::Verifier::builder(hooksafe::Scheme::Stripe).secret("whsec_x").build().unwrap();
    let error = Forwarder::builder(stripe, sink).store(hooksafe::MemoryStore::new()).build().unwrap_err();
    assert!(matches!(error, ConfigError::BodyTooLargeForBroker { broker_max: 1_048_576, .. }), "{error}");
}

#[tokio::test]
async fn a_consumer_reads_each_message_as_the_delivery_view_on_its_objects_subject() {
    let server = server().await;
    let forwarder = forwarder(&server).await;
    let address = serve(&forwarder).await;
    for (id, object) in [("msg_a", "cus_1"), ("msg_b", "cus 2/é")] {
        let body = format!(r#"{{"type":"customer.updated","object":"{object}"}}"#);
        assert_eq!(send(address, &delivery(id, &body)).await.status, 202);
    }
    let stream = server.jetstream().await.get_stream(STREAM).await.unwrap();
    let consumer = stream
        .create_consumer(pull::Config { durable_name: Some("billing".into()), ..Default::default() })
        .await
        .unwrap();
    let mut batch = consumer.fetch().max_messages(2).messages().await.unwrap();
    let mut read = Vec::new();
    while let Some(message) = batch.next().await {
        let message = message.unwrap();
        let delivery = Message::from_nats(&message).unwrap();
        read.push((
            message.subject.to_string(),
            delivery.id().unwrap().to_owned(),
            delivery.ordering_key().unwrap().to_owned(),
        ));
        assert_eq!(delivery.event_type().as_deref(), Some("customer.updated"));
        assert_eq!(delivery.scheme(), "standard-webhooks");
        message.ack().await.unwrap();
    }
    assert_eq!(
        read,
        [
            ("webhooks.cus_1".to_owned(), "msg_a".to_owned(), "cus_1".to_owned()),
            ("webhooks.cus%202%2F%C3%A9".to_owned(), "msg_b".to_owned(), "cus 2/é".to_owned()),
        ]
    );
    let sink = forwarder.sink();
    assert_eq!(sink.subject_for(None), "webhooks._");
    assert_eq!(sink.subject_for(Some("")), "webhooks._", "an empty key is no key, never an empty token");
    let long = sink.subject_for(Some(&"é".repeat(100)));
    assert!(long.starts_with("webhooks.~") && long.len() == "webhooks.~".len() + 64, "{long}");
}

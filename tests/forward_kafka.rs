//! Forwarding to Kafka against librdkafka's mock cluster (three brokers, in process), behind a real axum server: one
//! message per event across copies and two replicas sharing one store, nothing acknowledged while the brokers are
//! down, forgeries never produced, a producer configuration that could lose or duplicate messages refused, and a
//! consumer reading each message back, keyed by its ordering key.
#![cfg(all(feature = "kafka", feature = "axum"))]

use std::sync::Arc;
use std::time::Duration;

use hooksafe::forward::kafka::KafkaSink;
use hooksafe::forward::{Forwarder, Message};
use hooksafe::{ConfigError, MemoryStore};
use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer as _, StreamConsumer};
use rdkafka::message::{Message as _, OwnedMessage};
use rdkafka::mocking::MockCluster;

mod common;

#[cfg(feature = "redis")]
use common::forward::Replica;
use common::forward::{delivery, send, serve, verifier};

const TOPIC: &str = "webhooks";

fn cluster() -> MockCluster<'static, rdkafka::producer::DefaultProducerContext> {
    let cluster = MockCluster::new(3).unwrap();
    cluster.create_topic(TOPIC, 3, 3).unwrap();
    cluster
}

/// A sink that gives up on a message after three seconds (the first produce also waits for the idempotent
/// producer's id, which takes a while with tests running beside it), under the forwarder's default five-second
/// publish timeout.
fn sink(bootstrap: &str) -> KafkaSink {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", bootstrap).set("message.timeout.ms", "3000").set("linger.ms", "1");
    KafkaSink::new(config, TOPIC).unwrap()
}

fn forwarder(bootstrap: &str, store: Arc<MemoryStore>) -> Forwarder<KafkaSink> {
    Forwarder::builder(verifier(), sink(bootstrap))
        .store(store)
        .ordering_key(|delivery| delivery.json::<serde_json::Value>().ok()?["object"].as_str().map(str::to_owned))
        .build()
        .unwrap()
}

/// Every message of the topic, read from the start until `quiet` passes without one.
async fn messages(bootstrap: &str, quiet: Duration) -> Vec<OwnedMessage> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", format!("reader-{}", std::process::id()))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    consumer.subscribe(&[TOPIC]).unwrap();
    let mut read = Vec::new();
    // The first message waits for the group to form; after that, `quiet` without one ends the read.
    let mut wait = Duration::from_secs(10);
    while let Ok(message) = tokio::time::timeout(wait, consumer.recv()).await {
        read.push(message.unwrap().detach());
        wait = quiet;
    }
    read
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_copies_produce_one_message() {
    let cluster = cluster();
    let bootstrap = cluster.bootstrap_servers();
    let address = serve(&forwarder(&bootstrap, Arc::default())).await;
    let answers = common::forward::thirty_two_copies_are_acknowledged_once(&[address], "msg_32").await;
    assert_eq!(common::forward::duplicates(&answers), 31);
    assert_eq!(messages(&bootstrap, Duration::from_millis(500)).await.len(), 1);
}

/// Two processes, one Redis store between them (the claims), one cluster.
#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replica_processes_sharing_one_store_produce_one_message() {
    let cluster = cluster();
    let bootstrap = cluster.bootstrap_servers();
    let redis = common::redis::Server::start(&[]);
    let config = format!("{bootstrap} {}", redis.url());
    let (first, second) = (Replica::spawn("replica", &config), Replica::spawn("replica", &config));
    let addresses = [first.address, second.address];
    let answers = common::forward::thirty_two_copies_are_acknowledged_once(&addresses, "msg_replicas").await;
    assert_eq!(common::forward::duplicates(&answers), 31);
    assert_eq!(messages(&bootstrap, Duration::from_millis(500)).await.len(), 1);
}

/// A replica's process: a forwarder to the cluster with the Redis store it is given (run by the test above).
#[cfg(feature = "redis")]
#[tokio::test]
#[ignore = "the entry point of a replica process, started by two_replica_processes_sharing_one_store_produce_one_message"]
async fn replica() {
    let config = common::forward::replica_config().expect("started as a replica");
    let (bootstrap, redis) = config.split_once(' ').unwrap();
    let store = hooksafe::store::RedisStore::connect(redis).await.unwrap();
    let forwarder = Forwarder::builder(verifier(), sink(bootstrap)).store(store).build().unwrap();
    common::forward::serve_as_replica(&forwarder).await;
}

#[tokio::test]
async fn forged_stale_and_oversized_deliveries_are_never_produced() {
    let cluster = cluster();
    let bootstrap = cluster.bootstrap_servers();
    let address = serve(&forwarder(&bootstrap, Arc::default())).await;
    common::forward::forged_stale_and_oversized_deliveries_are_refused(address).await;
    // A marker produced afterwards is the topic's only message.
    assert_eq!(send(address, &delivery("msg_marker", r#"{"type":"a"}"#)).await.status, 202);
    let read = messages(&bootstrap, Duration::from_millis(500)).await;
    assert_eq!(read.len(), 1);
    assert_eq!(Message::from_kafka(&read[0]).unwrap().id(), Some("msg_marker"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_brokers_are_down_nothing_is_acknowledged_and_every_202_is_one_message() {
    let cluster = cluster();
    let bootstrap = cluster.bootstrap_servers();
    let address = serve(&forwarder(&bootstrap, Arc::default())).await;
    let stop = || (1..=3).for_each(|broker| cluster.broker_down(broker).unwrap());
    let start = || (1..=3).for_each(|broker| cluster.broker_up(broker).unwrap());
    let accepted = common::forward::nothing_is_acknowledged_while_the_broker_is_down(address, stop, start).await;
    assert_eq!(accepted, 5);
    let read = messages(&bootstrap, Duration::from_secs(1)).await;
    let mut ids: Vec<_> =
        read.iter().map(|message| Message::from_kafka(message).unwrap().id().unwrap().to_owned()).collect();
    ids.sort();
    assert_eq!(ids, (0..5).map(|n| format!("msg_down_{n}")).collect::<Vec<_>>(), "each 202 is exactly one message");
}

#[tokio::test]
async fn a_consumer_reads_each_message_back_keyed_by_its_ordering_key() {
    let cluster = cluster();
    let bootstrap = cluster.bootstrap_servers();
    let address = serve(&forwarder(&bootstrap, Arc::default())).await;
    let body = r#"{"type":"customer.updated","object":"cus_1"}"#;
    assert_eq!(send(address, &delivery("msg_keyed", body)).await.status, 202);
    let read = messages(&bootstrap, Duration::from_millis(500)).await;
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].key(), Some(&b"cus_1"[..]));
    let message = Message::from_kafka(&read[0]).unwrap();
    assert_eq!(message.event_type().as_deref(), Some("customer.updated"));
    assert_eq!(message.ordering_key(), Some("cus_1"));
    assert_eq!(message.body(), body.as_bytes());
}

#[test]
fn a_producer_that_could_lose_or_duplicate_messages_is_refused_and_kafka_needs_a_store() {
    let cluster = cluster();
    let bootstrap = cluster.bootstrap_servers();
    let mut one_replica = ClientConfig::new();
    one_replica.set("bootstrap.servers", &bootstrap).set("acks", "1");
    assert!(KafkaSink::new(one_replica, TOPIC).unwrap_err().to_string().contains("acks"));
    let mut retries_duplicate = ClientConfig::new();
    retries_duplicate.set("bootstrap.servers", &bootstrap).set("enable.idempotence", "false");
    assert!(KafkaSink::new(retries_duplicate, TOPIC).unwrap_err().to_string().contains("idempotence"));
    let mut alias = ClientConfig::new();
    alias.set("bootstrap.servers", &bootstrap).set("request.required.acks", "1");
    assert!(KafkaSink::new(alias, TOPIC).unwrap_err().to_string().contains("request.required.acks"));
    let mut alias = ClientConfig::new();
    alias.set("bootstrap.servers", &bootstrap).set("delivery.timeout.ms", "1000");
    assert!(KafkaSink::new(alias, TOPIC).unwrap_err().to_string().contains("delivery.timeout.ms"));
    let mut forever = ClientConfig::new();
    forever.set("bootstrap.servers", &bootstrap).set("message.timeout.ms", "0");
    assert!(KafkaSink::new(forever, TOPIC).unwrap_err().to_string().contains("message.timeout.ms"));
    let without_store = Forwarder::builder(verifier(), sink(&bootstrap)).build().unwrap_err();
    assert_eq!(without_store, ConfigError::StoreRequired);
    // librdkafka could still be delivering (4.5 s, and up to a second to notice) when the provider is told to retry
    // (5 s).
    let mut patient = ClientConfig::new();
    patient.set("bootstrap.servers", &bootstrap).set("message.timeout.ms", "4500");
    let patient = KafkaSink::new(patient, TOPIC).unwrap();
    let error = Forwarder::builder(verifier(), patient).store(MemoryStore::new()).build().unwrap_err();
    assert!(matches!(error, ConfigError::InvalidForwarder(_)), "{error}");
    // A GitHub verifier takes 25 MiB; the producer's `message.max.bytes` is 1 MB.
    let github = hooksafe::Verifier::builder(hooksafe::Scheme::GitHub).secret("a github secret").build().unwrap();
    let error = Forwarder::builder(github, sink(&bootstrap)).store(MemoryStore::new()).build().unwrap_err();
    assert!(matches!(error, ConfigError::BodyTooLargeForBroker { broker_max: 1_000_000, .. }), "{error}");
}

//! Kafka (feature `kafka`, on `rdkafka`, which builds librdkafka from source: a C compiler and `make` are needed):
//! [`KafkaSink`] produces each verified delivery with an idempotent producer and `acks=all`, and resolves once the
//! delivery report says every in-sync replica has it.
//!
//! **Kafka does not deduplicate across requests**, so a forwarder to Kafka needs a
//! [store](super::ForwarderBuilder::store): it claims the delivery, produces it, awaits the report, then completes the
//! claim (a retry is then a duplicate) or releases it (the retry is produced). A produce that timed out is
//! ambiguous (the broker may have it after all), so a consumer may meet a message twice in that case: drop the second
//! by its `hooksafe-dedup-key` header.
//!
//! The [ordering key](super::ForwarderBuilder::ordering_key) is the message key, so one object's events land in one
//! partition, in order (the idempotent producer keeps that order across its retries). Headers are the
//! [message headers](super::header); the value is the raw verified body.

use std::fmt;
use std::time::Duration;

use rdkafka::ClientConfig;
use rdkafka::message::{Header, Headers as _, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};

use super::{Message, MessageError, Published, Sink, SinkError};

/// How long librdkafka tries to deliver a message before it reports failure: with the second librdkafka may take to
/// notice, below the forwarder's default publish timeout (5 s), so the client has given the message up (reported it
/// failed, or "possibly persisted" if it was already sent) before the provider is told to retry.
const MESSAGE_TIMEOUT: Duration = Duration::from_secs(3);

/// librdkafka's default `message.max.bytes`.
const DEFAULT_MAX_MESSAGE: usize = 1_000_000;

/// Forwards to a Kafka topic: see the [module](self).
#[derive(Clone)]
pub struct KafkaSink {
    producer: FutureProducer,
    topic: String,
    message_timeout: Duration,
    max_message: usize,
}

impl fmt::Debug for KafkaSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KafkaSink").field("topic", &self.topic).finish_non_exhaustive()
    }
}

impl KafkaSink {
    /// Produces to `topic` on the brokers `bootstrap_servers` (`host:port,host:port`), with an idempotent producer,
    /// `acks=all`, a `message.timeout.ms` of 3 s (the forwarder's publish timeout must pass it by a second) and a `linger.ms` of
    /// 1 (webhooks arrive one at a time; waiting to batch them only delays the provider's answer).
    ///
    /// # Errors
    /// [`SinkError`] when librdkafka refuses the configuration.
    pub fn connect(bootstrap_servers: &str, topic: impl Into<String>) -> Result<Self, SinkError> {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", bootstrap_servers)
            .set("message.timeout.ms", MESSAGE_TIMEOUT.as_millis().to_string())
            .set("linger.ms", "1");
        Self::new(config, topic)
    }

    /// Produces to `topic` with a producer of your configuration (security settings, say), made durable: an
    /// idempotent producer with `acks=all` whatever you set, refusing a configuration that says otherwise. Without a
    /// `message.timeout.ms`, it is 3 s; the forwarder's publish timeout must pass it by a second.
    ///
    /// # Errors
    /// [`SinkError`] when `acks` (or `request.required.acks`) is set to anything but `all` (or `-1`),
    /// `enable.idempotence` to `false`, `message.timeout.ms` to `0` (never give up), or librdkafka refuses the
    /// configuration.
    pub fn new(mut config: ClientConfig, topic: impl Into<String>) -> Result<Self, SinkError> {
        for acks in ["acks", "request.required.acks"] {
            if config.get(acks).is_some_and(|value| !matches!(value, "all" | "-1")) {
                return Err(SinkError::new(format!(
                    "`{acks}` must be `all`: a message on one replica only can be lost"
                )));
            }
        }
        if config.get("enable.idempotence") == Some("false") {
            return Err(SinkError::new(
                "`enable.idempotence` must stay on: a producer retry could duplicate a message",
            ));
        }
        config.set("acks", "all").set("enable.idempotence", "true");
        if config.get("delivery.timeout.ms").is_some() {
            return Err(SinkError::new("set `message.timeout.ms`, not its alias `delivery.timeout.ms`"));
        }
        let message_timeout = match config.get("message.timeout.ms").map(str::parse::<u64>) {
            None => {
                config.set("message.timeout.ms", MESSAGE_TIMEOUT.as_millis().to_string());
                MESSAGE_TIMEOUT
            }
            Some(Ok(millis)) if millis > 0 => Duration::from_millis(millis),
            Some(_) => return Err(SinkError::new("`message.timeout.ms` must be a bounded number of milliseconds")),
        };
        let max_message = match config.get("message.max.bytes") {
            None => DEFAULT_MAX_MESSAGE,
            Some(bytes) => bytes.parse().map_err(|_| SinkError::new("`message.max.bytes` must be a number"))?,
        };
        let producer = config.create().map_err(SinkError::new)?;
        Ok(Self { producer, topic: topic.into(), message_timeout, max_message })
    }

    /// The topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }
}

impl Sink for KafkaSink {
    async fn publish(&self, message: Message) -> Result<Published, SinkError> {
        let carried = message.headers();
        let headers = carried.iter().fold(OwnedHeaders::new_with_capacity(carried.len()), |headers, (name, value)| {
            headers.insert(Header { key: name, value: Some(value.as_bytes()) })
        });
        let mut record = FutureRecord::to(&self.topic).payload(message.body()).headers(headers);
        if let Some(key) = message.ordering_key() {
            record = record.key(key);
        }
        // Queued without waiting when librdkafka's queue is full: the forwarder's publish timeout bounds the wait.
        match self.producer.send(record, Duration::ZERO).await {
            Ok(_) => Ok(Published::Taken),
            Err((error, _)) => Err(SinkError::new(error)),
        }
    }

    fn max_message_size(&self) -> Option<usize> {
        Some(self.max_message)
    }

    fn gives_up_after(&self) -> Option<Duration> {
        Some(self.message_timeout)
    }
}

impl Message {
    /// Reads a message a [`KafkaSink`] produced, from a consumed Kafka message.
    ///
    /// # Errors
    /// [`MessageError`] as [`Message::from_parts`].
    pub fn from_kafka(message: &impl rdkafka::Message) -> Result<Self, MessageError> {
        let headers = message.headers().map(|headers| headers.iter().collect::<Vec<_>>()).unwrap_or_default();
        let pairs = headers.iter().map(|header| (header.key, header.value.unwrap_or_default()));
        Self::from_parts(pairs, message.payload().unwrap_or_default().to_vec())
    }
}

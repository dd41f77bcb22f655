//! Forward verified deliveries to a broker, and acknowledge each to the provider only once the broker has it
//! (feature `forward`; each broker behind its own: `nats`, `kafka`, `redis-streams`).
//!
//! A [`Forwarder`] verifies a delivery, claims it (in a [`Store`], or through the broker's own
//! deduplication where it has one), publishes it through a [`Sink`] as a [`Message`] (the raw verified body and
//! headers saying what verification found) and awaits the broker's acknowledgement; only then does it answer
//! `202 Accepted`. A duplicate is answered like any duplicate (`200`, `hooksafe-outcome: duplicate`); a broker that
//! refuses, times out or cannot be reached releases the claim and answers `503` with `Retry-After`, so the provider
//! retries and nothing acknowledged is ever lost. Forged, stale and oversized deliveries never reach the broker; a
//! [report-only](crate::VerifierBuilder::report_only) verifier is enforced here (nothing unverified is published).
//!
//! Serve it as an endpoint of its own, like the [inbox](crate::inbox): `forwarder.service()` (tower, axum), the
//! `hooksafe::actix::forward` handler, or [`Forwarder::accept`] in a serverless handler.
//!
//! ```
//! use hooksafe::forward::{Forwarder, Message, Published, SinkError};
//! use hooksafe::{MemoryStore, Scheme, Verifier};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_...").build()?;
//! // Any async closure is a sink: publish with the client you hold, return once the broker has the message.
//! let sink = |message: Message| async move {
//!     println!("{} {:?} {} bytes", message.scheme(), message.event_type(), message.payload().len());
//!     Ok::<_, SinkError>(Published::Taken)
//! };
//! let forwarder = Forwarder::builder(verifier, sink)
//!     .store(MemoryStore::new()) // this sink does not deduplicate: claim in a store first
//!     .ordering_key(|delivery| delivery.json::<serde_json::Value>().ok()?["data"]["object"]["id"].as_str().map(str::to_owned))
//!     .build()?;
//! // axum: `Router::new().route_service("/webhooks/stripe", forwarder.service())`.
//! # let _ = forwarder;
//! # Ok(())
//! # }
//! ```

mod claims;
#[cfg(feature = "kafka")]
#[cfg_attr(docsrs, doc(cfg(feature = "kafka")))]
pub mod kafka;
mod message;
#[cfg(feature = "nats")]
#[cfg_attr(docsrs, doc(cfg(feature = "nats")))]
pub mod nats;
#[cfg(feature = "redis-streams")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis-streams")))]
pub mod redis_streams;
mod sink;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::error::{ConfigError, Error};
use crate::handshake::Handshake;
use crate::receiver::{DEFAULT_LEASE, DEFAULT_RETENTION, Receiver};
use crate::store::Store;
use crate::telemetry::{Observer, Stopwatch};
use crate::verified::Verified;
use crate::verifier::Verifier;
use claims::Claims;

pub use message::{Message, MessageError, header};
pub use sink::{Deduplication, Published, Sink, SinkError};

/// What a provider is told to wait when the broker did not take a delivery.
const BROKER_RETRY_AFTER: Duration = Duration::from_secs(10);

/// How often a copy waiting for another copy's claim looks again.
const HELD_CLAIM_POLL: Duration = Duration::from_millis(20);

/// Room kept beside the largest body for a message's headers when checking a broker's size limit: hooksafe's own
/// headers take a few hundred bytes; an ordering key, an id or a tenant may take more.
const HEADER_ALLOWANCE: usize = 4096;

type OrderingKey = Box<dyn Fn(&Verified<'_>) -> Option<String> + Send + Sync>;

/// Verifies deliveries and forwards each, once, to a broker through a [`Sink`]: see the [module](self). Cheap to
/// clone: clones share the sink and configuration.
pub struct Forwarder<K> {
    inner: Arc<Inner<K>>,
}

impl<K> Clone for Forwarder<K> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone() }
    }
}

struct Inner<K> {
    /// The verifier, the dedup key derivation and the claims.
    receiver: Receiver<Claims>,
    /// The scheme's name, as every message carries it.
    scheme: Arc<str>,
    sink: K,
    publish_timeout: Duration,
    ordering_key: Option<OrderingKey>,
}

impl<K> fmt::Debug for Forwarder<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Forwarder")
            .field("scheme", self.inner.receiver.verifier().scheme())
            .field("store", self.inner.receiver.store())
            .field("publish_timeout", &self.inner.publish_timeout)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Forwarder`]; mistakes are reported by [`build`](Self::build).
pub struct ForwarderBuilder<K> {
    verifier: Verifier,
    sink: K,
    claims: Claims,
    namespace: Option<String>,
    publish_timeout: Duration,
    ordering_key: Option<OrderingKey>,
    #[cfg(feature = "limits")]
    limits: Option<crate::limit::Limits>,
}

impl<K> fmt::Debug for ForwarderBuilder<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForwarderBuilder").field("publish_timeout", &self.publish_timeout).finish_non_exhaustive()
    }
}

impl<K: Sink> ForwarderBuilder<K> {
    /// Claims each delivery in `store` before publishing it, completes the claim once the broker has the message and
    /// releases it if the broker did not take it: needed for a broker that does not deduplicate (Kafka, a closure),
    /// and for one whose deduplication window is too short for the scheme. Share one store between replicas
    /// ([`RedisStore`](crate::store::RedisStore), [`PostgresStore`](crate::store::PostgresStore)).
    #[must_use]
    pub fn store(mut self, store: impl Store) -> Self {
        self.claims = Claims::store(store);
        self
    }

    /// Scopes the dedup keys, as [`ReceiverBuilder::namespace`](crate::ReceiverBuilder::namespace) does. Defaults to
    /// the scheme's name.
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// How long to wait for the broker's acknowledgement before answering `503` (the provider retries): shorter than
    /// the provider's own timeout and than the claim's 60 s lease. Defaults to 5 s. A timeout is ambiguous: the
    /// broker may have taken the message after all, so a broker without deduplication (Kafka) may then hold it twice;
    /// consumers can drop the second by its [dedup key](Message::dedup_key).
    #[must_use]
    pub const fn publish_timeout(mut self, timeout: Duration) -> Self {
        self.publish_timeout = timeout;
        self
    }

    /// Names the key that keeps one object's events in order (a Stripe object id, say): it becomes Kafka's message
    /// key (one partition per key), a token of the JetStream subject, and the message's
    /// [`ordering_key`](Message::ordering_key).
    #[must_use]
    pub fn ordering_key(mut self, key: impl Fn(&Verified<'_>) -> Option<String> + Send + Sync + 'static) -> Self {
        self.ordering_key = Some(Box::new(key));
        self
    }

    /// Refuses floods before any work, as [`ReceiverBuilder::limits`](crate::ReceiverBuilder::limits) does.
    #[cfg(feature = "limits")]
    #[must_use]
    pub fn limits(mut self, limits: crate::limit::Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Checks the configuration.
    ///
    /// # Errors
    /// [`ConfigError::BodyTooLargeForBroker`] when the verifier accepts bodies the broker could not take (lower the
    /// verifier's [`max_body_size`](crate::VerifierBuilder::max_body_size), or raise the broker's limit);
    /// [`ConfigError::StoreRequired`] for a sink that does not deduplicate and no [store](Self::store);
    /// [`ConfigError::DedupWindowTooShort`] without a store, when the broker's window is shorter than what a replay
    /// could reach: the verifier's replay window, or (for a scheme without a signed timestamp, whose only replay
    /// defence is the dedup record) [`DEFAULT_RETENTION`]; [`ConfigError::InvalidForwarder`] for a publish timeout
    /// of zero, not shorter than the claim's lease, or not a second longer than the time the sink's client keeps
    /// trying by itself; [`ConfigError::InvalidLimits`] for limits that would admit nothing.
    pub fn build(self) -> Result<Forwarder<K>, ConfigError> {
        if self.publish_timeout.is_zero() {
            return Err(ConfigError::InvalidForwarder("the publish timeout must be above zero"));
        }
        // A publish that outlived its claim could run beside a copy that claimed the delivery after it.
        if self.publish_timeout >= DEFAULT_LEASE {
            return Err(ConfigError::InvalidForwarder(
                "the publish timeout must be shorter than the claim's lease (60 s)",
            ));
        }
        // With a second's margin: librdkafka notices an expired message only about once a second.
        let margin = Duration::from_secs(1);
        if self.sink.gives_up_after().is_some_and(|gives_up| gives_up.saturating_add(margin) >= self.publish_timeout) {
            return Err(ConfigError::InvalidForwarder(
                "the publish timeout must pass by a second the time the sink's client keeps trying by itself \
                 (librdkafka's `message.timeout.ms`)",
            ));
        }
        if let Some(broker_max) = self.sink.max_message_size() {
            let needed = self.verifier.max_body_size().saturating_add(HEADER_ALLOWANCE);
            if needed > broker_max {
                return Err(ConfigError::BodyTooLargeForBroker {
                    max_body_size: self.verifier.max_body_size(),
                    broker_max,
                });
            }
        }
        let window = self.verifier.replay_window();
        if matches!(self.claims, Claims::ByBroker) {
            match self.sink.deduplication() {
                Deduplication::None => return Err(ConfigError::StoreRequired),
                Deduplication::Within(broker) => {
                    let required = window.unwrap_or(DEFAULT_RETENTION);
                    if broker < required {
                        return Err(ConfigError::DedupWindowTooShort {
                            window_secs: broker.as_secs(),
                            required_secs: required.as_secs(),
                        });
                    }
                }
            }
        }
        let scheme = Arc::from(self.verifier.scheme().provider().name());
        let retention = DEFAULT_RETENTION.max(window.unwrap_or(Duration::ZERO) * 2);
        let mut receiver = Receiver::builder(self.verifier, self.claims).retention(retention);
        if let Some(namespace) = self.namespace {
            receiver = receiver.namespace(namespace);
        }
        #[cfg(feature = "limits")]
        if let Some(limits) = self.limits {
            receiver = receiver.limits(limits);
        }
        Ok(Forwarder {
            inner: Arc::new(Inner {
                receiver: receiver.build()?,
                scheme,
                sink: self.sink,
                publish_timeout: self.publish_timeout,
                ordering_key: self.ordering_key,
            }),
        })
    }
}

/// What [`Forwarder::accept`] did with a verified request.
#[derive(Debug)]
pub enum Forwarded {
    /// The broker has the message: answer `202`.
    Published,
    /// The request was the provider's endpoint check: answer it (nothing was published).
    Handshake(Handshake),
}

impl<K: Sink> Forwarder<K> {
    /// Starts configuring a forwarder of the deliveries `verifier` checks to `sink`.
    pub fn builder(verifier: Verifier, sink: K) -> ForwarderBuilder<K> {
        ForwarderBuilder {
            verifier,
            sink,
            claims: Claims::ByBroker,
            namespace: None,
            publish_timeout: Duration::from_secs(5),
            ordering_key: None,
            #[cfg(feature = "limits")]
            limits: None,
        }
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        self.inner.receiver.verifier()
    }

    /// The sink.
    pub fn sink(&self) -> &K {
        &self.inner.sink
    }

    /// Verifies a request (its head and buffered body) and forwards it: the serverless path, and what the adapters
    /// call. Reported as the adapters report a delivery (a forwarded delivery's outcome is `forwarded`). Runs on a
    /// Tokio runtime with its timer (as axum, actix-web and `lambda_runtime` provide): the publish timeout is
    /// Tokio's.
    ///
    /// # Errors
    /// Every verification error, before anything is published;
    /// [`ErrorKind::Duplicate`](crate::ErrorKind::Duplicate) when it was forwarded before;
    /// [`ErrorKind::InProgress`](crate::ErrorKind::InProgress) when another copy still holds the claim after the
    /// publish timeout (a copy waits for the one holding the claim, and is then a duplicate, or publishes itself
    /// if that one failed);
    /// [`ErrorKind::StoreUnavailable`](crate::ErrorKind::StoreUnavailable) when the store did not answer;
    /// [`ErrorKind::BrokerUnavailable`](crate::ErrorKind::BrokerUnavailable) when the broker did not take it. Answer
    /// each with [`Error::to_response`].
    pub async fn accept(&self, parts: &http::request::Parts, body: impl Into<Bytes>) -> Result<Forwarded, Error> {
        self.accept_observed(parts, body.into(), &Observer::start(self.verifier().scheme())).await
    }

    pub(crate) async fn accept_observed(
        &self,
        parts: &http::request::Parts,
        body: Bytes,
        observer: &Observer,
    ) -> Result<Forwarded, Error> {
        let started = Stopwatch::start();
        let verified = match self.verifier().verify_async((parts, &body[..])).await {
            Ok(verified) => verified,
            Err(error) => {
                observer.rejected(&error, Some(started.elapsed()));
                return Err(error);
            }
        };
        let verify = started.elapsed();
        if let Some(handshake) = verified.handshake() {
            observer.handshake();
            return Ok(Forwarded::Handshake(handshake.clone()));
        }
        let verified = verified.into_shared(body.clone());
        observer.verified(&verified, verify, std::time::Duration::ZERO);
        let forwarded = self.forward(verified).await;
        match &forwarded {
            Ok(_) => observer.handed_over("forwarded"),
            // The verification time is recorded already.
            Err(error) => observer.rejected(error, None),
        }
        forwarded
    }

    /// Claims, publishes and settles a verified delivery.
    async fn forward(&self, verified: Verified<'static>) -> Result<Forwarded, Error> {
        let inner = &*self.inner;
        let ordering_key = inner.ordering_key.as_ref().and_then(|key| key(&verified));
        let received_at = time::OffsetDateTime::now_utc();
        // A copy arriving while another holds the claim waits for it to settle (within the publish timeout) rather
        // than answering `409`: once the holder publishes, the copy is a duplicate; if the holder fails, the copy
        // claims and publishes itself.
        let deadline = tokio::time::Instant::now() + inner.publish_timeout;
        let delivery = loop {
            match inner.receiver.claim(verified.clone()).await {
                Err(error)
                    if error.kind() == crate::ErrorKind::InProgress
                        && tokio::time::Instant::now() + HELD_CLAIM_POLL < deadline =>
                {
                    tokio::time::sleep(HELD_CLAIM_POLL).await;
                }
                claimed => break claimed?,
            }
        };
        // Claimed under its key: a forwarder never fails open, and a handshake never gets here.
        let key = delivery.dedup_key().unwrap_or_else(|| inner.receiver.key(delivery.verified()));
        let message =
            Message::new(delivery.verified().clone(), inner.scheme.clone(), key.to_hex(), ordering_key, received_at);
        let published = match tokio::time::timeout(inner.publish_timeout, inner.sink.publish(message)).await {
            Ok(published) => published,
            Err(_) => Err(SinkError::new("no acknowledgement within the publish timeout")),
        };
        match published {
            Ok(published) => {
                // The broker has it: record that, so a retry is a duplicate here too. A store that fails now leaves
                // the claim to lapse; the message is in the broker either way, so the provider is still answered.
                if let Err(error) = delivery.complete().await {
                    crate::log::warning!("a delivery the broker took could not be marked done: {error}");
                }
                match published {
                    Published::Taken => Ok(Forwarded::Published),
                    Published::Duplicate => Err(Error::duplicate()),
                }
            }
            Err(error) => {
                if let Err(release) = delivery.release().await {
                    crate::log::warning!("a delivery the broker refused could not be released: {release}");
                }
                Err(Error::broker_unavailable(error, BROKER_RETRY_AFTER))
            }
        }
    }
}

#[cfg(any(feature = "tower", feature = "actix-web"))]
impl<K: Sink> crate::adapter::HandOver for Forwarder<K> {
    fn verifier(&self) -> &Verifier {
        self.inner.receiver.verifier()
    }

    #[cfg(any(feature = "axum", feature = "actix-web"))]
    fn reads_path_params(&self) -> bool {
        self.inner.receiver.reads_path_params()
    }

    fn admit(&self, parts: &http::request::Parts) -> Result<crate::receiver::Admitted, Error> {
        self.inner.receiver.admit(parts)
    }

    async fn accept(
        &self,
        parts: &http::request::Parts,
        body: Bytes,
        observer: &Observer,
    ) -> Result<crate::adapter::HandedOver, Error> {
        Ok(match self.accept_observed(parts, body, observer).await? {
            Forwarded::Published => crate::adapter::HandedOver::Taken,
            Forwarded::Handshake(handshake) => crate::adapter::HandedOver::Handshake(handshake),
        })
    }
}

//! [`Sink`]: where a forwarder publishes a verified delivery, and how it learns the broker has it.

use std::future::Future;
use std::time::Duration;

pub use crate::error::SinkError;

use super::Message;

/// What the broker said of a published message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// The broker has durably taken the message: the provider is answered `202`.
    Taken,
    /// The broker already had a message with this dedup key (JetStream's duplicate flag, the Redis sink's record):
    /// nothing new was stored, and the provider is answered as for any duplicate.
    Duplicate,
}

/// Whether a broker deduplicates by itself, by the message's [dedup key](Message::dedup_key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deduplication {
    /// It does not (Kafka): the forwarder needs a [`Store`](crate::store::Store) to claim each delivery first.
    None,
    /// It refuses a second message with the same key for this long after the first (JetStream's duplicate window,
    /// the Redis sink's record): no store is needed, if the window covers what the verifier's replay window leaves
    /// open (checked when the forwarder is built).
    Within(Duration),
}

/// Publishes a verified delivery to a broker and resolves once the broker has **durably** taken it: only then is the
/// provider answered `202`. An error (or no answer within the forwarder's publish timeout) answers `503` with
/// `Retry-After`, so the provider retries and nothing acknowledged is lost.
///
/// hooksafe has sinks for NATS JetStream, Kafka and Redis Streams; implement it for any other broker:
///
/// ```
/// use hooksafe::forward::{Message, Published, Sink, SinkError};
/// use std::sync::{Arc, Mutex};
///
/// /// Keeps messages in memory (a test double: nothing here survives a restart).
/// #[derive(Clone, Default)]
/// struct Remembered(Arc<Mutex<Vec<Message>>>);
///
/// impl Sink for Remembered {
///     async fn publish(&self, message: Message) -> Result<Published, SinkError> {
///         self.0.lock().map_err(|_| SinkError::new("poisoned"))?.push(message);
///         Ok(Published::Taken)
///     }
/// }
/// ```
///
/// Any `Fn(Message) -> impl Future<Output = Result<Published, SinkError>>` is a sink too, so a closure can publish
/// with a client you already hold: `|message: Message| async move { ...; Ok(Published::Taken) }`.
pub trait Sink: Send + Sync + 'static {
    /// Publishes `message` (its [`payload`](Message::payload) and [`headers`](Message::headers)) and resolves
    /// once the broker has durably taken it.
    ///
    /// # Errors
    /// [`SinkError`] when the broker refused it or could not be reached.
    fn publish(&self, message: Message) -> impl Future<Output = Result<Published, SinkError>> + Send;

    /// Whether the broker deduplicates by itself. [`Deduplication::None`] unless a sink says otherwise.
    fn deduplication(&self) -> Deduplication {
        Deduplication::None
    }

    /// The largest message (payload and headers) the broker takes, when it has a limit (NATS's `max_payload`,
    /// Kafka's `message.max.bytes`): a forwarder whose verifier accepts larger bodies refuses to build, since such a
    /// delivery could never be published. `None` (no limit) unless a sink says otherwise.
    fn max_message_size(&self) -> Option<usize> {
        None
    }

    /// How long the client keeps trying to deliver a message by itself before it reports failure (librdkafka's
    /// `message.timeout.ms`): the forwarder's publish timeout must be a second longer, so that a `503` is only answered once
    /// the client has given the message up, never while it could still deliver it beside the provider's retry.
    /// `None` unless a sink says otherwise.
    fn gives_up_after(&self) -> Option<Duration> {
        None
    }
}

impl<F, Fut> Sink for F
where
    F: Fn(Message) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Published, SinkError>> + Send,
{
    fn publish(&self, message: Message) -> impl Future<Output = Result<Published, SinkError>> + Send {
        self(message)
    }
}

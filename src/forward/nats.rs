//! NATS JetStream (feature `nats`, on `async-nats`): [`JetStreamSink`] publishes each verified delivery with
//! `Nats-Msg-Id` set to its dedup key and awaits the stream's acknowledgement; JetStream itself refuses a second
//! message with the same id within the stream's duplicate window and says so (the ack's `duplicate` flag), so several
//! replicas need no other store.
//!
//! **What covers a replay**: the duplicate window. A forwarder without a store refuses to build when the window is
//! shorter than the verifier's replay window (JetStream's default window, two minutes, is shorter than most schemes'
//! ten), and for a scheme without a signed timestamp (GitHub, Shopify) when it is shorter than seven days, as the
//! dedup record is then its only replay defence. Lengthen the stream's `duplicate_window`, or give the forwarder a
//! [store](super::ForwarderBuilder::store).
//!
//! **Durability**: the sink refuses a stream with memory storage; with file storage the server has written the
//! message before it acknowledges it (a stream with one replica loses what the server's disk loses; use three
//! replicas in a cluster to survive a server).
//!
//! Subjects are `<subject>.<ordering key>`: the [ordering key](super::ForwarderBuilder::ordering_key) with every
//! byte but ASCII letters, digits, `-` and `_` percent-encoded (`_` when there is none, a subject it shares with the
//! key `_`; `~` and the key's SHA-256 in hex when the encoding would pass 128 characters), so a consumer can filter
//! one object's events, which the stream keeps in order. The stream's subjects must cover `<subject>.>`.
//!
//! The verifier's `max_body_size` must leave room under the server's `max_payload` (1 MB by default; the forwarder
//! refuses to build otherwise): `Verifier::builder(..).max_body_size(512 * 1024)`, or raise `max_payload`.

use std::fmt;
use std::time::Duration;

use async_nats::jetstream::{self, context::PublishErrorKind, stream::StorageType};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{Deduplication, Message, MessageError, Published, Sink, SinkError};

/// What is percent-encoded in a subject token: everything but ASCII letters, digits, `-` and `_`.
const TOKEN: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

/// Forwards to a JetStream stream: see the [module](self).
#[derive(Clone)]
pub struct JetStreamSink {
    context: jetstream::Context,
    stream: String,
    subject: String,
    duplicate_window: Duration,
    max_payload: usize,
}

impl fmt::Debug for JetStreamSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JetStreamSink")
            .field("stream", &self.stream)
            .field("subject", &self.subject)
            .field("duplicate_window", &self.duplicate_window)
            .finish_non_exhaustive()
    }
}

impl JetStreamSink {
    /// Connects to the NATS server at `url` and publishes to `stream` under `subject`: see [`new`](Self::new).
    ///
    /// # Errors
    /// As [`new`](Self::new), and when the server cannot be reached.
    pub async fn connect(url: &str, stream: &str, subject: impl Into<String>) -> Result<Self, SinkError> {
        let client = async_nats::connect(url).await.map_err(SinkError::new)?;
        Self::new(jetstream::new(client), stream, subject).await
    }

    /// Publishes to the existing stream `stream`, on subjects under `subject`. Reads the stream's configuration
    /// once: its duplicate window (see [`Sink::deduplication`]) and its storage.
    ///
    /// # Errors
    /// [`SinkError`] when the stream does not exist, keeps messages in memory only, or its subjects do not cover
    /// `<subject>.>`.
    pub async fn new(context: jetstream::Context, stream: &str, subject: impl Into<String>) -> Result<Self, SinkError> {
        let subject = subject.into();
        let found = context.get_stream(stream).await.map_err(SinkError::new)?;
        let config = &found.cached_info().config;
        if config.storage == StorageType::Memory {
            return Err(SinkError::new(format!(
                "stream `{stream}` keeps messages in memory only: a restart would lose acknowledged deliveries; use \
                 file storage"
            )));
        }
        let probe = format!("{subject}.{}", subject_token(Some("probe")));
        if !config.subjects.iter().any(|pattern| subject_matches(pattern, &probe)) {
            return Err(SinkError::new(format!("stream `{stream}` does not take the subjects `{subject}.>`")));
        }
        let max_payload = context.client().server_info().max_payload;
        Ok(Self { duplicate_window: config.duplicate_window, max_payload, stream: stream.to_owned(), subject, context })
    }

    /// The stream's duplicate window, as read when the sink was made.
    pub const fn duplicate_window(&self) -> Duration {
        self.duplicate_window
    }

    /// The subject a message with this ordering key is published on.
    pub fn subject_for(&self, ordering_key: Option<&str>) -> String {
        format!("{}.{}", self.subject, subject_token(ordering_key))
    }
}

impl Sink for JetStreamSink {
    async fn publish(&self, message: Message) -> Result<Published, SinkError> {
        let mut publish = jetstream::message::PublishMessage::build()
            .payload(message.payload())
            .message_id(message.dedup_key())
            .expected_stream(&self.stream);
        for (name, value) in message.headers() {
            publish = publish.header(name, value);
        }
        let subject = self.subject_for(message.ordering_key());
        let ack = self.context.send_publish(subject, publish).await.map_err(SinkError::new)?;
        match ack.await {
            Ok(ack) if ack.duplicate => Ok(Published::Duplicate),
            Ok(_) => Ok(Published::Taken),
            Err(error) if error.kind() == PublishErrorKind::TimedOut => {
                Err(SinkError::new("JetStream did not acknowledge the message in time"))
            }
            Err(error) => Err(SinkError::new(error)),
        }
    }

    fn deduplication(&self) -> Deduplication {
        Deduplication::Within(self.duplicate_window)
    }

    /// The server's `max_payload` (1 MB unless configured), which headers count against.
    fn max_message_size(&self) -> Option<usize> {
        Some(self.max_payload)
    }
}

impl Message {
    /// Reads a message a [`JetStreamSink`] published, from a NATS message (a JetStream consumer's messages
    /// dereference to one).
    ///
    /// # Errors
    /// [`MessageError`] as [`Message::from_parts`].
    pub fn from_nats(message: &async_nats::Message) -> Result<Self, MessageError> {
        let headers = message.headers.iter().flat_map(|headers| headers.iter());
        let pairs = headers.flat_map(|(name, values)| values.iter().map(move |value| (name.as_ref(), value.as_str())));
        Self::from_parts(pairs, message.payload.clone())
    }
}

/// The longest subject token an ordering key is written as; a longer one is replaced by its digest.
const MAX_TOKEN: usize = 128;

/// The subject token of an ordering key: `_` for none (or an empty one), the key percent-encoded, or `~` and the
/// hex SHA-256 of a key whose encoding is longer than [`MAX_TOKEN`] (a server refuses long subjects; `~` never
/// appears in an encoded key, so no key's token is another's digest).
fn subject_token(ordering_key: Option<&str>) -> String {
    use sha2::Digest as _;
    match ordering_key.filter(|key| !key.is_empty()) {
        None => "_".to_owned(),
        Some(key) => {
            let token = utf8_percent_encode(key, TOKEN).to_string();
            if token.len() <= MAX_TOKEN { token } else { format!("~{}", hex::encode(sha2::Sha256::digest(key))) }
        }
    }
}

/// Whether a stream's subject pattern (`*` one token, `>` the rest) matches `subject`.
fn subject_matches(pattern: &str, subject: &str) -> bool {
    let mut tokens = subject.split('.');
    for expected in pattern.split('.') {
        match (expected, tokens.next()) {
            (">", Some(_)) => return true,
            ("*", Some(_)) => {}
            (expected, Some(token)) if expected == token => {}
            _ => return false,
        }
    }
    tokens.next().is_none()
}

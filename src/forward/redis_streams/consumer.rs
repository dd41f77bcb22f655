//! [`StreamConsumer`]: reads a forwarder's stream in a consumer group, acknowledges what its handler processed,
//! retries what failed, takes over entries whose consumer stopped, and moves an entry that keeps failing to a
//! dead-letter stream.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::streams::{StreamClaimReply, StreamId, StreamPendingCountReply, StreamReadReply};
use redis::{Script, Value};

use super::PAYLOAD_FIELD;
use crate::forward::{Message, SinkError};

/// Reads a stream written by a [`RedisStreamSink`](super::RedisStreamSink) as one consumer of a group:
///
/// - each entry is handed to the handler as a [`Message`] and acknowledged (`XACK`) when the handler returns `Ok`;
/// - an entry whose handler failed stays pending and is tried again once it has been idle for
///   [`retry_after`](Self::retry_after) (by this consumer or another of the group), and so is an entry whose consumer
///   stopped before acknowledging it;
/// - an entry delivered [`max_attempts`](Self::max_attempts) times without success, or that is not a hooksafe
///   message, is moved to the [dead-letter stream](Self::dead_letter) (with the fields `hooksafe-error`,
///   `hooksafe-attempts` and `hooksafe-entry`) and acknowledged, in one script.
///
/// Processing is at least once: a handler that succeeded but whose `XACK` was lost runs again, so make it idempotent
/// (the message's [dedup key](Message::dedup_key) names the event).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use hooksafe::forward::Message;
/// use hooksafe::forward::redis_streams::StreamConsumer;
///
/// let consumer = StreamConsumer::connect("redis://127.0.0.1/", "webhooks", "billing", "worker-1").await?;
/// consumer.create_group().await?;
/// consumer
///     .run(|message: Message| async move {
///         let event: serde_json::Value = message.json()?;
///         println!("{:?}: {}", message.event_type(), event["id"]);
///         Ok::<_, hooksafe::Error>(())
///     })
///     .await;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct StreamConsumer {
    connection: ConnectionManager,
    stream: String,
    group: String,
    consumer: String,
    dead_letter: String,
    max_attempts: usize,
    retry_after: Duration,
    block: Duration,
    batch: usize,
    bury: Script,
}

impl fmt::Debug for StreamConsumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamConsumer")
            .field("stream", &self.stream)
            .field("group", &self.group)
            .field("consumer", &self.consumer)
            .field("dead_letter", &self.dead_letter)
            .field("max_attempts", &self.max_attempts)
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

/// What one [`poll`](StreamConsumer::poll) did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Polled {
    /// Entries the handler processed (acknowledged).
    pub processed: usize,
    /// Entries the handler failed on (left pending, tried again later).
    pub failed: usize,
    /// Entries moved to the dead-letter stream.
    pub dead: usize,
}

impl StreamConsumer {
    /// Connects to the Redis at `url` as consumer `consumer` of `group` on `stream`. Defaults: 5 attempts, a retry
    /// after 30 s idle, batches of 16, waits of 1 s for new entries, dead letters to `<stream>:dead`.
    ///
    /// # Errors
    /// [`SinkError`] when the URL is invalid or the server cannot be reached.
    pub async fn connect(
        url: &str,
        stream: impl Into<String>,
        group: impl Into<String>,
        consumer: impl Into<String>,
    ) -> Result<Self, SinkError> {
        Ok(Self::new(super::connect(url).await?, stream, group, consumer))
    }

    /// A consumer on a connection manager you configured yourself, with the defaults of [`connect`](Self::connect).
    pub fn new(
        connection: ConnectionManager,
        stream: impl Into<String>,
        group: impl Into<String>,
        consumer: impl Into<String>,
    ) -> Self {
        let stream = stream.into();
        Self {
            connection,
            dead_letter: format!("{stream}:dead"),
            stream,
            group: group.into(),
            consumer: consumer.into(),
            max_attempts: 5,
            retry_after: Duration::from_secs(30),
            block: Duration::from_secs(1),
            batch: 16,
            bury: Script::new(BURY),
        }
    }

    /// How many deliveries to the handler an entry gets before it is dead-lettered. At least 1.
    #[must_use]
    pub fn max_attempts(mut self, attempts: usize) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// How long an entry stays pending (its handler failed, or its consumer stopped) before it is tried again: longer
    /// than your handler ever runs, or a slow handler's entry is taken over while it still runs.
    #[must_use]
    pub const fn retry_after(mut self, idle: Duration) -> Self {
        self.retry_after = idle;
        self
    }

    /// The dead-letter stream's key.
    #[must_use]
    pub fn dead_letter(mut self, stream: impl Into<String>) -> Self {
        self.dead_letter = stream.into();
        self
    }

    /// How long one [`poll`](Self::poll) waits for new entries when there are none (Redis `BLOCK`), between 1 ms and
    /// 1 s: under the connection's two-second response timeout, so a read the client gave up on cannot hand entries
    /// to nobody.
    #[must_use]
    pub fn block(mut self, wait: Duration) -> Self {
        self.block = wait.clamp(Duration::from_millis(1), Duration::from_secs(1));
        self
    }

    /// Creates the group (and the stream) if it does not exist, reading from the stream's start.
    ///
    /// # Errors
    /// [`SinkError`] when the server refused it.
    pub async fn create_group(&self) -> Result<(), SinkError> {
        let mut connection = self.connection.clone();
        let created: Result<(), _> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&self.stream)
            .arg(&self.group)
            .arg("0")
            .arg("MKSTREAM")
            .query_async(&mut connection)
            .await;
        match created {
            Err(error) if error.code() == Some("BUSYGROUP") => Ok(()),
            other => other.map_err(SinkError::new),
        }
    }

    /// Runs `handler` on entries until the future is dropped; a Redis failure is logged and retried after a second.
    pub async fn run<H, F, E>(&self, handler: H)
    where
        H: Fn(Message) -> F,
        F: Future<Output = Result<(), E>>,
        E: fmt::Display,
    {
        loop {
            if let Err(error) = self.poll(&handler).await {
                crate::log::warning!("stream consumer {}: {error}", self.consumer);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }

    /// One round: dead-letters the pending entries out of attempts, takes over and retries those idle for
    /// [`retry_after`](Self::retry_after), then reads up to 16 new entries (waiting up to [`block`](Self::block) for
    /// one when there was nothing else to do) and runs `handler` on each. Each entry is taken (claimed or read) just
    /// before it is run, one at a time, so none waits in this consumer's hands where another could take it over.
    ///
    /// # Errors
    /// [`SinkError`] when Redis failed; entries not yet acknowledged stay pending.
    pub async fn poll<H, F, E>(&self, handler: &H) -> Result<Polled, SinkError>
    where
        H: Fn(Message) -> F,
        F: Future<Output = Result<(), E>>,
        E: fmt::Display,
    {
        let mut polled = Polled::default();
        let mut connection = self.connection.clone();
        let idle = u64::try_from(self.retry_after.as_millis()).unwrap_or(u64::MAX);
        let pending: StreamPendingCountReply = redis::cmd("XPENDING")
            .arg(&self.stream)
            .arg(&self.group)
            .arg("IDLE")
            .arg(idle)
            .arg("-")
            .arg("+")
            .arg(self.batch)
            .query_async(&mut connection)
            .await
            .map_err(SinkError::new)?;
        for pending in pending.ids {
            // Taken over only if still idle that long, so two consumers cannot both take one entry.
            let claimed: StreamClaimReply = redis::cmd("XCLAIM")
                .arg(&self.stream)
                .arg(&self.group)
                .arg(&self.consumer)
                .arg(idle)
                .arg(&pending.id)
                .query_async(&mut connection)
                .await
                .map_err(SinkError::new)?;
            let Some(entry) = claimed.ids.into_iter().next() else { continue };
            if pending.times_delivered >= self.max_attempts {
                self.bury(&entry, "out of attempts", pending.times_delivered).await?;
                polled.dead += 1;
            } else {
                self.handle(entry, pending.times_delivered + 1, handler, &mut polled).await?;
            }
        }
        for read in 0..self.batch {
            let mut command = redis::cmd("XREADGROUP");
            command.arg("GROUP").arg(&self.group).arg(&self.consumer).arg("COUNT").arg(1);
            if read == 0 && polled == Polled::default() {
                command.arg("BLOCK").arg(u64::try_from(self.block.as_millis()).unwrap_or(u64::MAX));
            }
            let reply: StreamReadReply = command
                .arg("STREAMS")
                .arg(&self.stream)
                .arg(">")
                .query_async(&mut connection)
                .await
                .map_err(SinkError::new)?;
            let Some(entry) = reply.keys.into_iter().flat_map(|key| key.ids).next() else { break };
            self.handle(entry, 1, handler, &mut polled).await?;
        }
        Ok(polled)
    }

    /// Runs the handler on one entry (its `attempt`th delivery) and acknowledges it if the handler succeeded.
    async fn handle<H, F, E>(
        &self,
        entry: StreamId,
        attempt: usize,
        handler: &H,
        polled: &mut Polled,
    ) -> Result<(), SinkError>
    where
        H: Fn(Message) -> F,
        F: Future<Output = Result<(), E>>,
        E: fmt::Display,
    {
        let message = match read_message(&entry) {
            Ok(message) => message,
            Err(error) => {
                self.bury(&entry, &error, attempt).await?;
                polled.dead += 1;
                return Ok(());
            }
        };
        match handler(message).await {
            Ok(()) => {
                let mut connection = self.connection.clone();
                let _: usize = redis::cmd("XACK")
                    .arg(&self.stream)
                    .arg(&self.group)
                    .arg(&entry.id)
                    .query_async(&mut connection)
                    .await
                    .map_err(SinkError::new)?;
                polled.processed += 1;
            }
            Err(error) => {
                crate::log::warning!("stream entry {} failed (attempt {attempt}): {error}", entry.id);
                polled.failed += 1;
            }
        }
        Ok(())
    }

    /// Moves an entry to the dead-letter stream and acknowledges it, in one script: an `XADD` that fails leaves the
    /// entry pending.
    async fn bury(&self, entry: &StreamId, why: &str, attempts: usize) -> Result<(), SinkError> {
        let mut invocation = self.bury.prepare_invoke();
        invocation.key(&self.dead_letter).key(&self.stream).arg(&self.group).arg(&entry.id);
        for (field, value) in &entry.map {
            invocation.arg(field).arg(bytes_of(value).unwrap_or_default());
        }
        invocation
            .arg("hooksafe-error")
            .arg(why)
            .arg("hooksafe-attempts")
            .arg(attempts)
            .arg("hooksafe-entry")
            .arg(&entry.id);
        let mut connection = self.connection.clone();
        let _: usize = invocation.invoke_async(&mut connection).await.map_err(SinkError::new)?;
        crate::log::warning!("stream entry {} moved to {}: {why}", entry.id, self.dead_letter);
        Ok(())
    }
}

/// Appends an entry's fields to the dead-letter stream, then acknowledges it; the `XADD` failing ends the script
/// before the `XACK`.
const BURY: &str = r"
redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
return redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
";

/// The message an entry holds, or why it holds none.
fn read_message(entry: &StreamId) -> Result<Message, String> {
    let payload = entry.map.get(PAYLOAD_FIELD).and_then(bytes_of).ok_or("the entry has no `payload` field")?;
    let headers: Vec<(&str, Vec<u8>)> = entry
        .map
        .iter()
        .filter(|(field, _)| field.as_str() != PAYLOAD_FIELD)
        .filter_map(|(field, value)| Some((field.as_str(), bytes_of(value)?)))
        .collect();
    Message::from_parts(headers.iter().map(|(name, value)| (*name, value)), payload).map_err(|error| error.to_string())
}

fn bytes_of(value: &Value) -> Option<Vec<u8>> {
    redis::from_redis_value_ref(value).ok()
}

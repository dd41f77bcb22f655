//! [`Message`]: a verified delivery as a broker carries it (the raw body as the payload, what verification found as
//! headers), and the one call that reads it back on the consumer's side.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::verified::Verified;

/// The names of a message's headers. Values are ASCII text: UTF-8 percent-encoded where it holds `%`, a space, a
/// control character or a non-ASCII character (a tenant or an id of the sender's choosing cannot break a header line,
/// and no client's trimming can change it); times are RFC 3339 in UTC. None carries a secret or a signature.
pub mod header {
    /// The scheme's name, as `"name".parse::<Scheme>()` reads it (`stripe`, `github`, …). Always present.
    pub const SCHEME: &str = "hooksafe-scheme";
    /// The delivery's id, when the scheme carries one ([`Verified::id`](crate::Verified::id)).
    pub const ID: &str = "hooksafe-id";
    /// `true` when the id is covered by the signature, else `false`. Present with [`ID`].
    pub const ID_SIGNED: &str = "hooksafe-id-signed";
    /// The dedup key: 64 hex digits, the same for every copy and re-encoding of one event. Always present; also the
    /// broker's own message id where it has one (JetStream's `Nats-Msg-Id`).
    pub const DEDUP_KEY: &str = "hooksafe-dedup-key";
    /// The id of the key whose signature matched. Always present.
    pub const KEY_ID: &str = "hooksafe-key-id";
    /// The tenant whose keys verified it, when a resolver named one.
    pub const TENANT: &str = "hooksafe-tenant";
    /// The event type, when the scheme carries one.
    pub const EVENT_TYPE: &str = "hooksafe-event-type";
    /// `true` when the event type is covered by the signature, else `false`. Present with [`EVENT_TYPE`].
    pub const EVENT_TYPE_SIGNED: &str = "hooksafe-event-type-signed";
    /// The provider's signed timestamp, for schemes that carry one.
    pub const TIMESTAMP: &str = "hooksafe-timestamp";
    /// When hooksafe received and verified it. Always present.
    pub const RECEIVED_AT: &str = "hooksafe-received-at";
    /// The ordering key the forwarder's function named, if any.
    pub const ORDERING_KEY: &str = "hooksafe-ordering-key";
}

/// What is percent-encoded in a header value, beside every non-ASCII byte: `%` itself, the space (which clients
/// trim at a value's ends) and the control characters.
const ENCODED: &AsciiSet = &CONTROLS.add(b'%').add(b' ');

/// A verified delivery on its way through a broker, or read back from one: the same [`Verified`] view an in-process
/// handler gets (through `Deref`: [`json`](Verified::json), [`id`](Verified::id),
/// [`event_type`](Verified::event_type), [`tenant`](Verified::tenant), [`timestamp`](Verified::timestamp), …),
/// plus the scheme, the dedup key, the ordering key and when it was received.
///
/// A consumer rebuilds it from what the broker hands over with [`Message::from_parts`] (or a backend's own reader).
/// It **trusts the broker**: whoever can publish to the stream, topic or subject can hand a consumer any message, so
/// keep publishing rights to the forwarder.
///
/// ```
/// use hooksafe::forward::{Message, header};
///
/// let headers = [
///     (header::SCHEME, &b"stripe"[..]),
///     (header::DEDUP_KEY, &b"3f0c0e6b6c2a4f8d9d1b4b2f1c7e5a9a3f0c0e6b6c2a4f8d9d1b4b2f1c7e5a9a"[..]),
///     (header::KEY_ID, &b"1"[..]),
///     (header::ID, &b"evt_1"[..]),
///     (header::ID_SIGNED, &b"true"[..]),
///     (header::EVENT_TYPE, &b"invoice.paid"[..]),
///     (header::EVENT_TYPE_SIGNED, &b"true"[..]),
///     (header::RECEIVED_AT, &b"2026-12-07T10:00:00Z"[..]),
/// ];
/// let message = Message::from_parts(headers, &br#"{"id":"evt_1","type":"invoice.paid"}"#[..])?;
/// assert_eq!(message.id(), Some("evt_1"));
/// assert_eq!(message.event_type().as_deref(), Some("invoice.paid"));
/// let event: serde_json::Value = message.json()?;
/// assert_eq!(event["type"], "invoice.paid");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Message {
    verified: Verified<'static>,
    scheme: Arc<str>,
    dedup_key: Arc<str>,
    ordering_key: Option<Arc<str>>,
    received_at: OffsetDateTime,
}

/// A message read from a broker lacks a header hooksafe writes, or has one it cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("message header `{header}` {problem}")]
pub struct MessageError {
    header: &'static str,
    problem: &'static str,
}

impl MessageError {
    /// The header at fault (one of [`header`]'s names).
    pub const fn header(&self) -> &'static str {
        self.header
    }
}

impl Message {
    /// The message for a verified delivery, as the forwarder publishes it.
    pub(crate) fn new(
        verified: Verified<'static>,
        scheme: Arc<str>,
        dedup_key: String,
        ordering_key: Option<String>,
        received_at: OffsetDateTime,
    ) -> Self {
        Self {
            verified,
            scheme,
            dedup_key: Arc::from(dedup_key),
            ordering_key: ordering_key.map(Arc::from),
            received_at: received_at.replace_nanosecond(0).unwrap_or(received_at),
        }
    }

    /// The verified delivery. A `Message` also dereferences to it.
    pub const fn verified(&self) -> &Verified<'static> {
        &self.verified
    }

    /// The scheme's name (`stripe`, `github`, …).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The dedup key as 64 hex digits: equal for every copy of one event, so a consumer can deduplicate on it.
    pub fn dedup_key(&self) -> &str {
        &self.dedup_key
    }

    /// The ordering key, when the forwarder named one.
    pub fn ordering_key(&self) -> Option<&str> {
        self.ordering_key.as_deref()
    }

    /// When hooksafe received and verified the delivery (to the second).
    pub const fn received_at(&self) -> OffsetDateTime {
        self.received_at
    }

    /// The payload: the raw verified body, exactly the bytes the provider signed.
    pub fn payload(&self) -> Bytes {
        self.verified.bytes()
    }

    /// The headers to publish with the payload, by the names in [`header`]; values already encoded.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let encode = |value: &str| utf8_percent_encode(value, ENCODED).to_string();
        let flag = |signed: bool| if signed { "true" } else { "false" }.to_owned();
        let mut headers = vec![
            (header::SCHEME, encode(&self.scheme)),
            (header::DEDUP_KEY, self.dedup_key.to_string()),
            (header::KEY_ID, encode(self.verified.key_id())),
        ];
        // Always formattable: a time of this century.
        if let Some(received_at) = rfc3339(self.received_at) {
            headers.push((header::RECEIVED_AT, received_at));
        }
        if let Some(id) = self.verified.id() {
            headers.push((header::ID, encode(id)));
            headers.push((header::ID_SIGNED, flag(self.verified.id_is_signed())));
        }
        if let Some(tenant) = self.verified.tenant() {
            headers.push((header::TENANT, encode(tenant)));
        }
        if let Some(event_type) = self.verified.event_type() {
            headers.push((header::EVENT_TYPE, encode(&event_type)));
            headers.push((header::EVENT_TYPE_SIGNED, flag(self.verified.event_type_is_signed())));
        }
        // A timestamp RFC 3339 cannot write (beyond the year 9999, when the window is not checked) is left out.
        if let Some(timestamp) = self.verified.timestamp().and_then(rfc3339) {
            headers.push((header::TIMESTAMP, timestamp));
        }
        if let Some(key) = &self.ordering_key {
            headers.push((header::ORDERING_KEY, encode(key)));
        }
        headers
    }

    /// Reads a message back from a broker's headers (any others, the broker's own, are ignored) and payload: the
    /// one call a consumer makes.
    ///
    /// # Errors
    /// [`MessageError`] naming the header, when one hooksafe always writes is missing, or one is repeated, not
    /// UTF-8, or not in its format.
    pub fn from_parts<'h, V: AsRef<[u8]> + ?Sized + 'h>(
        headers: impl IntoIterator<Item = (&'h str, &'h V)>,
        payload: impl Into<Bytes>,
    ) -> Result<Self, MessageError> {
        let mut found: [Option<String>; 11] = Default::default();
        for (name, value) in headers {
            let Some(slot) = NAMES.iter().position(|known| name.eq_ignore_ascii_case(known)) else { continue };
            let header = NAMES[slot];
            let text =
                std::str::from_utf8(value.as_ref()).map_err(|_| MessageError { header, problem: "is not UTF-8" })?;
            if found[slot].replace(text.to_owned()).is_some() {
                return Err(MessageError { header, problem: "appears more than once" });
            }
        }
        let [
            scheme,
            dedup_key,
            key_id,
            received_at,
            id,
            id_signed,
            tenant,
            event_type,
            event_type_signed,
            timestamp,
            ordering_key,
        ] = found;
        let required = |value: Option<String>, header| value.ok_or(MessageError { header, problem: "is missing" });
        let dedup_key = required(dedup_key, header::DEDUP_KEY)?;
        if dedup_key.len() != 64 || !dedup_key.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(MessageError { header: header::DEDUP_KEY, problem: "is not 64 lowercase hex digits" });
        }
        let signed = |value: Option<String>, header| match value.as_deref() {
            Some("true") => Ok(true),
            Some("false") | None => Ok(false),
            Some(_) => Err(MessageError { header, problem: "is neither `true` nor `false`" }),
        };
        let id_is_signed = signed(id_signed, header::ID_SIGNED)?;
        let event_type_is_signed = signed(event_type_signed, header::EVENT_TYPE_SIGNED)?;
        let event_type = event_type
            .map(|value| {
                // Kept as carried (percent-encoded, so always a valid header value) and decoded when read.
                let decoded = decode(&value, header::EVENT_TYPE)?;
                http::HeaderValue::from_str(&utf8_percent_encode(&decoded, ENCODED).to_string())
                    .map_err(|_| MessageError { header: header::EVENT_TYPE, problem: "is not a header value" })
            })
            .transpose()?;
        let timestamp = timestamp.map(|value| parse_time(&value, header::TIMESTAMP)).transpose()?;
        let verified = Verified::forwarded(
            payload.into(),
            Arc::from(decode(&required(key_id, header::KEY_ID)?, header::KEY_ID)?),
            (id.map(|id| decode(&id, header::ID).map(Arc::from)).transpose()?, id_is_signed),
            (event_type, event_type_is_signed),
            timestamp.map(OffsetDateTime::unix_timestamp),
            tenant.map(|tenant| decode(&tenant, header::TENANT).map(Arc::from)).transpose()?,
        );
        Ok(Self {
            verified,
            scheme: Arc::from(decode(&required(scheme, header::SCHEME)?, header::SCHEME)?),
            dedup_key: Arc::from(dedup_key),
            ordering_key: ordering_key.map(|key| decode(&key, header::ORDERING_KEY).map(Arc::from)).transpose()?,
            received_at: parse_time(&required(received_at, header::RECEIVED_AT)?, header::RECEIVED_AT)?,
        })
    }
}

/// The names [`Message::from_parts`] reads, in the order it destructures them.
const NAMES: [&str; 11] = [
    header::SCHEME,
    header::DEDUP_KEY,
    header::KEY_ID,
    header::RECEIVED_AT,
    header::ID,
    header::ID_SIGNED,
    header::TENANT,
    header::EVENT_TYPE,
    header::EVENT_TYPE_SIGNED,
    header::TIMESTAMP,
    header::ORDERING_KEY,
];

/// A header's value with its percent-encoding undone; refused when that is not UTF-8.
fn decode(value: &str, header: &'static str) -> Result<String, MessageError> {
    let decoded = percent_decode_str(value).decode_utf8();
    decoded.map(std::borrow::Cow::into_owned).map_err(|_| MessageError { header, problem: "does not decode to UTF-8" })
}

fn rfc3339(at: OffsetDateTime) -> Option<String> {
    at.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok()
}

fn parse_time(value: &str, header: &'static str) -> Result<OffsetDateTime, MessageError> {
    OffsetDateTime::parse(value, &Rfc3339).map_err(|_| MessageError { header, problem: "is not an RFC 3339 time" })
}

impl std::ops::Deref for Message {
    type Target = Verified<'static>;

    fn deref(&self) -> &Verified<'static> {
        &self.verified
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("scheme", &self.scheme)
            .field("id", &self.verified.id())
            .field("dedup_key", &self.dedup_key)
            .field("ordering_key", &self.ordering_key)
            .field("received_at", &self.received_at)
            .field("body_len", &self.verified.body().len())
            .finish_non_exhaustive()
    }
}

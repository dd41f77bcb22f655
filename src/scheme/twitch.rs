//! Twitch EventSub (webhook transport).
//!
//! - Headers: `Twitch-Eventsub-Message-Id`, `Twitch-Eventsub-Message-Timestamp` (RFC 3339, up to nanoseconds),
//!   `Twitch-Eventsub-Message-Signature: sha256=<hex>` and `Twitch-Eventsub-Message-Type` (`notification`,
//!   `webhook_callback_verification` or `revocation`; **not signed**).
//! - Signed: `{id}{timestamp}{body}`, no separators, the timestamp verbatim; HMAC-SHA256 with the subscription's
//!   secret (10 to 100 ASCII characters, checked at build).
//! - Window: 600 s each way by default (Twitch: reject messages older than 10 minutes).
//! - Id: the message id (signed; a resend reuses it).
//! - Handshake: a verified `webhook_callback_verification` is answered with its `challenge`, as plain text. The type
//!   header is not signed, so the signed body decides: a body with `challenge` must be typed as a verification, and
//!   a verification must carry one. A `revocation` reaches the handler as an ordinary event.
//!
//! Sources: <https://dev.twitch.tv/docs/eventsub/handling-webhook-events>, `twitchdev/twitch-cli`
//! `internal/events/verify/subscription_verify.go`.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{optional_str, required_bytes, required_str, rfc3339_seconds, rfc3339_text, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::handshake::Handshake;
use crate::json_field::top_level_field;
use crate::request::Incoming;

static ID: HeaderName = HeaderName::from_static("twitch-eventsub-message-id");
static TIMESTAMP: HeaderName = HeaderName::from_static("twitch-eventsub-message-timestamp");
static SIGNATURE: HeaderName = HeaderName::from_static("twitch-eventsub-message-signature");
static TYPE: HeaderName = HeaderName::from_static("twitch-eventsub-message-type");

/// The message type of an endpoint check.
const VERIFICATION: &str = "webhook_callback_verification";

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let id = required_str(request.headers, &ID)?;
    let stamp = required_bytes(request.headers, &TIMESTAMP)?;
    let seconds = rfc3339_seconds(stamp)
        .ok_or_else(|| Error::malformed(TIMESTAMP.clone(), "is not an RFC 3339 date and time"))?;
    let Some(text) = required_bytes(request.headers, &SIGNATURE)?.strip_prefix(b"sha256=") else {
        return Err(Error::malformed(SIGNATURE.clone(), "does not start with `sha256=`"));
    };
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &SIGNATURE)?;
    Ok(Parsed {
        id: IdSource::Signed(id),
        timestamp: Some((seconds, Some(&TIMESTAMP))),
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[Piece::Bytes(id.as_bytes()), Piece::Bytes(stamp), Piece::Bytes(request.body)]),
    })
}

/// The headers of a notification with `id`, sent at `timestamp` (unix seconds, written as RFC 3339).
pub(super) fn render(headers: &mut HeaderMap, id: &str, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    let stamp = rfc3339_text(timestamp)
        .ok_or_else(|| Error::malformed(TIMESTAMP.clone(), "is not an RFC 3339 date and time"))?;
    headers.insert(ID.clone(), value(id, &ID)?);
    headers.insert(TIMESTAMP.clone(), value(&stamp, &TIMESTAMP)?);
    headers.insert(SIGNATURE.clone(), value(&format!("sha256={}", tag.to_hex()), &SIGNATURE)?);
    if !headers.contains_key(&TYPE) {
        headers.insert(TYPE.clone(), http::HeaderValue::from_static("notification"));
    }
    Ok(())
}

/// The answer to a verified `webhook_callback_verification`: its challenge, echoed as plain text.
pub(super) fn handshake(headers: &HeaderMap, body: &[u8]) -> Result<Option<Handshake>, Error> {
    let typed_verification = optional_str(headers, &TYPE)? == Some(VERIFICATION);
    // A body without the key `"challenge"` has none, found without parsing the JSON (a second pass over every
    // delivery's body).
    let challenge = match memchr::memmem::find(body, b"\"challenge\"") {
        Some(_) => top_level_field::<String>(body, "challenge"),
        None => None,
    };
    match (typed_verification, challenge) {
        (true, Some(challenge)) => Ok(Some(Handshake::text(challenge))),
        (true, None) => Err(Error::malformed_body("is a `webhook_callback_verification` without a string `challenge`")),
        (false, Some(_)) => {
            Err(Error::malformed(TYPE.clone(), "is not `webhook_callback_verification`, but the body is"))
        }
        (false, None) => Ok(None),
    }
}

/// The [`Scheme::TwitchEventSub`](crate::Scheme::TwitchEventSub) provider.
pub(super) struct TwitchEventSub;

impl Provider for TwitchEventSub {
    fn name(&self) -> Cow<'static, str> {
        "twitch-eventsub".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    // "The secret must be an ASCII string that's a minimum of 10 characters long and a maximum of 100".
    fn check_secret(&self, text: &str, index: usize, _allow_short: bool) -> Result<(), ConfigError> {
        if !(text.is_ascii() && (10..=100).contains(&text.len())) {
            return Err(ConfigError::SecretLength { index, len: text.len(), min: 10, max: 100 });
        }
        Ok(())
    }

    fn default_tolerance(&self) -> Duration {
        Duration::from_secs(600)
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Header("twitch-eventsub-subscription-type")
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (id, timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(headers, id, timestamp, tag)
    }

    fn handshake(&self, request: &Incoming<'_>, _key: &Key) -> Result<Option<Handshake>, Error> {
        handshake(request.headers, request.body)
    }
}

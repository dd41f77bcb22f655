//! Mailgun.
//!
//! - Body: `{"signature":{"timestamp":"<unix s>","token":"…","signature":"<hex>"},"event-data":{…}}`, parsed strictly
//!   after the size cap (valid JSON throughout, no repeated `signature`, `event-data` or block field).
//! - Signed: `{timestamp}{token}`, HMAC-SHA256 with the HTTP webhook signing key. **The signature does not cover
//!   the event data**: whoever has seen one genuine delivery (logs, a proxy) can attach any `event-data` to its
//!   signature block. The token is the dedup id, so a second request with the same block is a duplicate whatever
//!   its event data; confirm important events through Mailgun's API.
//! - Window: the crate's 300 s each way on the signed timestamp (mailgun-go checks none).
//!
//! Source: `mailgun/mailgun-go` `webhooks.go` `VerifyWebhookSignature`,
//! <https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages/#securing-webhooks>.

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::IdSource;
use super::Parsed;
use super::headers::canonical_seconds;
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

/// The parts of the body the verifier reads; every other field is skipped, but must be valid JSON.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    signature: Block<'a>,
    /// Read only so that a repeated `event-data` is refused: this crate and the handler must see the same one.
    #[serde(rename = "event-data")]
    _event_data: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct Block<'a> {
    timestamp: &'a str,
    token: &'a str,
    signature: &'a str,
}

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let Envelope { signature: block, .. } = serde_json::from_slice(request.body).map_err(|_| {
        Error::malformed_body(
            "is not Mailgun's JSON with one `signature` object of string `timestamp`, `token`, `signature`",
        )
    })?;
    let seconds = canonical_seconds(block.timestamp.as_bytes())
        .ok_or_else(|| Error::malformed_body("carries a `signature.timestamp` that is not canonical unix seconds"))?;
    if block.token.is_empty() {
        return Err(Error::malformed_body("carries an empty `signature.token`"));
    }
    let text = block.signature.as_bytes();
    Ok(Parsed {
        id: IdSource::Signed(block.token),
        timestamp: Some((seconds, None)),
        signature_header: None,
        batch: Vec::new(),
        candidates: Candidates::single(Candidate {
            for_key: ForKey::Any,
            kind: KeyKind::Hmac,
            encoding: Encoding::Hex,
            text,
        }),
        signed: Signed::new(&[Piece::Bytes(block.timestamp.as_bytes()), Piece::Bytes(block.token.as_bytes())]),
    })
}

/// The body Mailgun sends for `event_data` (JSON), with `token` and `timestamp` (unix seconds) signed by `tag`.
///
/// # Errors
/// [`ErrorKind::MalformedBody`](crate::ErrorKind::MalformedBody) when `event_data` is not JSON.
pub(super) fn render_body(token: &str, timestamp: &str, event_data: &[u8], tag: &Tag) -> Result<Vec<u8>, Error> {
    serde_json::from_slice::<IgnoredAny>(event_data)
        .map_err(|_| Error::malformed_body("is not JSON: Mailgun sends its event data as a JSON object"))?;
    let block = serde_json::json!({ "timestamp": timestamp, "token": token, "signature": tag.to_hex() });
    let mut body = format!(r#"{{"signature":{block},"event-data":"#).into_bytes();
    body.extend_from_slice(event_data);
    body.push(b'}');
    Ok(body)
}

/// The [`Scheme::Mailgun`](crate::Scheme::Mailgun) provider.
pub(super) struct Mailgun;

impl Provider for Mailgun {
    fn name(&self) -> Cow<'static, str> {
        "mailgun".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn signs_body_weakly(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event-data", "event"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request)
    }

    fn render(
        &self,
        _headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        _tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        Ok(())
    }

    fn render_body(
        &self,
        (id, timestamp): (&str, &str),
        body: &[u8],
        tag: &Tag,
        _sign: &dyn Fn(&[u8]) -> Tag,
    ) -> Result<Option<Vec<u8>>, Error> {
        render_body(id, timestamp, body, tag).map(Some)
    }
}

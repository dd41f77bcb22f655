//! Paddle Billing.
//!
//! - Header: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`; unknown keys ignored, any `h1` may match.
//! - Signed: `{ts}:{body}`; HMAC-SHA256, hex; the secret's text is the key.
//! - Id: the event's `event_id` field, from the signed body.
//!
//! Source: <https://developer.paddle.com/webhooks/signature-verification>.

use http::{HeaderMap, HeaderName};

use super::Parsed;
use super::headers::{ListFormat, required_bytes, timestamped_list, value};
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;
use crate::verified::IdSource;

static FORMAT: ListFormat =
    ListFormat { separator: b';', trim: false, timestamp_key: b"ts", signature_key: b"h1", milliseconds: false };

static SIGNATURE: HeaderName = HeaderName::from_static("paddle-signature");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let list = required_bytes(request.headers, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    let (digits, seconds) = timestamped_list(list, &SIGNATURE, &FORMAT, |entry| match entry {
        Some(text) => candidates.push(Candidate { kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &SIGNATURE),
        None => candidates.skip(&SIGNATURE),
    })?;
    Ok(Parsed {
        id: IdSource::BodyField("event_id"),
        timestamp: Some((seconds, &SIGNATURE)),
        signature_header: &SIGNATURE,
        candidates,
        signed: Signed::new(&[Piece::Bytes(digits), Piece::Bytes(b":"), Piece::Bytes(request.body)]),
    })
}

pub(super) fn render(headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), value(&format!("ts={timestamp};h1={}", tag.to_hex()), &SIGNATURE)?);
    Ok(())
}

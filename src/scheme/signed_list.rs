//! What the schemes with a `key=value` signature list share (Stripe, Paddle, Calendly, WorkOS): one header holding a
//! timestamp element and any number of signature entries, HMAC-SHA256 in hex over `{timestamp}{joiner}{body}` with
//! the timestamp exactly as sent. Each provider's file states its header, list format and joiner.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{ListFormat, required_bytes, timestamped_list, value};
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

/// One provider's signature list.
pub(super) struct SignedList {
    pub header: HeaderName,
    pub format: ListFormat,
    /// What is signed between the timestamp and the body: `.` or `:`.
    pub joiner: &'static [u8],
    /// What the provider writes between elements (WorkOS: `, `).
    pub rendered_separator: &'static str,
}

pub(super) fn parse<'a>(
    request: &Incoming<'a>,
    list: &'static SignedList,
    id: IdSource<'a>,
) -> Result<Parsed<'a, 'a>, Error> {
    let header = &list.header;
    let value = required_bytes(request.headers, header)?;
    let mut candidates = Candidates::new();
    let (digits, seconds) = timestamped_list(value, header, &list.format, |entry| match entry {
        Some(text) => candidates
            .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, header),
        None => candidates.skip(header),
    })?;
    Ok(Parsed {
        id,
        timestamp: Some((seconds, Some(header))),
        signature_header: Some(header),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[Piece::Bytes(digits), Piece::Bytes(list.joiner), Piece::Bytes(request.body)]),
    })
}

/// Renders the list for `timestamp` in unix seconds (as milliseconds where the format says so) and one signature.
pub(super) fn render(list: &SignedList, headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    let format = &list.format;
    let (timestamp_key, signature_key) = (format.timestamp_key, format.signature_key);
    let millis = if format.milliseconds { "000" } else { "" };
    let text =
        format!("{timestamp_key}={timestamp}{millis}{}{signature_key}={}", list.rendered_separator, tag.to_hex());
    headers.insert(list.header.clone(), value(&text, &list.header)?);
    Ok(())
}

//! What the schemes with a `t=…,v1=…` signature list share (Calendly, WorkOS): the timestamp element and any number
//! of `v1` entries in one header, HMAC-SHA256 over `{t}.{body}` with `t` exactly as sent.

use http::{HeaderMap, HeaderName};

use super::Parsed;
use super::headers::{ListFormat, required_bytes, timestamped_list, value};
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;
use crate::verified::IdSource;

pub(super) fn parse<'a>(
    request: &Incoming<'a>,
    header: &'static HeaderName,
    format: &ListFormat,
    id: IdSource<'a>,
) -> Result<Parsed<'a, 'a>, Error> {
    let list = required_bytes(request.headers, header)?;
    let mut candidates = Candidates::new();
    let (digits, seconds) = timestamped_list(list, header, format, |entry| match entry {
        Some(text) => candidates.push(Candidate { kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, header),
        None => candidates.skip(header),
    })?;
    Ok(Parsed {
        id,
        timestamp: Some((seconds, header)),
        signature_header: header,
        candidates,
        signed: Signed::new(&[Piece::Bytes(digits), Piece::Bytes(b"."), Piece::Bytes(request.body)]),
    })
}

/// Renders `t=<timestamp>,v1=<hex>` for `timestamp` in unix seconds (as milliseconds where `format` says so), with
/// `separator` between the two (WorkOS writes `, `).
pub(super) fn render(
    (header, format, separator): (&HeaderName, &ListFormat, &str),
    headers: &mut HeaderMap,
    timestamp: &str,
    tag: &Tag,
) -> Result<(), Error> {
    let millis = if format.milliseconds { "000" } else { "" };
    headers.insert(header.clone(), value(&format!("t={timestamp}{millis}{separator}v1={}", tag.to_hex()), header)?);
    Ok(())
}

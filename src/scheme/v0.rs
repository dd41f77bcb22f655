//! What Slack and Zoom share: a unix-seconds timestamp header, and a `v0=<hex>` header carrying HMAC-SHA256 of
//! `v0:{timestamp}:{body}`. Each provider's file names its two headers.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{timestamp_and_signature, value};
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

/// The two headers of a `v0` scheme.
pub(super) struct V0Headers {
    pub signature: HeaderName,
    pub timestamp: HeaderName,
}

pub(super) fn parse<'a>(request: &Incoming<'a>, names: &'static V0Headers) -> Result<Parsed<'a, 'a>, Error> {
    let (digits, seconds, value) = timestamp_and_signature(request.headers, &names.timestamp, &names.signature)?;
    let Some(text) = value.strip_prefix(b"v0=") else {
        return Err(Error::malformed(names.signature.clone(), "does not start with `v0=`"));
    };
    let mut candidates = Candidates::new();
    candidates.push(
        Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text },
        &names.signature,
    )?;
    Ok(Parsed {
        id: IdSource::None,
        timestamp: Some((seconds, Some(&names.timestamp))),
        signature_header: Some(&names.signature),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[
            Piece::Bytes(b"v0:"),
            Piece::Bytes(digits),
            Piece::Bytes(b":"),
            Piece::Bytes(request.body),
        ]),
    })
}

pub(super) fn render(names: &V0Headers, headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(names.timestamp.clone(), value(timestamp, &names.timestamp)?);
    headers.insert(names.signature.clone(), value(&format!("v0={}", tag.to_hex()), &names.signature)?);
    Ok(())
}

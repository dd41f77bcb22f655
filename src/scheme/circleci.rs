//! CircleCI outbound webhooks.
//!
//! - Header: `circleci-signature: v1=<hex HMAC-SHA256(secret, body)>[,v2=…]`, comma-separated `version=value`
//!   entries. Only `v1` entries count, any of them may match; a header with none is a missing signature.
//! - No timestamp; the body's `id` identifies the event (signed): the dedup id.
//!
//! Source: <https://circleci.com/docs/guides/integration/outbound-webhooks> (the example in `tests/schemes.rs`).

use http::{HeaderMap, HeaderName};

use super::Parsed;
use super::headers::{required_bytes, value};
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, KeyKind, Tag};
use crate::error::{Detail, Error, ErrorKind};
use crate::request::Incoming;
use crate::verified::IdSource;

static SIGNATURE: HeaderName = HeaderName::from_static("circleci-signature");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let mut candidates = Candidates::new();
    for entry in required_bytes(request.headers, &SIGNATURE)?.split(|&byte| byte == b',') {
        let Some(equals) = entry.iter().position(|&byte| byte == b'=').filter(|&at| at > 0) else {
            return Err(Error::malformed(SIGNATURE.clone(), "has an entry that is not `version=value`"));
        };
        let (version, text) = (&entry[..equals], &entry[equals + 1..]);
        if version == b"v1" {
            candidates.push(Candidate { kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &SIGNATURE)?;
        } else {
            candidates.skip(&SIGNATURE)?;
        }
    }
    if candidates.iter().next().is_none() {
        return Err(Error::new(
            ErrorKind::MissingHeader,
            Some(SIGNATURE.clone()),
            Detail::Text("carries no `v1` signature"),
        ));
    }
    Ok(Parsed {
        id: IdSource::BodyField(&["id"]),
        timestamp: None,
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[Piece::Bytes(request.body)]),
    })
}

pub(super) fn render(headers: &mut HeaderMap, tag: &Tag) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), value(&format!("v1={}", tag.to_hex()), &SIGNATURE)?);
    Ok(())
}

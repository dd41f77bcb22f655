//! Slack.
//!
//! - Headers: `X-Slack-Request-Timestamp: <unix>` and `X-Slack-Signature: v0=<hex>`.
//! - Signed: `v0:{timestamp}:{body}`; HMAC-SHA256 keyed with the signing secret's text (not hex-decoded). The body
//!   is usually form-encoded and is hashed as received.
//! - Id: none.
//!
//! Source: <https://api.slack.com/authentication/verifying-requests-from-slack>.

use http::{HeaderMap, HeaderName};

use super::Parsed;
use super::headers::{timestamp_and_signature, value};
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;
use crate::verified::IdSource;

static SIGNATURE: HeaderName = HeaderName::from_static("x-slack-signature");
static TIMESTAMP: HeaderName = HeaderName::from_static("x-slack-request-timestamp");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let (digits, seconds, value) = timestamp_and_signature(request.headers, &TIMESTAMP, &SIGNATURE)?;
    let Some(text) = value.strip_prefix(b"v0=") else {
        return Err(Error::malformed(SIGNATURE.clone(), "does not start with `v0=`"));
    };
    let mut candidates = Candidates::new();
    candidates.push(Candidate { kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &SIGNATURE)?;
    Ok(Parsed {
        id: IdSource::None,
        timestamp: Some((seconds, &TIMESTAMP)),
        signature_header: &SIGNATURE,
        candidates,
        signed: Signed::new(&[
            Piece::Bytes(b"v0:"),
            Piece::Bytes(digits),
            Piece::Bytes(b":"),
            Piece::Bytes(request.body),
        ]),
    })
}

pub(super) fn render(headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(TIMESTAMP.clone(), value(timestamp, &TIMESTAMP)?);
    headers.insert(SIGNATURE.clone(), value(&format!("v0={}", tag.to_hex()), &SIGNATURE)?);
    Ok(())
}

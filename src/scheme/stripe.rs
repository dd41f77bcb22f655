//! Stripe.
//!
//! - Header: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`, split on `,`, each element on its first
//!   `=`. Only `v1` counts: a header with only `v0` fails.
//! - Signed: `{t}.{body}`; HMAC-SHA256, lowercase hex; the `whsec_…` secret used verbatim as the key.
//! - Id: the event's `id` field, from the signed body.
//!
//! Source: <https://docs.stripe.com/webhooks#verify-manually>.

use http::{HeaderMap, HeaderName};

use super::Parsed;
use super::headers::{ListFormat, required_bytes, timestamped_list, value};
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;
use crate::verified::IdSource;

static FORMAT: ListFormat =
    ListFormat { separator: b',', trim: false, timestamp_key: b"t", signature_key: b"v1", milliseconds: false };

static SIGNATURE: HeaderName = HeaderName::from_static("stripe-signature");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let list = required_bytes(request.headers, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    let (digits, seconds) = timestamped_list(list, &SIGNATURE, &FORMAT, |entry| match entry {
        Some(text) => candidates.push(Candidate { kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &SIGNATURE),
        None => candidates.skip(&SIGNATURE),
    })?;
    Ok(Parsed {
        id: IdSource::BodyField("id"),
        timestamp: Some((seconds, &SIGNATURE)),
        signature_header: &SIGNATURE,
        candidates,
        signed: Signed::new(&[Piece::Bytes(digits), Piece::Bytes(b"."), Piece::Bytes(request.body)]),
    })
}

pub(super) fn render(headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), value(&format!("t={timestamp},v1={}", tag.to_hex()), &SIGNATURE)?);
    Ok(())
}

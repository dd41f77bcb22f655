//! Hook0, and Coinbase CDP, which signs with it.
//!
//! - Header: `X-Hook0-Signature: t=<unix seconds>[,v0=<hex>][,h=<names>,v1=<hex>]`, HMAC-SHA256 with the subscription
//!   secret as text.
//! - `v0` signs `{t}.{body}`. `v1` signs `{t}.{h}.{values}.{body}`: `h` is the covered header names joined by a space,
//!   `values` their values joined by `.`, in the order `h` lists them. When a `v1` is sent only `v1` is checked (a
//!   correct `v0` beside a wrong `v1` is a mismatch); `v0` counts only without a `v1`. Every header `h` names must
//!   have arrived, or the request is refused before any MAC. A non-hex or odd-length code, a repeated element or an
//!   `h` without a `v1` is malformed.
//! - Window: 300 s each way. Id: none in the signature; the covered `X-Event-Id` is what Coinbase sends (the receiver
//!   deduplicates on the signed body).
//!
//! Sources: `hook0/hook0` `output-worker/src/work.rs` (the example in `tests/schemes.rs`),
//! <https://docs.cdp.coinbase.com/webhooks/verify-signatures>.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{one, parse_timestamp, required_bytes, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static SIGNATURE: HeaderName = HeaderName::from_static("x-hook0-signature");

/// The elements of the header, each at most once.
#[derive(Default)]
struct Elements<'h> {
    t: Option<&'h [u8]>,
    v0: Option<&'h [u8]>,
    h: Option<&'h [u8]>,
    v1: Option<&'h [u8]>,
}

fn elements(value: &[u8]) -> Result<Elements<'_>, Error> {
    let malformed = |why| Error::malformed(SIGNATURE.clone(), why);
    let mut found = Elements::default();
    for element in value.split(|&byte| byte == b',') {
        let equals = element
            .iter()
            .position(|&byte| byte == b'=')
            .ok_or_else(|| malformed("has an element that is not `key=value`"))?;
        let (key, text) = (&element[..equals], &element[equals + 1..]);
        let slot = match key {
            b"t" => &mut found.t,
            b"v0" => &mut found.v0,
            b"h" => &mut found.h,
            b"v1" => &mut found.v1,
            _ => continue,
        };
        if slot.replace(text).is_some() {
            return Err(malformed("repeats an element"));
        }
    }
    for code in [found.v0, found.v1].into_iter().flatten() {
        if code.is_empty() || code.len() % 2 != 0 || !code.iter().all(u8::is_ascii_hexdigit) {
            return Err(malformed("carries a code that is not an even number of hex digits"));
        }
    }
    if found.h.is_some() != found.v1.is_some() {
        return Err(malformed("carries `h` without `v1`, or `v1` without `h`"));
    }
    Ok(found)
}

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let found = elements(required_bytes(request.headers, &SIGNATURE)?)?;
    let digits = found.t.ok_or_else(|| Error::malformed(SIGNATURE.clone(), "carries no `t` element"))?;
    let seconds = parse_timestamp(digits, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    let parsed = |candidates, signed| Parsed {
        id: IdSource::None,
        timestamp: Some((seconds, Some(&SIGNATURE))),
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed,
    };
    let Some((names, text)) = found.h.zip(found.v1) else {
        let text = found.v0.ok_or_else(|| Error::missing(SIGNATURE.clone()))?;
        candidates
            .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &SIGNATURE)?;
        return Ok(parsed(
            candidates,
            Signed::new(&[Piece::Bytes(digits), Piece::Bytes(b"."), Piece::Bytes(request.body)]),
        ));
    };
    let mut values = Vec::new();
    for (index, name) in names.split(|&byte| byte == b' ').enumerate() {
        let name = HeaderName::from_bytes(name)
            .map_err(|_| Error::malformed(SIGNATURE.clone(), "names a header that is not a header name"))?;
        let covered = one(request.headers, &name)?.ok_or_else(|| Error::missing(name.clone()))?;
        if index > 0 {
            values.push(b'.');
        }
        values.extend_from_slice(covered.as_bytes());
    }
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &SIGNATURE)?;
    let pieces = [
        Piece::Bytes(digits),
        Piece::Bytes(b"."),
        Piece::Bytes(names),
        Piece::Bytes(b"."),
        Piece::Built,
        Piece::Bytes(b"."),
        Piece::Bytes(request.body),
    ];
    Ok(parsed(candidates, Signed::new(&pieces).with_built(values)))
}

/// The `v0` header the test kit sends for `timestamp`.
pub(super) fn render(headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), value(&format!("t={timestamp},v0={}", tag.to_hex()), &SIGNATURE)?);
    Ok(())
}

/// The [`Scheme::Hook0`](crate::Scheme::Hook0) provider.
pub(super) struct Hook0;

impl Provider for Hook0 {
    fn name(&self) -> Cow<'static, str> {
        "coinbase-cdp".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["hook0"]
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Header("x-event-type")
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(headers, timestamp, tag)
    }
}

//! Contentful (request verification of its webhooks and app actions).
//!
//! - Headers: `x-contentful-signature: <hex>`, `x-contentful-signed-headers: <comma-separated names>` and
//!   `x-contentful-timestamp: <unix milliseconds>`; the signed list must include `x-contentful-timestamp`, and every
//!   header it names must be present.
//! - Signed: `{METHOD}\n{path}\n{headers}\n{body}`, HMAC-SHA256 with the 64-character secret as text. `headers` is
//!   each listed header as `name:value` (name lowercased and trimmed, value trimmed), sorted by name, joined with
//!   `;`. `path` is what Contentful's toolkit signs: `encodeURI(pathname + "?" + querystring.escape(query))`, so the
//!   query is escaped twice (`?q=1&w=2` is signed as `?q%253D1%2526w%253D2`), and a path without a query is
//!   `encodeURI(pathname)`; both taken from the request's raw path and query (behind a proxy that strips a prefix,
//!   the signed path is the one Contentful called: mount the route at the same path).
//! - Window: 30 s each way by default (the toolkit's default TTL). Id: none (deduplication on the signed body).
//!
//! Source: `contentful/node-apps-toolkit` `src/requests/sign-request.ts`, `utils.ts`, `verify-request.ts`.

use http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::IdSource;
use super::Parsed;
use super::headers::{one, parse_timestamp, required_bytes, required_str, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static SIGNATURE: HeaderName = HeaderName::from_static("x-contentful-signature");
static SIGNED_HEADERS: HeaderName = HeaderName::from_static("x-contentful-signed-headers");
static TIMESTAMP: HeaderName = HeaderName::from_static("x-contentful-timestamp");

/// What JavaScript's `encodeURI` escapes: everything but letters, digits and `;,/?:@&=+$-_.!~*'()#`.
const ENCODE_URI: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b';')
    .remove(b',')
    .remove(b'/')
    .remove(b'?')
    .remove(b':')
    .remove(b'@')
    .remove(b'&')
    .remove(b'=')
    .remove(b'+')
    .remove(b'$')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'#');

/// What Node's `querystring.escape` (`encodeURIComponent`) escapes: everything but letters, digits and `-_.!~*'()`.
const ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let digits = required_bytes(request.headers, &TIMESTAMP)?;
    let millis = parse_timestamp(digits, &TIMESTAMP)?;
    let text = required_bytes(request.headers, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &SIGNATURE)?;
    let method = request.method()?.as_str().as_bytes();
    let uri = request.uri.ok_or_else(Error::request_line_required)?;
    let path = match uri.query() {
        Some(query) => {
            let escaped = utf8_percent_encode(query, ESCAPE).to_string();
            utf8_percent_encode(&format!("{}?{escaped}", uri.path()), ENCODE_URI).to_string()
        }
        None => utf8_percent_encode(uri.path(), ENCODE_URI).to_string(),
    };
    let mut built = path.into_bytes();
    built.push(b'\n');
    built.extend_from_slice(&signed_headers(request.headers)?);
    Ok(Parsed {
        id: IdSource::None,
        timestamp: Some((millis.div_euclid(1000), Some(&TIMESTAMP))),
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[
            Piece::Bytes(method),
            Piece::Bytes(b"\n"),
            Piece::Built,
            Piece::Bytes(b"\n"),
            Piece::Bytes(request.body),
        ])
        .with_built(built),
    })
}

/// The listed headers as `name:value`, sorted by name, joined with `;`.
fn signed_headers(headers: &HeaderMap) -> Result<Vec<u8>, Error> {
    let list = required_str(headers, &SIGNED_HEADERS)?;
    let mut pairs = Vec::new();
    for name in list.split(',') {
        let name = name.trim().to_ascii_lowercase();
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::malformed(SIGNED_HEADERS.clone(), "lists a name that is not a header name"))?;
        let value = one(headers, &header)?.ok_or_else(|| Error::missing(header.clone()))?;
        let value = value.to_str().map_err(|_| Error::malformed(header.clone(), "is not visible ASCII"))?;
        pairs.push(format!("{name}:{}", value.trim()));
    }
    if !list.split(',').any(|name| name.trim().eq_ignore_ascii_case(TIMESTAMP.as_str())) {
        return Err(Error::malformed(SIGNED_HEADERS.clone(), "does not list `x-contentful-timestamp`"));
    }
    pairs.sort_unstable();
    Ok(pairs.join(";").into_bytes())
}

/// The headers the test kit sends at `timestamp` (unix seconds, sent as milliseconds), signing only the timestamp.
pub(super) fn render(headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(TIMESTAMP.clone(), value(&format!("{timestamp}000"), &TIMESTAMP)?);
    headers.insert(SIGNED_HEADERS.clone(), HeaderValue::from_static("x-contentful-timestamp"));
    headers.insert(SIGNATURE.clone(), value(&tag.to_hex(), &SIGNATURE)?);
    Ok(())
}

/// The [`Scheme::Contentful`](crate::Scheme::Contentful) provider.
pub(super) struct Contentful;

impl Provider for Contentful {
    fn name(&self) -> Cow<'static, str> {
        "contentful".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn default_tolerance(&self) -> Duration {
        Duration::from_secs(30)
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Header("x-contentful-topic")
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

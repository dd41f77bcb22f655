//! HubSpot, signature version 3.
//!
//! - Headers: `X-HubSpot-Signature-v3: <base64>` and `X-HubSpot-Request-Timestamp: <unix milliseconds>`.
//! - Signed: `{method}{url}{body}{timestamp}`, no separators, the URL exactly as HubSpot called it (protocol, host,
//!   path, query in its original order; configure `public_url` behind a proxy), the timestamp as sent.
//!   HMAC-SHA256 with the app's client secret.
//! - Window: 300 s each way by default ("reject … older than 5 minutes"; the SDKs check the past only).
//! - Id: none: a body is an array of events, each with its own `eventId`.
//! - The URL is signed byte for byte; HubSpot does not pin down how it escapes some characters, so prefer webhook URLs
//!   without percent-escapes.
//!
//! Sources: <https://developers.hubspot.com/docs/guides/apps/authentication/validating-requests>,
//! `HubSpot/hubspot-api-python` `hubspot/utils/signature.py`.

use http::{HeaderMap, HeaderName};

use super::Parsed;
use super::headers::{timestamp_and_signature, value};
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, KeyKind, Tag};
use crate::error::Error;
use crate::request::{Incoming, PublicUrl};
use crate::verified::IdSource;

static SIGNATURE: HeaderName = HeaderName::from_static("x-hubspot-signature-v3");
static TIMESTAMP: HeaderName = HeaderName::from_static("x-hubspot-request-timestamp");

pub(super) fn parse<'a>(request: &Incoming<'a>, public_url: Option<&PublicUrl>) -> Result<Parsed<'a, 'a>, Error> {
    let (digits, millis, text) = timestamp_and_signature(request.headers, &TIMESTAMP, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    candidates.push(Candidate { kind: KeyKind::Hmac, encoding: Encoding::Base64, text }, &SIGNATURE)?;
    let method = request.method()?.as_str().as_bytes();
    let url = request.url(public_url)?;
    let signed = Signed::new(&[Piece::Bytes(method), Piece::Url, Piece::Bytes(request.body), Piece::Bytes(digits)]);
    Ok(Parsed {
        id: IdSource::None,
        timestamp: Some((millis.div_euclid(1000), &TIMESTAMP)),
        signature_header: &SIGNATURE,
        candidates,
        signed: signed.with_urls(vec![url]),
    })
}

/// The headers for `timestamp` in unix seconds (sent as milliseconds).
pub(super) fn render(headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(TIMESTAMP.clone(), value(&format!("{timestamp}000"), &TIMESTAMP)?);
    headers.insert(SIGNATURE.clone(), value(&tag.to_base64(), &SIGNATURE)?);
    Ok(())
}

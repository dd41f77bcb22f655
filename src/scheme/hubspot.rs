//! HubSpot: signature version 3, and the legacy versions 1 and 2.
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
//! - Legacy versions 1 and 2 (`Scheme::HubSpotV1`, `Scheme::HubSpotV2`): `X-HubSpot-Signature: <hex>`, a bare
//!   SHA-256 (not an HMAC) of `{secret}{body}` (v1) or `{secret}{method}{url}{body}` (v2), named by
//!   `X-HubSpot-Signature-Version`. No timestamp, and open to length extension.
//!
//! Sources: <https://developers.hubspot.com/docs/guides/apps/authentication/validating-requests>,
//! `HubSpot/hubspot-api-python` `hubspot/utils/signature.py`.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{optional_str, required_bytes, timestamp_and_signature, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::{Incoming, PublicUrl};

static SIGNATURE: HeaderName = HeaderName::from_static("x-hubspot-signature-v3");
static TIMESTAMP: HeaderName = HeaderName::from_static("x-hubspot-request-timestamp");

pub(super) fn parse<'a>(request: &Incoming<'a>, public_url: Option<&PublicUrl>) -> Result<Parsed<'a, 'a>, Error> {
    let (digits, millis, text) = timestamp_and_signature(request.headers, &TIMESTAMP, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Base64, text }, &SIGNATURE)?;
    let method = request.method()?.as_str().as_bytes();
    let url = request.url(public_url)?;
    let signed = Signed::new(&[Piece::Bytes(method), Piece::Url, Piece::Bytes(request.body), Piece::Bytes(digits)]);
    Ok(Parsed {
        id: IdSource::None,
        timestamp: Some((millis.div_euclid(1000), Some(&TIMESTAMP))),
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
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

/// HubSpot's legacy versions: the value `X-HubSpot-Signature-Version` must carry, and whether the method and URL
/// are signed before the body.
pub(super) struct Legacy {
    version: &'static str,
    signs_request_line: bool,
}

/// Version 1: SHA-256 of `{secret}{body}`.
pub(super) static V1: Legacy = Legacy { version: "v1", signs_request_line: false };
/// Version 2: SHA-256 of `{secret}{method}{url}{body}`.
pub(super) static V2: Legacy = Legacy { version: "v2", signs_request_line: true };

static LEGACY_SIGNATURE: HeaderName = HeaderName::from_static("x-hubspot-signature");
static LEGACY_VERSION: HeaderName = HeaderName::from_static("x-hubspot-signature-version");

/// Versions 1 and 2: `X-HubSpot-Signature: <hex>`, a bare SHA-256 whose first input is the client secret (the key
/// supplies it). A version header naming another version is refused; an absent one is accepted.
pub(super) fn parse_legacy<'a>(
    request: &Incoming<'a>,
    legacy: &'static Legacy,
    public_url: Option<&PublicUrl>,
) -> Result<Parsed<'a, 'a>, Error> {
    if optional_str(request.headers, &LEGACY_VERSION)?.is_some_and(|version| version != legacy.version) {
        return Err(Error::malformed(
            LEGACY_VERSION.clone(),
            "names another signature version than the configured one",
        ));
    }
    let text = required_bytes(request.headers, &LEGACY_SIGNATURE)?;
    let mut candidates = Candidates::new();
    candidates.push(
        Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text },
        &LEGACY_SIGNATURE,
    )?;
    let signed = if legacy.signs_request_line {
        let method = request.method()?.as_str().as_bytes();
        let url = request.url(public_url)?;
        Signed::new(&[Piece::Bytes(method), Piece::Url, Piece::Bytes(request.body)]).with_urls(vec![url])
    } else {
        Signed::new(&[Piece::Bytes(request.body)])
    };
    Ok(Parsed {
        id: IdSource::None,
        timestamp: None,
        signature_header: Some(&LEGACY_SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed,
    })
}

pub(super) fn render_legacy(legacy: &Legacy, headers: &mut HeaderMap, tag: &Tag) -> Result<(), Error> {
    headers.insert(LEGACY_VERSION.clone(), http::HeaderValue::from_static(legacy.version));
    headers.insert(LEGACY_SIGNATURE.clone(), value(&tag.to_hex(), &LEGACY_SIGNATURE)?);
    Ok(())
}

/// The [`Scheme::HubSpot`](crate::Scheme::HubSpot) provider.
pub(super) struct HubSpot;

impl Provider for HubSpot {
    fn name(&self) -> Cow<'static, str> {
        "hubspot".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request, context.public_url)
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
/// The [`Scheme::HubSpotV1`](crate::Scheme::HubSpotV1) provider.
pub(super) struct HubSpotV1;

impl Provider for HubSpotV1 {
    fn name(&self) -> Cow<'static, str> {
        "hubspot-v1".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::SecretPrefixedSha256, SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse_legacy(request, &V1, None)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render_legacy(&V1, headers, tag)
    }
}
/// The [`Scheme::HubSpotV2`](crate::Scheme::HubSpotV2) provider.
pub(super) struct HubSpotV2;

impl Provider for HubSpotV2 {
    fn name(&self) -> Cow<'static, str> {
        "hubspot-v2".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::SecretPrefixedSha256, SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse_legacy(request, &V2, context.public_url)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render_legacy(&V2, headers, tag)
    }
}

//! Twilio.
//!
//! - Header: `X-Twilio-Signature: <base64 HMAC-SHA1(Auth Token, S)>`.
//! - S, for a form body: the URL Twilio called, then each POST parameter's name and value (form-decoded), sorted
//!   by name in byte order, no separators. A repeated name's values are sorted and de-duplicated, as the Python
//!   and Node SDKs do.
//! - S, for a JSON body: the URL alone, whose query carries `bodySHA256=<hex SHA-256 of the body>`, which must
//!   match the body.
//! - The URL byte for byte (scheme, userinfo, host, port, path, query), tried as reconstructed, without its port
//!   and with the scheme's default port, as the official SDKs try it.
//! - No timestamp: deduplication is the only replay defence. Id: `I-Twilio-Idempotency-Token`, **not signed**.
//!
//! Sources: <https://www.twilio.com/docs/usage/security>, `twilio/twilio-python` `request_validator.py`.

use std::borrow::Cow;

use http::{HeaderMap, HeaderName};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::IdSource;
use super::Parsed;
use super::headers::{optional_str, required_bytes, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::{Incoming, PublicUrl};

static SIGNATURE: HeaderName = HeaderName::from_static("x-twilio-signature");
static IDEMPOTENCY: HeaderName = HeaderName::from_static("i-twilio-idempotency-token");

/// The most form parameters one request may carry; Twilio sends a few dozen.
pub(crate) const MAX_FORM_PARAMETERS: usize = 512;

pub(super) fn parse<'a>(request: &Incoming<'a>, public_url: Option<&PublicUrl>) -> Result<Parsed<'a, 'a>, Error> {
    let text = required_bytes(request.headers, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Base64, text }, &SIGNATURE)?;
    let id = optional_str(request.headers, &IDEMPOTENCY)?;
    let url = request.url(public_url)?;
    let query = url.split_once('?').map_or("", |(_, query)| query);
    let body_hashes: Vec<Cow<'_, str>> =
        form_urlencoded::parse(query.as_bytes()).filter(|(name, _)| name == "bodySHA256").map(|(_, v)| v).collect();
    let signed = match body_hashes.as_slice() {
        [] => {
            check_form(request)?;
            let path = path_and_query(&url);
            Signed::new(&[Piece::Url, Piece::Built]).with_built_content(sorted_parameters(request.body)?, path)
        }
        [hash] => {
            check_body_hash(hash, request.body)?;
            Signed::new(&[Piece::Url])
        }
        _ => return Err(Error::malformed_body("the URL carries `bodySHA256` more than once")),
    };
    Ok(Parsed {
        id: id.map_or(IdSource::None, IdSource::UnsignedHeader),
        timestamp: None,
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed: signed.with_urls(url_variants(&url)),
    })
}

/// Without `bodySHA256`, a non-empty body must be a form: a JSON body signed without its hash is refused.
fn check_form(request: &Incoming<'_>) -> Result<(), Error> {
    let content_type = optional_str(request.headers, &http::header::CONTENT_TYPE)?.unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    let form = media_type.is_empty() || media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded");
    if !request.body.is_empty() && !form {
        return Err(Error::malformed_body("is not a form, and the URL carries no `bodySHA256` for it"));
    }
    Ok(())
}

/// `bodySHA256` must be the hex SHA-256 of the body as received.
fn check_body_hash(hash: &str, body: &[u8]) -> Result<(), Error> {
    let mut expected = [0u8; 32];
    hex::decode_to_slice(hash, &mut expected)
        .map_err(|_| Error::malformed_body("the URL's `bodySHA256` is not 64 hex digits"))?;
    if !bool::from(Sha256::digest(body).as_slice().ct_eq(&expected)) {
        return Err(Error::invalid_signature(
            Some(SIGNATURE.clone()),
            "covers a `bodySHA256` that is not this body's hash",
        ));
    }
    Ok(())
}

/// Each parameter's name followed by its value, sorted by name, a repeated name's values sorted and de-duplicated.
pub(super) fn sorted_parameters(body: &[u8]) -> Result<Vec<u8>, Error> {
    let mut parameters: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    for parameter in form_urlencoded::parse(body) {
        if parameters.len() == MAX_FORM_PARAMETERS {
            return Err(Error::malformed_body("has more form parameters than any Twilio request sends"));
        }
        parameters.push(parameter);
    }
    parameters.sort_unstable();
    parameters.dedup();
    let mut built = Vec::with_capacity(body.len());
    for (name, value) in &parameters {
        built.extend_from_slice(name.as_bytes());
        built.extend_from_slice(value.as_bytes());
    }
    Ok(built)
}

/// The path and query of an absolute URL: what follows its authority. Signed byte for byte with the rest of the URL;
/// unlike the authority, no variant of it is tried.
pub(super) fn path_and_query(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find(['/', '?']).map_or("", |start| &rest[start..])
}

/// The URL as reconstructed, without its port, and with the scheme's default port: each distinct one, in that
/// order. The port sits after the host, never inside the userinfo.
fn url_variants(url: &str) -> Vec<String> {
    let mut variants = vec![url.to_owned()];
    let Some((scheme, rest)) = url.split_once("://") else { return variants };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let (userinfo, host_port) = match authority.rfind('@') {
        Some(at) => authority.split_at(at + 1),
        None => ("", authority),
    };
    // An IPv6 host is bracketed; its port follows the `]`.
    let host_end = match host_port.rfind(']') {
        Some(bracket) => bracket + 1,
        None => host_port.rfind(':').unwrap_or(host_port.len()),
    };
    let host = &host_port[..host_end];
    let default_port = match scheme {
        "https" => ":443",
        "http" => ":80",
        _ => return variants,
    };
    let with_port = if host_end == host_port.len() { format!("{host}{default_port}") } else { host_port.to_owned() };
    for host_port in [host.to_owned(), with_port] {
        let variant = format!("{scheme}://{userinfo}{host_port}{path}");
        if !variants.contains(&variant) {
            variants.push(variant);
        }
    }
    variants
}

pub(super) fn render(headers: &mut HeaderMap, id: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), value(&tag.to_base64(), &SIGNATURE)?);
    if !id.is_empty() {
        headers.insert(IDEMPOTENCY.clone(), value(id, &IDEMPOTENCY)?);
    }
    Ok(())
}

/// The [`Scheme::Twilio`](crate::Scheme::Twilio) provider.
pub(super) struct Twilio;

impl Provider for Twilio {
    fn name(&self) -> Cow<'static, str> {
        "twilio".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    // Each name is followed by its value with no separator: where one ends and the next begins is not signed.
    fn signs_whole_body(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha1), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
    }

    fn content_type(&self) -> &'static str {
        "application/x-www-form-urlencoded"
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request, context.public_url)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(headers, id, tag)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_port_variants_keep_userinfo_and_path_and_appear_once_each() {
        assert_eq!(
            super::url_variants("https://user:pass@example.com:1234/a?b=1"),
            ["https://user:pass@example.com:1234/a?b=1", "https://user:pass@example.com/a?b=1"]
        );
        assert_eq!(
            super::url_variants("https://example.com/a"),
            ["https://example.com/a", "https://example.com:443/a"]
        );
        assert_eq!(super::url_variants("http://[::1]/x"), ["http://[::1]/x", "http://[::1]:80/x"]);
    }

    #[test]
    fn parameters_sort_by_name_not_by_the_joined_string() {
        // `Reason` sorts before `ReasonConferenceEnded` whatever their values; joining first would swap them.
        let built = super::sorted_parameters(b"ReasonConferenceEnded=a&Reason=z&To=%2B1&To=%2B1&To=%2B0").unwrap();
        assert_eq!(String::from_utf8(built).unwrap(), "ReasonzReasonConferenceEndedaTo+0To+1");
    }
}

//! Standard Webhooks 1.0 and Svix.
//!
//! Headers `webhook-id`, `webhook-timestamp`, `webhook-signature` (Svix: `svix-…`); signed bytes
//! `{id}.{timestamp}.{body}`; HMAC-SHA256; header value a space-separated list of `version,base64` entries of which
//! only `v1` is checked. Source: <https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md>.

use http::{HeaderMap, HeaderName};

use super::{Candidates, Found, Parsed, Tag, find, find_byte, parse_timestamp, split};
use crate::error::Error;

/// The three header names of one flavour.
pub(super) struct Names {
    id: HeaderName,
    timestamp: HeaderName,
    signature: HeaderName,
}

pub(super) static WEBHOOK: Names = Names {
    id: HeaderName::from_static("webhook-id"),
    timestamp: HeaderName::from_static("webhook-timestamp"),
    signature: HeaderName::from_static("webhook-signature"),
};

pub(super) static SVIX: Names = Names {
    id: HeaderName::from_static("svix-id"),
    timestamp: HeaderName::from_static("svix-timestamp"),
    signature: HeaderName::from_static("svix-signature"),
};

pub(super) fn parse<'a>(
    headers: &'a HeaderMap,
    names: &'static Names,
    tags: &mut Candidates<'a>,
) -> Result<Parsed<'a, 'static>, Error> {
    let [id, timestamp, signature] = find(headers, [&names.id, &names.timestamp, &names.signature]);
    assemble((id, &names.id), (timestamp, &names.timestamp), (signature, &names.signature), tags)
}

/// Svix reads each header under its `svix-` name first and falls back to the `webhook-` name.
pub(super) fn parse_svix<'a>(headers: &'a HeaderMap, tags: &mut Candidates<'a>) -> Result<Parsed<'a, 'static>, Error> {
    let [svix_id, id, svix_timestamp, timestamp, svix_signature, signature] = find(
        headers,
        [&SVIX.id, &WEBHOOK.id, &SVIX.timestamp, &WEBHOOK.timestamp, &SVIX.signature, &WEBHOOK.signature],
    );
    let id = svix_first((svix_id, &SVIX.id), (id, &WEBHOOK.id))?;
    let timestamp = svix_first((svix_timestamp, &SVIX.timestamp), (timestamp, &WEBHOOK.timestamp))?;
    let signature = svix_first((svix_signature, &SVIX.signature), (signature, &WEBHOOK.signature))?;
    assemble(id, timestamp, signature, tags)
}

/// What a request holds under a header, and the header's name.
type Header<'a> = (Found<'a>, &'static HeaderName);

/// The `svix-` header if it has a value, else the `webhook-` header; missing is reported under the Svix name.
fn svix_first<'a>(svix: Header<'a>, webhook: Header<'a>) -> Result<Header<'a>, Error> {
    if svix.0.bytes(svix.1)?.is_some() {
        return Ok(svix);
    }
    if webhook.0.bytes(webhook.1)?.is_none() {
        return Err(Error::missing(svix.1.clone()));
    }
    Ok(webhook)
}

#[inline]
fn assemble<'a>(
    (id, id_name): Header<'a>,
    (timestamp, timestamp_name): Header<'a>,
    (signature, signature_name): Header<'a>,
    tags: &mut Candidates<'a>,
) -> Result<Parsed<'a, 'static>, Error> {
    let id = id.required(id_name)?;
    let digits = timestamp.required_bytes(timestamp_name)?;
    let signatures = signature.required_bytes(signature_name)?;
    check_id(id, id_name)?;
    let seconds = parse_timestamp(digits, timestamp_name)?;
    for entry in split(signatures, b' ').filter(|entry| !entry.is_empty()) {
        match entry.strip_prefix(b"v1,") {
            Some(tag) => tags.push(tag, signature_name)?,
            None => tags.count(signature_name)?,
        }
    }
    Ok(Parsed {
        id: Some(id),
        timestamp: Some((digits, seconds)),
        timestamp_header: Some(timestamp_name),
        signature_header: signature_name,
    })
}

/// An id containing `.` would make `{id}.{timestamp}.{body}` ambiguous: the same bytes could be re-split into another
/// id, timestamp and body that carry the same signature.
fn check_id(id: &str, header: &HeaderName) -> Result<(), Error> {
    if find_byte(id.as_bytes(), b'.').is_some() {
        return Err(Error::malformed(header.clone(), "contains `.`, which would make the signed content ambiguous"));
    }
    Ok(())
}

pub(super) fn render(
    names: &Names,
    id: &str,
    timestamp: &str,
    tag: &Tag,
    headers: &mut HeaderMap,
) -> Result<(), Error> {
    check_id(id, &names.id)?;
    headers.insert(names.id.clone(), super::value(id, &names.id)?);
    headers.insert(names.timestamp.clone(), super::value(timestamp, &names.timestamp)?);
    let signature = format!("v1,{}", tag.to_base64());
    headers.insert(names.signature.clone(), super::value(&signature, &names.signature)?);
    Ok(())
}

//! Standard Webhooks 1.0 and Svix.
//!
//! Headers `webhook-id`, `webhook-timestamp`, `webhook-signature` (Svix: `svix-…`); signed bytes
//! `{id}.{timestamp}.{body}`; HMAC-SHA256; header value a space-separated list of `version,base64` entries of which
//! only `v1` is checked. Source: <https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md>.

use http::{HeaderMap, HeaderName};

use super::{Candidates, Found, Parsed, Tag, find, parse_timestamp};
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
    tags: &mut Candidates,
) -> Result<Parsed<'a, 'static>, Error> {
    let [id, timestamp, signature] = find(headers, [&names.id, &names.timestamp, &names.signature]);
    let id = (id.required(&names.id)?, &names.id);
    let timestamp = (timestamp.required(&names.timestamp)?, &names.timestamp);
    let signature = (signature.required(&names.signature)?, &names.signature);
    assemble(id, timestamp, signature, tags)
}

/// Svix reads each header under its `svix-` name first and falls back to the `webhook-` name.
pub(super) fn parse_svix<'a>(headers: &'a HeaderMap, tags: &mut Candidates) -> Result<Parsed<'a, 'static>, Error> {
    let [svix_id, id, svix_timestamp, timestamp, svix_signature, signature] = find(
        headers,
        [&SVIX.id, &WEBHOOK.id, &SVIX.timestamp, &WEBHOOK.timestamp, &SVIX.signature, &WEBHOOK.signature],
    );
    let id = svix_first((svix_id, &SVIX.id), (id, &WEBHOOK.id))?;
    let timestamp = svix_first((svix_timestamp, &SVIX.timestamp), (timestamp, &WEBHOOK.timestamp))?;
    let signature = svix_first((svix_signature, &SVIX.signature), (signature, &WEBHOOK.signature))?;
    assemble(id, timestamp, signature, tags)
}

/// A header's text and the name it was found under.
type Value<'a> = (&'a str, &'static HeaderName);

/// The `svix-` header's value if it has one, else the `webhook-` header's; missing is reported under the Svix name.
fn svix_first<'a>(
    (svix, svix_name): (Found<'a>, &'static HeaderName),
    (webhook, webhook_name): (Found<'a>, &'static HeaderName),
) -> Result<Value<'a>, Error> {
    if let Some(value) = svix.optional(svix_name)? {
        return Ok((value, svix_name));
    }
    let value = webhook.optional(webhook_name)?.ok_or_else(|| Error::missing(svix_name.clone()))?;
    Ok((value, webhook_name))
}

fn assemble<'a>(
    id: Value<'a>,
    timestamp: Value<'a>,
    signature: Value<'a>,
    tags: &mut Candidates,
) -> Result<Parsed<'a, 'static>, Error> {
    check_id(id.0, id.1)?;
    let seconds = parse_timestamp(timestamp.0, timestamp.1)?;
    let (value, header) = signature;
    for entry in value.split(' ').filter(|entry| !entry.is_empty()) {
        match entry.as_bytes().strip_prefix(b"v1,") {
            Some(tag) => tags.push(Tag::from_base64(tag), header)?,
            None => tags.count(header)?,
        }
    }
    Ok(Parsed {
        id: Some(id.0),
        timestamp: Some((timestamp.0, seconds)),
        timestamp_header: Some(timestamp.1),
        signature_header: header,
    })
}

/// An id containing `.` would make `{id}.{timestamp}.{body}` ambiguous: the same bytes could be re-split into another
/// id, timestamp and body that carry the same signature.
fn check_id(id: &str, header: &HeaderName) -> Result<(), Error> {
    if id.contains('.') {
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

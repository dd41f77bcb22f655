//! Standard Webhooks 1.0 and Svix.
//!
//! Headers `webhook-id`, `webhook-timestamp`, `webhook-signature` (Svix: `svix-…`); signed bytes
//! `{id}.{timestamp}.{body}`; HMAC-SHA256; header value a space-separated list of `version,base64` entries of which
//! only `v1` is checked. Source: <https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md>.

use http::{HeaderMap, HeaderName};

use super::{Candidates, Parsed, Tag, find, parse_timestamp};
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
    let found = find(
        headers,
        [&SVIX.id, &WEBHOOK.id, &SVIX.timestamp, &WEBHOOK.timestamp, &SVIX.signature, &WEBHOOK.signature],
    );
    let either =
        |index: usize, svix: &'static HeaderName, webhook: &'static HeaderName| match found[index].optional(svix)? {
            Some(value) => Ok((value, svix)),
            None => found[index + 1]
                .optional(webhook)?
                .map(|value| (value, webhook))
                .ok_or_else(|| Error::missing(svix.clone())),
        };
    let id = either(0, &SVIX.id, &WEBHOOK.id)?;
    let timestamp = either(2, &SVIX.timestamp, &WEBHOOK.timestamp)?;
    let signature = either(4, &SVIX.signature, &WEBHOOK.signature)?;
    assemble(id, timestamp, signature, tags)
}

type Found<'a> = (&'a str, &'static HeaderName);

fn assemble<'a>(
    id: Found<'a>,
    timestamp: Found<'a>,
    signature: Found<'a>,
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

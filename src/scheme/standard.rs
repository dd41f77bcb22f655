//! Standard Webhooks 1.0 and Svix.
//!
//! - Headers: `webhook-id`, `webhook-timestamp` (unix seconds), `webhook-signature` (Svix: `svix-…`, falling back
//!   to the `webhook-` names header by header, as Svix's libraries do).
//! - Signed: `{id}.{timestamp}.{body}`.
//! - Signature header: space-separated `version,base64` entries. `v1`: HMAC-SHA256, checked with `whsec_`
//!   secrets (base64 of 24–64 bytes). `v1a`: Ed25519, checked with `whpk_` public keys. Other versions skipped.
//! - Id: `webhook-id`, signed.
//!
//! Sources: <https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md>; `v1a` as in
//! the open Go, Python and JavaScript library PRs (see the crate's scheme notes).

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{one, parse_timestamp, required_bytes, required_str, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

/// One flavour: its name, its three header names, and whether it falls back to the `webhook-` names (Svix).
pub(super) struct Names {
    scheme: &'static str,
    id: HeaderName,
    timestamp: HeaderName,
    signature: HeaderName,
    falls_back: bool,
}

/// The [`Scheme::StandardWebhooks`](crate::Scheme::StandardWebhooks) provider.
pub(super) static WEBHOOK: Names = Names {
    scheme: "standard-webhooks",
    id: HeaderName::from_static("webhook-id"),
    timestamp: HeaderName::from_static("webhook-timestamp"),
    signature: HeaderName::from_static("webhook-signature"),
    falls_back: false,
};

/// The [`Scheme::Svix`](crate::Scheme::Svix) provider.
pub(super) static SVIX: Names = Names {
    scheme: "svix",
    id: HeaderName::from_static("svix-id"),
    timestamp: HeaderName::from_static("svix-timestamp"),
    signature: HeaderName::from_static("svix-signature"),
    falls_back: true,
};

/// Svix reads each header under its `svix-` name first and falls back to the `webhook-` name.
fn parse_svix<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let headers = request.headers;
    let id = svix_first(headers, &SVIX.id, &WEBHOOK.id)?;
    let timestamp = svix_first(headers, &SVIX.timestamp, &WEBHOOK.timestamp)?;
    let signature = svix_first(headers, &SVIX.signature, &WEBHOOK.signature)?;
    assemble(request, [id, timestamp, signature])
}

/// The `svix-` name if that header has a value, else the `webhook-` name; missing is reported under the Svix name.
fn svix_first(
    headers: &HeaderMap,
    svix: &'static HeaderName,
    webhook: &'static HeaderName,
) -> Result<&'static HeaderName, Error> {
    if one(headers, svix)?.is_some() {
        return Ok(svix);
    }
    if one(headers, webhook)?.is_none() {
        return Err(Error::missing(svix.clone()));
    }
    Ok(webhook)
}

fn assemble<'s, 'a: 's>(
    request: &Incoming<'a>,
    [id_name, timestamp_name, signature_name]: [&'s HeaderName; 3],
) -> Result<Parsed<'s, 'a>, Error> {
    let headers = request.headers;
    let id = required_str(headers, id_name)?;
    let digits = required_bytes(headers, timestamp_name)?;
    let signatures = required_bytes(headers, signature_name)?;
    check_id(id, id_name)?;
    let seconds = parse_timestamp(digits, timestamp_name)?;
    let mut candidates = Candidates::new();
    for entry in signatures.split(|&byte| byte == b' ').filter(|entry| !entry.is_empty()) {
        let kind = if let Some(text) = entry.strip_prefix(b"v1,") {
            Some((KeyKind::Hmac, text))
        } else {
            entry.strip_prefix(b"v1a,").map(|text| (KeyKind::Ed25519, text))
        };
        match kind {
            Some((kind, text)) => {
                candidates
                    .push(Candidate { for_key: ForKey::Any, kind, encoding: Encoding::Base64, text }, signature_name)?;
            }
            None => candidates.skip(signature_name)?,
        }
    }
    let signed = Signed::new(&[
        Piece::Bytes(id.as_bytes()),
        Piece::Bytes(b"."),
        Piece::Bytes(digits),
        Piece::Bytes(b"."),
        Piece::Bytes(request.body),
    ]);
    Ok(Parsed {
        id: IdSource::Signed(id),
        timestamp: Some((seconds, Some(timestamp_name))),
        signature_header: Some(signature_name),
        batch: Vec::new(),
        candidates,
        signed,
    })
}

/// The longest id accepted: the spec's ids are short, and the id becomes a dedup key.
pub(crate) const MAX_ID_LEN: usize = 256;

/// An id containing `.` would make `{id}.{timestamp}.{body}` ambiguous: the same bytes could be re-split into another
/// id, timestamp and body that carry the same signature. Ids are also at most [`MAX_ID_LEN`] bytes of visible ASCII
/// without spaces.
fn check_id(id: &str, header: &HeaderName) -> Result<(), Error> {
    if id.contains('.') {
        return Err(Error::malformed(header.clone(), "contains `.`, which would make the signed content ambiguous"));
    }
    if id.len() > MAX_ID_LEN {
        return Err(Error::malformed(header.clone(), "is longer than 256 bytes"));
    }
    if !id.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(Error::malformed(header.clone(), "contains white space or control characters"));
    }
    Ok(())
}

fn render(
    names: &Names,
    headers: &mut HeaderMap,
    id: &str,
    timestamp: &str,
    tag: &Tag,
    kind: KeyKind,
) -> Result<(), Error> {
    check_id(id, &names.id)?;
    headers.insert(names.id.clone(), value(id, &names.id)?);
    headers.insert(names.timestamp.clone(), value(timestamp, &names.timestamp)?);
    let version = if kind == KeyKind::Ed25519 { "v1a" } else { "v1" };
    let signature = format!("{version},{}", tag.to_base64());
    headers.insert(names.signature.clone(), value(&signature, &names.signature)?);
    Ok(())
}

impl Provider for Names {
    fn name(&self) -> Cow<'static, str> {
        self.scheme.into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    // The specification recommends payloads under 20 kB, and `v1a` (Ed25519) hashes the whole body per check.
    fn default_max_body_size(&self) -> usize {
        256 * 1024
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::StandardWebhooks))
    }

    fn public_key_format(&self) -> Option<PublicKeyFormat> {
        Some(PublicKeyFormat::StandardWebhooks)
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        if self.falls_back {
            return parse_svix(request);
        }
        assemble(request, [&self.id, &self.timestamp, &self.signature])
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (id, timestamp): (&str, &str),
        tag: &Tag,
        kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(self, headers, id, timestamp, tag, kind)
    }
}

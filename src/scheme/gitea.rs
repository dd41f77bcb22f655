//! Gitea, Forgejo and Gogs.
//!
//! - Header: `X-Gitea-Signature: <bare hex HMAC-SHA256(secret, body)>`; Forgejo also sends `X-Forgejo-Signature` and
//!   Gogs `X-Gogs-Signature`, with the same value: the first of the three that is present is read.
//! - Only the JSON content type: with the "form" content type Gitea signs the JSON and then sends it form-encoded
//!   (`payload=…`), which no signature over the received body can match, so such a body is refused as a
//!   configuration mistake (`MalformedBody`), not reported as a bad signature. Set the webhook's content type to
//!   `application/json`.
//! - No timestamp; `X-Gitea-Delivery` is not signed: deduplication is on the signed body.
//!
//! Source: `go-gitea/gitea` `services/webhook/deliver.go`.

use http::{HeaderMap, HeaderName, HeaderValue};

use super::IdSource;
use super::Parsed;
use super::headers::{one, value};
use super::provider::prelude::*;
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static GITEA: HeaderName = HeaderName::from_static("x-gitea-signature");
static FORGEJO: HeaderName = HeaderName::from_static("x-forgejo-signature");
static GOGS: HeaderName = HeaderName::from_static("x-gogs-signature");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let form = request
        .headers
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"application/x-www-form-urlencoded"));
    if form {
        return Err(Error::malformed_body(
            "is form-encoded: Gitea signs the JSON inside it, so set the webhook's content type to JSON",
        ));
    }
    let mut found = None;
    for header in [&GITEA, &FORGEJO, &GOGS] {
        if let Some(line) = one(request.headers, header)? {
            found = Some((header, line));
            break;
        }
    }
    let (header, line) = found.ok_or_else(|| Error::missing(GITEA.clone()))?;
    let mut candidates = Candidates::new();
    let text = HeaderValue::as_bytes(line);
    candidates.push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, header)?;
    Ok(Parsed::over_body(IdSource::None, header, candidates, request.body))
}

pub(super) fn render(headers: &mut HeaderMap, tag: &Tag) -> Result<(), Error> {
    headers.insert(GITEA.clone(), value(&tag.to_hex(), &GITEA)?);
    Ok(())
}

/// The [`Scheme::Gitea`](crate::Scheme::Gitea) provider.
pub(super) struct Gitea;

impl Provider for Gitea {
    fn name(&self) -> Cow<'static, str> {
        "gitea".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Header("x-gitea-event")
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(headers, tag)
    }
}

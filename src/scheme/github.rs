//! GitHub, and its legacy SHA-1 header.
//!
//! - `Scheme::GitHub`: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`.
//! - `Scheme::GitHubSha1`: `X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, body)>`, opt-in by name. The request never
//!   chooses the algorithm: each scheme reads only its own header and prefix.
//! - No timestamp. Id: `X-GitHub-Delivery`, **not signed**.
//!
//! Source: <https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries>.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{optional_str, required_bytes, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

/// One of GitHub's signature headers and the prefix its value carries.
pub(super) struct Header {
    name: HeaderName,
    prefix: &'static str,
    malformed: &'static str,
}

pub(super) static SHA256: Header = Header {
    name: HeaderName::from_static("x-hub-signature-256"),
    prefix: "sha256=",
    malformed: "does not start with `sha256=`",
};

pub(super) static SHA1: Header = Header {
    name: HeaderName::from_static("x-hub-signature"),
    prefix: "sha1=",
    malformed: "does not start with `sha1=`",
};

static DELIVERY: HeaderName = HeaderName::from_static("x-github-delivery");

pub(super) fn parse<'a>(request: &Incoming<'a>, header: &'static Header) -> Result<Parsed<'a, 'a>, Error> {
    let value = required_bytes(request.headers, &header.name)?;
    let Some(text) = value.strip_prefix(header.prefix.as_bytes()) else {
        return Err(Error::malformed(header.name.clone(), header.malformed));
    };
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &header.name)?;
    let id = optional_str(request.headers, &DELIVERY)?;
    Ok(Parsed {
        id: id.map_or(IdSource::None, IdSource::UnsignedHeader),
        timestamp: None,
        signature_header: Some(&header.name),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[Piece::Bytes(request.body)]),
    })
}

pub(super) fn render(header: &Header, headers: &mut HeaderMap, id: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(header.name.clone(), value(&format!("{}{}", header.prefix, tag.to_hex()), &header.name)?);
    if !id.is_empty() {
        headers.insert(DELIVERY.clone(), value(id, &DELIVERY)?);
    }
    Ok(())
}

/// The [`Scheme::GitHub`](crate::Scheme::GitHub) provider.
pub(super) struct GitHub;

impl Provider for GitHub {
    fn name(&self) -> Cow<'static, str> {
        "github".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn default_max_body_size(&self) -> usize {
        25 * 1024 * 1024
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::HeaderAndBody("x-github-event", "action")
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request, &SHA256)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(&SHA256, headers, id, tag)
    }
}
/// The [`Scheme::GitHubSha1`](crate::Scheme::GitHubSha1) provider.
pub(super) struct GitHubSha1;

impl Provider for GitHubSha1 {
    fn name(&self) -> Cow<'static, str> {
        "github-sha1".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn default_max_body_size(&self) -> usize {
        25 * 1024 * 1024
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha1), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::HeaderAndBody("x-github-event", "action")
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request, &SHA1)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(&SHA1, headers, id, tag)
    }
}

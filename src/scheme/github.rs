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

/// One of GitHub's signature headers, the prefix its value carries and the MAC it holds: each is a provider of its
/// own.
pub(super) struct Header {
    scheme: &'static str,
    name: HeaderName,
    prefix: &'static str,
    malformed: &'static str,
    algorithm: Algorithm,
}

/// The [`Scheme::GitHub`](crate::Scheme::GitHub) provider.
pub(super) static GITHUB: Header = Header {
    scheme: "github",
    name: HeaderName::from_static("x-hub-signature-256"),
    prefix: "sha256=",
    malformed: "does not start with `sha256=`",
    algorithm: Algorithm::HmacSha256,
};

/// The [`Scheme::GitHubSha1`](crate::Scheme::GitHubSha1) provider.
pub(super) static GITHUB_SHA1: Header = Header {
    scheme: "github-sha1",
    name: HeaderName::from_static("x-hub-signature"),
    prefix: "sha1=",
    malformed: "does not start with `sha1=`",
    algorithm: Algorithm::HmacSha1,
};

static DELIVERY: HeaderName = HeaderName::from_static("x-github-delivery");

fn parse<'s, 'a: 's>(request: &Incoming<'a>, header: &'s Header) -> Result<Parsed<'s, 'a>, Error> {
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

fn render(header: &Header, headers: &mut HeaderMap, id: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(header.name.clone(), value(&format!("{}{}", header.prefix, tag.to_hex()), &header.name)?);
    if !id.is_empty() {
        headers.insert(DELIVERY.clone(), value(id, &DELIVERY)?);
    }
    Ok(())
}

impl Provider for Header {
    fn name(&self) -> Cow<'static, str> {
        self.scheme.into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    // GitHub's documented payload cap.
    fn default_max_body_size(&self) -> usize {
        25 * 1024 * 1024
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(self.algorithm), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::HeaderAndBody("x-github-event", "action")
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request, self)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(self, headers, id, tag)
    }
}

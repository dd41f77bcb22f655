//! Shopify.
//!
//! - Header: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(app secret, body)>`.
//! - No timestamp. Id: `X-Shopify-Webhook-Id`, **not signed**.
//!
//! Source: <https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify>.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{optional_str, required_bytes, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static SIGNATURE: HeaderName = HeaderName::from_static("x-shopify-hmac-sha256");
static WEBHOOK_ID: HeaderName = HeaderName::from_static("x-shopify-webhook-id");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let text = required_bytes(request.headers, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Base64, text }, &SIGNATURE)?;
    let id = optional_str(request.headers, &WEBHOOK_ID)?;
    Ok(Parsed {
        id: id.map_or(IdSource::None, IdSource::UnsignedHeader),
        timestamp: None,
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[Piece::Bytes(request.body)]),
    })
}

pub(super) fn render(headers: &mut HeaderMap, id: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), value(&tag.to_base64(), &SIGNATURE)?);
    if !id.is_empty() {
        headers.insert(WEBHOOK_ID.clone(), value(id, &WEBHOOK_ID)?);
    }
    Ok(())
}

/// The [`Scheme::Shopify`](crate::Scheme::Shopify) provider.
pub(super) struct Shopify;

impl Provider for Shopify {
    fn name(&self) -> Cow<'static, str> {
        "shopify".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Header("x-shopify-topic")
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request)
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

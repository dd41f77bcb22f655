//! Square.
//!
//! - Header: `x-square-hmacsha256-signature: <base64 HMAC-SHA256(signature key, notification URL ‖ body)>`.
//! - The URL is the subscription's **configured** notification URL, byte for byte (a trailing slash counts), never
//!   rebuilt from the request; the signature key is used as text, although it looks like base64url.
//! - The legacy `x-square-signature` (HMAC-SHA1) is not supported: alone, it is a missing signature.
//! - No timestamp. Id: the event's `event_id`, from the signed body. An empty body is refused.
//!
//! Sources: <https://developer.squareup.com/docs/webhooks/step3validate>, `square/square-python-sdk`
//! `src/square/utils/webhooks_helper.py` and its test (the example in `tests/schemes.rs`).

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{required_bytes, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static SIGNATURE: HeaderName = HeaderName::from_static("x-square-hmacsha256-signature");

pub(super) fn parse<'s, 'a: 's>(request: &Incoming<'a>, notification_url: &'s str) -> Result<Parsed<'s, 'a>, Error> {
    let text = required_bytes(request.headers, &SIGNATURE)?;
    if request.body.is_empty() {
        return Err(Error::malformed_body("is empty, and Square signs a notification body"));
    }
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Base64, text }, &SIGNATURE)?;
    Ok(Parsed {
        id: IdSource::BodyField(&["event_id"]),
        timestamp: None,
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[Piece::Bytes(notification_url.as_bytes()), Piece::Bytes(request.body)]),
    })
}

pub(super) fn render(headers: &mut HeaderMap, tag: &Tag) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), value(&tag.to_base64(), &SIGNATURE)?);
    Ok(())
}

/// Square's subscription, as [`Scheme::square`](crate::Scheme::square) builds it: the notification URL Square signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Square {
    notification_url: String,
}

impl Square {
    /// No notification URL: the verifier will not build.
    pub(super) const UNCONFIGURED: Self = Self { notification_url: String::new() };

    pub(super) const fn new(notification_url: String) -> Self {
        Self { notification_url }
    }

    /// The notification URL exactly as entered in the Square subscription.
    #[must_use]
    pub fn notification_url(&self) -> &str {
        &self.notification_url
    }
}

impl From<Square> for super::Scheme {
    fn from(square: Square) -> Self {
        Self::Square(square)
    }
}

impl Provider for Square {
    fn name(&self) -> Cow<'static, str> {
        "square".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.notification_url.trim().is_empty() {
            return Err(ConfigError::InvalidScheme("Square needs the subscription's notification URL"));
        }
        Ok(())
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request, &self.notification_url)
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

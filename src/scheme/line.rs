//! LINE Messaging API.
//!
//! - Header: `x-line-signature: <base64 HMAC-SHA256(channel secret, body)>`, no prefix.
//! - No timestamp; the body is a batch of `events`, each with its `webhookEventId`: deduplicate per event in the
//!   handler.
//! - Handshake: the console's "Verify" button sends a signed body with `"events":[]`; once verified it is answered
//!   `200` with an empty body, without reaching the handler.
//!
//! Source: `line/line-bot-sdk-python` `tests/test_signature.py` (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-line-signature"), prefix: "", encoding: Encoding::Base64 };

/// The [`Scheme::Line`](crate::Scheme::Line) provider.
pub(super) struct Line;

impl Provider for Line {
    fn name(&self) -> Cow<'static, str> {
        "line".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::body_only::parse(request, &TAG, IdSource::None)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::body_only::render(&TAG, headers, tag)
    }

    fn handshake(&self, request: &Incoming<'_>, _key: &Key) -> Result<Option<Handshake>, Error> {
        Ok(super::provider::no_events(request.body).then(Handshake::empty))
    }
}

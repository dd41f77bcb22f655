//! FastSpring.
//!
//! - Header: `X-FS-Signature: <base64 HMAC-SHA256(secret, body)>`, no prefix.
//! - No timestamp; the body is a batch of events, each with its own `id`: deduplicate per event in the handler.
//!
//! Source: <https://developer.fastspring.com/docs/message-security>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-fs-signature"), prefix: "", encoding: Encoding::Base64 };

/// The [`Scheme::FastSpring`](crate::Scheme::FastSpring) provider.
pub(super) struct FastSpring;

impl Provider for FastSpring {
    fn name(&self) -> Cow<'static, str> {
        "fastspring".into()
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
}

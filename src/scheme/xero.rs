//! Xero.
//!
//! - Header: `x-xero-signature: <base64 HMAC-SHA256(webhook key, body)>`.
//! - No timestamp; the body is a batch of `events`: deduplicate per event in your handler.
//! - Handshake: Xero's "Intent to Receive" sends signed and badly signed requests whose `events` is empty; a verified
//!   one is answered `200` with an empty body (a badly signed one gets the `401` of any bad signature).
//!
//! Source: <https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-xero-signature"), prefix: "", encoding: Encoding::Base64 };

/// The [`Scheme::Xero`](crate::Scheme::Xero) provider.
pub(super) struct Xero;

impl Provider for Xero {
    fn name(&self) -> Cow<'static, str> {
        "xero".into()
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

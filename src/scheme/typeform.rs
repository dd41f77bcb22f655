//! Typeform.
//!
//! - Header: `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>`: **base64** despite the prefix.
//! - No timestamp: deduplication is the only replay defence. Id: the event's `event_id`, from the signed body.
//!
//! Source: <https://www.typeform.com/developers/webhooks/secure-your-webhooks/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("typeform-signature"), prefix: "sha256=", encoding: Encoding::Base64 };

/// The [`Scheme::Typeform`](crate::Scheme::Typeform) provider.
pub(super) struct Typeform;

impl Provider for Typeform {
    fn name(&self) -> Cow<'static, str> {
        "typeform".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event_type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::body_only::parse(request, &TAG, IdSource::BodyField(&["event_id"]))
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

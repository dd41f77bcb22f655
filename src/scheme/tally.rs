//! Tally.
//!
//! - Header: `Tally-Signature: <base64 HMAC-SHA256(signing secret, body)>`.
//! - No timestamp. Id: the event's `eventId`, from the signed body.
//!
//! Source: <https://tally.so/help/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("tally-signature"), prefix: "", encoding: Encoding::Base64 };

/// The [`Scheme::Tally`](crate::Scheme::Tally) provider.
pub(super) struct Tally;

impl Provider for Tally {
    fn name(&self) -> Cow<'static, str> {
        "tally".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["eventType"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::body_only::parse(request, &TAG, IdSource::BodyField(&["eventId"]))
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

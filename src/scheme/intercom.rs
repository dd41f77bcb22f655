//! Intercom.
//!
//! - Header: `X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, body)>` (GitHub's legacy format).
//! - No timestamp. Id: the notification's `id`, from the signed body.
//!
//! Source: <https://developers.intercom.com/docs/references/webhooks/webhook-models>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-hub-signature"), prefix: "sha1=", encoding: Encoding::Hex };

/// The [`Scheme::Intercom`](crate::Scheme::Intercom) provider.
pub(super) struct Intercom;

impl Provider for Intercom {
    fn name(&self) -> Cow<'static, str> {
        "intercom".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha1), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["topic"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::body_only::parse(request, &TAG, IdSource::BodyField(&["id"]))
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

//! Vercel.
//!
//! - Header: `x-vercel-signature: <hex HMAC-SHA1(secret, body)>`, no prefix. The key is the webhook's secret (for
//!   integration webhooks, the integration's Client Secret).
//! - No timestamp. Id: the event's `id`, from the signed body.
//!
//! Source: <https://vercel.com/docs/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-vercel-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Vercel`](crate::Scheme::Vercel) provider.
pub(super) struct Vercel;

impl Provider for Vercel {
    fn name(&self) -> Cow<'static, str> {
        "vercel".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha1), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["type"])
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

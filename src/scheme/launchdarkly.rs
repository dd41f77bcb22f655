//! LaunchDarkly.
//!
//! - Header: `X-LD-Signature: <hex HMAC-SHA256(secret, body)>`, no prefix.
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.launchdarkly.com/home/connecting/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-ld-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::LaunchDarkly`](crate::Scheme::LaunchDarkly) provider.
pub(super) struct LaunchDarkly;

impl Provider for LaunchDarkly {
    fn name(&self) -> Cow<'static, str> {
        "launchdarkly".into()
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

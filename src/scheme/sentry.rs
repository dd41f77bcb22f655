//! Sentry integration platform.
//!
//! - Header: `Sentry-Hook-Signature: <hex HMAC-SHA256(client secret, body)>`. An empty body is signed as empty.
//!   The legacy `sentry-app-signature` is not read.
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.sentry.io/organization/integrations/integration-platform/webhooks/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("sentry-hook-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Sentry`](crate::Scheme::Sentry) provider.
pub(super) struct Sentry;

impl Provider for Sentry {
    fn name(&self) -> Cow<'static, str> {
        "sentry".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::HeaderAndBody("sentry-hook-resource", "action")
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

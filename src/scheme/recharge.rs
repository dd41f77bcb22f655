//! Recharge.
//!
//! - Header: `X-Recharge-Hmac-Sha256: <hex>`, which is a bare **SHA-256 of the client secret followed by the body**,
//!   not an HMAC, whatever its name says (so open to length extension); compared in constant time like any tag.
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.getrecharge.com/docs/webhooks-overview>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-recharge-hmac-sha256"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Recharge`](crate::Scheme::Recharge) provider.
pub(super) struct Recharge;

impl Provider for Recharge {
    fn name(&self) -> Cow<'static, str> {
        "recharge".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::SecretPrefixedSha256, SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Header("x-recharge-topic")
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

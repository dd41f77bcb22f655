//! Paystack.
//!
//! - Header: `x-paystack-signature: <hex HMAC-SHA512(secret API key, body)>`: a 64-byte tag.
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://paystack.com/docs/payments/webhooks/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-paystack-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Paystack`](crate::Scheme::Paystack) provider.
pub(super) struct Paystack;

impl Provider for Paystack {
    fn name(&self) -> Cow<'static, str> {
        "paystack".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha512), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event"])
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

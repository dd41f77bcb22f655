//! GoCardless.
//!
//! - Header: `Webhook-Signature: <hex HMAC-SHA256(endpoint secret, body)>`, no prefix (not Standard Webhooks, despite
//!   the header's name).
//! - No timestamp; the body is a batch of `events`, each with its own `id`: deduplicate per event in the handler.
//!
//! Source: `gocardless/gocardless-pro-ruby` `spec/webhook_spec.rb` (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("webhook-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::GoCardless`](crate::Scheme::GoCardless) provider.
pub(super) struct GoCardless;

impl Provider for GoCardless {
    fn name(&self) -> Cow<'static, str> {
        "gocardless".into()
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

//! Nylas (API v3).
//!
//! - Header: `x-nylas-signature: <hex HMAC-SHA256(webhook secret, body)>`, keyed with the endpoint's `webhook_secret`
//!   (v2's client-secret signatures are not supported). Compressed deliveries are signed compressed: verify before
//!   inflating (the crate refuses a `Content-Encoding` anyway).
//! - No timestamp; deduplication is on the signed body.
//! - Handshake: the **unsigned** `GET ?challenge=<value>` is answered with exactly the value, as plain text. It needs
//!   the request line: verify a whole request or its head.
//!
//! Source: <https://developer.nylas.com/docs/v3/notifications/webhooks/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-nylas-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Nylas`](crate::Scheme::Nylas) provider.
pub(super) struct Nylas;

impl Provider for Nylas {
    fn name(&self) -> Cow<'static, str> {
        "nylas".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["type"])
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

    fn is_unsigned_check(&self, request: &Incoming<'_>) -> bool {
        super::query::is_challenge(request)
    }

    fn unsigned_handshake(&self, request: &Incoming<'_>, _keys: &CheckKeys<'_>) -> Result<Handshake, Error> {
        Ok(super::query::echo_challenge(request))
    }
}

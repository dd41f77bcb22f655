//! Dropbox.
//!
//! - Header: `X-Dropbox-Signature: <hex HMAC-SHA256(app secret, body)>`, no prefix.
//! - No timestamp and no delivery id: a notification only says that something changed, so handle it idempotently
//!   (deduplication is on the signed body).
//! - Handshake: the **unsigned** `GET ?challenge=<value>` Dropbox sends when the URL is saved is answered with the
//!   value as plain text (`nosniff`: the text is the caller's). Only a `GET` whose query has exactly one `challenge`;
//!   it never reaches a handler or the dedup store. It needs the request line: verify through
//!   a whole request or its head ([`RequestView`](crate::RequestView)).
//!
//! Source: <https://www.dropbox.com/developers/reference/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-dropbox-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Dropbox`](crate::Scheme::Dropbox) provider.
pub(super) struct Dropbox;

impl Provider for Dropbox {
    fn name(&self) -> Cow<'static, str> {
        "dropbox".into()
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

    fn is_unsigned_check(&self, request: &Incoming<'_>) -> bool {
        super::query::is_challenge(request)
    }

    fn unsigned_handshake(&self, request: &Incoming<'_>, _keys: &CheckKeys<'_>) -> Result<Handshake, Error> {
        Ok(super::query::echo_challenge(request))
    }
}

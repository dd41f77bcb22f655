//! Notion.
//!
//! - Header: `X-Notion-Signature: sha256=<hex HMAC-SHA256(verification token, body)>`, keyed with the
//!   subscription's `verification_token`.
//! - No timestamp; deduplication is on the signed body.
//! - Handshake: when the subscription is created, Notion sends an **unsigned** `POST {"verification_token":"…"}`.
//!   During setup only (the verifier, or the tenant's resolved keys, has no key yet) it is handed to the verifier's
//!   [`on_verification_token`](crate::VerifierBuilder::on_verification_token) callback with the tenant, never to an
//!   event handler, and answered `200`. Without a callback, or once a key is configured, it is refused (`403`) and
//!   the callback is not called. Anyone can send such a request: only a token you then confirm in Notion's settings
//!   is genuine. Configure it as the secret afterwards, which ends the setup period.
//!
//! Source: <https://developers.notion.com/reference/webhooks> (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;
use super::{CheckKeys, TokenCallback};
use crate::error::{Detail, Error, ErrorKind};
use crate::handshake::Handshake;
use crate::json_field::top_level_field;
use crate::request::Incoming;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-notion-signature"), prefix: "sha256=", encoding: Encoding::Hex };

/// Notion's verification request: no signature header, a body carrying `verification_token`.
pub(super) fn is_check(request: &Incoming<'_>) -> bool {
    !request.headers.contains_key(&TAG.header) && top_level_field::<&str>(request.body, "verification_token").is_some()
}

/// The answer to it: during setup (no key configured for the tenant yet), the token handed to `callback` with the
/// tenant, then `200`; otherwise refused.
pub(super) fn answer(
    request: &Incoming<'_>,
    keys: &CheckKeys<'_>,
    callback: Option<&TokenCallback>,
) -> Result<Handshake, Error> {
    let Some(callback) = callback else {
        let why = "is Notion's verification request, and no `on_verification_token` callback is configured";
        return Err(Error::new(ErrorKind::HandshakeRefused, None, Detail::Text(why)));
    };
    if keys.configured {
        let why = "is Notion's verification request, refused once a verification token is configured as the secret";
        return Err(Error::new(ErrorKind::HandshakeRefused, None, Detail::Text(why)));
    }
    if let Some(token) = top_level_field::<&str>(request.body, "verification_token") {
        callback(keys.tenant, token);
    }
    Ok(Handshake::empty())
}

/// The [`Scheme::Notion`](crate::Scheme::Notion) provider.
pub(super) struct Notion;

impl Provider for Notion {
    fn name(&self) -> Cow<'static, str> {
        "notion".into()
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
        is_check(request)
    }

    fn unsigned_check_needs_keys(&self, _request: &Incoming<'_>, config: &CheckConfig<'_>) -> Result<bool, Error> {
        Ok(config.on_verification_token.is_some())
    }

    fn unsigned_handshake(
        &self,
        request: &Incoming<'_>,
        keys: &CheckKeys<'_>,
        config: &CheckConfig<'_>,
    ) -> Result<Handshake, Error> {
        answer(request, keys, config.on_verification_token)
    }
}

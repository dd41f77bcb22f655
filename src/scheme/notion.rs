//! Notion.
//!
//! - Header: `X-Notion-Signature: sha256=<hex HMAC-SHA256(verification token, body)>`, keyed with the
//!   subscription's `verification_token`.
//! - No timestamp; deduplication is on the signed body.
//! - Handshake: when the subscription is created, Notion sends an **unsigned** `POST {"verification_token":"…"}`.
//!   It is handed to the verifier's [`on_verification_token`](crate::VerifierBuilder::on_verification_token)
//!   callback, never to an event handler, and answered `200`; without a callback it is refused (`403`). Anyone can
//!   send such a request: only a token you then confirm in Notion's settings is genuine. Configure it as the secret
//!   afterwards.
//!
//! Source: <https://developers.notion.com/reference/webhooks> (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::body_only::BodyTag;
use super::tag::Encoding;
use crate::error::{Detail, Error, ErrorKind};
use crate::handshake::Handshake;
use crate::request::Incoming;
use crate::verified::top_level_field;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-notion-signature"), prefix: "sha256=", encoding: Encoding::Hex };

/// Notion's verification request: no signature header, a body carrying `verification_token`.
pub(super) fn is_check(request: &Incoming<'_>) -> bool {
    !request.headers.contains_key(&TAG.header) && top_level_field::<&str>(request.body, "verification_token").is_some()
}

/// The answer to it: the token handed to `callback`, then `200`.
pub(super) fn answer(
    request: &Incoming<'_>,
    callback: Option<&(dyn Fn(&str) + Send + Sync)>,
) -> Result<Handshake, Error> {
    let Some(callback) = callback else {
        let why = "is Notion's verification request, and no `on_verification_token` callback is configured";
        return Err(Error::new(ErrorKind::HandshakeRefused, None, Detail::Text(why)));
    };
    if let Some(token) = top_level_field::<&str>(request.body, "verification_token") {
        callback(token);
    }
    Ok(Handshake::empty())
}

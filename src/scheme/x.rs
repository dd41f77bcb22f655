//! X (Twitter) Account Activity API.
//!
//! - Header: `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, body)>`, keyed with the
//!   app's consumer (API) secret, never a bearer or access token.
//! - No timestamp; deduplication is on the signed body.
//! - Handshake: the CRC check, an **unsigned** `GET ?crc_token=<token>` (on registration, then hourly to daily), is
//!   answered with `{"response_token":"sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>"}`, with the first key
//!   valid now. A `GET` without a `crc_token` is a missing signature (`400`). It needs the request line: verify
//!   with a whole request or its head.
//! - **The CRC answer and a delivery's signature are the same MAC**, so their inputs are kept apart: a `crc_token`
//!   must be 1 to 128 characters of `A-Z a-z 0-9 + / = _ -` (X sends a short base64 token; anything else is `400`
//!   and no MAC is computed), and a delivery's body must be a JSON object (`{…}`), which no such token can be. So no
//!   unsigned request ever obtains a MAC over bytes that would verify as a delivery.
//!
//! Source: <https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks>.

use std::borrow::Cow;

use base64::Engine as _;
use http::HeaderName;

use super::IdSource;
use super::Parsed;
use super::body_only::{self, BodyTag};
use super::provider::prelude::*;
use super::query::get_param;
use super::tag::Encoding;
use crate::error::{Detail, Error, ErrorKind};
use crate::handshake::Handshake;
use crate::key::{Key, Material};
use crate::request::Incoming;

pub(super) static TAG: BodyTag = BodyTag {
    header: HeaderName::from_static("x-twitter-webhooks-signature"),
    prefix: "sha256=",
    encoding: Encoding::Base64,
};

/// The longest `crc_token` answered. X's tokens are short base64 strings.
const MAX_CRC_TOKEN: usize = 128;

/// X's CRC check: a `GET` with exactly one `crc_token`.
pub(super) fn is_check(request: &Incoming<'_>) -> bool {
    get_param(request, "crc_token").is_some()
}

/// Whether `token` may be answered: 1 to [`MAX_CRC_TOKEN`] bytes of the base64 and base64url alphabets. Such a token
/// never starts with `{`, so its MAC is never the signature of a delivery body.
fn is_plain_token(token: &str) -> bool {
    (1..=MAX_CRC_TOKEN).contains(&token.len())
        && token.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'=' | b'_' | b'-'))
}

/// The CRC check's token, refused unless plain, before any key is looked up or any MAC computed.
fn plain_token<'a>(request: &Incoming<'a>) -> Result<Cow<'a, str>, Error> {
    match get_param(request, "crc_token") {
        Some(token) if is_plain_token(&token) => Ok(token),
        _ => Err(Error::malformed_body(
            "belongs to X's CRC check, whose `crc_token` is not 1 to 128 characters of `A-Za-z0-9+/=_-`",
        )),
    }
}

/// Refuses a CRC check whose token is not plain: see [`plain_token`].
pub(super) fn check_token(request: &Incoming<'_>) -> Result<(), Error> {
    plain_token(request).map(drop)
}

/// A delivery: the body must be a JSON object, which no CRC token can be, before its signature is looked at.
pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let body = request.body.trim_ascii();
    if !(body.starts_with(b"{") && body.ends_with(b"}")) {
        return Err(Error::malformed_body("is not a JSON object, and X signs only JSON objects"));
    }
    body_only::parse(request, &TAG, IdSource::None)
}

/// The answer to it: the token's MAC under the consumer secret, for a plain token only.
pub(super) fn answer(request: &Incoming<'_>, key: Option<&Key>) -> Result<Handshake, Error> {
    let token = plain_token(request)?;
    let Some(Material::Hmac(mac)) = key.map(|key| &key.material) else {
        return Err(Error::new(ErrorKind::InvalidSignature, None, Detail::Text("has no key valid now to answer with")));
    };
    let tag = base64::engine::general_purpose::STANDARD.encode(mac.tag_of(token.as_bytes()).as_slice());
    Ok(Handshake::json(&serde_json::json!({ "response_token": format!("sha256={tag}") })))
}

/// The [`Scheme::X`](crate::Scheme::X) provider.
pub(super) struct X;

impl Provider for X {
    fn name(&self) -> Cow<'static, str> {
        "x".into()
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
        parse(request)
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

    fn unsigned_check_needs_keys(&self, request: &Incoming<'_>) -> Result<bool, Error> {
        check_token(request).map(|()| true)
    }

    fn unsigned_handshake(&self, request: &Incoming<'_>, keys: &CheckKeys<'_>) -> Result<Handshake, Error> {
        answer(request, keys.key)
    }
}

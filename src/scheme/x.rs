//! X (Twitter) Account Activity API.
//!
//! - Header: `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, body)>`, keyed with the
//!   app's consumer (API) secret, never a bearer or access token.
//! - No timestamp; deduplication is on the signed body.
//! - Handshake: the CRC check, an **unsigned** `GET ?crc_token=<token>` (on registration, then hourly to daily), is
//!   answered with `{"response_token":"sha256=<base64 HMAC-SHA256(consumer secret, crc_token)>"}`, with the first key
//!   valid now. A `GET` without a `crc_token` is a missing signature (`400`). It needs the request line: verify
//!   through `verify_request` or `verify_parts`.
//!
//! Source: <https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks>.

use base64::Engine as _;
use http::HeaderName;

use super::body_only::BodyTag;
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

/// X's CRC check: a `GET` with exactly one `crc_token`.
pub(super) fn is_check(request: &Incoming<'_>) -> bool {
    get_param(request, "crc_token").is_some()
}

/// The answer to it: the token's MAC under the consumer secret.
pub(super) fn answer(request: &Incoming<'_>, key: Option<&Key>) -> Result<Handshake, Error> {
    let Some(Material::Hmac(mac)) = key.map(|key| &key.material) else {
        return Err(Error::new(ErrorKind::InvalidSignature, None, Detail::Text("has no key valid now to answer with")));
    };
    let token = get_param(request, "crc_token").unwrap_or_default();
    let tag = base64::engine::general_purpose::STANDARD.encode(mac.tag_of(token.as_bytes()).as_slice());
    Ok(Handshake::json(&serde_json::json!({ "response_token": format!("sha256={tag}") })))
}

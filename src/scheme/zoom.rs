//! Zoom.
//!
//! - Headers: `x-zm-request-timestamp: <unix>` and `x-zm-signature: v0=<hex>`.
//! - Signed: `v0:{timestamp}:{body}`; HMAC-SHA256 keyed with the app's secret token. The deprecated verification
//!   token is not accepted.
//! - Window: the crate's 300 s each way (Zoom publishes none; its sample checks none).
//! - Id: none (deduplication on the signed body).
//! - Handshake: a verified `endpoint.url_validation` (sent when the URL is saved, then every 72 hours) is answered
//!   with `{"plainToken": <as received>, "encryptedToken": <hex HMAC-SHA256(secret token, plainToken)>}`.
//!
//! Sources: <https://developers.zoom.us/docs/api/webhooks>, `zoom/webhook-sample` `index.js`.

use http::HeaderName;

use super::provider::prelude::*;
use super::v0::V0Headers;
use crate::error::Error;
use crate::handshake::Handshake;
use crate::json_field::top_level_field;
use crate::key::HmacKey;

pub(super) static HEADERS: V0Headers = V0Headers {
    signature: HeaderName::from_static("x-zm-signature"),
    timestamp: HeaderName::from_static("x-zm-request-timestamp"),
};

/// The answer to a verified `endpoint.url_validation`: the plain token and its MAC under the key that verified it.
pub(super) fn handshake(body: &[u8], key: &HmacKey) -> Result<Option<Handshake>, Error> {
    if top_level_field::<&str>(body, "event") != Some("endpoint.url_validation") {
        return Ok(None);
    }
    let plain_token = top_level_field::<serde_json::Map<String, serde_json::Value>>(body, "payload")
        .and_then(|payload| match payload.get("plainToken") {
            Some(serde_json::Value::String(token)) => Some(token.clone()),
            _ => None,
        })
        .ok_or_else(|| {
            Error::malformed_body("is an `endpoint.url_validation` without a string `payload.plainToken`")
        })?;
    let encrypted_token = hex::encode(key.tag_of(plain_token.as_bytes()).as_slice());
    Ok(Some(Handshake::json(&serde_json::json!({ "plainToken": plain_token, "encryptedToken": encrypted_token }))))
}

/// The [`Scheme::Zoom`](crate::Scheme::Zoom) provider.
pub(super) struct Zoom;

impl Provider for Zoom {
    fn name(&self) -> Cow<'static, str> {
        "zoom".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::v0::parse(request, &HEADERS)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::v0::render(&HEADERS, headers, timestamp, tag)
    }

    fn handshake(&self, request: &Incoming<'_>, key: &Key) -> Result<Option<Handshake>, Error> {
        match &key.material {
            Material::Hmac(mac) => handshake(request.body, mac),
            _ => Ok(None),
        }
    }
}

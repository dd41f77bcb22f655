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

use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::v0::V0Headers;
use crate::error::Error;
use crate::handshake::Handshake;
use crate::json_field::top_level_field;

pub(super) static HEADERS: V0Headers = V0Headers {
    signature: HeaderName::from_static("x-zm-signature"),
    timestamp: HeaderName::from_static("x-zm-request-timestamp"),
};

/// The answer to a verified `endpoint.url_validation`: the plain token and its MAC under the key that verified it.
fn handshake(request: &Incoming<'_>, key: &Key) -> Result<Option<Handshake>, Error> {
    let (body, Material::Hmac(key)) = (request.body, &key.material) else { return Ok(None) };
    // A check carries its event as a plain string: a body without it is a delivery, found without parsing the JSON.
    if memchr::memmem::find(body, b"\"endpoint.url_validation\"").is_none()
        || top_level_field::<&str>(body, "event") != Some("endpoint.url_validation")
    {
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
pub(super) static ZOOM: Declared =
    Declared::new("zoom", Wire::V0(&HEADERS)).event_type(EventTypeSource::Body(&["event"])).handshake(handshake);

//! Slack.
//!
//! - Headers: `X-Slack-Request-Timestamp: <unix>` and `X-Slack-Signature: v0=<hex>`.
//! - Signed: `v0:{timestamp}:{body}`; HMAC-SHA256 keyed with the signing secret's text (not hex-decoded). The body
//!   is usually form-encoded and is hashed as received.
//! - Id: none.
//! - Handshake: the Events API's signed `{"type":"url_verification","challenge":…}` is answered with the challenge as
//!   plain text.
//!
//! Source: <https://api.slack.com/authentication/verifying-requests-from-slack>,
//! <https://api.slack.com/events/url_verification>.

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::v0::V0Headers;
use crate::error::Error;
use crate::handshake::Handshake;
use crate::json_field::top_level_field;

pub(super) static HEADERS: V0Headers = V0Headers {
    signature: HeaderName::from_static("x-slack-signature"),
    timestamp: HeaderName::from_static("x-slack-request-timestamp"),
};

/// The answer to a verified `url_verification` event: its challenge, echoed.
fn handshake(request: &Incoming<'_>, _key: &Key) -> Result<Option<Handshake>, Error> {
    let body = request.body;
    // A check carries its type as a plain string: a body without it is a delivery, found without parsing the JSON
    // (which would be a second pass over every delivery's body).
    if memchr::memmem::find(body, b"\"url_verification\"").is_none()
        || top_level_field::<&str>(body, "type") != Some("url_verification")
    {
        return Ok(None);
    }
    let challenge = top_level_field::<String>(body, "challenge")
        .ok_or_else(|| Error::malformed_body("is a `url_verification` without a single string `challenge`"))?;
    Ok(Some(Handshake::text(challenge)))
}

/// The [`Scheme::Slack`](crate::Scheme::Slack) provider.
pub(super) static SLACK: Declared = Declared::new("slack", Wire::V0(&HEADERS))
    .event_type(EventTypeSource::Body(&["event", "type"]))
    .content_type("application/x-www-form-urlencoded")
    .handshake(handshake);

//! Tally.
//!
//! - Header: `Tally-Signature: <base64 HMAC-SHA256(signing secret, body)>`.
//! - No timestamp. Id: the event's `eventId`, from the signed body.
//!
//! Source: <https://tally.so/help/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("tally-signature"), prefix: "", encoding: Encoding::Base64 };

//! Xero.
//!
//! - Header: `x-xero-signature: <base64 HMAC-SHA256(webhook key, body)>`.
//! - No timestamp; the body is a batch of `events`: deduplicate per event in your handler.
//! - Handshake: Xero's "Intent to Receive" sends signed and badly signed requests whose `events` is empty; a verified
//!   one is answered `200` with an empty body (a badly signed one gets the `401` of any bad signature).
//!
//! Source: <https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-xero-signature"), prefix: "", encoding: Encoding::Base64 };

/// The [`Scheme::Xero`](crate::Scheme::Xero) provider.
pub(super) static XERO: Declared =
    Declared::new("xero", Wire::Body(&TAG)).handshake(super::provider::empty_events_check);

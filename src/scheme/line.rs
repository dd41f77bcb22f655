//! LINE Messaging API.
//!
//! - Header: `x-line-signature: <base64 HMAC-SHA256(channel secret, body)>`, no prefix.
//! - No timestamp; the body is a batch of `events`, each with its `webhookEventId`: deduplicate per event in the
//!   handler.
//! - Handshake: the console's "Verify" button sends a signed body with `"events":[]`; once verified it is answered
//!   `200` with an empty body, without reaching the handler.
//!
//! Source: `line/line-bot-sdk-python` `tests/test_signature.py` (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-line-signature"), prefix: "", encoding: Encoding::Base64 };

/// The [`Scheme::Line`](crate::Scheme::Line) provider.
pub(super) static LINE: Declared =
    Declared::new("line", Wire::Body(&TAG)).handshake(super::provider::empty_events_check);

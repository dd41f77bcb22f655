//! FastSpring.
//!
//! - Header: `X-FS-Signature: <base64 HMAC-SHA256(secret, body)>`, no prefix.
//! - No timestamp; the body is a batch of events, each with its own `id`: deduplicate per event in the handler.
//!
//! Source: <https://developer.fastspring.com/docs/message-security>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-fs-signature"), prefix: "", encoding: Encoding::Base64 };

/// The [`Scheme::FastSpring`](crate::Scheme::FastSpring) provider.
pub(super) static FAST_SPRING: Declared = Declared::new("fastspring", Wire::Body(&TAG));

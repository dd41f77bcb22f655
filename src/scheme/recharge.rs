//! Recharge.
//!
//! - Header: `X-Recharge-Hmac-Sha256: <hex>`, which is a bare **SHA-256 of the client secret followed by the body**,
//!   not an HMAC, whatever its name says (so open to length extension); compared in constant time like any tag.
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.getrecharge.com/docs/webhooks-overview>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-recharge-hmac-sha256"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Recharge`](crate::Scheme::Recharge) provider.
pub(super) static RECHARGE: Declared = Declared::new("recharge", Wire::Body(&TAG))
    .mac(Mac::SecretPrefixedSha256)
    .event_type(EventTypeSource::Header("x-recharge-topic"));

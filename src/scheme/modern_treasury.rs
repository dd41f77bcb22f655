//! Modern Treasury.
//!
//! - Header: `X-Signature: <hex HMAC-SHA256(webhook key, body)>`, no prefix; a tag in any other encoding never
//!   matches.
//! - No timestamp and no signed id: deduplication is on the signed body.
//!
//! Sources: `Modern-Treasury/modern-treasury-python` `resources/webhooks.py` and its test
//! `tests/api_resources/test_webhooks.py` (the examples in `tests/schemes.rs`, also checked with
//! `openssl dgst -sha256 -hmac`).

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::tag::Encoding;

static TAG: BodyTag = BodyTag { header: HeaderName::from_static("x-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::ModernTreasury`](crate::Scheme::ModernTreasury) provider.
pub(super) static MODERN_TREASURY: Declared = Declared::new("modern-treasury", Wire::Body(&TAG));

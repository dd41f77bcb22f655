//! GoCardless.
//!
//! - Header: `Webhook-Signature: <hex HMAC-SHA256(endpoint secret, body)>`, no prefix (not Standard Webhooks, despite
//!   the header's name).
//! - No timestamp; the body is a batch of `events`, each with its own `id`: deduplicate per event in the handler.
//!
//! Source: `gocardless/gocardless-pro-ruby` `spec/webhook_spec.rb` (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("webhook-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::GoCardless`](crate::Scheme::GoCardless) provider.
pub(super) static GO_CARDLESS: Declared = Declared::new("gocardless", Wire::Body(&TAG));

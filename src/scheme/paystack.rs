//! Paystack.
//!
//! - Header: `x-paystack-signature: <hex HMAC-SHA512(secret API key, body)>`: a 64-byte tag.
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://paystack.com/docs/payments/webhooks/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-paystack-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Paystack`](crate::Scheme::Paystack) provider.
pub(super) static PAYSTACK: Declared = Declared::new("paystack", Wire::Body(&TAG))
    .mac(Mac::Hmac(Algorithm::HmacSha512))
    .event_type(EventTypeSource::Body(&["event"]));

//! Razorpay.
//!
//! - Header: `X-Razorpay-Signature: <hex HMAC-SHA256(webhook secret, body)>`: the webhook's secret, not the API key.
//! - No timestamp; `x-razorpay-event-id` is not signed: deduplication is on the signed body.
//!
//! Source: `razorpay/razorpay-python` `tests/test_client_utility.py` (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-razorpay-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Razorpay`](crate::Scheme::Razorpay) provider.
pub(super) static RAZORPAY: Declared =
    Declared::new("razorpay", Wire::Body(&TAG)).event_type(EventTypeSource::Body(&["event"]));

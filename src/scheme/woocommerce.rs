//! WooCommerce.
//!
//! - Header: `X-WC-Webhook-Signature: <base64 HMAC-SHA256(secret, body)>`.
//! - No timestamp; `X-WC-Webhook-Delivery-ID` is not signed: deduplication is on the signed body.
//!
//! Source: <https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-wc-webhook-signature"), prefix: "", encoding: Encoding::Base64 };

/// The [`Scheme::WooCommerce`](crate::Scheme::WooCommerce) provider.
pub(super) static WOO_COMMERCE: Declared =
    Declared::new("woocommerce", Wire::Body(&TAG)).event_type(EventTypeSource::Header("x-wc-webhook-topic"));

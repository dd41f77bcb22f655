//! WooCommerce.
//!
//! - Header: `X-WC-Webhook-Signature: <base64 HMAC-SHA256(secret, body)>`.
//! - No timestamp; `X-WC-Webhook-Delivery-ID` is not signed: deduplication is on the signed body.
//!
//! Source: <https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-wc-webhook-signature"), prefix: "", encoding: Encoding::Base64 };

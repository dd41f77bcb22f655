//! WooCommerce.
//!
//! - Header: `X-WC-Webhook-Signature: <base64 HMAC-SHA256(secret, body)>`.
//! - No timestamp; `X-WC-Webhook-Delivery-ID` is not signed: deduplication is on the signed body.
//!
//! Source: <https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-wc-webhook-signature"), prefix: "", encoding: Encoding::Base64 };

/// The [`Scheme::WooCommerce`](crate::Scheme::WooCommerce) provider.
pub(super) struct WooCommerce;

impl Provider for WooCommerce {
    fn name(&self) -> Cow<'static, str> {
        "woocommerce".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Header("x-wc-webhook-topic")
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::body_only::parse(request, &TAG, IdSource::None)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::body_only::render(&TAG, headers, tag)
    }
}

//! Razorpay.
//!
//! - Header: `X-Razorpay-Signature: <hex HMAC-SHA256(webhook secret, body)>`: the webhook's secret, not the API key.
//! - No timestamp; `x-razorpay-event-id` is not signed: deduplication is on the signed body.
//!
//! Source: `razorpay/razorpay-python` `tests/test_client_utility.py` (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-razorpay-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Razorpay`](crate::Scheme::Razorpay) provider.
pub(super) struct Razorpay;

impl Provider for Razorpay {
    fn name(&self) -> Cow<'static, str> {
        "razorpay".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event"])
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

//! Paddle Billing.
//!
//! - Header: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`; unknown keys ignored, any `h1` may match.
//! - Signed: `{ts}:{body}`; HMAC-SHA256, hex; the secret's text is the key.
//! - Id: the event's `event_id` field, from the signed body.
//!
//! Source: <https://developer.paddle.com/webhooks/signature-verification>.

use http::HeaderName;

use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("paddle-signature"),
    format: ListFormat { separator: b';', trim: false, timestamp_key: "ts", signature_key: "h1", milliseconds: false },
    joiner: b":",
    rendered_separator: ";",
};

/// The [`Scheme::Paddle`](crate::Scheme::Paddle) provider.
pub(super) struct Paddle;

impl Provider for Paddle {
    fn name(&self) -> Cow<'static, str> {
        "paddle".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event_type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::signed_list::parse(request, &LIST, IdSource::BodyField(&["event_id"]))
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::signed_list::render(&LIST, headers, timestamp, tag)
    }
}

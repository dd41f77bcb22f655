//! Calendly.
//!
//! - Header: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>`, split on `,`, each element on its first `=`.
//! - Signed: `{t}.{body}`; HMAC-SHA256 with the webhook signing key. Any `v1` may match.
//! - Window: 180 s each way by default (the commonly given three minutes). Id: none (deduplication on the body).
//!
//! Source: <https://developer.calendly.com/docs/webhooks/overview>.

use http::HeaderName;

use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("calendly-webhook-signature"),
    format: ListFormat { separator: b',', trim: true, timestamp_key: "t", signature_key: "v1", milliseconds: false },
    joiner: b".",
    rendered_separator: ",",
};

/// The [`Scheme::Calendly`](crate::Scheme::Calendly) provider.
pub(super) struct Calendly;

impl Provider for Calendly {
    fn name(&self) -> Cow<'static, str> {
        "calendly".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn default_tolerance(&self) -> Duration {
        Duration::from_secs(180)
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::signed_list::parse(request, &LIST, IdSource::None)
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

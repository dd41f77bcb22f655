//! Tailscale.
//!
//! - Header: `Tailscale-Webhook-Signature: t=<unix seconds>,v1=<hex>`; any `v1` may match.
//! - Signed: `{t}.{body}`, HMAC-SHA256 with the webhook secret.
//! - Window: 300 s each way (Tailscale: older than five minutes is a replay). Id: none; the body is an array of
//!   events.
//!
//! Source: <https://tailscale.com/docs/features/webhooks>.

use http::HeaderName;

use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("tailscale-webhook-signature"),
    format: ListFormat { separator: b',', trim: false, timestamp_key: "t", signature_key: "v1", milliseconds: false },
    joiner: b".",
    rendered_separator: ",",
};

/// The [`Scheme::Tailscale`](crate::Scheme::Tailscale) provider.
pub(super) struct Tailscale;

impl Provider for Tailscale {
    fn name(&self) -> Cow<'static, str> {
        "tailscale".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
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

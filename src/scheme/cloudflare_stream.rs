//! Cloudflare Stream.
//!
//! - Header: `Webhook-Signature: time=<unix seconds>,sig1=<hex>`.
//! - Signed: `{time}.{body}`, HMAC-SHA256 with the secret the API returned, used as text (it looks like hex; it is
//!   not decoded).
//! - Window: 300 s each way. Id: none (a video's notifications share its `uid`).
//!
//! Source: <https://developers.cloudflare.com/stream/manage-video-library/using-webhooks/>.

use http::HeaderName;

use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("webhook-signature"),
    format: ListFormat {
        separator: b',',
        trim: false,
        timestamp_key: "time",
        signature_key: "sig1",
        milliseconds: false,
    },
    joiner: b".",
    rendered_separator: ",",
};

/// The [`Scheme::CloudflareStream`](crate::Scheme::CloudflareStream) provider.
pub(super) struct CloudflareStream;

impl Provider for CloudflareStream {
    fn name(&self) -> Cow<'static, str> {
        "cloudflare-stream".into()
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

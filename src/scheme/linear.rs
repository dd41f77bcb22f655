//! Linear.
//!
//! - Header: `linear-signature: <hex HMAC-SHA256(secret, body)>`, no prefix (either case decodes).
//! - Timestamp: `webhookTimestamp` in the **JSON body**, unix milliseconds. The MAC over the whole body is checked
//!   first, then the timestamp is read from the verified body and checked against the window: 60 s each way by
//!   default, as Linear's SDK checks. An absent or non-integer `webhookTimestamp` is refused (the SDK skips the
//!   check then; hooksafe does not).
//! - Id: none (deduplication on the signed body).
//!
//! Source: `linear/linear` `packages/sdk/src/webhooks/client.ts`.

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("linear-signature"), prefix: "", encoding: Encoding::Hex };

/// The body field that carries the timestamp, in milliseconds.
pub(super) const TIMESTAMP_FIELD: &str = "webhookTimestamp";

/// The [`Scheme::Linear`](crate::Scheme::Linear) provider.
pub(super) struct Linear;

impl Provider for Linear {
    fn name(&self) -> Cow<'static, str> {
        "linear".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn default_tolerance(&self) -> Duration {
        Duration::from_secs(60)
    }

    fn body_timestamp_field(&self) -> Option<&'static str> {
        Some(TIMESTAMP_FIELD)
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["type"])
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

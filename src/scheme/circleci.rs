//! CircleCI outbound webhooks.
//!
//! - Header: `circleci-signature: v1=<hex HMAC-SHA256(secret, body)>[,v2=…]`. Only `v1` entries count, any of them
//!   may match; a header with none is a missing signature.
//! - No timestamp; the body's `id` identifies the event (signed): the dedup id.
//!
//! Source: <https://circleci.com/docs/guides/integration/outbound-webhooks> (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::provider::prelude::*;
use super::versioned::Versioned;
use crate::error::ErrorKind;

pub(super) static HEADER: Versioned = Versioned {
    header: HeaderName::from_static("circleci-signature"),
    version: "v1",
    without: ErrorKind::MissingHeader,
};

/// The [`Scheme::CircleCI`](crate::Scheme::CircleCI) provider.
pub(super) struct CircleCI;

impl Provider for CircleCI {
    fn name(&self) -> Cow<'static, str> {
        "circleci".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::versioned::parse(request, &HEADER, IdSource::BodyField(&["id"]))
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::versioned::render(&HEADER, headers, tag)
    }
}

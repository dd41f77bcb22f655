//! PagerDuty webhooks v3.
//!
//! - Header: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256(secret, body)>[,v1=<hex>]`: one entry per active secret,
//!   any may match; a header without a `v1` entry is malformed. The secret is used as text (it looks like base64;
//!   it is not decoded).
//! - No timestamp. Id: the nested `event.id`, from the signed body.
//!
//! Source: `PagerDuty/go-pagerduty` `webhookv3/webhookv3_test.go` (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::provider::prelude::*;
use super::versioned::Versioned;
use crate::error::ErrorKind;

pub(super) static HEADER: Versioned = Versioned {
    header: HeaderName::from_static("x-pagerduty-signature"),
    version: "v1",
    without: ErrorKind::MalformedHeader,
};

/// The [`Scheme::PagerDuty`](crate::Scheme::PagerDuty) provider.
pub(super) struct PagerDuty;

impl Provider for PagerDuty {
    fn name(&self) -> Cow<'static, str> {
        "pagerduty".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event", "event_type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::versioned::parse(request, &HEADER, IdSource::BodyField(&["event", "id"]))
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

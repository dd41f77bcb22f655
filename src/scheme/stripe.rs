//! Stripe.
//!
//! - Header: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`, split on `,`, each element on its first
//!   `=`. Only `v1` counts: a header with only `v0` fails.
//! - Signed: `{t}.{body}`; HMAC-SHA256, lowercase hex; the `whsec_…` secret used verbatim as the key.
//! - Id: the event's `id` field, from the signed body.
//!
//! Source: <https://docs.stripe.com/webhooks#verify-manually>.

use http::HeaderName;

use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("stripe-signature"),
    format: ListFormat { separator: b',', trim: false, timestamp_key: "t", signature_key: "v1", milliseconds: false },
    joiner: b".",
    rendered_separator: ",",
};

/// The [`Scheme::Stripe`](crate::Scheme::Stripe) provider.
pub(super) struct Stripe;

impl Provider for Stripe {
    fn name(&self) -> Cow<'static, str> {
        "stripe".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    // Stripe's SDK fixtures use secrets without the prefix: the same escape as short secrets lets them replay.
    fn check_secret(&self, text: &str, index: usize, allow_short: bool) -> Result<(), ConfigError> {
        if !text.starts_with("whsec_") && !allow_short {
            return Err(ConfigError::UnexpectedSecretFormat { index, expected: "whsec_" });
        }
        Ok(())
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::signed_list::parse(request, &LIST, IdSource::BodyField(&["id"]))
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

//! Mailchimp Transactional (Mandrill).
//!
//! - Header: `X-Mandrill-Signature: <base64 HMAC-SHA1(webhook key, S)>`.
//! - S: the webhook's URL exactly as entered in Mailchimp, then each POST field's name and value (form-decoded),
//!   sorted by name, no separators, as Twilio signs (the body is a form: `mandrill_events=<json>`). The URL is
//!   configuration: [`public_url`](crate::VerifierBuilder::public_url) followed by the request's path and query, as
//!   for Twilio; verify a whole request or its head.
//! - No timestamp; deduplicate on each event's `_id` in your handler.
//!
//! Source: <https://mailchimp.com/developer/transactional/guides/track-respond-activity-webhooks/>.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{optional_str, required_bytes, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use super::twilio::{path_and_query, sorted_parameters};
use crate::error::Error;
use crate::request::{Incoming, PublicUrl};

static SIGNATURE: HeaderName = HeaderName::from_static("x-mandrill-signature");

pub(super) fn parse<'a>(request: &Incoming<'a>, public_url: Option<&PublicUrl>) -> Result<Parsed<'a, 'a>, Error> {
    let text = required_bytes(request.headers, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Base64, text }, &SIGNATURE)?;
    let content_type = optional_str(request.headers, &http::header::CONTENT_TYPE)?.unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    if !request.body.is_empty() && !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(Error::malformed_body("is not a form, and Mailchimp Transactional signs form fields"));
    }
    let url = request.url(public_url)?;
    let built = sorted_parameters(request.body)?;
    let signed = Signed::new(&[Piece::Url, Piece::Built]).with_built_content(built, path_and_query(&url));
    Ok(Parsed {
        id: IdSource::None,
        timestamp: None,
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed: signed.with_urls(vec![url]),
    })
}

pub(super) fn render(headers: &mut HeaderMap, tag: &Tag) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), value(&tag.to_base64(), &SIGNATURE)?);
    Ok(())
}

/// The [`Scheme::Mandrill`](crate::Scheme::Mandrill) provider.
pub(super) struct Mandrill;

impl Provider for Mandrill {
    fn name(&self) -> Cow<'static, str> {
        "mailchimp-transactional".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    // Each name is followed by its value with no separator: where one ends and the next begins is not signed.
    fn signs_whole_body(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha1), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
    }

    fn content_type(&self) -> &'static str {
        "application/x-www-form-urlencoded"
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request, context.public_url)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(headers, tag)
    }
}

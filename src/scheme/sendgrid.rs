//! SendGrid Event Webhook (signed event webhook).
//!
//! - Headers: `X-Twilio-Email-Event-Webhook-Signature: <base64 DER>` and
//!   `X-Twilio-Email-Event-Webhook-Timestamp: <unix>`.
//! - Signed: `{timestamp}{body}`, no separator, the body's trailing `\r\n` included; ECDSA P-256 with SHA-256,
//!   checked with the verification key SendGrid shows (base64 DER SubjectPublicKeyInfo). DER is strict; high-S
//!   signatures are accepted, as SendGrid's own verifier accepts them (so never deduplicate on the signature).
//! - The crate's replay window applies to the timestamp (the SDKs check none).
//! - Id: none; the body is a batch of events, each with its own `sg_event_id`.
//!
//! Sources: <https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features>,
//! `sendgrid/sendgrid-nodejs` `packages/eventwebhook`.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{timestamp_and_signature, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static SIGNATURE: HeaderName = HeaderName::from_static("x-twilio-email-event-webhook-signature");
static TIMESTAMP: HeaderName = HeaderName::from_static("x-twilio-email-event-webhook-timestamp");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let (digits, seconds, text) = timestamp_and_signature(request.headers, &TIMESTAMP, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::P256, encoding: Encoding::Base64, text }, &SIGNATURE)?;
    Ok(Parsed {
        id: IdSource::None,
        timestamp: Some((seconds, Some(&TIMESTAMP))),
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[Piece::Bytes(digits), Piece::Bytes(request.body)]),
    })
}

pub(super) fn render(headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(TIMESTAMP.clone(), value(timestamp, &TIMESTAMP)?);
    headers.insert(SIGNATURE.clone(), value(&tag.to_base64(), &SIGNATURE)?);
    Ok(())
}

/// The [`Scheme::SendGrid`](crate::Scheme::SendGrid) provider.
pub(super) struct SendGrid;

impl Provider for SendGrid {
    fn name(&self) -> Cow<'static, str> {
        "sendgrid".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        None
    }

    fn public_key_format(&self) -> Option<PublicKeyFormat> {
        Some(PublicKeyFormat::P256Der)
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(headers, timestamp, tag)
    }
}

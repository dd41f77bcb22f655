//! Discord interactions.
//!
//! - Headers: `X-Signature-Ed25519: <128 hex digits>` and `X-Signature-Timestamp: <unix>`.
//! - Signed: `{timestamp}{body}`, no separator; Ed25519 (strict verification), checked with the application's
//!   public key (64 hex digits, either case).
//! - The crate's replay window applies to the timestamp (Discord documents none; the SDKs check none).
//! - Id: the interaction's `id` field, from the signed body.
//! - Handshake: a verified `PING` (`"type": 1`, sent when the URL is saved) is answered with `{"type":1}` (`PONG`).
//!   Discord also sends badly signed requests on purpose: they get `401`, or Discord drops the URL.
//!
//! Sources: <https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization>,
//! `discord/discord-interactions-js` `verifyKey`.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{timestamp_and_signature, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::handshake::Handshake;
use crate::json_field::top_level_field;
use crate::request::Incoming;

static SIGNATURE: HeaderName = HeaderName::from_static("x-signature-ed25519");
static TIMESTAMP: HeaderName = HeaderName::from_static("x-signature-timestamp");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let (digits, seconds, text) = timestamp_and_signature(request.headers, &TIMESTAMP, &SIGNATURE)?;
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Ed25519, encoding: Encoding::Hex, text }, &SIGNATURE)?;
    Ok(Parsed {
        id: IdSource::BodyField(&["id"]),
        timestamp: Some((seconds, Some(&TIMESTAMP))),
        signature_header: Some(&SIGNATURE),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[Piece::Bytes(digits), Piece::Bytes(request.body)]),
    })
}

pub(super) fn render(headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    headers.insert(TIMESTAMP.clone(), value(timestamp, &TIMESTAMP)?);
    headers.insert(SIGNATURE.clone(), value(&tag.to_hex(), &SIGNATURE)?);
    Ok(())
}

/// The answer to a verified `PING`: a `PONG`.
pub(super) fn handshake(body: &[u8]) -> Option<Handshake> {
    (top_level_field::<u64>(body, "type") == Some(1)).then(|| Handshake::json(&serde_json::json!({ "type": 1 })))
}

/// The [`Scheme::Discord`](crate::Scheme::Discord) provider.
pub(super) struct Discord;

impl Provider for Discord {
    fn name(&self) -> Cow<'static, str> {
        "discord".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        None
    }

    fn public_key_format(&self) -> Option<PublicKeyFormat> {
        Some(PublicKeyFormat::Ed25519Hex)
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

    fn handshake(&self, request: &Incoming<'_>, _key: &Key) -> Result<Option<Handshake>, Error> {
        Ok(handshake(request.body))
    }
}

//! Bitbucket Cloud and Bitbucket Server / Data Center.
//!
//! - Header: `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>` for both; a `sha1=` or `SHA256=` value is
//!   malformed (the prefix is matched exactly).
//! - No timestamp; the request UUID header is not signed: deduplication is on the signed body.
//! - Bitbucket Server may send HTTP Basic credentials instead (`Authorization: Basic …`), configured with
//!   [`basic_auth`](crate::VerifierBuilder::basic_auth): a request with `X-Hub-Signature` is checked against the
//!   secrets, one without it against the credentials. Basic credentials protect neither the body nor against replays.
//!
//! Sources: <https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/>,
//! <https://confluence.atlassian.com/bitbucketserver/manage-webhooks-938025878.html>.

use http::HeaderName;
use http::header::AUTHORIZATION;

use super::IdSource;
use super::Parsed;
use super::body_only::{self, BodyTag};
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;
use super::token::{self, Token};
use crate::error::Error;
use crate::request::Incoming;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-hub-signature"), prefix: "sha256=", encoding: Encoding::Hex };

/// Bitbucket Server: the signature when there is one, else the Basic credentials when there are, else the signature
/// is missing.
pub(super) fn parse_server<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    if !request.headers.contains_key(&TAG.header) && request.headers.contains_key(AUTHORIZATION) {
        return token::parse(request, Token::Basic);
    }
    body_only::parse(request, &TAG, IdSource::None)
}

/// The [`Scheme::BitbucketCloud`](crate::Scheme::BitbucketCloud) provider.
pub(super) static BITBUCKET_CLOUD: Declared =
    Declared::new("bitbucket-cloud", Wire::Body(&TAG)).event_type(EventTypeSource::Header("x-event-key"));
/// The [`Scheme::BitbucketServer`](crate::Scheme::BitbucketServer) provider.
pub(super) struct BitbucketServer;

impl Provider for BitbucketServer {
    fn name(&self) -> Cow<'static, str> {
        "bitbucket-server".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    // It may be configured with Basic credentials instead of a secret, which sign nothing.
    fn signs_whole_body(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn basic_auth_wire_form(&self, credentials: &str, index: usize) -> Result<Option<Zeroizing<Vec<u8>>>, ConfigError> {
        super::token::wire_form(super::token::Token::Basic, credentials, index).map(Some)
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Header("x-event-key")
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse_server(request)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        if kind == KeyKind::Token {
            super::token::render(Token::Basic, headers, tag)
        } else {
            body_only::render(&TAG, headers, tag)
        }
    }
}

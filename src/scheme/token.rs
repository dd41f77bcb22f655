//! The senders that prove themselves with a shared token instead of a signature: GitLab's `X-Gitlab-Token` and HTTP
//! Basic credentials (Azure DevOps service hooks).
//!
//! **A token is not a signature**: it proves only that the sender knows the shared string. It protects neither the
//! body (whoever has the token, from a log or a proxy, can send any body) nor against replays (there is no
//! timestamp). Prefer a signing scheme wherever the provider has one (GitLab's signing token is Standard Webhooks:
//! use `Scheme::StandardWebhooks` for it). The token is compared by its SHA-256 in constant time and never logged.
//!
//! - GitLab: `X-Gitlab-Token: <secret token>`, exactly the configured token.
//!   Source: <https://docs.gitlab.com/user/project/integrations/webhooks/>.
//! - Azure DevOps: `Authorization: Basic <base64(user:password)>`, parsed strictly (the scheme name, one space, padded
//!   standard base64 of exactly one `user:password`), equal to the configured `user:password`.
//!   Source: <https://learn.microsoft.com/en-us/azure/devops/service-hooks/services/webhooks>.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderName, header::AUTHORIZATION};
use zeroize::Zeroizing;

use super::IdSource;
use super::Parsed;
use super::headers::{required_bytes, value};
use super::provider::prelude::*;
use super::signed::Signed;
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::{ConfigError, Error};
use crate::request::Incoming;

static GITLAB: HeaderName = HeaderName::from_static("x-gitlab-token");

/// Which token a scheme sends.
#[derive(Debug, Clone, Copy)]
pub(super) enum Token {
    /// A header holding the token itself.
    GitLab,
    /// HTTP Basic credentials.
    Basic,
}

/// The token as it travels, from the configured secret: what is compared (by its SHA-256) with what arrives.
///
/// # Errors
/// [`ConfigError::BasicCredentials`] when Basic credentials are not `user:password` with exactly one `:`.
pub(super) fn wire_form(token: Token, secret: &str, index: usize) -> Result<Zeroizing<Vec<u8>>, ConfigError> {
    match token {
        Token::GitLab => Ok(Zeroizing::new(secret.as_bytes().to_vec())),
        Token::Basic => {
            if secret.bytes().filter(|&byte| byte == b':').count() != 1 {
                return Err(ConfigError::BasicCredentials { index });
            }
            Ok(Zeroizing::new(STANDARD.encode(secret).into_bytes()))
        }
    }
}

pub(super) fn parse<'a>(request: &Incoming<'a>, token: Token) -> Result<Parsed<'a, 'a>, Error> {
    let (header, text) = match token {
        Token::GitLab => (&GITLAB, required_bytes(request.headers, &GITLAB)?),
        Token::Basic => (&AUTHORIZATION, basic_credentials(required_bytes(request.headers, &AUTHORIZATION)?)?),
    };
    let mut candidates = Candidates::new();
    candidates.push(Candidate { for_key: ForKey::Any, kind: KeyKind::Token, encoding: Encoding::Hex, text }, header)?;
    Ok(Parsed {
        id: IdSource::None,
        timestamp: None,
        signature_header: Some(header),
        batch: Vec::new(),
        candidates,
        signed: Signed::new(&[]),
    })
}

/// The base64 of `Authorization: Basic <base64>`, checked to be canonical padded base64 of one `user:password`.
fn basic_credentials(value: &[u8]) -> Result<&[u8], Error> {
    let malformed = |why| Error::malformed(AUTHORIZATION.clone(), why);
    let encoded = value.strip_prefix(b"Basic ").ok_or_else(|| malformed("is not `Basic <credentials>`"))?;
    let decoded = Zeroizing::new(
        STANDARD.decode(encoded).map_err(|_| malformed("carries credentials that are not padded base64"))?,
    );
    if decoded.iter().filter(|&&byte| byte == b':').count() != 1 {
        return Err(malformed("carries credentials that are not one `user:password`"));
    }
    Ok(encoded)
}

/// The header the sender writes, `tag` being the token's wire form.
pub(super) fn render(token: Token, headers: &mut HeaderMap, tag: &Tag) -> Result<(), Error> {
    let text = String::from_utf8_lossy(&tag.0);
    match token {
        Token::GitLab => headers.insert(GITLAB.clone(), value(&text, &GITLAB)?),
        Token::Basic => headers.insert(AUTHORIZATION, value(&format!("Basic {text}"), &AUTHORIZATION)?),
    };
    Ok(())
}

/// A provider that sends a shared token: its name, its token, and where its event type is.
pub(super) struct TokenSender {
    pub scheme: &'static str,
    pub token: Token,
    pub event_type: EventTypeSource,
}

impl Provider for TokenSender {
    fn name(&self) -> Cow<'static, str> {
        self.scheme.into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    // A token signs nothing.
    fn signs_whole_body(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        None
    }

    fn token_wire_form(&self, secret: &str, index: usize) -> Result<Option<Zeroizing<Vec<u8>>>, ConfigError> {
        wire_form(self.token, secret, index).map(Some)
    }

    fn basic_auth_wire_form(&self, credentials: &str, index: usize) -> Result<Option<Zeroizing<Vec<u8>>>, ConfigError> {
        match self.token {
            Token::Basic => wire_form(Token::Basic, credentials, index).map(Some),
            Token::GitLab => Ok(None),
        }
    }

    fn event_type(&self) -> EventTypeSource {
        self.event_type
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request, self.token)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        render(self.token, headers, tag)
    }
}

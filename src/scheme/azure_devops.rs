//! Azure DevOps service hooks.
//!
//! - Header: `Authorization: Basic <base64(user:password)>`, parsed strictly (the scheme name, one space, padded
//!   standard base64 of exactly one `user:password`), equal to the configured `user:password` given as the secret.
//!   **Not a signature** (see `token`): it protects neither the body nor against replays.
//! - No timestamp, no signed id: deduplication is on the body. Event type: the body's `eventType`.
//!
//! Source: <https://learn.microsoft.com/en-us/azure/devops/service-hooks/services/webhooks>.

use super::provider::prelude::*;

/// The [`Scheme::AzureDevOps`](crate::Scheme::AzureDevOps) provider.
pub(super) struct AzureDevOps;

impl Provider for AzureDevOps {
    fn name(&self) -> Cow<'static, str> {
        "azure-devops".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn signs_whole_body(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        None
    }

    fn token_wire_form(&self, secret: &str, index: usize) -> Result<Option<Zeroizing<Vec<u8>>>, ConfigError> {
        super::token::wire_form(super::token::Token::Basic, secret, index).map(Some)
    }

    fn basic_auth_wire_form(&self, credentials: &str, index: usize) -> Result<Option<Zeroizing<Vec<u8>>>, ConfigError> {
        super::token::wire_form(super::token::Token::Basic, credentials, index).map(Some)
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["eventType"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::token::parse(request, super::token::Token::Basic)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::token::render(super::token::Token::Basic, headers, tag)
    }
}

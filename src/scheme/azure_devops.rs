//! TODO

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

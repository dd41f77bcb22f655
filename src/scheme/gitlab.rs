//! GitLab's secret token.
//!
//! - Header: `X-Gitlab-Token: <secret token>`, exactly the configured token (compared by its SHA-256 in constant
//!   time, never logged). **Not a signature** (see `token`): it protects neither the body nor against replays.
//!   GitLab's signing token is Standard Webhooks: use `Scheme::StandardWebhooks` for it.
//! - No timestamp, no signed id: deduplication is on the body. Event type: `X-Gitlab-Event` (unsigned).
//!
//! Source: <https://docs.gitlab.com/user/project/integrations/webhooks/>.

use super::provider::prelude::*;

/// The [`Scheme::GitLab`](crate::Scheme::GitLab) provider.
pub(super) struct GitLab;

impl Provider for GitLab {
    fn name(&self) -> Cow<'static, str> {
        "gitlab".into()
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
        super::token::wire_form(super::token::Token::GitLab, secret, index).map(Some)
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Header("x-gitlab-event")
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::token::parse(request, super::token::Token::GitLab)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::token::render(super::token::Token::GitLab, headers, tag)
    }
}

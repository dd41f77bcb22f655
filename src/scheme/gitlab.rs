//! GitLab's secret token.
//!
//! - Header: `X-Gitlab-Token: <secret token>`, exactly the configured token (compared by its SHA-256 in constant
//!   time, never logged). **Not a signature** (see `token`): it protects neither the body nor against replays.
//!   GitLab's signing token is Standard Webhooks: use `Scheme::StandardWebhooks` for it.
//! - No timestamp, no signed id: deduplication is on the body. Event type: `X-Gitlab-Event` (unsigned).
//!
//! Source: <https://docs.gitlab.com/user/project/integrations/webhooks/>.

use super::provider::prelude::*;
use super::token::{Token, TokenSender};

/// The [`Scheme::GitLab`](crate::Scheme::GitLab) provider.
pub(super) static GITLAB: TokenSender =
    TokenSender { scheme: "gitlab", token: Token::GitLab, event_type: EventTypeSource::Header("x-gitlab-event") };

//! Azure DevOps service hooks.
//!
//! - Header: `Authorization: Basic <base64(user:password)>`, parsed strictly (the scheme name, one space, padded
//!   standard base64 of exactly one `user:password`), equal to the configured `user:password` given as the secret.
//!   **Not a signature** (see `token`): it protects neither the body nor against replays.
//! - No timestamp, no signed id: deduplication is on the body. Event type: the body's `eventType`.
//!
//! Source: <https://learn.microsoft.com/en-us/azure/devops/service-hooks/services/webhooks>.

use super::provider::prelude::*;
use super::token::{Token, TokenSender};

/// The [`Scheme::AzureDevOps`](crate::Scheme::AzureDevOps) provider.
pub(super) static AZURE_DEVOPS: TokenSender =
    TokenSender { scheme: "azure-devops", token: Token::Basic, event_type: EventTypeSource::Body(&["eventType"]) };

//! CircleCI outbound webhooks.
//!
//! - Header: `circleci-signature: v1=<hex HMAC-SHA256(secret, body)>[,v2=…]`. Only `v1` entries count, any of them
//!   may match; a header with none is a missing signature.
//! - No timestamp; the body's `id` identifies the event (signed): the dedup id.
//!
//! Source: <https://circleci.com/docs/guides/integration/outbound-webhooks> (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::versioned::Versioned;
use crate::error::ErrorKind;

pub(super) static HEADER: Versioned = Versioned {
    header: HeaderName::from_static("circleci-signature"),
    version: "v1",
    without: ErrorKind::MissingHeader,
};

/// The [`Scheme::CircleCI`](crate::Scheme::CircleCI) provider.
pub(super) static CIRCLE_CI: Declared =
    Declared::new("circleci", Wire::Versioned(&HEADER)).id(&["id"]).event_type(EventTypeSource::Body(&["type"]));

//! Sentry integration platform.
//!
//! - Header: `Sentry-Hook-Signature: <hex HMAC-SHA256(client secret, body)>`. An empty body is signed as empty.
//!   The legacy `sentry-app-signature` is not read.
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.sentry.io/organization/integrations/integration-platform/webhooks/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("sentry-hook-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Sentry`](crate::Scheme::Sentry) provider.
pub(super) static SENTRY: Declared = Declared::new("sentry", Wire::Body(&TAG))
    .event_type(EventTypeSource::HeaderAndBody("sentry-hook-resource", "action"));

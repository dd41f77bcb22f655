//! Sentry integration platform.
//!
//! - Header: `Sentry-Hook-Signature: <hex HMAC-SHA256(client secret, body)>`. An empty body is signed as empty.
//!   The legacy `sentry-app-signature` is not read.
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.sentry.io/organization/integrations/integration-platform/webhooks/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("sentry-hook-signature"), prefix: "", encoding: Encoding::Hex };

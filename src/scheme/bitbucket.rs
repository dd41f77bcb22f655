//! Bitbucket Cloud and Bitbucket Server / Data Center.
//!
//! - Header: `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>` for both; a `sha1=` or `SHA256=` value is
//!   malformed (the prefix is matched exactly).
//! - No timestamp; the request UUID header is not signed: deduplication is on the signed body.
//!
//! Source: <https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-hub-signature"), prefix: "sha256=", encoding: Encoding::Hex };

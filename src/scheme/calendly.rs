//! Calendly.
//!
//! - Header: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>`, split on `,`, each element on its first `=`.
//! - Signed: `{t}.{body}`; HMAC-SHA256 with the webhook signing key. Any `v1` may match.
//! - Window: 180 s each way by default (the commonly given three minutes). Id: none (deduplication on the body).
//!
//! Source: <https://developer.calendly.com/docs/webhooks/overview>.

use http::HeaderName;

use super::headers::ListFormat;

pub(super) static SIGNATURE: HeaderName = HeaderName::from_static("calendly-webhook-signature");

pub(super) static FORMAT: ListFormat =
    ListFormat { separator: b',', trim: true, timestamp_key: b"t", signature_key: b"v1", milliseconds: false };

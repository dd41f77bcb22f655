//! Nylas (API v3).
//!
//! - Header: `x-nylas-signature: <hex HMAC-SHA256(webhook secret, body)>`, keyed with the endpoint's `webhook_secret`
//!   (v2's client-secret signatures are not supported). Compressed deliveries are signed compressed: verify before
//!   inflating (the crate refuses a `Content-Encoding` anyway).
//! - No timestamp; deduplication is on the signed body.
//! - Handshake: the **unsigned** `GET ?challenge=<value>` is answered with exactly the value, as plain text. It needs
//!   the request line: verify a whole request or its head.
//!
//! Source: <https://developer.nylas.com/docs/v3/notifications/webhooks/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-nylas-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Nylas`](crate::Scheme::Nylas) provider.
pub(super) static NYLAS: Declared =
    Declared::new("nylas", Wire::Body(&TAG)).event_type(EventTypeSource::Body(&["type"])).query_challenge();

//! Linear.
//!
//! - Header: `linear-signature: <hex HMAC-SHA256(secret, body)>`, no prefix (either case decodes).
//! - Timestamp: `webhookTimestamp` in the **JSON body**, unix milliseconds. The MAC over the whole body is checked
//!   first, then the timestamp is read from the verified body and checked against the window: 60 s each way by
//!   default, as Linear's SDK checks. An absent or non-integer `webhookTimestamp` is refused (the SDK skips the
//!   check then; hooksafe does not).
//! - Id: none (deduplication on the signed body).
//!
//! Source: `linear/linear` `packages/sdk/src/webhooks/client.ts`.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("linear-signature"), prefix: "", encoding: Encoding::Hex };

/// The body field that carries the timestamp, in milliseconds.
pub(super) const TIMESTAMP_FIELD: &str = "webhookTimestamp";

/// The [`Scheme::Linear`](crate::Scheme::Linear) provider.
pub(super) static LINEAR: Declared = Declared::new("linear", Wire::Body(&TAG))
    .event_type(EventTypeSource::Body(&["type"]))
    .tolerance(Duration::from_secs(60))
    .body_timestamp(TIMESTAMP_FIELD);

//! Calendly.
//!
//! - Header: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>`, split on `,`, each element on its first `=`.
//! - Signed: `{t}.{body}`; HMAC-SHA256 with the webhook signing key. Any `v1` may match.
//! - Window: 180 s each way by default (the commonly given three minutes). Id: none (deduplication on the body).
//!
//! Source: <https://developer.calendly.com/docs/webhooks/overview>.

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("calendly-webhook-signature"),
    format: ListFormat { separator: b',', trim: true, timestamp_key: "t", signature_key: "v1", milliseconds: false },
    joiner: b".",
    rendered_separator: ",",
};

/// The [`Scheme::Calendly`](crate::Scheme::Calendly) provider.
pub(super) static CALENDLY: Declared = Declared::new("calendly", Wire::List(&LIST))
    .event_type(EventTypeSource::Body(&["event"]))
    .tolerance(Duration::from_secs(180));

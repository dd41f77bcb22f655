//! PagerDuty webhooks v3.
//!
//! - Header: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256(secret, body)>[,v1=<hex>]`: one entry per active secret,
//!   any may match; a header without a `v1` entry is malformed. The secret is used as text (it looks like base64;
//!   it is not decoded).
//! - No timestamp. Id: the nested `event.id`, from the signed body.
//!
//! Source: `PagerDuty/go-pagerduty` `webhookv3/webhookv3_test.go` (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::versioned::Versioned;
use crate::error::ErrorKind;

pub(super) static HEADER: Versioned = Versioned {
    header: HeaderName::from_static("x-pagerduty-signature"),
    version: "v1",
    without: ErrorKind::MalformedHeader,
};

/// The [`Scheme::PagerDuty`](crate::Scheme::PagerDuty) provider.
pub(super) static PAGER_DUTY: Declared = Declared::new("pagerduty", Wire::Versioned(&HEADER))
    .id(&["event", "id"])
    .event_type(EventTypeSource::Body(&["event", "event_type"]));

//! Tally.
//!
//! - Header: `Tally-Signature: <base64 HMAC-SHA256(signing secret, body)>`.
//! - No timestamp. Id: the event's `eventId`, from the signed body.
//!
//! Source: <https://tally.so/help/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("tally-signature"), prefix: "", encoding: Encoding::Base64 };

/// The [`Scheme::Tally`](crate::Scheme::Tally) provider.
pub(super) static TALLY: Declared =
    Declared::new("tally", Wire::Body(&TAG)).id(&["eventId"]).event_type(EventTypeSource::Body(&["eventType"]));

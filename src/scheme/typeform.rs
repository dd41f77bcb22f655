//! Typeform.
//!
//! - Header: `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>`: **base64** despite the prefix.
//! - No timestamp: deduplication is the only replay defence. Id: the event's `event_id`, from the signed body.
//!
//! Source: <https://www.typeform.com/developers/webhooks/secure-your-webhooks/>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("typeform-signature"), prefix: "sha256=", encoding: Encoding::Base64 };

/// The [`Scheme::Typeform`](crate::Scheme::Typeform) provider.
pub(super) static TYPEFORM: Declared =
    Declared::new("typeform", Wire::Body(&TAG)).id(&["event_id"]).event_type(EventTypeSource::Body(&["event_type"]));

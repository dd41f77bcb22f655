//! Vercel.
//!
//! - Header: `x-vercel-signature: <hex HMAC-SHA1(secret, body)>`, no prefix. The key is the webhook's secret (for
//!   integration webhooks, the integration's Client Secret).
//! - No timestamp. Id: the event's `id`, from the signed body.
//!
//! Source: <https://vercel.com/docs/webhooks>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-vercel-signature"), prefix: "", encoding: Encoding::Hex };

/// The [`Scheme::Vercel`](crate::Scheme::Vercel) provider.
pub(super) static VERCEL: Declared = Declared::new("vercel", Wire::Body(&TAG))
    .id(&["id"])
    .mac(Mac::Hmac(Algorithm::HmacSha1))
    .event_type(EventTypeSource::Body(&["type"]));

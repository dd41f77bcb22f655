//! Intercom.
//!
//! - Header: `X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, body)>` (GitHub's legacy format).
//! - No timestamp. Id: the notification's `id`, from the signed body.
//!
//! Source: <https://developers.intercom.com/docs/references/webhooks/webhook-models>.

use http::HeaderName;

use super::body_only::BodyTag;
use super::declared::{Declared, Wire};
use super::provider::prelude::*;
use super::tag::Encoding;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-hub-signature"), prefix: "sha1=", encoding: Encoding::Hex };

/// The [`Scheme::Intercom`](crate::Scheme::Intercom) provider.
pub(super) static INTERCOM: Declared = Declared::new("intercom", Wire::Body(&TAG))
    .id(&["id"])
    .mac(Mac::Hmac(Algorithm::HmacSha1))
    .event_type(EventTypeSource::Body(&["topic"]));

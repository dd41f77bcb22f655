//! Tailscale.
//!
//! - Header: `Tailscale-Webhook-Signature: t=<unix seconds>,v1=<hex>`; any `v1` may match.
//! - Signed: `{t}.{body}`, HMAC-SHA256 with the webhook secret.
//! - Window: 300 s each way (Tailscale: older than five minutes is a replay). Id: none; the body is an array of
//!   events.
//!
//! Source: <https://tailscale.com/docs/features/webhooks>.

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::headers::ListFormat;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("tailscale-webhook-signature"),
    format: ListFormat { separator: b',', trim: false, timestamp_key: "t", signature_key: "v1", milliseconds: false },
    joiner: b".",
    rendered_separator: ",",
};

/// The [`Scheme::Tailscale`](crate::Scheme::Tailscale) provider.
pub(super) static TAILSCALE: Declared = Declared::new("tailscale", Wire::List(&LIST));

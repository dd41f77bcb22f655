//! Cloudflare Stream.
//!
//! - Header: `Webhook-Signature: time=<unix seconds>,sig1=<hex>`.
//! - Signed: `{time}.{body}`, HMAC-SHA256 with the secret the API returned, used as text (it looks like hex; it is
//!   not decoded).
//! - Window: 300 s each way. Id: none (a video's notifications share its `uid`).
//!
//! Source: <https://developers.cloudflare.com/stream/manage-video-library/using-webhooks/>.

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::headers::ListFormat;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("webhook-signature"),
    format: ListFormat {
        separator: b',',
        trim: false,
        timestamp_key: "time",
        signature_key: "sig1",
        milliseconds: false,
    },
    joiner: b".",
    rendered_separator: ",",
};

/// The [`Scheme::CloudflareStream`](crate::Scheme::CloudflareStream) provider.
pub(super) static CLOUDFLARE_STREAM: Declared = Declared::new("cloudflare-stream", Wire::List(&LIST));

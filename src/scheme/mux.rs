//! Mux.
//!
//! - Header: `Mux-Signature: t=<unix seconds>,v1=<hex>`; any `v1` may match.
//! - Signed: `{t}.{body}`, HMAC-SHA256 with the webhook signing secret.
//! - Window: 300 s each way (the SDK's default, past only there). Id: the event's `id`, from the signed body.
//!
//! Source: `muxinc/mux-elixir` `lib/mux/webhooks/test_utils.ex` (the example in `tests/schemes.rs`).

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("mux-signature"),
    format: ListFormat { separator: b',', trim: false, timestamp_key: "t", signature_key: "v1", milliseconds: false },
    joiner: b".",
    rendered_separator: ",",
};

/// The [`Scheme::Mux`](crate::Scheme::Mux) provider.
pub(super) static MUX: Declared =
    Declared::new("mux", Wire::List(&LIST)).id(&["id"]).event_type(EventTypeSource::Body(&["type"]));

//! Fintoc.
//!
//! - Header: `Fintoc-Signature: t=<unix seconds>,v1=<hex>`; any `v1` may match, other keys are ignored.
//! - Signed: `{t}.{body}`, HMAC-SHA256 with the webhook secret used as text (it starts with `whsec_`; it is not
//!   decoded).
//! - Window: the crate's 300 s each way (Fintoc's SDK checks the past only). Id: the event's `id`, from the signed body.
//!
//! Source: <https://docs.fintoc.com/docs/webhooks-validating>, `fintoc-com/fintoc-python` `tests/test_webhook.py` (the example
//! in `tests/schemes.rs`).

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("fintoc-signature"),
    format: ListFormat { separator: b',', trim: false, timestamp_key: "t", signature_key: "v1", milliseconds: false },
    joiner: b".",
    rendered_separator: ",",
};

/// The [`Scheme::Fintoc`](crate::Scheme::Fintoc) provider.
pub(super) static FINTOC: Declared =
    Declared::new("fintoc", Wire::List(&LIST)).id(&["id"]).event_type(EventTypeSource::Body(&["type"]));

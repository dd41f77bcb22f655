//! WorkOS.
//!
//! - Header: `WorkOS-Signature: t=<unix milliseconds>, v1=<hex>` (note the space), split on `,`, each element
//!   trimmed and split on its first `=`. A repeated `t` is malformed; any `v1` may match.
//! - Signed: `{t}.{body}` with `t` as sent (milliseconds); HMAC-SHA256 with the webhook secret.
//! - Window: 180 s each way by default (the SDKs check 180 s, past only). Id: the event's `id`, from the signed body.
//!
//! Sources: `workos/workos-node` `src/common/crypto/signature-provider.ts`, `workos/workos-ruby` `lib/workos/webhooks.rb`.

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("workos-signature"),
    format: ListFormat { separator: b',', trim: true, timestamp_key: "t", signature_key: "v1", milliseconds: true },
    joiner: b".",
    rendered_separator: ", ",
};

/// The [`Scheme::WorkOS`](crate::Scheme::WorkOS) provider.
pub(super) static WORK_OS: Declared = Declared::new("workos", Wire::List(&LIST))
    .id(&["id"])
    .event_type(EventTypeSource::Body(&["event"]))
    .tolerance(Duration::from_secs(180));

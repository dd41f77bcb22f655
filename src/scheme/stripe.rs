//! Stripe.
//!
//! - Header: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`, split on `,`, each element on its first
//!   `=`. Only `v1` counts: a header with only `v0` fails.
//! - Signed: `{t}.{body}`; HMAC-SHA256, lowercase hex; the `whsec_…` secret used verbatim as the key.
//! - Id: the event's `id` field, from the signed body.
//!
//! Source: <https://docs.stripe.com/webhooks#verify-manually>.

use http::HeaderName;

use super::headers::ListFormat;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("stripe-signature"),
    format: ListFormat { separator: b',', trim: false, timestamp_key: "t", signature_key: "v1", milliseconds: false },
    joiner: b".",
    rendered_separator: ",",
};

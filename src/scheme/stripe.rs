//! Stripe.
//!
//! - Header: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`, split on `,`, each element on its first
//!   `=`. Only `v1` counts: a header with only `v0` fails.
//! - Signed: `{t}.{body}`; HMAC-SHA256, lowercase hex; the `whsec_…` secret used verbatim as the key.
//! - Id: the event's `id` field, from the signed body.
//!
//! Source: <https://docs.stripe.com/webhooks#verify-manually>.

use http::HeaderName;

use super::declared::{Declared, Wire};
use super::headers::ListFormat;
use super::provider::prelude::*;
use super::signed_list::SignedList;

pub(super) static LIST: SignedList = SignedList {
    header: HeaderName::from_static("stripe-signature"),
    format: ListFormat { separator: b',', trim: false, timestamp_key: "t", signature_key: "v1", milliseconds: false },
    joiner: b".",
    rendered_separator: ",",
};

/// Stripe's secrets are used verbatim and start with `whsec_`; its SDK fixtures use secrets without the prefix, which
/// the same escape as short secrets lets them replay.
fn whsec_prefix(text: &str, index: usize, allow_short: bool) -> Result<(), ConfigError> {
    if !text.starts_with("whsec_") && !allow_short {
        return Err(ConfigError::UnexpectedSecretFormat { index, expected: "whsec_" });
    }
    Ok(())
}

/// The [`Scheme::Stripe`](crate::Scheme::Stripe) provider.
pub(super) static STRIPE: Declared = Declared::new("stripe", Wire::List(&LIST))
    .id(&["id"])
    .event_type(EventTypeSource::Body(&["type"]))
    .secret_rule(whsec_prefix);

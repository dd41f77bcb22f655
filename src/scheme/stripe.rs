//! Stripe.
//!
//! `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=<hex>]`, split on `,` and each element on its first `=`;
//! signed bytes `{t}.{body}`; HMAC-SHA256 in lowercase hex; the `whsec_…` secret used verbatim. Only `v1` counts.
//! Source: <https://docs.stripe.com/webhooks#verify-manually>.

use http::{HeaderMap, HeaderName};

use super::{Candidates, Parsed, Tag, parse_timestamped_list};
use crate::error::Error;

static SIGNATURE: HeaderName = HeaderName::from_static("stripe-signature");

pub(super) fn parse<'h>(headers: &'h HeaderMap, tags: &mut Candidates<'h>) -> Result<Parsed<'h, 'static>, Error> {
    parse_timestamped_list(headers, &SIGNATURE, b',', b"t", b"v1", tags)
}

pub(super) fn render(timestamp: &str, tag: &Tag, headers: &mut HeaderMap) -> Result<(), Error> {
    let value = format!("t={timestamp},v1={}", tag.to_hex());
    headers.insert(SIGNATURE.clone(), super::value(&value, &SIGNATURE)?);
    Ok(())
}

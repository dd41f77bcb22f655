//! Paddle Billing.
//!
//! `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`; signed bytes `{ts}:{body}`; HMAC-SHA256 in hex; unknown keys
//! ignored. Source: <https://developer.paddle.com/webhooks/signature-verification>.

use http::{HeaderMap, HeaderName};

use super::{Candidates, Parsed, Tag, parse_timestamped_list};
use crate::error::Error;

static SIGNATURE: HeaderName = HeaderName::from_static("paddle-signature");

pub(super) fn parse<'h>(headers: &'h HeaderMap, tags: &mut Candidates<'h>) -> Result<Parsed<'h, 'static>, Error> {
    parse_timestamped_list(headers, &SIGNATURE, b';', b"ts", b"h1", tags)
}

pub(super) fn render(timestamp: &str, tag: &Tag, headers: &mut HeaderMap) -> Result<(), Error> {
    let value = format!("ts={timestamp};h1={}", tag.to_hex());
    headers.insert(SIGNATURE.clone(), super::value(&value, &SIGNATURE)?);
    Ok(())
}

//! GitHub.
//!
//! `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`; no timestamp. `X-GitHub-Delivery` names the
//! delivery but is not signed. Source: <https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries>.

use http::{HeaderMap, HeaderName};

use super::{Candidates, Parsed, Tag, find};
use crate::error::Error;

static SIGNATURE: HeaderName = HeaderName::from_static("x-hub-signature-256");
static DELIVERY: HeaderName = HeaderName::from_static("x-github-delivery");

pub(super) fn parse<'h>(headers: &'h HeaderMap, tags: &mut Candidates<'h>) -> Result<Parsed<'h, 'static>, Error> {
    let [signature, id] = find(headers, [&SIGNATURE, &DELIVERY]);
    let value = signature.required_bytes(&SIGNATURE)?;
    let Some(hex) = value.strip_prefix(b"sha256=") else {
        return Err(Error::malformed(SIGNATURE.clone(), "does not start with `sha256=`"));
    };
    tags.push(hex, &SIGNATURE)?;
    Ok(Parsed { id: id.optional(&DELIVERY)?, timestamp: None, timestamp_header: None, signature_header: &SIGNATURE })
}

pub(super) fn render(id: &str, tag: &Tag, headers: &mut HeaderMap) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), super::value(&format!("sha256={}", tag.to_hex()), &SIGNATURE)?);
    if !id.is_empty() {
        headers.insert(DELIVERY.clone(), super::value(id, &DELIVERY)?);
    }
    Ok(())
}

//! Shopify.
//!
//! `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(app secret, body)>`; no timestamp. `X-Shopify-Webhook-Id` names the
//! delivery but is not signed. Source: <https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify>.

use http::{HeaderMap, HeaderName};

use super::{Candidates, Parsed, Tag, find};
use crate::error::Error;

static SIGNATURE: HeaderName = HeaderName::from_static("x-shopify-hmac-sha256");
static WEBHOOK_ID: HeaderName = HeaderName::from_static("x-shopify-webhook-id");

pub(super) fn parse<'h>(headers: &'h HeaderMap, tags: &mut Candidates<'h>) -> Result<Parsed<'h, 'static>, Error> {
    let [signature, id] = find(headers, [&SIGNATURE, &WEBHOOK_ID]);
    tags.push(signature.required_bytes(&SIGNATURE)?, &SIGNATURE)?;
    Ok(Parsed { id: id.optional(&WEBHOOK_ID)?, timestamp: None, timestamp_header: None, signature_header: &SIGNATURE })
}

pub(super) fn render(id: &str, tag: &Tag, headers: &mut HeaderMap) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), super::value(&tag.to_base64(), &SIGNATURE)?);
    if !id.is_empty() {
        headers.insert(WEBHOOK_ID.clone(), super::value(id, &WEBHOOK_ID)?);
    }
    Ok(())
}

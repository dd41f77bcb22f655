//! Slack.
//!
//! `X-Slack-Request-Timestamp: <unix>` and `X-Slack-Signature: v0=<hex>`; signed bytes `v0:{timestamp}:{body}`;
//! HMAC-SHA256 keyed with the signing secret's text (not hex-decoded). The body is usually form-encoded and is
//! hashed as received. Source: <https://api.slack.com/authentication/verifying-requests-from-slack>.

use http::{HeaderMap, HeaderName};

use super::{Candidates, Parsed, Tag, find, parse_timestamp};
use crate::error::Error;

static SIGNATURE: HeaderName = HeaderName::from_static("x-slack-signature");
static TIMESTAMP: HeaderName = HeaderName::from_static("x-slack-request-timestamp");

pub(super) fn parse<'h>(headers: &'h HeaderMap, tags: &mut Candidates<'h>) -> Result<Parsed<'h, 'static>, Error> {
    let [timestamp, signature] = find(headers, [&TIMESTAMP, &SIGNATURE]);
    let timestamp = timestamp.required_bytes(&TIMESTAMP)?;
    let seconds = parse_timestamp(timestamp, &TIMESTAMP)?;
    let value = signature.required_bytes(&SIGNATURE)?;
    let Some(hex) = value.strip_prefix(b"v0=") else {
        return Err(Error::malformed(SIGNATURE.clone(), "does not start with `v0=`"));
    };
    tags.push(hex, &SIGNATURE)?;
    Ok(Parsed {
        id: None,
        timestamp: Some((timestamp, seconds)),
        timestamp_header: Some(&TIMESTAMP),
        signature_header: &SIGNATURE,
    })
}

pub(super) fn render(timestamp: &str, tag: &Tag, headers: &mut HeaderMap) -> Result<(), Error> {
    headers.insert(TIMESTAMP.clone(), super::value(timestamp, &TIMESTAMP)?);
    headers.insert(SIGNATURE.clone(), super::value(&format!("v0={}", tag.to_hex()), &SIGNATURE)?);
    Ok(())
}

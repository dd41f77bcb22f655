//! Mollie (next-generation webhooks).
//!
//! - Header: `X-Mollie-Signature: sha256=<hex HMAC-SHA256(signing secret, body)>`. During a 24-hour secret roll two
//!   header lines arrive, one per secret: every line is checked against every configured secret, any may match. The
//!   prefix is required on every line (a bare hex value is malformed).
//! - No timestamp; deduplication is on the signed body.
//!
//! Source: <https://docs.mollie.com/reference/webhooks-new>.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::value;
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

static SIGNATURE: HeaderName = HeaderName::from_static("x-mollie-signature");

pub(super) fn parse<'a>(request: &Incoming<'a>) -> Result<Parsed<'a, 'a>, Error> {
    let mut candidates = Candidates::new();
    for line in request.headers.get_all(&SIGNATURE) {
        let Some(text) = line.as_bytes().strip_prefix(b"sha256=") else {
            return Err(Error::malformed(SIGNATURE.clone(), "has a line that does not start with `sha256=`"));
        };
        candidates
            .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, &SIGNATURE)?;
    }
    if candidates.iter().next().is_none() {
        return Err(Error::missing(SIGNATURE.clone()));
    }
    Ok(Parsed::over_body(IdSource::None, &SIGNATURE, candidates, request.body))
}

pub(super) fn render(headers: &mut HeaderMap, tag: &Tag) -> Result<(), Error> {
    headers.insert(SIGNATURE.clone(), value(&format!("sha256={}", tag.to_hex()), &SIGNATURE)?);
    Ok(())
}

//! What CircleCI and PagerDuty share: one header of comma-separated `version=value` entries over the body alone,
//! HMAC-SHA256 in hex; only entries of one version count, and any of them may match. Each provider's file names its
//! header, the version, and what a header without such an entry is.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{required_bytes, value};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::{Detail, Error, ErrorKind};
use crate::request::Incoming;

/// One provider's versioned signature header.
pub(super) struct Versioned {
    pub header: HeaderName,
    /// The version whose entries are compared: `v1`.
    pub version: &'static str,
    /// What a header without such an entry is: a missing signature (CircleCI) or a malformed header (PagerDuty).
    pub without: ErrorKind,
}

pub(super) fn parse<'a>(
    request: &Incoming<'a>,
    versioned: &'static Versioned,
    id: IdSource<'a>,
) -> Result<Parsed<'a, 'a>, Error> {
    let header = &versioned.header;
    let mut candidates = Candidates::new();
    for entry in required_bytes(request.headers, header)?.split(|&byte| byte == b',') {
        let Some(equals) = entry.iter().position(|&byte| byte == b'=').filter(|&at| at > 0) else {
            return Err(Error::malformed(header.clone(), "has an entry that is not `version=value`"));
        };
        let (version, text) = (&entry[..equals], &entry[equals + 1..]);
        if version == versioned.version.as_bytes() {
            candidates
                .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: Encoding::Hex, text }, header)?;
        } else {
            candidates.skip(header)?;
        }
    }
    if candidates.iter().next().is_none() {
        let detail = Detail::Text("carries no entry of the version the scheme checks");
        return Err(Error::new(versioned.without, Some(header.clone()), detail));
    }
    Ok(Parsed::over_body(id, header, candidates, request.body))
}

pub(super) fn render(versioned: &Versioned, headers: &mut HeaderMap, tag: &Tag) -> Result<(), Error> {
    let text = format!("{}={}", versioned.version, tag.to_hex());
    headers.insert(versioned.header.clone(), value(&text, &versioned.header)?);
    Ok(())
}

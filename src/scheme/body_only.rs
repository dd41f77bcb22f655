//! What the schemes that sign the body alone, with one tag in one header, share: read the header, strip its prefix,
//! take the tag as the one HMAC candidate. Each provider's file names its header, prefix, encoding and id source.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{required_bytes, value};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

/// A signature header over the body: its name, the text before the tag, and how the tag is spelled.
pub(super) struct BodyTag {
    pub header: HeaderName,
    pub prefix: &'static str,
    pub encoding: Encoding,
}

pub(super) fn parse<'a>(
    request: &Incoming<'a>,
    tag: &'static BodyTag,
    id: IdSource<'a>,
) -> Result<Parsed<'a, 'a>, Error> {
    let value = required_bytes(request.headers, &tag.header)?;
    let Some(text) = value.strip_prefix(tag.prefix.as_bytes()) else {
        return Err(Error::malformed(tag.header.clone(), "does not start with the scheme's prefix"));
    };
    let mut candidates = Candidates::new();
    candidates
        .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: tag.encoding, text }, &tag.header)?;
    Ok(Parsed::over_body(id, &tag.header, candidates, request.body))
}

pub(super) fn render(tag: &BodyTag, headers: &mut HeaderMap, signature: &Tag) -> Result<(), Error> {
    headers
        .insert(tag.header.clone(), value(&format!("{}{}", tag.prefix, signature.encode(tag.encoding)), &tag.header)?);
    Ok(())
}

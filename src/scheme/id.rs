//! Where a delivery's id comes from, as each scheme states it.

/// Where a delivery's id comes from.
#[derive(Debug, Clone)]
pub(crate) enum IdSource<'a> {
    /// The scheme carries no id.
    None,
    /// A value that is part of the signed content (a signed header, Mailgun's token).
    Signed(&'a str),
    /// An id made of several signed values (Adyen: `pspReference:eventCode`).
    Built(String),
    /// A header the signature does not cover.
    UnsignedHeader(&'a str),
    /// A string field of the signed JSON body, at this path of keys (one key: a top-level field).
    BodyField(&'static [&'static str]),
}

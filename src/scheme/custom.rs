//! A scheme you describe: which header carries the tag, how it is encoded, and which bytes are signed.

use http::{HeaderMap, HeaderName};

use super::{Candidates, Message, Parsed, Tag, optional, parse_timestamp, required, required_bytes};
use crate::error::{ConfigError, Error};

/// How a custom scheme encodes the tag in its signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Encoding {
    /// 64 hex digits (either case).
    #[default]
    Hex,
    /// Standard base64 with padding (44 characters).
    Base64,
}

/// How a custom scheme's secret text becomes the HMAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SecretEncoding {
    /// The secret's UTF-8 bytes are the key, as GitHub, Stripe, Slack, Shopify and Paddle do.
    #[default]
    Utf8,
    /// The secret is standard base64 of the key.
    Base64,
    /// The secret is hex of the key.
    Hex,
}

/// One piece of the signed content.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Id,
    Timestamp,
    Body,
    Literal(Box<[u8]>),
}

/// An HMAC-SHA256 scheme for a provider hooksafe does not ship, described in a few calls.
///
/// ```
/// use hooksafe::{Custom, Encoding, Scheme, Verifier};
///
/// // Acme sends `X-Acme-Signature: sha256=<hex>` over `{timestamp}.{body}`, with `X-Acme-Timestamp`.
/// let acme = Custom::new("x-acme-signature")
///     .prefix("sha256=")
///     .encoding(Encoding::Hex)
///     .timestamp_header("x-acme-timestamp")
///     .id_header("x-acme-delivery")
///     .signed_content("{timestamp}.{body}");
/// let verifier = Verifier::builder(Scheme::Custom(acme)).secret("acme-secret").build()?;
/// # Ok::<(), hooksafe::ConfigError>(())
/// ```
///
/// Mistakes (an invalid header name, an unknown `{placeholder}`, a timestamp header that is not signed) are reported
/// by the verifier's `build()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Custom {
    signature_header: HeaderName,
    id_header: Option<HeaderName>,
    timestamp_header: Option<HeaderName>,
    parts: Vec<Part>,
    prefix: String,
    encoding: Encoding,
    secret_encoding: SecretEncoding,
    error: Option<ConfigError>,
}

impl Custom {
    /// A scheme whose tag is in `signature_header`, signing the body alone, hex-encoded, keyed with the secret's
    /// UTF-8 bytes, with no id and no timestamp until you say otherwise.
    pub fn new(signature_header: &str) -> Self {
        let mut error = None;
        let signature_header =
            header_name(signature_header, &mut error).unwrap_or(HeaderName::from_static("x-signature"));
        Self {
            signature_header,
            id_header: None,
            timestamp_header: None,
            parts: vec![Part::Body],
            prefix: String::new(),
            encoding: Encoding::default(),
            secret_encoding: SecretEncoding::default(),
            error,
        }
    }

    /// The header that carries the delivery id (reported by `Verified::id`). Sign it with `{id}` in
    /// [`signed_content`](Self::signed_content) if the provider does.
    #[must_use]
    pub fn id_header(mut self, name: &str) -> Self {
        self.id_header = header_name(name, &mut self.error);
        self
    }

    /// The header that carries the timestamp, in unix seconds. It must be signed: put `{timestamp}` in
    /// [`signed_content`](Self::signed_content).
    #[must_use]
    pub fn timestamp_header(mut self, name: &str) -> Self {
        self.timestamp_header = header_name(name, &mut self.error);
        self
    }

    /// What is signed, as a template: `{body}` (exactly once), and optionally `{id}` and `{timestamp}`, between
    /// literal text. Defaults to `{body}`.
    #[must_use]
    pub fn signed_content(mut self, template: &str) -> Self {
        match parse_template(template) {
            Ok(parts) => self.parts = parts,
            Err(error) => self.error = self.error.or(Some(error)),
        }
        self
    }

    /// Text that precedes the encoded tag in the signature header, such as `sha256=`. Defaults to none.
    #[must_use]
    pub fn prefix(mut self, prefix: &str) -> Self {
        prefix.clone_into(&mut self.prefix);
        self
    }

    /// How the tag is encoded. Defaults to [`Encoding::Hex`].
    #[must_use]
    pub const fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// How the secret text becomes the key. Defaults to [`SecretEncoding::Utf8`].
    #[must_use]
    pub const fn secret_encoding(mut self, encoding: SecretEncoding) -> Self {
        self.secret_encoding = encoding;
        self
    }

    pub(super) const fn encoding_value(&self) -> Encoding {
        self.encoding
    }

    pub(crate) const fn secret_encoding_value(&self) -> SecretEncoding {
        self.secret_encoding
    }

    pub(super) fn signs_id(&self) -> bool {
        self.parts.contains(&Part::Id)
    }

    pub(super) fn has_timestamp(&self) -> bool {
        self.timestamp_header.is_some()
    }

    /// The first mistake in the description, if any.
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let signs = |wanted: &Part| self.parts.iter().any(|part| part == wanted);
        match (self.timestamp_header.is_some(), signs(&Part::Timestamp)) {
            (true, false) => {
                return Err(ConfigError::InvalidScheme("the timestamp header is not in the signed content"));
            }
            (false, true) => {
                return Err(ConfigError::InvalidScheme("`{timestamp}` is signed but no timestamp header is set"));
            }
            _ => {}
        }
        if signs(&Part::Id) && self.id_header.is_none() {
            return Err(ConfigError::InvalidScheme("`{id}` is signed but no id header is set"));
        }
        Ok(())
    }

    pub(super) fn parse<'h>(&self, headers: &'h HeaderMap, tags: &mut Candidates<'h>) -> Result<Parsed<'h, '_>, Error> {
        let id = match &self.id_header {
            Some(name) if self.parts.contains(&Part::Id) => Some(required(headers, name)?),
            Some(name) => optional(headers, name)?,
            None => None,
        };
        let timestamp = match &self.timestamp_header {
            Some(name) => {
                let digits = required_bytes(headers, name)?;
                Some((digits, parse_timestamp(digits, name)?))
            }
            None => None,
        };
        let header = &self.signature_header;
        let value = required_bytes(headers, header)?;
        let Some(encoded) = value.strip_prefix(self.prefix.as_bytes()) else {
            return Err(Error::malformed(header.clone(), "does not start with the scheme's prefix"));
        };
        tags.push(encoded, header)?;
        Ok(Parsed { id, timestamp, timestamp_header: self.timestamp_header.as_ref(), signature_header: header })
    }

    pub(super) fn write_signed(&self, message: &Message<'_>, sink: &mut impl FnMut(&[u8])) {
        for part in &self.parts {
            sink(match part {
                Part::Id => message.id.unwrap_or_default().as_bytes(),
                Part::Timestamp => message.timestamp.unwrap_or_default(),
                Part::Body => message.body,
                Part::Literal(bytes) => bytes,
            });
        }
    }

    pub(super) fn render(&self, id: &str, timestamp: &str, tag: &Tag, headers: &mut HeaderMap) -> Result<(), Error> {
        let encoded = match self.encoding {
            Encoding::Hex => tag.to_hex(),
            Encoding::Base64 => tag.to_base64(),
        };
        let header = &self.signature_header;
        headers.insert(header.clone(), super::value(&format!("{}{encoded}", self.prefix), header)?);
        for (name, text) in [(&self.id_header, id), (&self.timestamp_header, timestamp)] {
            if let Some(name) = name {
                headers.insert(name.clone(), super::value(text, name)?);
            }
        }
        Ok(())
    }
}

/// Parses a header name, keeping the first error for `build()`.
fn header_name(name: &str, error: &mut Option<ConfigError>) -> Option<HeaderName> {
    let parsed = HeaderName::from_bytes(name.as_bytes()).ok();
    if parsed.is_none() && error.is_none() {
        *error = Some(ConfigError::InvalidScheme("a header name is not a valid HTTP header name"));
    }
    parsed
}

fn parse_template(template: &str) -> Result<Vec<Part>, ConfigError> {
    let mut parts = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        let literal_end = rest.find(['{', '}']).unwrap_or(rest.len());
        if literal_end > 0 {
            parts.push(Part::Literal(rest.as_bytes()[..literal_end].into()));
            rest = &rest[literal_end..];
            continue;
        }
        let Some(close) = rest.find('}').filter(|_| rest.starts_with('{')) else {
            return Err(ConfigError::InvalidScheme("unbalanced `{` or `}` in the signed content"));
        };
        parts.push(match &rest[1..close] {
            "id" => Part::Id,
            "timestamp" => Part::Timestamp,
            "body" => Part::Body,
            _ => {
                return Err(ConfigError::InvalidScheme(
                    "the signed content may name only `{id}`, `{timestamp}` and `{body}`",
                ));
            }
        });
        rest = &rest[close + 1..];
    }
    if parts.iter().filter(|part| **part == Part::Body).count() != 1 {
        return Err(ConfigError::InvalidScheme("the signed content must contain `{body}` exactly once"));
    }
    Ok(parts)
}

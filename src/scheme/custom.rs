//! A scheme you describe: which header carries the tag, how it is encoded, and which bytes are signed.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::headers::{optional_str, parse_timestamp, required_bytes, required_str, value};
use super::provider::prelude::*;
use super::signed::{MAX_PIECES, Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::{ConfigError, Error};
use crate::key::{Algorithm, SecretEncoding};
use crate::request::Incoming;

/// One piece of the signed content.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Id,
    Timestamp,
    Body,
    Method,
    Url,
    Literal(Box<[u8]>),
}

/// An HMAC scheme for a provider hooksafe does not ship, described in a few calls.
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
    algorithm: Algorithm,
    error: Option<ConfigError>,
}

impl Custom {
    /// A scheme whose tag is in `signature_header`: HMAC-SHA256 of the body alone, hex-encoded, keyed with the
    /// secret's UTF-8 bytes, with no id and no timestamp until you say otherwise.
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
            algorithm: Algorithm::default(),
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

    /// What is signed, as a template: `{body}` (exactly once), and optionally `{id}`, `{timestamp}`, `{method}`
    /// (the request method, such as `POST`) and `{url}` (the URL the provider called: see
    /// [`VerifierBuilder::public_url`](crate::VerifierBuilder::public_url)), between literal text. Defaults to
    /// `{body}`. A scheme that signs `{method}` or `{url}` verifies through
    /// a whole request or its head ([`RequestView`](crate::RequestView)).
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

    /// The MAC. Defaults to [`Algorithm::HmacSha256`].
    #[must_use]
    pub const fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }
}

impl Custom {
    fn signs_id(&self) -> bool {
        self.parts.contains(&Part::Id)
    }
}

impl Provider for Custom {
    fn name(&self) -> Cow<'static, str> {
        format!("custom:{}", self.signature_header).into()
    }

    fn has_timestamp(&self) -> bool {
        self.timestamp_header.is_some()
    }

    /// The first mistake in the description, if any.
    fn validate(&self) -> Result<(), ConfigError> {
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

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(self.algorithm), self.secret_encoding))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::None
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        let public_url = context.public_url;
        let headers = request.headers;
        let id = match &self.id_header {
            Some(name) if self.signs_id() => Some(required_str(headers, name)?),
            Some(name) => optional_str(headers, name)?,
            None => None,
        };
        let timestamp = match &self.timestamp_header {
            Some(name) => {
                let digits = required_bytes(headers, name)?;
                Some((digits, parse_timestamp(digits, name)?, name))
            }
            None => None,
        };
        let header = &self.signature_header;
        let value = required_bytes(headers, header)?;
        let Some(text) = value.strip_prefix(self.prefix.as_bytes()) else {
            return Err(Error::malformed(header.clone(), "does not start with the scheme's prefix"));
        };
        let mut candidates = Candidates::new();
        candidates
            .push(Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: self.encoding, text }, header)?;
        let mut pieces = [Piece::Bytes(b""); MAX_PIECES];
        let mut urls = Vec::new();
        for (index, (slot, part)) in pieces.iter_mut().zip(&self.parts).enumerate() {
            // What the value is, and the header to blame if it holds a separator.
            let (piece, value, blame) = match part {
                Part::Id => {
                    let id = id.unwrap_or_default().as_bytes();
                    (Piece::Bytes(id), id, self.id_header.as_ref())
                }
                Part::Timestamp => {
                    let digits = timestamp.map_or(&b""[..], |(digits, ..)| digits);
                    (Piece::Bytes(digits), digits, self.timestamp_header.as_ref())
                }
                Part::Body => (Piece::Bytes(request.body), &b""[..], None),
                Part::Method => {
                    let method = request.method()?.as_str().as_bytes();
                    (Piece::Bytes(method), method, None)
                }
                Part::Url => {
                    if urls.is_empty() {
                        urls.push(request.url(public_url)?);
                    }
                    (Piece::Url, urls[0].as_bytes(), None)
                }
                Part::Literal(bytes) => (Piece::Bytes(bytes), &b""[..], None),
            };
            if contains_a_neighbouring_separator(&self.parts, index, value) {
                return Err(match blame {
                    Some(header) => Error::malformed(
                        header.clone(),
                        "contains the scheme's separator, which would make the signed content ambiguous",
                    ),
                    None => Error::malformed_body(
                        "the request's method or URL contains the scheme's separator, which would make the signed content ambiguous",
                    ),
                });
            }
            *slot = piece;
        }
        let id = match id {
            Some(id) if self.signs_id() => IdSource::Signed(id),
            Some(id) => IdSource::UnsignedHeader(id),
            None => IdSource::None,
        };
        Ok(Parsed {
            id,
            timestamp: timestamp.map(|(_, seconds, name)| (seconds, Some(name))),
            signature_header: Some(header),
            batch: Vec::new(),
            candidates,
            signed: Signed::new(&pieces[..self.parts.len()]).with_urls(urls),
        })
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (id, timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        let header = &self.signature_header;
        headers.insert(header.clone(), value(&format!("{}{}", self.prefix, tag.encode(self.encoding)), header)?);
        for (name, text) in [(&self.id_header, id), (&self.timestamp_header, timestamp)] {
            if let Some(name) = name {
                headers.insert(name.clone(), value(text, name)?);
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
            "method" => Part::Method,
            "url" => Part::Url,
            _ => {
                return Err(ConfigError::InvalidScheme(
                    "the signed content may name only `{id}`, `{timestamp}`, `{method}`, `{url}` and `{body}`",
                ));
            }
        });
        rest = &rest[close + 1..];
    }
    if parts.iter().filter(|part| **part == Part::Body).count() != 1 {
        return Err(ConfigError::InvalidScheme("the signed content must contain `{body}` exactly once"));
    }
    if parts.len() > MAX_PIECES {
        return Err(ConfigError::InvalidScheme(
            "the signed content has more than 10 pieces (placeholders and the literals between them)",
        ));
    }
    // `{id}{timestamp}{body}` would sign (`evt17`, `1700000000`) and (`evt1`, `71700000000`) alike: a literal must
    // separate every two placeholders, and no value but the body may contain the separators around it.
    if parts.windows(2).any(|pair| !matches!(pair[0], Part::Literal(_)) && !matches!(pair[1], Part::Literal(_))) {
        return Err(ConfigError::InvalidScheme(
            "the signed content needs a literal separator between two placeholders",
        ));
    }
    Ok(parts)
}

/// Whether `value`, signed at `index` of `parts`, contains the literal next to it on either side (which would let the
/// same signed bytes be split into other values).
fn contains_a_neighbouring_separator(parts: &[Part], index: usize, value: &[u8]) -> bool {
    let neighbours = [index.checked_sub(1).and_then(|before| parts.get(before)), parts.get(index + 1)];
    neighbours.into_iter().flatten().any(|part| match part {
        Part::Literal(separator) => value.windows(separator.len()).any(|window| window == &separator[..]),
        _ => false,
    })
}

//! Provider signature schemes: which headers carry what, which bytes are signed, how the tag is encoded.
//!
//! Each provider lives in its own file. They share the strict parsers below (single header values, canonical
//! timestamps, exact-length tag decoding), so every scheme rejects bad input the same way.

mod custom;
mod github;
mod paddle;
mod shopify;
mod slack;
mod standard;
mod stripe;

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue};
use subtle::{Choice, ConstantTimeEq};

pub use custom::{Custom, Encoding, SecretEncoding};

use crate::error::Error;
use crate::verified::IdSource;

/// A provider's signature scheme.
///
/// Pick the provider you receive from; [`Scheme::Custom`] covers any other HMAC-SHA256 scheme. The rules each
/// variant follows are in its documentation and, with sources, in the crate's `SCHEMES` notes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// [Standard Webhooks](https://www.standardwebhooks.com/) 1.0: `webhook-id`, `webhook-timestamp` and
    /// `webhook-signature: v1,<base64> …`, signing `{id}.{timestamp}.{body}`. The secret is `whsec_` + base64
    /// (the prefix is optional) of at least 24 bytes. Only `v1` entries are checked; others are skipped.
    StandardWebhooks,
    /// Svix: Standard Webhooks sent with `svix-id`, `svix-timestamp` and `svix-signature`; the `webhook-` names are
    /// accepted too, header by header, as Svix's own libraries do.
    Svix,
    /// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, signing `{t}.{body}`. The `whsec_…` secret is
    /// used verbatim. Only `v1` counts (a header with only `v0` fails). The dedup id is the event's `id` field,
    /// read from the signed body.
    Stripe,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body. **No timestamp**, so no replay window: rely on
    /// deduplication. `X-GitHub-Delivery` is reported as the id but is not signed.
    GitHub,
    /// Slack: `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex>`, signing `v0:{timestamp}:{body}`.
    Slack,
    /// Shopify: `X-Shopify-Hmac-Sha256: <base64>` over the body. **No timestamp**, so no replay window.
    /// `X-Shopify-Webhook-Id` is reported as the id but is not signed.
    Shopify,
    /// Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`, signing `{ts}:{body}`. The dedup id is
    /// the event's `event_id` field, read from the signed body.
    Paddle,
    /// A scheme you describe: see [`Custom`].
    Custom(Custom),
}

impl Scheme {
    /// The largest body a verifier for this scheme accepts unless told otherwise: 25 MiB for GitHub (its documented
    /// payload cap), 5 MiB for every other scheme.
    pub const fn default_max_body_size(&self) -> usize {
        match self {
            Self::GitHub => 25 * 1024 * 1024,
            _ => 5 * 1024 * 1024,
        }
    }

    /// Whether requests of this scheme carry a signed timestamp, and so get a replay window.
    pub fn has_timestamp(&self) -> bool {
        match self {
            Self::StandardWebhooks | Self::Svix | Self::Stripe | Self::Slack | Self::Paddle => true,
            Self::GitHub | Self::Shopify => false,
            Self::Custom(custom) => custom.has_timestamp(),
        }
    }

    /// Reads the headers into the parts that were signed, and the text of each candidate tag into `tags` (filled in
    /// place, without allocating; the candidates are decoded only when compared).
    #[inline]
    pub(crate) fn parse<'h>(&self, headers: &'h HeaderMap, tags: &mut Candidates<'h>) -> Result<Parsed<'h, '_>, Error> {
        match self {
            Self::StandardWebhooks => standard::parse(headers, &standard::WEBHOOK, tags),
            Self::Svix => standard::parse_svix(headers, tags),
            Self::Stripe => stripe::parse(headers, tags),
            Self::GitHub => github::parse(headers, tags),
            Self::Slack => slack::parse(headers, tags),
            Self::Shopify => shopify::parse(headers, tags),
            Self::Paddle => paddle::parse(headers, tags),
            Self::Custom(custom) => custom.parse(headers, tags),
        }
    }

    /// Feeds the signed bytes of `message`, in order, to `sink`. Never concatenates.
    pub(crate) fn write_signed(&self, message: &Message<'_>, sink: &mut impl FnMut(&[u8])) {
        let timestamp = message.timestamp.unwrap_or_default();
        match self {
            Self::StandardWebhooks | Self::Svix => {
                for part in [message.id.unwrap_or_default().as_bytes(), b".", timestamp, b".", message.body] {
                    sink(part);
                }
            }
            Self::Stripe => [timestamp, b".", message.body].into_iter().for_each(&mut *sink),
            Self::Paddle => [timestamp, b":", message.body].into_iter().for_each(&mut *sink),
            Self::Slack => [b"v0:", timestamp, b":", message.body].into_iter().for_each(&mut *sink),
            Self::GitHub | Self::Shopify => sink(message.body),
            Self::Custom(custom) => custom.write_signed(message, sink),
        }
    }

    /// The headers this provider sends for the message with `id` and `timestamp` signed with `tag`.
    ///
    /// # Errors
    /// [`ErrorKind::MalformedHeader`](crate::ErrorKind::MalformedHeader) when the id or timestamp cannot be sent
    /// in that header.
    pub(crate) fn render(&self, id: &str, timestamp: &str, tag: &Tag, headers: &mut HeaderMap) -> Result<(), Error> {
        match self {
            Self::StandardWebhooks => standard::render(&standard::WEBHOOK, id, timestamp, tag, headers),
            Self::Svix => standard::render(&standard::SVIX, id, timestamp, tag, headers),
            Self::Stripe => stripe::render(timestamp, tag, headers),
            Self::GitHub => github::render(id, tag, headers),
            Self::Slack => slack::render(timestamp, tag, headers),
            Self::Shopify => shopify::render(id, tag, headers),
            Self::Paddle => paddle::render(timestamp, tag, headers),
            Self::Custom(custom) => custom.render(id, timestamp, tag, headers),
        }
    }

    /// How this scheme's signature header spells a tag.
    pub(crate) const fn tag_encoding(&self) -> Encoding {
        match self {
            Self::StandardWebhooks | Self::Svix | Self::Shopify => Encoding::Base64,
            Self::Stripe | Self::GitHub | Self::Slack | Self::Paddle => Encoding::Hex,
            Self::Custom(custom) => custom.encoding_value(),
        }
    }

    /// Where the delivery id comes from once the request is verified.
    pub(crate) fn id_source<'a>(&self, header_id: Option<&'a str>) -> IdSource<'a> {
        match (self, header_id) {
            (Self::Stripe, _) => IdSource::BodyField("id"),
            (Self::Paddle, _) => IdSource::BodyField("event_id"),
            (_, None) => IdSource::None,
            (Self::StandardWebhooks | Self::Svix, Some(id)) => IdSource::SignedHeader(id),
            (Self::Custom(custom), Some(id)) if custom.signs_id() => IdSource::SignedHeader(id),
            (_, Some(id)) => IdSource::UnsignedHeader(id),
        }
    }

    /// The content type this provider sends its body with.
    pub(crate) const fn content_type(&self) -> &'static str {
        match self {
            Self::Slack => "application/x-www-form-urlencoded",
            _ => "application/json",
        }
    }
}

/// The signed parts of one request, borrowed from its headers and body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Message<'a> {
    pub id: Option<&'a str>,
    /// The timestamp's decimal digits, exactly as signed.
    pub timestamp: Option<&'a [u8]>,
    pub body: &'a [u8],
}

/// What a scheme reads from the headers (`'h`), naming headers it owns (`'s`).
#[derive(Debug)]
pub(crate) struct Parsed<'h, 's> {
    pub id: Option<&'h str>,
    /// The timestamp's digits exactly as signed, and its value.
    pub timestamp: Option<(&'h [u8], i64)>,
    pub timestamp_header: Option<&'s HeaderName>,
    pub signature_header: &'s HeaderName,
}

/// The most signatures one header may carry. Rotation needs two or three; Svix may add one `v1a` per key.
pub const MAX_SIGNATURES: usize = 16;

/// Length of an HMAC-SHA256 tag.
pub(crate) const TAG_LEN: usize = 32;

/// An HMAC-SHA256 tag, as [`Signer::tag`](crate::sign::Signer::tag) computes it.
///
/// Deliberately neither `PartialEq` nor readable as bytes: the only comparison is [`matches`](Self::matches), in
/// constant time, so no code (ours or yours) can compare tags with an early-exit `==`. Its `Debug` is redacted.
///
/// ```compile_fail
/// # use hooksafe::{Scheme, sign::Signer};
/// # let signer = Signer::new(Scheme::GitHub, "secret").unwrap();
/// # let now = time::OffsetDateTime::now_utc();
/// let tag = signer.tag("", now, b"{}");
/// assert!(tag == signer.tag("", now, b"{}")); // error: `Tag` is not `PartialEq`
/// ```
#[derive(Clone, Copy)]
pub struct Tag(pub(crate) [u8; TAG_LEN]);

impl Tag {
    /// Whether the two tags are equal, compared in constant time.
    pub fn matches(&self, other: &Tag) -> bool {
        self.ct_eq(other).into()
    }

    /// The tag as lowercase hex, as GitHub, Stripe, Slack and Paddle send it.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The tag as padded standard base64, as Standard Webhooks and Shopify send it.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// Constant-time equality: the XOR of the four 64-bit words is folded with OR, without branching, and the one
    /// result is compared with `subtle`.
    pub(crate) fn ct_eq(&self, other: &Tag) -> Choice {
        let word = |tag: &Tag, index: usize| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&tag.0[index * 8..index * 8 + 8]);
            u64::from_ne_bytes(bytes)
        };
        let difference = (0..TAG_LEN / 8).fold(0u64, |acc, index| acc | (word(self, index) ^ word(other, index)));
        difference.ct_eq(&0)
    }

    /// Whether `text`, spelled as `encoding`, is this tag: `None` when it is not exactly one tag in that spelling,
    /// else the answer, in constant time. The candidate is compared byte by byte as it is decoded and never stored,
    /// so no freshly written tag is read back in wide words (a store-forwarding stall on every request).
    pub(crate) fn matches_text(&self, text: &[u8], encoding: Encoding) -> Option<Choice> {
        let tag = &self.0;
        let mut difference = 0u32;
        match encoding {
            Encoding::Hex => hex_words(text, |index, bits| {
                difference |= bits
                    ^ u32::from_le_bytes([tag[4 * index], tag[4 * index + 1], tag[4 * index + 2], tag[4 * index + 3]]);
            })?,
            Encoding::Base64 => base64_groups(text, |group, bits| {
                let expected = match group {
                    10 => u32::from(u16::from_be_bytes([tag[30], tag[31]])),
                    _ => u32::from_be_bytes([0, tag[3 * group], tag[3 * group + 1], tag[3 * group + 2]]),
                };
                difference |= bits ^ expected;
            })?,
        }
        Some(difference.ct_eq(&0))
    }

    /// Strict hex of exactly 64 digits, either case. (Verification compares with [`matches_text`](Self::matches_text)
    /// instead; this is what its decoder is tested through.)
    #[cfg(test)]
    pub(crate) fn from_hex<T: AsRef<[u8]> + ?Sized>(text: &T) -> Option<Tag> {
        let mut tag = [0u8; TAG_LEN];
        hex_words(text.as_ref(), |index, bits| tag[4 * index..4 * index + 4].copy_from_slice(&bits.to_le_bytes()))?;
        Some(Tag(tag))
    }

    /// Strict standard base64 with padding: exactly 44 characters of the standard alphabet, the last one `=`, and
    /// the two bits the padding leaves over equal to zero, so each tag has exactly one accepted spelling.
    #[cfg(test)]
    pub(crate) fn from_base64<T: AsRef<[u8]> + ?Sized>(text: &T) -> Option<Tag> {
        let mut tag = [0u8; TAG_LEN];
        base64_groups(text.as_ref(), |group, bits| match group {
            10 => tag[30..].copy_from_slice(&(bits as u16).to_be_bytes()),
            _ => tag[3 * group..3 * group + 3].copy_from_slice(&bits.to_be_bytes()[1..]),
        })?;
        Some(Tag(tag))
    }
}

/// `0x01` in every byte of a word, for the byte-wise (SWAR) arithmetic below.
const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
/// The top bit of every byte of a word.
const HIGHS: u64 = ONES * 0x80;

/// Decodes strict hex of one tag (64 digits, either case) eight digits at a time, handing each four decoded bytes
/// to `word(index, bits)` in order (bytes `4 * index` to `4 * index + 3`, little-endian). `None`, after all eight
/// calls, when `text` is not exactly that; no branch depends on the digits.
///
/// Each byte is classified with carry-free byte-wise arithmetic: with its top bit cleared, adding `0x80 - lo` sets
/// that bit exactly when the byte is at least `lo`, and adding `0x7f - hi` exactly when it is above `hi`.
fn hex_words(text: &[u8], mut word: impl FnMut(usize, u32)) -> Option<()> {
    const NIBBLES: u64 = ONES * 0x0f;
    const LANE_NIBBLES: u64 = 0x000f_000f_000f_000f;
    let in_range = |bytes: u64, lo: u8, hi: u8| {
        let at_least_lo = bytes + ONES * u64::from(0x80 - lo);
        let above_hi = bytes + ONES * u64::from(0x7f - hi);
        at_least_lo & !above_hi & HIGHS
    };
    let text: &[u8; 2 * TAG_LEN] = text.try_into().ok()?;
    let mut invalid = 0u64;
    for (index, digits) in text.as_chunks::<8>().0.iter().enumerate() {
        let raw = u64::from_le_bytes(*digits);
        let ascii = raw & !HIGHS;
        let decimal = in_range(ascii, b'0', b'9');
        // `| 0x20` lowers `A`–`F` and leaves the decimal digits as they are.
        let letter = in_range(ascii | (ONES * 0x20), b'a', b'f');
        invalid |= (raw & HIGHS) | ((decimal | letter) ^ HIGHS);
        // A digit's value is its low nibble, plus 9 for a letter.
        let values = (ascii & NIBBLES) + (letter >> 7) * 9;
        // Each 16-bit lane holds two digits, the first (high nibble) in its low byte: one byte per lane, then the
        // four lanes' bytes side by side.
        let pairs = ((values & LANE_NIBBLES) << 4) | ((values >> 8) & LANE_NIBBLES);
        let pairs = (pairs | (pairs >> 8)) & 0x0000_ffff_0000_ffff;
        word(index, ((pairs | (pairs >> 16)) & 0xffff_ffff) as u32);
    }
    (invalid == 0).then_some(())
}

/// Decodes strict padded base64 of one tag (see [`Tag::from_base64`]), handing each group of bits to
/// `group(index, bits)` in order: the 24 bits of four digits for groups 0 to 9 (bytes `3 * index` to
/// `3 * index + 2`), then the last 16 bits (bytes 30 and 31) as group 10. `None`, after all eleven calls, when
/// `text` is not exactly that (a group with an invalid digit also carries bits above those); no branch depends on
/// the digits.
fn base64_groups(text: &[u8], mut group: impl FnMut(usize, u32)) -> Option<()> {
    let text: &[u8; 44] = text.try_into().ok()?;
    // A digit outside the alphabet carries `BASE64_INVALID`, which lands above the 24 bits of its group wherever the
    // digit sits in it, so one OR of the groups collects every invalid digit.
    let value = |digit: u8| u64::from(BASE64_VALUES[usize::from(digit)]);
    let mut seen = 0u64;
    for (index, digits) in text[..40].as_chunks::<4>().0.iter().enumerate() {
        let bits = (value(digits[0]) << 18) | (value(digits[1]) << 12) | (value(digits[2]) << 6) | value(digits[3]);
        seen |= bits;
        group(index, bits as u32);
    }
    // Of the last three digits' 18 bits, the final two must be zero.
    let last = (value(text[40]) << 12) | (value(text[41]) << 6) | value(text[42]);
    seen |= last;
    group(10, (last >> 2) as u32);
    (seen >> 24 == 0 && last & 0b11 == 0 && text[43] == b'=').then_some(())
}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tag { .. }")
    }
}

/// Marks a byte outside the base64 alphabet (including `=`) in [`BASE64_VALUES`].
const BASE64_INVALID: u32 = 1 << 24;

/// The value of each standard base64 digit, or [`BASE64_INVALID`].
const BASE64_VALUES: [u32; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut table = [BASE64_INVALID; 256];
    let mut index = 0;
    while index < alphabet.len() {
        table[alphabet[index] as usize] = index as u32;
        index += 1;
    }
    table
};

/// The signature entries of one request that are of the version the scheme checks, as the text that spells each
/// tag, without allocating. They are decoded only when compared, so an entry that does not decode is simply no
/// match.
#[derive(Debug)]
pub(crate) struct Candidates<'h> {
    /// `None` past `len`: an array of `None` starts as zeros, written in a few wide stores per request.
    entries: [Option<&'h [u8]>; MAX_SIGNATURES],
    len: usize,
    seen: usize,
}

impl<'h> Candidates<'h> {
    pub(crate) const fn new() -> Self {
        Self { entries: [None; MAX_SIGNATURES], len: 0, seen: 0 }
    }

    /// Records the text of one signature entry of the accepted version.
    #[inline]
    pub(crate) fn push(&mut self, text: &'h [u8], header: &HeaderName) -> Result<(), Error> {
        self.count(header)?;
        self.entries[self.len] = Some(text);
        self.len += 1;
        Ok(())
    }

    /// Counts an entry that is not a candidate (another version), so the cap bounds the work on any header.
    #[inline]
    pub(crate) fn count(&mut self, header: &HeaderName) -> Result<(), Error> {
        if self.seen == MAX_SIGNATURES {
            return Err(Error::malformed(header.clone(), "carries more signatures than any rotation needs"));
        }
        self.seen += 1;
        Ok(())
    }

    pub(crate) const fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &'h [u8]> + '_ {
        self.entries[..self.len].iter().flatten().copied()
    }
}

/// What a request holds under one header name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Found<'h> {
    Absent,
    Once(&'h HeaderValue),
    Repeated,
}

/// Up to this many distinct names, one pass over the map finds every wanted header faster than hashing each name
/// (the map hashes names with FNV, byte by byte); larger maps are looked up by hash.
const SCAN_LIMIT: usize = 16;

/// What `headers` holds under each of `names`, in one pass where that is cheapest. Inlined, so the answers stay in
/// registers instead of being stored and read back at another width (a store-forwarding stall).
#[inline(always)]
pub(crate) fn find<'h, const N: usize>(headers: &'h HeaderMap, names: [&HeaderName; N]) -> [Found<'h>; N] {
    let mut found = [Found::Absent; N];
    if headers.len() != headers.keys_len() {
        // Some name carries several values: ask for each wanted name how many it has.
        for (slot, name) in found.iter_mut().zip(names) {
            let mut values = headers.get_all(name).iter();
            if let Some(value) = values.next() {
                *slot = if values.next().is_some() { Found::Repeated } else { Found::Once(value) };
            }
        }
    } else if headers.keys_len() <= SCAN_LIMIT {
        // Every name has one value, so the first match is the only one.
        let wanted = names.map(|name| name.as_str().as_bytes());
        let mut missing = N;
        for (name, value) in headers {
            let name = name.as_str().as_bytes();
            if let Some(slot) = wanted.iter().position(|wanted| same_bytes(name, wanted)) {
                found[slot] = Found::Once(value);
                missing -= 1;
                if missing == 0 {
                    break;
                }
            }
        }
    } else {
        for (slot, name) in found.iter_mut().zip(names) {
            if let Some(value) = headers.get(name) {
                *slot = Found::Once(value);
            }
        }
    }
    found
}

/// Whether two names are the same bytes, compared inline eight bytes at a time: a call to `memcmp` for each of
/// a handful of short names costs more than the comparison itself.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let word = |bytes: &[u8], at: usize| bytes[at..].first_chunk::<8>().map(|word| u64::from_ne_bytes(*word));
    if a.len() != b.len() {
        return false;
    }
    let Some(last) = a.len().checked_sub(8) else {
        return a == b;
    };
    let mut at = 0;
    while at < last {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    // The last eight bytes, overlapping the words before them when the length is not a multiple of eight.
    word(a, last) == word(b, last)
}

impl<'h> Found<'h> {
    /// The one value of `name` as raw bytes: `None` when absent or empty; an error when repeated. For values that
    /// are parsed byte by byte (timestamps, signatures), whose own format rejects anything but ASCII.
    #[inline]
    pub(crate) fn bytes(self, name: &HeaderName) -> Result<Option<&'h [u8]>, Error> {
        match self {
            Self::Absent => Ok(None),
            Self::Repeated => Err(Error::malformed(name.clone(), "appears more than once")),
            Self::Once(value) => Ok(Some(value.as_bytes()).filter(|bytes| !bytes.is_empty())),
        }
    }

    /// The one non-empty value of `name` as raw bytes, or [`ErrorKind::MissingHeader`](crate::ErrorKind::MissingHeader).
    #[inline]
    pub(crate) fn required_bytes(self, name: &HeaderName) -> Result<&'h [u8], Error> {
        self.bytes(name)?.ok_or_else(|| Error::missing(name.clone()))
    }

    /// The one value of `name` as text: `None` when absent or empty; an error when repeated or not visible ASCII.
    #[inline]
    pub(crate) fn optional(self, name: &HeaderName) -> Result<Option<&'h str>, Error> {
        match self {
            Self::Once(value) if !value.is_empty() => {
                value.to_str().map(Some).map_err(|_| Error::malformed(name.clone(), "is not visible ASCII"))
            }
            _ => self.bytes(name).map(|_| None),
        }
    }

    /// The one non-empty value of `name` as text, or [`ErrorKind::MissingHeader`](crate::ErrorKind::MissingHeader).
    #[inline]
    pub(crate) fn required(self, name: &HeaderName) -> Result<&'h str, Error> {
        self.optional(name)?.ok_or_else(|| Error::missing(name.clone()))
    }
}

/// The one value of `name` as text; see [`Found::optional`].
pub(crate) fn optional<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<Option<&'h str>, Error> {
    let [found] = find(headers, [name]);
    found.optional(name)
}

/// The one non-empty value of `name` as text; see [`Found::required`].
pub(crate) fn required<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<&'h str, Error> {
    let [found] = find(headers, [name]);
    found.required(name)
}

/// The one non-empty value of `name` as raw bytes; see [`Found::required_bytes`].
pub(crate) fn required_bytes<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<&'h [u8], Error> {
    let [found] = find(headers, [name]);
    found.required_bytes(name)
}

/// `text` as the value of `header`.
pub(crate) fn value(text: &str, header: &HeaderName) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(text).map_err(|_| Error::malformed(header.clone(), "is not visible ASCII"))
}

/// The pieces of `bytes` between occurrences of `separator`, as `<[u8]>::split` gives them, but finding each
/// separator eight bytes at a time: signature lists are scanned on every request.
pub(crate) fn split(bytes: &[u8], separator: u8) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let current = rest?;
        match find_byte(current, separator) {
            Some(at) => {
                rest = Some(&current[at + 1..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// The index of the first `needle` in `haystack`. Each 8-byte word is XORed with the needle in every byte, so a
/// matching byte becomes zero; `(x - 0x01…) & !x & 0x80…` flags zero bytes, exactly up to the first one (a borrow
/// can only flag bytes after it), and the lowest flag is the first match.
pub(super) fn find_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    let pattern = ONES * u64::from(needle);
    let (words, tail) = haystack.as_chunks::<8>();
    for (index, word) in words.iter().enumerate() {
        let x = u64::from_le_bytes(*word) ^ pattern;
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(index * 8 + (zeros.trailing_zeros() / 8) as usize);
        }
    }
    tail.iter().position(|&byte| byte == needle).map(|at| words.len() * 8 + at)
}

/// Unix seconds in canonical form: ASCII digits only, no sign, no leading zero, within `i64`.
pub(crate) fn parse_timestamp(bytes: &[u8], header: &HeaderName) -> Result<i64, Error> {
    // At most 19 digits fit in a `u64` without overflow; `i64::try_from` then bounds the value.
    let canonical = matches!(bytes, [b'1'..=b'9', ..] | [b'0']) && bytes.len() <= 19;
    let (mut value, mut digits, rest) = match bytes.split_first_chunk::<8>() {
        // Today's timestamps have ten digits: the first eight are read as one word.
        Some((head, rest)) => {
            let (value, digits) = eight_digits(*head);
            (value, canonical & digits, rest)
        }
        None => (0, canonical, bytes),
    };
    for &byte in rest {
        let digit = byte.wrapping_sub(b'0');
        digits &= digit < 10;
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
    }
    digits.then(|| i64::try_from(value).ok()).flatten().ok_or_else(|| Error::invalid_timestamp(header.clone()))
}

/// The value of eight decimal digits (the first one most significant), and whether all eight are ASCII digits.
/// Pairs, then quadruples, then the whole word are combined with multiplications instead of eight dependent steps.
fn eight_digits(text: [u8; 8]) -> (u64, bool) {
    const ZEROS: u64 = u64::from_le_bytes([b'0'; 8]);
    const HIGH_NIBBLES: u64 = u64::from_le_bytes([0xf0; 8]);
    let word = u64::from_le_bytes(text);
    // Every byte is 0x30..=0x3f, and adding 6 keeps it there (no byte above `9`); no carry crosses bytes.
    let digits = word & HIGH_NIBBLES == ZEROS && word.wrapping_add(u64::from_le_bytes([6; 8])) & HIGH_NIBBLES == ZEROS;
    let word = word.wrapping_sub(ZEROS);
    // Each 16-bit lane: first digit × 10 + second, in its low byte.
    let pairs = word.wrapping_mul(10).wrapping_add(word >> 8) & 0x00ff_00ff_00ff_00ff;
    // Each 32-bit lane: first pair × 100 + second, in its low half.
    let quads = (pairs.wrapping_mul(100) + (pairs >> 16)) & 0x0000_ffff_0000_ffff;
    let value = (quads & 0xffff_ffff) * 10_000 + (quads >> 32);
    (value, digits)
}

/// Parses a `key=value` list carrying one timestamp key and any number of signature keys (Stripe, Paddle). Every
/// element must have a non-empty key and an `=`; empty elements, a missing or repeated timestamp are malformed.
pub(crate) fn parse_timestamped_list<'h>(
    headers: &'h HeaderMap,
    header: &'static HeaderName,
    separator: u8,
    timestamp_key: &[u8],
    signature_key: &[u8],
    tags: &mut Candidates<'h>,
) -> Result<Parsed<'h, 'static>, Error> {
    let value = required_bytes(headers, header)?;
    let mut timestamp = None;
    for element in split(value, separator) {
        let Some(equals) = find_byte(element, b'=').filter(|&equals| equals > 0) else {
            return Err(Error::malformed(header.clone(), "has an element that is not `key=value`"));
        };
        let (key, text) = (&element[..equals], &element[equals + 1..]);
        if same_bytes(key, signature_key) {
            tags.push(text, header)?;
        } else if same_bytes(key, timestamp_key) {
            if timestamp.is_some() {
                return Err(Error::malformed(header.clone(), "carries more than one timestamp"));
            }
            timestamp = Some((text, parse_timestamp(text, header)?));
        } else {
            tags.count(header)?;
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(Error::malformed(header.clone(), "carries no timestamp element"));
    };
    Ok(Parsed { id: None, timestamp: Some(timestamp), timestamp_header: Some(header), signature_header: header })
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use proptest::prelude::*;

    use super::Tag;

    #[test]
    fn tags_differing_identically_in_two_words_are_not_equal() {
        // An XOR fold would let the two differences cancel; the OR fold keeps them.
        let a = Tag([7; 32]);
        let mut b = a;
        b.0[0] ^= 1;
        b.0[8] ^= 1;
        assert!(!bool::from(a.ct_eq(&b)));
        assert!(bool::from(a.ct_eq(&a)));
    }

    #[test]
    fn a_pair_of_invalid_hex_digits_is_rejected() {
        let valid = "ab".repeat(32);
        for bad in ["zz", "z0", "0z", "g\u{7f}"] {
            let text = format!("{}{bad}", &valid[..62]);
            assert!(Tag::from_hex(&text).is_none(), "{text}");
        }
        assert!(Tag::from_hex(&valid).is_some());
    }

    #[test]
    fn two_invalid_base64_digits_in_one_group_are_rejected() {
        let valid = STANDARD.encode([0x5a; 32]);
        for (at, pair) in [(0, "__"), (4, "!!"), (8, "-."), (40, "**")] {
            let text = format!("{}{pair}{}", &valid[..at], &valid[at + 2..]);
            assert!(Tag::from_base64(&text).is_none(), "{text}");
        }
    }

    #[test]
    fn every_byte_in_every_base64_position_is_judged_as_strict_base64_judges_it() {
        // Exhaustive: an invalid digit must be caught wherever it sits in its group, whatever its value.
        let valid = STANDARD.encode([0xa5; 32]).into_bytes();
        for at in 0..valid.len() {
            for byte in 0..=u8::MAX {
                let mut text = valid.clone();
                text[at] = byte;
                let strict = STANDARD.decode(&text).ok().filter(|bytes| bytes.len() == 32);
                assert_eq!(Tag::from_base64(&text).map(|tag| tag.0.to_vec()), strict, "byte {byte:#04x} at {at}");
            }
        }
    }

    #[test]
    fn timestamps_are_digits_only_even_next_to_the_digit_range() {
        let header = http::HeaderName::from_static("webhook-timestamp");
        // `/` and `:` sit just below `0` and just above `9`.
        for text in ["1700000000", "0", "9223372036854775807"] {
            assert!(super::parse_timestamp(text.as_bytes(), &header).is_ok(), "{text}");
        }
        for text in
            ["17000000:0", "1700000/00", "1:", "9223372036854775808", "01", "", "-1", "+1", "1700?00000", "17000000?"]
        {
            assert!(super::parse_timestamp(text.as_bytes(), &header).is_err(), "{text}");
        }
    }

    proptest! {
        #[test]
        fn timestamps_parse_exactly_as_canonical_decimal(
            bytes in prop_oneof![
                "[0-9]{0,22}".prop_map(String::into_bytes),
                proptest::collection::vec(
                    prop_oneof![4 => b'0'..=b'9', 1 => b'('..=b'?', 1 => any::<u8>(), 1 => 0xf0u8..=0xff],
                    0..=22,
                ),
            ],
        ) {
            // The model: a non-negative `i64`, accepted only in its canonical spelling (no sign, no leading zero).
            let header = http::HeaderName::from_static("webhook-timestamp");
            let model = std::str::from_utf8(&bytes)
                .ok()
                .and_then(|text| text.parse::<i64>().ok().filter(|value| *value >= 0 && value.to_string() == text));
            prop_assert_eq!(super::parse_timestamp(&bytes, &header).ok(), model);
        }

        #[test]
        fn names_compare_as_their_bytes(
            a in proptest::collection::vec(any::<u8>(), 0..40),
            flip in any::<(prop::sample::Index, u8)>(),
            other in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            // Equal, differing in one byte anywhere (word or overlapping tail), and unrelated.
            let mut changed = a.clone();
            if !changed.is_empty() {
                changed[flip.0.index(a.len())] ^= flip.1.max(1);
            }
            for b in [&a, &changed, &other] {
                prop_assert_eq!(super::same_bytes(&a, b), a == *b);
            }
        }

        #[test]
        fn splitting_agrees_with_the_slice_split(
            bytes in proptest::collection::vec(prop_oneof![Just(b' '), Just(b','), any::<u8>()], 0..40),
            separator in prop_oneof![Just(b' '), Just(b','), any::<u8>()],
        ) {
            let ours: Vec<&[u8]> = super::split(&bytes, separator).collect();
            let model: Vec<&[u8]> = bytes.split(|&byte| byte == separator).collect();
            prop_assert_eq!(ours, model);
        }
    }

    #[test]
    fn a_tag_debugs_without_its_bytes() {
        assert_eq!(format!("{:?}", Tag([0xab; 32])), "Tag { .. }");
    }

    proptest! {
        #[test]
        fn base64_tags_decode_exactly_what_they_encode(bytes in any::<[u8; 32]>()) {
            prop_assert_eq!(Tag::from_base64(&STANDARD.encode(bytes)).map(|tag| tag.0), Some(bytes));
        }

        #[test]
        fn base64_tags_are_accepted_exactly_when_strict_base64_decodes_to_32_bytes(
            text in "[A-Za-z0-9+/=_-]{42,46}",
        ) {
            let strict = STANDARD.decode(&text).ok().filter(|bytes| bytes.len() == 32);
            prop_assert_eq!(Tag::from_base64(&text).map(|tag| tag.0.to_vec()), strict);
        }

        #[test]
        fn a_tag_with_digits_replaced_is_accepted_exactly_when_strict_base64_accepts_it(
            bytes in any::<[u8; 32]>(),
            group in 0usize..11,
            offsets in (0usize..4, 0usize..4),
            replacements in (0u8..128, 0u8..128),
        ) {
            // One or two digits of one four-digit group (the last group has three) replaced by any ASCII byte, so
            // two invalid digits side by side are tried too.
            let mut text = STANDARD.encode(bytes).into_bytes();
            let digits = if group == 10 { 3 } else { 4 };
            text[group * 4 + offsets.0 % digits] = replacements.0;
            text[group * 4 + offsets.1 % digits] = replacements.1;
            let text = String::from_utf8(text).unwrap();
            let strict = STANDARD.decode(&text).ok().filter(|bytes| bytes.len() == 32);
            prop_assert_eq!(Tag::from_base64(&text).map(|tag| tag.0.to_vec()), strict, "{}", text);
        }

        #[test]
        fn hex_tags_are_accepted_exactly_when_hex_decodes_to_32_bytes(
            bytes in any::<[u8; 32]>(),
            upper in any::<bool>(),
            // Up to two digits replaced: by the bytes just outside each digit range, or by any byte at all.
            edits in proptest::collection::vec(
                (0..64usize, prop_oneof![3 => prop::sample::select(b"/:@G`g \x7f\x80\xb0\xc1\xe6\xff".to_vec()), 1 => any::<u8>()]),
                0..=2,
            ),
            length in prop_oneof![6 => Just(64usize), 1 => Just(63), 1 => Just(65)],
        ) {
            let mut text = if upper { hex::encode_upper(bytes) } else { hex::encode(bytes) }.into_bytes();
            for (at, byte) in edits {
                text[at] = byte;
            }
            text.resize(length, b'0');
            let strict = hex::decode(&text).ok().filter(|bytes| bytes.len() == 32);
            prop_assert_eq!(Tag::from_hex(&text).map(|tag| tag.0.to_vec()), strict);
        }

        #[test]
        fn comparing_text_agrees_with_decoding_then_comparing(
            tag in any::<[u8; 32]>(),
            other in any::<[u8; 32]>(),
            noise in "[A-Za-z0-9+/=]{44}|[0-9a-fA-F]{64}",
            pick in 0u8..3,
        ) {
            // The candidate is the tag itself, another tag, or arbitrary text, in each spelling.
            let tag = Tag(tag);
            for encoding in [super::Encoding::Hex, super::Encoding::Base64] {
                let spell = |bytes: &[u8; 32]| match encoding {
                    super::Encoding::Hex => hex::encode(bytes),
                    super::Encoding::Base64 => STANDARD.encode(bytes),
                };
                let text = match pick { 0 => spell(&tag.0), 1 => spell(&other), _ => noise.clone() };
                let decoded = match encoding {
                    super::Encoding::Hex => Tag::from_hex(&text),
                    super::Encoding::Base64 => Tag::from_base64(&text),
                };
                let compared = tag.matches_text(text.as_bytes(), encoding).map(bool::from);
                prop_assert_eq!(compared, decoded.map(|candidate| candidate.matches(&tag)));
            }
        }

        #[test]
        fn hex_tags_round_trip(bytes in any::<[u8; 32]>()) {
            prop_assert_eq!(Tag::from_hex(&hex::encode(bytes)).map(|tag| tag.0), Some(bytes));
            prop_assert_eq!(Tag::from_hex(&hex::encode_upper(bytes)).map(|tag| tag.0), Some(bytes));
        }

        #[test]
        fn one_changed_trailing_bit_is_not_another_spelling(bytes in any::<[u8; 32]>(), bit in 0u8..2) {
            let mut text = STANDARD.encode(bytes).into_bytes();
            let last = text[42];
            let value = super::BASE64_VALUES[usize::from(last)] ^ (1 << bit);
            text[42] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[value as usize];
            prop_assert!(Tag::from_base64(std::str::from_utf8(&text).unwrap()).is_none());
        }
    }

    /// What the map holds under `name`, read the plain way: absent, one value, or repeated.
    fn model(headers: &http::HeaderMap, name: &http::HeaderName) -> Option<Option<Vec<u8>>> {
        let values: Vec<_> = headers.get_all(name).iter().collect();
        match values.as_slice() {
            [] => None,
            [value] => Some(Some(value.as_bytes().to_vec())),
            _ => Some(None),
        }
    }

    proptest! {
        #[test]
        fn finding_headers_agrees_with_reading_each_name_for_maps_of_any_size_and_repetition(
            // Up to 40 entries from a pool of 48 names, so maps are small (scanned) and large (hashed), with and
            // without repeated names, and the wanted names present, absent or repeated.
            entries in proptest::collection::vec((0usize..48, any::<u8>()), 0..=40),
        ) {
            let name = |index: usize| http::HeaderName::try_from(format!("x-header-{index}")).unwrap();
            let mut headers = http::HeaderMap::new();
            for (index, value) in &entries {
                headers.append(name(*index), http::HeaderValue::from(u16::from(*value)));
            }
            let wanted = [name(0), name(1), name(2)];
            let found = super::find(&headers, [&wanted[0], &wanted[1], &wanted[2]]);
            for (found, wanted) in found.iter().zip(&wanted) {
                let actual = match found {
                    super::Found::Absent => None,
                    super::Found::Once(value) => Some(Some(value.as_bytes().to_vec())),
                    super::Found::Repeated => Some(None),
                };
                prop_assert_eq!(actual, model(&headers, wanted));
            }
        }
    }

    /// Every scheme, with a custom one of each tag encoding.
    fn every_scheme() -> Vec<super::Scheme> {
        use super::{Custom, Encoding, Scheme};
        let custom = |encoding| {
            Custom::new("x-acme-signature")
                .prefix("sig=")
                .encoding(encoding)
                .id_header("x-acme-id")
                .timestamp_header("x-acme-timestamp")
                .signed_content("{id}:{timestamp}:{body}")
        };
        vec![
            Scheme::StandardWebhooks,
            Scheme::Svix,
            Scheme::Stripe,
            Scheme::GitHub,
            Scheme::Slack,
            Scheme::Shopify,
            Scheme::Paddle,
            Scheme::Custom(custom(Encoding::Hex)),
            Scheme::Custom(custom(Encoding::Base64)),
        ]
    }

    /// Rendered headers and what parsing them gave: id, timestamp text and value, candidate tags.
    type RoundTrip = (http::HeaderMap, Option<String>, Option<(String, i64)>, Vec<[u8; 32]>);

    /// The candidates parsed into `tags`, decoded; each must decode.
    fn decoded(scheme: &super::Scheme, tags: &super::Candidates<'_>) -> Vec<[u8; 32]> {
        let decode = |text: &[u8]| match scheme.tag_encoding() {
            super::Encoding::Hex => Tag::from_hex(text),
            super::Encoding::Base64 => Tag::from_base64(text),
        };
        tags.iter().map(|text| decode(text).unwrap().0).collect()
    }

    /// Renders `tag` for `id` and `timestamp` into headers, then parses them back.
    fn render_then_parse(scheme: &super::Scheme, id: &str, timestamp: &str, tag: &Tag) -> RoundTrip {
        let mut headers = http::HeaderMap::new();
        scheme.render(id, timestamp, tag, &mut headers).unwrap();
        let mut tags = super::Candidates::new();
        let parsed = scheme.parse(&headers, &mut tags).unwrap();
        let id = parsed.id.map(str::to_owned);
        let timestamp = parsed.timestamp.map(|(digits, value)| (String::from_utf8(digits.to_vec()).unwrap(), value));
        let candidates = decoded(scheme, &tags);
        (headers, id, timestamp, candidates)
    }

    proptest! {
        #[test]
        fn parse_render_parse_is_stable_for_every_header_format(
            bytes in any::<[u8; 32]>(),
            id in "[A-Za-z0-9_-]{1,40}",
            seconds in 0i64..=i64::MAX,
        ) {
            let seconds = seconds.to_string();
            let tag = Tag(bytes);
            for scheme in every_scheme() {
                let (headers, parsed_id, timestamp, candidates) = render_then_parse(&scheme, &id, &seconds, &tag);
                // What was rendered parses back to the same tag, and to the same id and timestamp where the
                // scheme carries them in headers.
                prop_assert_eq!(&candidates, &vec![bytes], "{:?}", scheme);
                if let Some((text, value)) = &timestamp {
                    prop_assert_eq!(text, &seconds);
                    prop_assert_eq!(value.to_string(), seconds.clone());
                }
                if let Some(parsed_id) = &parsed_id {
                    prop_assert_eq!(parsed_id, &id);
                }
                // Rendering what was parsed gives the same headers again.
                let id = parsed_id.as_deref().unwrap_or(&id);
                let seconds = timestamp.as_ref().map_or(seconds.as_str(), |(text, _)| text.as_str());
                let (headers_again, ..) = render_then_parse(&scheme, id, seconds, &Tag(candidates[0]));
                prop_assert_eq!(headers_again, headers, "{:?}", scheme);
            }
        }

        #[test]
        fn every_well_formed_list_entry_survives_a_round_trip(
            tags in proptest::collection::vec(any::<[u8; 32]>(), 1..=4),
            seconds in 0i64..=i64::MAX,
        ) {
            // Stripe and Paddle lists with several signatures, other versions and unknown keys, in any order:
            // each candidate parsed out renders to a header that parses back to exactly that candidate.
            for (scheme, header, separator, timestamp_key, key, other) in [
                (super::Scheme::Stripe, "stripe-signature", ',', "t", "v1", "v0"),
                (super::Scheme::Paddle, "paddle-signature", ';', "ts", "h1", "h2"),
            ] {
                let mut entries: Vec<String> = tags.iter().map(|tag| format!("{key}={}", hex::encode(tag))).collect();
                entries.insert(tags.len() / 2, format!("{timestamp_key}={seconds}"));
                entries.push(format!("{other}={}", hex::encode([0xab; 32])));
                let mut headers = http::HeaderMap::new();
                headers.insert(header, entries.join(&separator.to_string()).parse().unwrap());
                let mut candidates = super::Candidates::new();
                let parsed = scheme.parse(&headers, &mut candidates).unwrap();
                prop_assert_eq!(parsed.timestamp.map(|(_, value)| value), Some(seconds));
                let parsed = decoded(&scheme, &candidates);
                prop_assert_eq!(&parsed, &tags);
                let seconds = seconds.to_string();
                for bytes in &parsed {
                    let (.., again) = render_then_parse(&scheme, "", &seconds, &Tag(*bytes));
                    prop_assert_eq!(&again, &vec![*bytes]);
                }
            }
        }
    }
}

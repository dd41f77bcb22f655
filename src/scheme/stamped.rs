//! What the schemes with a signature header beside a separate timestamp header share (Airwallex, Webflow, Zendesk,
//! Klaviyo): one tag, HMAC-SHA256 over the timestamp as sent and the body, in the order and with the joiner the
//! provider states, the timestamp in the provider's own notation. Each provider's file names its headers, notation,
//! tag encoding and order.

use std::sync::LazyLock;

use http::{HeaderMap, HeaderName};
use time::format_description::{BorrowedFormatItem, parse as parse_description};
use time::{OffsetDateTime, PrimitiveDateTime};

use super::IdSource;
use super::Parsed;
use super::headers::{canonical_seconds, required_bytes, rfc3339_seconds, rfc3339_text, value};
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

/// How the timestamp header writes the time.
pub(super) enum Notation {
    /// Unix milliseconds, canonical digits.
    Millis,
    /// RFC 3339.
    Rfc3339,
    /// The HTTP date (IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`.
    HttpDate,
}

/// What is signed, around the body.
pub(super) enum Order {
    /// `{timestamp}{joiner}{body}`.
    TimestampFirst(&'static [u8]),
    /// `{body}{timestamp}`.
    BodyFirst,
}

/// One provider's pair of headers.
pub(super) struct Stamped {
    pub signature: HeaderName,
    pub timestamp: HeaderName,
    pub notation: Notation,
    pub encoding: Encoding,
    pub order: Order,
}

/// The IMF-fixdate of RFC 9110, section 5.6.7.
static HTTP_DATE: LazyLock<Vec<BorrowedFormatItem<'static>>> = LazyLock::new(|| {
    parse_description("[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT")
        .unwrap_or_default()
});

pub(super) fn parse<'a>(
    request: &Incoming<'a>,
    stamped: &'static Stamped,
    id: IdSource<'a>,
) -> Result<Parsed<'a, 'a>, Error> {
    let stamp = required_bytes(request.headers, &stamped.timestamp)?;
    let seconds = seconds(stamp, &stamped.notation).ok_or_else(|| match stamped.notation {
        Notation::Millis => Error::invalid_timestamp(stamped.timestamp.clone()),
        Notation::Rfc3339 => Error::malformed(stamped.timestamp.clone(), "is not an RFC 3339 date and time"),
        Notation::HttpDate => {
            Error::malformed(stamped.timestamp.clone(), "is not an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`)")
        }
    })?;
    let text = required_bytes(request.headers, &stamped.signature)?;
    let mut candidates = Candidates::new();
    candidates.push(
        Candidate { for_key: ForKey::Any, kind: KeyKind::Hmac, encoding: stamped.encoding, text },
        &stamped.signature,
    )?;
    let signed = match stamped.order {
        Order::TimestampFirst(joiner) => {
            Signed::new(&[Piece::Bytes(stamp), Piece::Bytes(joiner), Piece::Bytes(request.body)])
        }
        Order::BodyFirst => Signed::new(&[Piece::Bytes(request.body), Piece::Bytes(stamp)]),
    };
    Ok(Parsed {
        id,
        timestamp: Some((seconds, Some(&stamped.timestamp))),
        signature_header: Some(&stamped.signature),
        batch: Vec::new(),
        candidates,
        signed,
    })
}

/// The timestamp in unix seconds, or `None` when it is not in the notation.
fn seconds(stamp: &[u8], notation: &Notation) -> Option<i64> {
    match notation {
        Notation::Millis => canonical_seconds(stamp).map(|millis| millis.div_euclid(1000)),
        Notation::Rfc3339 => rfc3339_seconds(stamp),
        Notation::HttpDate => {
            let date = PrimitiveDateTime::parse(std::str::from_utf8(stamp).ok()?, &HTTP_DATE).ok()?;
            Some(date.assume_utc().unix_timestamp())
        }
    }
}

/// The headers for `timestamp` in unix seconds, written in the provider's notation.
pub(super) fn render(stamped: &Stamped, headers: &mut HeaderMap, timestamp: &str, tag: &Tag) -> Result<(), Error> {
    let unwritable = || Error::malformed(stamped.timestamp.clone(), "cannot be written in the provider's notation");
    let seconds = timestamp.parse::<i64>().map_err(|_| unwritable())?;
    let date = OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| unwritable())?;
    let stamp = match stamped.notation {
        Notation::Millis => format!("{seconds}000"),
        Notation::Rfc3339 => rfc3339_text(timestamp).ok_or_else(unwritable)?,
        Notation::HttpDate => date.format(&*HTTP_DATE).map_err(|_| unwritable())?,
    };
    headers.insert(stamped.timestamp.clone(), value(&stamp, &stamped.timestamp)?);
    headers.insert(stamped.signature.clone(), value(&tag.encode(stamped.encoding), &stamped.signature)?);
    Ok(())
}

//! Reading header values strictly: one value per name, canonical timestamps, `key=value` lists.

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::Error;

/// The one non-empty value of `name`: `None` when absent or empty, an error when the header is repeated (a
/// proxy and this crate could disagree on which copy counts).
pub(crate) fn one<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<Option<&'h HeaderValue>, Error> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(Error::malformed(name.clone(), "appears more than once"));
    }
    Ok(first.filter(|value| !value.is_empty()))
}

/// The one non-empty value of `name` as raw bytes, or [`ErrorKind::MissingHeader`](crate::ErrorKind::MissingHeader).
pub(crate) fn required_bytes<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<&'h [u8], Error> {
    one(headers, name)?.map(HeaderValue::as_bytes).ok_or_else(|| Error::missing(name.clone()))
}

/// The one non-empty value of `name` as text: `None` when absent, an error when not visible ASCII.
pub(crate) fn optional_str<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<Option<&'h str>, Error> {
    match one(headers, name)? {
        Some(value) => value.to_str().map(Some).map_err(|_| Error::malformed(name.clone(), "is not visible ASCII")),
        None => Ok(None),
    }
}

/// The one non-empty value of `name` as text, or [`ErrorKind::MissingHeader`](crate::ErrorKind::MissingHeader).
pub(crate) fn required_str<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<&'h str, Error> {
    optional_str(headers, name)?.ok_or_else(|| Error::missing(name.clone()))
}

/// `text` as the value of `header`, for the test kit.
pub(crate) fn value(text: &str, header: &HeaderName) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(text).map_err(|_| Error::malformed(header.clone(), "is not visible ASCII"))
}

/// A timestamp header's digits and value, then a signature header's value: what Slack, Discord and SendGrid send.
pub(crate) fn timestamp_and_signature<'h>(
    headers: &'h HeaderMap,
    timestamp: &HeaderName,
    signature: &HeaderName,
) -> Result<(&'h [u8], i64, &'h [u8]), Error> {
    let digits = required_bytes(headers, timestamp)?;
    let seconds = parse_timestamp(digits, timestamp)?;
    Ok((digits, seconds, required_bytes(headers, signature)?))
}

/// Unix seconds in canonical form: ASCII digits only, no sign, no leading zero, within `i64`.
pub(crate) fn parse_timestamp(bytes: &[u8], header: &HeaderName) -> Result<i64, Error> {
    canonical_seconds(bytes).ok_or_else(|| Error::invalid_timestamp(header.clone()))
}

/// Unix seconds in canonical form, wherever they are written (a header, a body field).
pub(crate) fn canonical_seconds(bytes: &[u8]) -> Option<i64> {
    let canonical = match bytes {
        [b'0'] => true,
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    std::str::from_utf8(bytes).ok().filter(|_| canonical).and_then(|text| text.parse::<i64>().ok())
}

/// An RFC 3339 date and time as unix seconds (Twitch, Box, Zendesk); `None` when it is not one.
pub(crate) fn rfc3339_seconds(bytes: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(bytes).ok()?;
    let date = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    Some(date.unix_timestamp())
}

/// Unix seconds, given as text, written as RFC 3339, for the test kit; `None` when out of range.
pub(crate) fn rfc3339_text(seconds: &str) -> Option<String> {
    let date = time::OffsetDateTime::from_unix_timestamp(seconds.parse().ok()?).ok()?;
    date.format(&time::format_description::well_known::Rfc3339).ok()
}

/// How a `key=value` signature list is written (Stripe, Paddle, Calendly, WorkOS).
pub(crate) struct ListFormat {
    /// Between elements: `,` or `;`.
    pub separator: u8,
    /// Whether spaces around an element are allowed (WorkOS writes `t=…, v1=…`).
    pub trim: bool,
    pub timestamp_key: &'static str,
    pub signature_key: &'static str,
    /// Whether the timestamp counts milliseconds rather than seconds.
    pub milliseconds: bool,
}

/// The elements of a `key=value` list with one timestamp key and any number of signature keys: the timestamp's
/// digits as signed and its value in unix seconds, and each signature value in order. Every element must have a
/// non-empty key and an `=`; empty elements and a missing or repeated timestamp are malformed. `entry` is called with
/// each signature value (`Some`) and once for each element with another key (`None`), so the caller can count them.
pub(crate) fn timestamped_list<'h>(
    value: &'h [u8],
    header: &HeaderName,
    format: &ListFormat,
    mut entry: impl FnMut(Option<&'h [u8]>) -> Result<(), Error>,
) -> Result<(&'h [u8], i64), Error> {
    let (timestamp_key, signature_key) = (format.timestamp_key.as_bytes(), format.signature_key.as_bytes());
    let mut timestamp = None;
    for element in value.split(|&byte| byte == format.separator) {
        let element = if format.trim { element.trim_ascii() } else { element };
        let Some(equals) = element.iter().position(|&byte| byte == b'=').filter(|&at| at > 0) else {
            return Err(Error::malformed(header.clone(), "has an element that is not `key=value`"));
        };
        let (key, text) = (&element[..equals], &element[equals + 1..]);
        if key == timestamp_key {
            if timestamp.is_some() {
                return Err(Error::malformed(header.clone(), "carries more than one timestamp"));
            }
            let value = parse_timestamp(text, header)?;
            timestamp = Some((text, if format.milliseconds { value.div_euclid(1000) } else { value }));
        } else {
            entry(Some(text).filter(|_| key == signature_key))?;
        }
    }
    timestamp.ok_or_else(|| Error::malformed(header.clone(), "carries no timestamp element"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    #[test]
    fn timestamps_are_digits_only_even_next_to_the_digit_range() {
        let header = http::HeaderName::from_static("webhook-timestamp");
        for text in ["1700000000", "0", "9223372036854775807"] {
            assert!(super::parse_timestamp(text.as_bytes(), &header).is_ok(), "{text}");
        }
        for text in
            ["17000000:0", "1700000/00", "1:", "9223372036854775808", "01", "", "-1", "+1", "1700?00000", " 1", "1.5"]
        {
            assert!(super::parse_timestamp(text.as_bytes(), &header).is_err(), "{text}");
        }
    }

    proptest! {
        #[test]
        fn timestamps_parse_exactly_as_canonical_decimal(bytes in proptest::collection::vec(any::<u8>(), 0..=22)) {
            let header = http::HeaderName::from_static("webhook-timestamp");
            let model = std::str::from_utf8(&bytes)
                .ok()
                .and_then(|text| text.parse::<i64>().ok().filter(|value| *value >= 0 && value.to_string() == text));
            prop_assert_eq!(super::parse_timestamp(&bytes, &header).ok(), model);
        }
    }
}

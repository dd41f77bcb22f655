//! Reading the query of an endpoint check: the one value of a parameter of a `GET` (Dropbox, Nylas, X, Meta).

use std::borrow::Cow;

use http::Method;

use crate::handshake::Handshake;
use crate::request::Incoming;

/// The parameter Dropbox and Nylas put their challenge in.
const CHALLENGE: &str = "challenge";

/// Whether `request` is a `GET` with exactly one `challenge` (Dropbox's and Nylas's endpoint check).
pub(super) fn is_challenge(request: &Incoming<'_>) -> bool {
    get_param(request, CHALLENGE).is_some()
}

/// The answer to that check: the challenge, echoed as plain text.
pub(super) fn echo_challenge(request: &Incoming<'_>) -> Handshake {
    Handshake::text(get_param(request, CHALLENGE).unwrap_or_default().into_owned())
}

/// The value of `name` in the query of a `GET`, form-decoded, when it appears exactly once; `None` for any other
/// method, no query, or a parameter that is absent or repeated.
pub(super) fn get_param<'a>(request: &Incoming<'a>, name: &str) -> Option<Cow<'a, str>> {
    if request.method != Some(&Method::GET) {
        return None;
    }
    let query = request.uri?.query()?;
    let mut values = form_urlencoded::parse(query.as_bytes()).filter(|(key, _)| key == name).map(|(_, value)| value);
    match (values.next(), values.next()) {
        (Some(value), None) => Some(value),
        _ => None,
    }
}

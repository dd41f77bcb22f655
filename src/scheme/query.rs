//! Reading the query of an endpoint check: the one value of a parameter of a `GET` (Dropbox, Nylas, X, Meta).

use std::borrow::Cow;

use http::Method;

use crate::request::Incoming;

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

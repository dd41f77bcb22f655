//! What a scheme may sign: the method, the URL the provider called, the headers, the form parameters, the body.

use http::request::Parts;
use http::{HeaderMap, Method, Uri};

use crate::error::{ConfigError, Error};

/// One incoming request, borrowed. `method` and `uri` are absent when the caller gave only headers and body
/// ([`Verifier::verify`](crate::Verifier::verify)).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Incoming<'a> {
    pub method: Option<&'a Method>,
    pub uri: Option<&'a Uri>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl<'a> Incoming<'a> {
    /// A request head and its buffered body.
    pub(crate) fn from_parts(parts: &'a Parts, body: &'a [u8]) -> Self {
        Self { method: Some(&parts.method), uri: Some(&parts.uri), headers: &parts.headers, body }
    }

    /// A whole request whose body is buffered (what serverless runtimes hand over).
    pub(crate) fn from_request<B: AsRef<[u8]>>(request: &'a http::Request<B>) -> Self {
        Self {
            method: Some(request.method()),
            uri: Some(request.uri()),
            headers: request.headers(),
            body: request.body().as_ref(),
        }
    }

    /// The method, for schemes that sign it.
    ///
    /// # Errors
    /// [`ErrorKind::RequestLineRequired`](crate::ErrorKind::RequestLineRequired) when only headers and body were
    /// given.
    pub(crate) fn method(&self) -> Result<&'a Method, Error> {
        self.method.ok_or_else(Error::request_line_required)
    }

    /// The URL the provider called: `public_url` followed by the request's path and query, appended raw; without
    /// `public_url`, the request's own URI when it is absolute. Never guessed from `Host` or `X-Forwarded-*`.
    ///
    /// # Errors
    /// [`ErrorKind::RequestLineRequired`](crate::ErrorKind::RequestLineRequired) when only headers and body were
    /// given; [`ErrorKind::PublicUrlRequired`](crate::ErrorKind::PublicUrlRequired) when the URI is only a path
    /// and no public URL is configured.
    pub(crate) fn url(&self, public_url: Option<&PublicUrl>) -> Result<String, Error> {
        let uri = self.uri.ok_or_else(Error::request_line_required)?;
        let path = uri.path_and_query().map_or("/", |path| path.as_str());
        match public_url {
            Some(base) => Ok(format!("{}{path}", base.0)),
            None if uri.scheme().is_some() && uri.authority().is_some() => Ok(uri.to_string()),
            None => Err(Error::public_url_required()),
        }
    }
}

/// The scheme, host, optional port and optional path prefix a provider was configured with, such as
/// `https://hooks.example.com/prefix`, checked at build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicUrl(String);

impl PublicUrl {
    /// Checks `text`: `http` or `https`, a host, no query or fragment. One trailing `/` is dropped, since the
    /// request's path starts with its own.
    pub(crate) fn parse(text: &str) -> Result<Self, ConfigError> {
        let invalid = ConfigError::InvalidPublicUrl;
        let uri: Uri = text.parse().map_err(|_| invalid("is not a URL"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) {
            return Err(invalid("must start with `https://` or `http://`"));
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(invalid("has no host"));
        }
        if uri.query().is_some() || text.contains('#') {
            return Err(invalid("may not carry a query or fragment: the request's own are appended"));
        }
        Ok(Self(text.strip_suffix('/').unwrap_or(text).to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::{Incoming, PublicUrl};
    use crate::ErrorKind;

    fn url(uri: &str, base: Option<&str>) -> Result<String, ErrorKind> {
        let uri: http::Uri = uri.parse().unwrap();
        let headers = http::HeaderMap::new();
        let request = Incoming { method: None, uri: Some(&uri), headers: &headers, body: b"" };
        let base = base.map(|base| PublicUrl::parse(base).unwrap());
        request.url(base.as_ref()).map_err(|error| error.kind())
    }

    #[test]
    fn the_public_url_is_followed_by_the_path_and_query_as_received() {
        assert_eq!(
            url("/sms?b=2&a=%27", Some("https://hooks.example.com")).unwrap(),
            "https://hooks.example.com/sms?b=2&a=%27"
        );
        assert_eq!(
            url("/sms", Some("https://hooks.example.com/prefix/")).unwrap(),
            "https://hooks.example.com/prefix/sms"
        );
        assert_eq!(url("https://a.example:8443/x?y", None).unwrap(), "https://a.example:8443/x?y");
        assert_eq!(url("/sms", None), Err(ErrorKind::PublicUrlRequired));
    }

    #[test]
    fn a_public_url_must_be_an_http_origin_without_query() {
        for bad in
            ["hooks.example.com", "ftp://hooks.example.com", "https://hooks.example.com/?a=1", "https://x/#f", ""]
        {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }
}

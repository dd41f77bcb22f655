//! What a scheme may sign: the method, the URL the provider called, the headers, the form parameters, the body.

use http::request::Parts;
use http::{HeaderMap, Method, Uri};

use crate::error::{ConfigError, Error};

/// The route's path parameters, which the axum and actix-web adapters put in the request's extensions for their
/// readers: a verifier's [`KeyResolver`](crate::KeyResolver) and a per-tenant rate's tenant function
/// (`limit::Limits::per_tenant`). A serverless handler that routes itself may insert them too, before
/// `verify_async`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathParams(Vec<(String, String)>);

impl PathParams {
    /// The parameters, as name and value pairs.
    pub fn new<N: Into<String>, V: Into<String>>(params: impl IntoIterator<Item = (N, V)>) -> Self {
        Self(params.into_iter().map(|(name, value)| (name.into(), value.into())).collect())
    }

    /// The value of `name`, if the route has that parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Puts the path parameters axum's routing left in `parts` into its extensions, when the route has any: where a
    /// [`KeyResolver`](crate::KeyResolver) or a per-tenant rate reads them.
    #[cfg(feature = "axum")]
    pub(crate) fn insert_axum(parts: &mut Parts) {
        use axum::extract::{FromRequestParts as _, RawPathParams};
        use std::future::Future as _;
        use std::task::{Context, Poll, Waker};
        // `RawPathParams` only reads what routing left in the extensions: its future is ready when first polled.
        let mut context = Context::from_waker(Waker::noop());
        let params = {
            let extraction = std::pin::pin!(RawPathParams::from_request_parts(parts, &()));
            match extraction.poll(&mut context) {
                Poll::Ready(Ok(params)) if params.iter().next().is_some() => Self::new(params.iter()),
                _ => return,
            }
        };
        parts.extensions.insert(params);
    }
}

/// A request as a verifier reads it: what [`Verifier::verify`](crate::Verifier::verify) and the other verify and
/// receive methods take. Made from
/// - `&http::Request<B>` with a buffered body (what serverless runtimes hand a handler): method, URI, headers, body,
///   and the route's [`PathParams`] if its extensions carry them;
/// - `(&http::request::Parts, &body)`: the same, from a request head and its buffered body (what the adapters have);
/// - `(&HeaderMap, &body)`: headers and body only, for the schemes that sign neither method nor URL.
///
/// ```
/// use hooksafe::{Scheme, Verifier, sign::Signer};
///
/// let verifier = Verifier::builder(Scheme::GitHub).secret("It's a Secret to Everybody").build()?;
/// let body = br#"{"zen":"Keep it logically awesome."}"#;
/// let signer = Signer::new(Scheme::GitHub, "It's a Secret to Everybody")?;
/// let now = time::OffsetDateTime::now_utc();
/// // Headers and body:
/// let headers = signer.headers("72d3162e-cc78-11e3-81ab-4c9367dc0958", now, body)?;
/// assert!(verifier.verify((&headers, body)).is_ok());
/// // A whole request:
/// let request = signer.request("/webhooks".parse()?, "72d3162e-cc78-11e3-81ab-4c9367dc0958", now, body.to_vec())?;
/// assert!(verifier.verify(&request).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    pub(crate) incoming: Incoming<'a>,
    pub(crate) params: Option<&'a PathParams>,
}

impl<'a, B: AsRef<[u8]>> From<&'a http::Request<B>> for RequestView<'a> {
    fn from(request: &'a http::Request<B>) -> Self {
        Self { incoming: Incoming::from_request(request), params: request.extensions().get() }
    }
}

impl<'a, B: AsRef<[u8]> + ?Sized> From<(&'a Parts, &'a B)> for RequestView<'a> {
    fn from((parts, body): (&'a Parts, &'a B)) -> Self {
        Self { incoming: Incoming::from_parts(parts, body.as_ref()), params: parts.extensions.get() }
    }
}

impl<'a, B: AsRef<[u8]> + ?Sized> From<(&'a HeaderMap, &'a B)> for RequestView<'a> {
    fn from((headers, body): (&'a HeaderMap, &'a B)) -> Self {
        Self { incoming: Incoming { method: None, uri: None, headers, body: body.as_ref() }, params: None }
    }
}

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
    use crate::error::ErrorKind;

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

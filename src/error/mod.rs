//! The request-time [`Error`], its [`ErrorKind`], and the configuration-time [`ConfigError`].

use std::fmt;

use http::{HeaderName, StatusCode};

mod config;
mod kind;
mod wrapped;

pub use config::ConfigError;
pub use kind::ErrorKind;
#[cfg(feature = "forward")]
pub use wrapped::SinkError;
pub use wrapped::{ResolveError, StoreError};

/// The response header that marks an answer given without processing: `duplicate` (`200`) or `in-progress` (`409`).
pub const OUTCOME: HeaderName = HeaderName::from_static("hooksafe-outcome");

/// Why a delivery was rejected.
///
/// The message names the header and what was wrong with it; it never contains a secret, a computed MAC, or which
/// secret came closest. Use [`Error::kind`] to branch and [`Error::status`] to answer.
///
/// It is one pointer wide, so the `Result`s of the verification path stay small; the allocation happens only when a
/// delivery is rejected.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    header: Option<HeaderName>,
    detail: Detail,
    source: Option<Source>,
}

/// What caused an error, when something else did.
#[derive(Debug)]
enum Source {
    Json(serde_json::Error),
    Store(StoreError),
    Resolve(ResolveError),
    #[cfg(feature = "forward")]
    Sink(SinkError),
}

/// The developer-facing part of the message; kept allocation-free for the verification path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Detail {
    /// A fixed sentence.
    Text(&'static str),
    /// The timestamp is off by this many seconds, beyond this tolerance.
    Skew { seconds: u64, tolerance: u64 },
    /// The body has more bytes than this maximum.
    TooLarge { max: usize },
    /// Try again after this long.
    RetryAfter { why: &'static str, after: std::time::Duration },
}

impl Error {
    #[cold]
    pub(crate) fn new(kind: ErrorKind, header: Option<HeaderName>, detail: Detail) -> Self {
        Self(Box::new(Inner { kind, header, detail, source: None }))
    }

    fn header(kind: ErrorKind, header: HeaderName, why: &'static str) -> Self {
        Self::new(kind, Some(header), Detail::Text(why))
    }

    #[cold]
    pub(crate) fn missing(header: HeaderName) -> Self {
        Self::header(ErrorKind::MissingHeader, header, "is missing or empty")
    }

    #[cold]
    pub(crate) fn malformed(header: HeaderName, why: &'static str) -> Self {
        Self::header(ErrorKind::MalformedHeader, header, why)
    }

    #[cold]
    pub(crate) fn invalid_timestamp(header: HeaderName) -> Self {
        Self::header(
            ErrorKind::InvalidTimestamp,
            header,
            "is not canonical unix seconds (digits only, no sign, no leading zero, in range)",
        )
    }

    #[cold]
    pub(crate) fn invalid_signature(header: Option<HeaderName>, why: &'static str) -> Self {
        Self::new(ErrorKind::InvalidSignature, header, Detail::Text(why))
    }

    #[cold]
    pub(crate) fn malformed_body(why: &'static str) -> Self {
        Self::new(ErrorKind::MalformedBody, None, Detail::Text(why))
    }

    #[cold]
    pub(crate) fn request_line_required() -> Self {
        Self::new(
            ErrorKind::RequestLineRequired,
            None,
            Detail::Text(
                "this scheme signs the method or URL: verify the whole request or its head, not headers alone",
            ),
        )
    }

    #[cold]
    pub(crate) fn public_url_required() -> Self {
        Self::new(
            ErrorKind::PublicUrlRequired,
            None,
            Detail::Text(
                "this scheme signs the URL the provider called, and the request has only a path: configure \
                 `VerifierBuilder::public_url` with the URL entered at the provider",
            ),
        )
    }

    pub(crate) fn payload(source: serde_json::Error) -> Self {
        Self(Box::new(Inner {
            kind: ErrorKind::InvalidPayload,
            header: None,
            detail: Detail::Text("the body does not fit the requested type"),
            source: Some(Source::Json(source)),
        }))
    }

    #[cold]
    pub(crate) fn too_large(max: usize) -> Self {
        Self::new(ErrorKind::PayloadTooLarge, None, Detail::TooLarge { max })
    }

    /// The body could not be read to the end; for adapters that buffer it.
    pub fn unreadable_body() -> Self {
        Self::new(ErrorKind::UnreadableBody, None, Detail::Text("could not be read to the end"))
    }

    pub(crate) fn duplicate() -> Self {
        Self::new(ErrorKind::Duplicate, None, Detail::Text("was already processed"))
    }

    pub(crate) fn in_progress(after: std::time::Duration) -> Self {
        Self::new(
            ErrorKind::InProgress,
            None,
            Detail::RetryAfter { why: "is being processed by another worker", after },
        )
    }

    #[cfg_attr(not(any(feature = "tower", feature = "actix-web")), allow(dead_code))]
    pub(crate) fn handler_timeout() -> Self {
        Self::new(
            ErrorKind::HandlerTimeout,
            None,
            Detail::RetryAfter {
                why: "was stopped at the handler deadline and released",
                after: std::time::Duration::from_secs(1),
            },
        )
    }

    pub(crate) fn store_unavailable(source: StoreError, after: std::time::Duration) -> Self {
        Self(Box::new(Inner {
            kind: ErrorKind::StoreUnavailable,
            header: None,
            detail: Detail::RetryAfter { why: "could not be claimed", after },
            source: Some(Source::Store(source)),
        }))
    }

    /// The broker did not take a delivery; the provider is told to retry after `after`.
    #[cfg(feature = "forward")]
    pub(crate) fn broker_unavailable(source: SinkError, after: std::time::Duration) -> Self {
        Self(Box::new(Inner {
            kind: ErrorKind::BrokerUnavailable,
            header: None,
            detail: Detail::RetryAfter { why: "was not taken by the broker", after },
            source: Some(Source::Sink(source)),
        }))
    }

    #[cold]
    pub(crate) fn keys_unavailable(source: Option<ResolveError>, why: &'static str) -> Self {
        let after = std::time::Duration::from_secs(5);
        Self(Box::new(Inner {
            kind: ErrorKind::KeysUnavailable,
            header: None,
            detail: Detail::RetryAfter { why, after },
            source: source.map(Source::Resolve),
        }))
    }

    #[cold]
    pub(crate) fn resolver_requires_async() -> Self {
        Self::new(
            ErrorKind::ResolverRequiresAsync,
            None,
            Detail::Text("this verifier resolves its keys: use `verify_async` or `verify_async_at`"),
        )
    }

    /// The certificate `PAYPAL-CERT-URL` names failed the trust checks: it `why`.
    #[cold]
    pub(crate) fn untrusted_certificate(header: HeaderName, why: &'static str) -> Self {
        Self::new(ErrorKind::UntrustedCertificate, Some(header), Detail::Text(why))
    }

    /// The request's source address is not admitted.
    #[cold]
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn source_not_allowed() -> Self {
        Self::new(ErrorKind::SourceNotAllowed, None, Detail::Text("comes from a source address that is not allowed"))
    }

    /// Over a rate: the next request is admitted after `wait` (rounded up to whole seconds for `Retry-After`).
    #[cfg(feature = "limits")]
    pub(crate) fn rate_limited(wait: std::time::Duration) -> Self {
        let after = std::time::Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        Self::new(ErrorKind::RateLimited, None, Detail::RetryAfter { why: "is over its rate", after })
    }

    /// Shed: too many deliveries in flight.
    #[cfg(feature = "limits")]
    pub(crate) fn overloaded(after: std::time::Duration) -> Self {
        Self::new(
            ErrorKind::Overloaded,
            None,
            Detail::RetryAfter { why: "arrived while too many are in flight", after },
        )
    }

    #[cold]
    pub(crate) fn unknown_tenant(reveal: bool) -> Self {
        if reveal {
            Self::new(ErrorKind::UnknownTenant, None, Detail::Text("names no tenant the resolver knows"))
        } else {
            Self::new(ErrorKind::InvalidSignature, None, Detail::Text("matches no configured key"))
        }
    }

    /// The category of the failure.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The HTTP status to answer with: 400 for missing or malformed headers and timestamps, 401 for a bad signature
    /// or a timestamp outside the window, 413 for a body over the limit, 422 for a payload that does not fit.
    pub fn status(&self) -> StatusCode {
        self.0.kind.status()
    }

    /// How long the provider should wait before retrying (`Retry-After`), for
    /// [`ErrorKind::InProgress`] and [`ErrorKind::StoreUnavailable`].
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self.0.detail {
            Detail::RetryAfter { after, .. } => Some(after),
            _ => None,
        }
    }

    /// The HTTP answer for this error, as every adapter sends it: [`status`](Self::status), a plain-text body
    /// naming the failure category only (never a secret, a MAC, or the detail of [`Display`](fmt::Display), which is
    /// for your logs), `Retry-After` for [`ErrorKind::InProgress`] and [`ErrorKind::StoreUnavailable`], and
    /// `Hooksafe-Outcome: duplicate` on the `200` of a [`ErrorKind::Duplicate`] and `Hooksafe-Outcome: in-progress` on
    /// the `409` of an [`ErrorKind::InProgress`], so a client or an operator can tell either from a processing.
    pub fn to_response<B: From<&'static str>>(&self) -> http::Response<B> {
        let mut response = http::Response::new(B::from(self.0.kind.as_str()));
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain; charset=utf-8"));
        if let Some(after) = self.retry_after() {
            headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from(after.as_secs().max(1)));
        }
        match self.0.kind {
            ErrorKind::Duplicate => _ = headers.insert(OUTCOME, http::HeaderValue::from_static("duplicate")),
            ErrorKind::InProgress => _ = headers.insert(OUTCOME, http::HeaderValue::from_static("in-progress")),
            _ => {}
        }
        response
    }

    /// The header at fault, when one is.
    pub fn header_name(&self) -> Option<&HeaderName> {
        self.0.header.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.kind.as_str())?;
        if let Some(header) = &self.0.header {
            write!(f, ": header `{header}`")?;
        }
        match self.0.detail {
            Detail::Text(text) => write!(f, " {text}"),
            Detail::Skew { seconds, tolerance } => {
                let direction = if self.0.kind == ErrorKind::TimestampTooNew { "ahead of" } else { "behind" };
                write!(f, " is {seconds} s {direction} now; the tolerance is {tolerance} s")
            }
            Detail::TooLarge { max } => write!(f, ": the body is larger than the {max}-byte limit"),
            Detail::RetryAfter { why, after } => write!(f, ": the delivery {why}; retry after {} s", after.as_secs()),
        }?;
        match &self.0.source {
            Some(Source::Json(source)) => write!(f, ": {source}")?,
            Some(Source::Store(source)) => write!(f, ": {source}")?,
            Some(Source::Resolve(source)) => write!(f, ": {source}")?,
            #[cfg(feature = "forward")]
            Some(Source::Sink(source)) => write!(f, ": {source}")?,
            None => {}
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.source {
            Some(Source::Json(source)) => Some(source),
            Some(Source::Store(source)) => Some(source),
            Some(Source::Resolve(source)) => Some(source),
            #[cfg(feature = "forward")]
            Some(Source::Sink(source)) => Some(source),
            None => None,
        }
    }
}

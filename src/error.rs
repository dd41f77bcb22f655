//! The request-time [`Error`], its [`ErrorKind`], and the configuration-time [`ConfigError`].

use std::fmt;

use http::{HeaderName, StatusCode};

/// What went wrong with a delivery, without the details.
///
/// Match on this to decide what to do; [`Error::status`] already maps it to the HTTP answer a provider expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A header the scheme needs is absent or empty. Answered with 400.
    MissingHeader,
    /// A header is present but not in the scheme's format, or appears more than once. Answered with 400.
    MalformedHeader,
    /// The timestamp is not a canonical unix-seconds value (digits only, no sign, no leading zero, in range).
    /// Answered with 400.
    InvalidTimestamp,
    /// The timestamp is further in the past than the tolerance allows: a replay or a very late delivery.
    /// Answered with 401.
    TimestampTooOld,
    /// The timestamp is further in the future than the tolerance allows. Answered with 401.
    TimestampTooNew,
    /// No signature in the request matches any configured key. Answered with 401.
    InvalidSignature,
    /// The body (or, for Twilio, the URL's `bodySHA256`) is not in the form the scheme signs: a JSON body where a
    /// form is signed, more form parameters than the cap. Answered with 400.
    MalformedBody,
    /// The scheme signs the method or URL, but only headers and body were given: verify with
    /// a whole request or its head ([`RequestView`](crate::RequestView)). A server mistake, answered with 500.
    RequestLineRequired,
    /// The scheme signs the URL the provider called, but the request carries only a path and no public URL is
    /// configured: set [`VerifierBuilder::public_url`](crate::VerifierBuilder::public_url). A server mistake,
    /// answered with 500.
    PublicUrlRequired,
    /// The body is larger than the verifier's maximum. Answered with 413.
    PayloadTooLarge,
    /// The body is compressed (`Content-Encoding` other than `identity`): signatures cover the bytes as sent, and
    /// decompressing untrusted input first invites bombs. Answered with 415. To accept compressed deliveries, put
    /// a decompression layer in front; the size cap then applies to the decoded bytes.
    UnsupportedEncoding,
    /// The body could not be read (the client went away, or a transfer error). Answered with 400.
    UnreadableBody,
    /// The verified body does not deserialize into the requested type. Answered with 422.
    InvalidPayload,
    /// This delivery was already processed to completion: acknowledge it without running the handler.
    /// Answered with 200, so the provider stops retrying.
    Duplicate,
    /// Another worker holds a live claim on this delivery. Answered with 409 and `Retry-After`, never a 2xx, so
    /// the provider tries again.
    InProgress,
    /// The handler ran past the receiver's [handler deadline](crate::ReceiverBuilder::handler_deadline): it was
    /// stopped before its claim's lease could lapse, and the claim was released. Answered with 503 and
    /// `Retry-After`, so the provider retries.
    HandlerTimeout,
    /// The deduplication store could not be reached; the handler was not run. Answered with 503 and
    /// `Retry-After`.
    StoreUnavailable,
    /// The verifier's [`KeyResolver`](crate::KeyResolver) failed, or returned keys prepared for another scheme;
    /// the handler was not run. Answered with 503 and `Retry-After`.
    KeysUnavailable,
    /// The resolver knows no tenant for this request. Only reported by a verifier built with
    /// [`reveal_unknown_tenant`](crate::VerifierBuilder::reveal_unknown_tenant) (otherwise it is an
    /// [`InvalidSignature`](Self::InvalidSignature)). Answered with 404.
    UnknownTenant,
    /// A provider's endpoint check that must be refused: Meta's subscription check with a Verify Token that is not the
    /// configured one, or without one configured. Answered with 403.
    HandshakeRefused,
    /// The verifier resolves its keys per request, which takes an `async` call: use
    /// [`Verifier::verify_async`](crate::Verifier::verify_async) (a `Receiver` and the adapters do).
    /// A server mistake, answered with 500.
    ResolverRequiresAsync,
    /// The certificate a PayPal delivery names, as the [`CertificateSource`](crate::paypal::CertificateSource)
    /// returned it, does not chain to a trusted root at the verification time or is not issued to a `.paypal.com`
    /// name. Answered with 401.
    UntrustedCertificate,
    /// The request came from a source address outside the ranges an
    /// [`AllowedSources`](crate::tower::AllowedSources) layer admits. Answered with 403.
    SourceNotAllowed,
}

impl ErrorKind {
    /// The HTTP status a receiver should answer with.
    pub const fn status(self) -> StatusCode {
        match self {
            Self::MissingHeader | Self::MalformedHeader | Self::InvalidTimestamp => StatusCode::BAD_REQUEST,
            Self::TimestampTooOld | Self::TimestampTooNew | Self::InvalidSignature => StatusCode::UNAUTHORIZED,
            Self::UntrustedCertificate => StatusCode::UNAUTHORIZED,
            Self::MalformedBody => StatusCode::BAD_REQUEST,
            Self::RequestLineRequired | Self::PublicUrlRequired | Self::ResolverRequiresAsync => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Self::KeysUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::UnknownTenant => StatusCode::NOT_FOUND,
            Self::HandshakeRefused | Self::SourceNotAllowed => StatusCode::FORBIDDEN,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedEncoding => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::UnreadableBody => StatusCode::BAD_REQUEST,
            Self::InvalidPayload => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Duplicate => StatusCode::OK,
            Self::InProgress => StatusCode::CONFLICT,
            Self::StoreUnavailable | Self::HandlerTimeout => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A short, stable description of the category, safe to put in a response body.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MissingHeader => "missing header",
            Self::MalformedHeader => "malformed header",
            Self::InvalidTimestamp => "invalid timestamp",
            Self::TimestampTooOld => "timestamp too old",
            Self::TimestampTooNew => "timestamp too new",
            Self::InvalidSignature => "invalid signature",
            Self::MalformedBody => "malformed body",
            Self::RequestLineRequired => "verifier needs the request method and URL",
            Self::PublicUrlRequired => "verifier needs a public URL",
            Self::PayloadTooLarge => "payload too large",
            Self::UnsupportedEncoding => "unsupported content encoding",
            Self::UnreadableBody => "unreadable body",
            Self::InvalidPayload => "invalid payload",
            Self::Duplicate => "duplicate delivery",
            Self::InProgress => "delivery in progress",
            Self::StoreUnavailable => "deduplication store unavailable",
            Self::HandlerTimeout => "handler timed out",
            Self::KeysUnavailable => "keys unavailable",
            Self::UnknownTenant => "unknown tenant",
            Self::HandshakeRefused => "endpoint check refused",
            Self::ResolverRequiresAsync => "verifier needs an async call to resolve its keys",
            Self::UntrustedCertificate => "untrusted certificate",
            Self::SourceNotAllowed => "source address not allowed",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The response header that marks the acknowledgement of a duplicate delivery.
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
            detail: Detail::Text("the verified body does not fit the requested type"),
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
    /// `Hooksafe-Outcome: duplicate` on the `200` of a [`ErrorKind::Duplicate`], so a client or an operator can tell it
    /// from a first processing.
    pub fn to_response<B: From<&'static str>>(&self) -> http::Response<B> {
        let mut response = http::Response::new(B::from(self.0.kind.as_str()));
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain; charset=utf-8"));
        if let Some(after) = self.retry_after() {
            headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from(after.as_secs().max(1)));
        }
        if self.0.kind == ErrorKind::Duplicate {
            headers.insert(OUTCOME, http::HeaderValue::from_static("duplicate"));
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
            None => None,
        }
    }
}

/// A verifier or scheme that cannot be built as configured. Returned by the builders, never at request time.
///
/// Messages say which setting is wrong; they never contain the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `build()` was called without any key.
    #[error("no key configured: call `.secret(..)` (or `.public_key(..)` for an asymmetric scheme) at least once")]
    NoSecret,
    /// A key of a kind the scheme does not accept: a secret for Discord or SendGrid, a public key for an HMAC
    /// scheme.
    #[error("key #{index} is a {given}, which this scheme does not accept")]
    KeyKindNotAccepted {
        /// Position of the key in the order it was added, from 1.
        index: usize,
        /// `secret` or `public key`.
        given: &'static str,
    },
    /// A public key that does not decode to a valid key of the scheme's kind.
    #[error("public key #{index} {why}")]
    InvalidPublicKey {
        /// Position of the key in the order it was added, from 1.
        index: usize,
        /// What is wrong with it.
        why: &'static str,
    },
    /// Two keys carry the same id, so a match could not say which one it was.
    #[error("two keys have the id `{id}`")]
    DuplicateKeyId {
        /// The repeated id.
        id: String,
    },
    /// HTTP Basic credentials (Azure DevOps) that are not `user:password` with exactly one `:`.
    #[error("secret #{index} is not `user:password` with exactly one `:`")]
    BasicCredentials {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
    },
    /// [`Verifier::replace_keys`](crate::Verifier::replace_keys) was given keys prepared for another scheme.
    #[error("the keys were prepared for the scheme `{prepared_for}`, not this verifier's")]
    KeysForAnotherScheme {
        /// The scheme the keys were prepared for.
        prepared_for: String,
    },
    /// [`Verifier::replace_keys`](crate::Verifier::replace_keys) on a verifier whose resolver supplies the keys.
    #[error("this verifier resolves its keys per request; update what the resolver returns instead")]
    KeysAreResolved,
    /// A verifier was given both keys and a resolver: it takes one or the other.
    #[error("a verifier takes fixed keys or a resolver, not both")]
    KeysAndResolver,
    /// A public URL that is not an `http`/`https` origin with an optional path prefix.
    #[error("the public URL {0}")]
    InvalidPublicUrl(&'static str),
    /// A secret is empty (or only a prefix such as `whsec_`).
    #[error("secret #{index} is empty")]
    EmptySecret {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
    },
    /// A secret starts or ends with white space: usually a newline pasted from a file or an environment variable.
    #[error("secret #{index} starts or ends with white space")]
    SecretWhitespace {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
    },
    /// A secret that must be base64 or hex (Standard Webhooks, Svix, or a custom scheme) does not decode.
    #[error("secret #{index} is not valid {encoding}")]
    UndecodableSecret {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
        /// The encoding the scheme expects.
        encoding: &'static str,
    },
    /// A decoded secret is outside the lengths the scheme allows (Standard Webhooks: 24 to 64 bytes).
    #[error("secret #{index} decodes to {len} bytes; the scheme requires {min} to {max}")]
    SecretLength {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
        /// Decoded length.
        len: usize,
        /// Minimum decoded length.
        min: usize,
        /// Maximum decoded length.
        max: usize,
    },
    /// A secret shorter than any provider issues (at least 6 bytes; Standard Webhooks has its own 24-byte floor).
    /// Test secrets can be allowed with
    /// [`VerifierBuilder::dangerous_allow_short_secrets`](crate::VerifierBuilder::dangerous_allow_short_secrets).
    #[error("secret #{index} is {len} bytes long; a real signing secret has at least {min}")]
    WeakSecret {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
        /// Its length in bytes, as the key.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// A secret not in the format the provider issues: for Stripe, a `whsec_…` signing secret (an API key such as
    /// `sk_live_…` pasted by mistake would never verify).
    #[error("secret #{index} does not start with `{expected}`, as this provider's signing secrets do")]
    UnexpectedSecretFormat {
        /// Position of the secret in the order it was added, from 1.
        index: usize,
        /// The prefix the provider's secrets carry.
        expected: &'static str,
    },
    /// More secrets than a rotation needs.
    #[error("{count} secrets configured; at most {max} are allowed")]
    TooManySecrets {
        /// Secrets configured.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A tolerance below one second or above one hour (a window that long lets a captured delivery be replayed
    /// for as long). To skip the time check altogether, say so with
    /// [`VerifierBuilder::dangerous_skip_timestamp_check`](crate::VerifierBuilder::dangerous_skip_timestamp_check).
    #[error("the {which} tolerance must be between one second and one hour")]
    InvalidTolerance {
        /// `past` or `future`.
        which: &'static str,
    },
    /// A maximum body size of zero.
    #[error("the maximum body size must be at least one byte")]
    InvalidMaxBodySize,
    /// The dedup retention does not outlast the replay window, so a replay could arrive after its record expired.
    #[error("retention of {retention_secs} s must exceed the replay window of {window_secs} s")]
    RetentionTooShort {
        /// The configured retention, in seconds.
        retention_secs: u64,
        /// The verifier's past + future tolerance, in seconds.
        window_secs: u64,
    },
    /// A lease shorter than one second or not shorter than the retention.
    #[error("the claim lease must be at least one second and shorter than the retention")]
    InvalidLease,
    /// A handler deadline of zero, or not shorter than the lease: a handler still running when its lease lapses
    /// could run a second time, concurrently.
    #[error("the handler deadline must be above zero and shorter than the claim lease")]
    InvalidHandlerDeadline,
    /// A PayPal certificate (pinned, or a trusted root) that cannot be used.
    #[error("certificate #{index} {why}")]
    InvalidCertificate {
        /// Position of the certificate in the order it was added, from 1.
        index: usize,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A PayPal verifier configured incompletely or inconsistently, or a PayPal setting given to another scheme.
    #[error("PayPal: {0}")]
    PayPal(&'static str),
    /// `KeysBuilder::notion_setup` given with a secret, or for another scheme than Notion.
    #[error("Notion setup {0}")]
    NotionSetup(&'static str),
    /// A source address range that is not `address/prefix` (or a bare address).
    #[error("`{range}` is not an IP address range (`192.0.2.0/24`, `2001:db8::/32`)")]
    InvalidCidr {
        /// The range as given.
        range: String,
    },
    /// [`AllowedSources::new`](crate::tower::AllowedSources::new) with no range, which would refuse everything.
    #[error("no source address range: give at least one")]
    NoSourceRanges,
    /// An [`Inbox`](crate::inbox::Inbox) configured inconsistently.
    #[error("inbox: {0}")]
    InvalidInbox(&'static str),
    /// A custom scheme's definition is inconsistent.
    #[error("custom scheme: {0}")]
    InvalidScheme(&'static str),
}

/// An error type that wraps a backend's own error, with a prefix saying which backend failed.
macro_rules! wrapped_error {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        pub struct $name(Box<dyn std::error::Error + Send + Sync>);

        impl $name {
            /// Wraps the cause.
            pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
                Self(error.into())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, ": {}"), self.0)
            }
        }

        impl std::error::Error for $name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&*self.0)
            }
        }
    };
}

wrapped_error!(
    /// A store could not do what was asked (unreachable, timed out, full). Wraps the backend's own error.
    StoreError,
    "deduplication store"
);

wrapped_error!(
    /// A resolver could not look the keys up (its database was unreachable, say). Wraps the cause.
    ResolveError,
    "key resolver"
);

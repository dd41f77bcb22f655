//! [`ErrorKind`]: what went wrong with a delivery, and the HTTP answer each kind gets.

use std::fmt;

use http::StatusCode;

/// What went wrong with a delivery, without the details.
///
/// Match on this to decide what to do; [`Error::status`](super::Error::status) already maps it to the HTTP answer a provider expects.
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
    /// Another worker holds a live claim on this delivery. Answered with 409, `Retry-After` and
    /// `hooksafe-outcome: in-progress`, never a 2xx, so the provider tries again.
    InProgress,
    /// The handler ran past the receiver's [handler deadline](crate::ReceiverBuilder::handler_deadline): it was
    /// stopped before its claim's lease could lapse, and the claim was released. Answered with 503 and
    /// `Retry-After`, so the provider retries.
    HandlerTimeout,
    /// The deduplication store could not be reached; the handler was not run. Answered with 503 and
    /// `Retry-After`.
    StoreUnavailable,
    /// A [forwarder](crate::forward::Forwarder)'s broker did not take the delivery (it refused, timed out or could
    /// not be reached); nothing was acknowledged and the claim was released. Answered with 503 and `Retry-After`, so
    /// the provider retries.
    BrokerUnavailable,
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
    /// The request's source address or tenant is over its rate (feature `limits`). Answered with 429 and
    /// `Retry-After`, before the body is read.
    RateLimited,
    /// Too many deliveries are being handled already (feature `limits`): shed at once. Answered with 503 and
    /// `Retry-After`, before the body is read.
    Overloaded,
}

impl ErrorKind {
    /// Whether a delivery that failed with this kind failed *verification*, the failures a
    /// [report-only](crate::VerifierBuilder::report_only) verifier lets through: a header missing or malformed, a
    /// timestamp invalid or outside the window, a signature matching no key, an untrusted certificate, a body not
    /// in the signed form, an unknown tenant, or a URL-signing scheme without its URL. Not a body too large or
    /// unreadable, keys that could not be looked up, a refused endpoint check, a duplicate or a limit.
    pub const fn is_verification_failure(self) -> bool {
        matches!(
            self,
            Self::MissingHeader
                | Self::MalformedHeader
                | Self::InvalidTimestamp
                | Self::TimestampTooOld
                | Self::TimestampTooNew
                | Self::InvalidSignature
                | Self::UntrustedCertificate
                | Self::MalformedBody
                | Self::UnknownTenant
                | Self::RequestLineRequired
                | Self::PublicUrlRequired
        )
    }

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
            Self::StoreUnavailable | Self::BrokerUnavailable | Self::HandlerTimeout | Self::Overloaded => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
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
            Self::BrokerUnavailable => "broker unavailable",
            Self::HandlerTimeout => "handler timed out",
            Self::KeysUnavailable => "keys unavailable",
            Self::UnknownTenant => "unknown tenant",
            Self::HandshakeRefused => "endpoint check refused",
            Self::ResolverRequiresAsync => "verifier needs an async call to resolve its keys",
            Self::UntrustedCertificate => "untrusted certificate",
            Self::SourceNotAllowed => "source address not allowed",
            Self::RateLimited => "rate limited",
            Self::Overloaded => "overloaded",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

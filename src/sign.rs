//! The test kit: what a provider would send, so you can test your own handlers with real signatures.
//!
//! ```
//! use hooksafe::{Scheme, Verifier, sign::Signer};
//! use time::OffsetDateTime;
//!
//! let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! let signer = Signer::new(Scheme::StandardWebhooks, secret)?;
//! let request = signer.request(
//!     http::Uri::from_static("/webhooks"),
//!     "msg_1",
//!     OffsetDateTime::now_utc(),
//!     br#"{"type":"user.created"}"#.to_vec(),
//! )?;
//!
//! let verifier = Verifier::builder(Scheme::StandardWebhooks).secret(secret).build()?;
//! assert_eq!(verifier.verify_request(&request)?.id(), Some("msg_1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, Method, Request, Uri};
use time::OffsetDateTime;

use crate::error::{ConfigError, Error};
pub use crate::scheme::Tag;
use crate::scheme::{Message, Scheme};
use crate::secret::Key;

/// Signs deliveries the way a provider does, with one secret.
#[derive(Debug, Clone)]
pub struct Signer {
    scheme: Scheme,
    key: Key,
}

impl Signer {
    /// A signer for `scheme` with `secret`, given exactly as a verifier would take it.
    ///
    /// # Errors
    /// The same [`ConfigError`]s as [`VerifierBuilder::build`](crate::VerifierBuilder::build) for that secret.
    pub fn new(scheme: Scheme, secret: &str) -> Result<Self, ConfigError> {
        if let Scheme::Custom(custom) = &scheme {
            custom.validate()?;
        }
        let key = Key::new(&scheme, secret, 1)?;
        Ok(Self { scheme, key })
    }

    /// The headers the provider would send with `body`, signed at `timestamp`.
    ///
    /// `id` and `timestamp` go where the scheme carries them: `webhook-id`, `X-GitHub-Delivery`,
    /// `X-Shopify-Webhook-Id`, a custom id header. Schemes without an id header (Stripe and Paddle keep the id in the
    /// body, Slack has none) ignore `id`; schemes without a timestamp (GitHub, Shopify) ignore `timestamp`; an empty
    /// `id` leaves an optional id header out.
    ///
    /// # Errors
    /// [`ErrorKind::MalformedHeader`](crate::ErrorKind::MalformedHeader) when `id` cannot be sent in its header (not
    /// visible ASCII, or a `.` in a Standard Webhooks id).
    pub fn headers(&self, id: &str, timestamp: OffsetDateTime, body: &[u8]) -> Result<HeaderMap, Error> {
        let seconds = timestamp.unix_timestamp().to_string();
        let tag = self.key.sign(&self.scheme, &Message { id: Some(id), timestamp: Some(seconds.as_bytes()), body });
        let mut headers = HeaderMap::new();
        self.scheme.render(id, &seconds, &tag, &mut headers)?;
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(self.scheme.content_type()));
        Ok(headers)
    }

    /// The bare tag of `body` signed at `timestamp`: the value inside the signature header of
    /// [`headers`](Self::headers), for a fixture or a header you assemble yourself. `id` and `timestamp` are used as
    /// there.
    ///
    /// ```
    /// use hooksafe::{Scheme, sign::Signer};
    ///
    /// // GitHub's published example: https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
    /// let signer = Signer::new(Scheme::GitHub, "It's a Secret to Everybody")?;
    /// let tag = signer.tag("", time::OffsetDateTime::UNIX_EPOCH, b"Hello, World!");
    /// assert_eq!(tag.to_hex(), "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    /// # Ok::<(), hooksafe::ConfigError>(())
    /// ```
    pub fn tag(&self, id: &str, timestamp: OffsetDateTime, body: &[u8]) -> Tag {
        let seconds = timestamp.unix_timestamp().to_string();
        self.key.sign(&self.scheme, &Message { id: Some(id), timestamp: Some(seconds.as_bytes()), body })
    }

    /// A whole `POST` request to `uri`, as the provider would send it: [`headers`](Self::headers) plus the body.
    ///
    /// # Errors
    /// As [`headers`](Self::headers).
    pub fn request(
        &self,
        uri: Uri,
        id: &str,
        timestamp: OffsetDateTime,
        body: Vec<u8>,
    ) -> Result<Request<Vec<u8>>, Error> {
        let headers = self.headers(id, timestamp, &body)?;
        let mut request = Request::new(body);
        *request.method_mut() = Method::POST;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        Ok(request)
    }
}

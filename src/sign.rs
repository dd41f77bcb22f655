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
//! assert_eq!(verifier.verify(&request)?.id(), Some("msg_1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::Engine as _;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, Method, Request, Uri};
use p256::pkcs8::DecodePrivateKey as _;
use time::OffsetDateTime;

use crate::error::{ConfigError, Error};
use crate::key::{HmacKey, LENIENT_BASE64};
use crate::request::{Incoming, PublicUrl};
use crate::scheme::KeyKind;
pub use crate::scheme::Tag;
use crate::scheme::{Context, Message, Scheme};

/// Signs deliveries the way a provider does, with one key.
#[derive(Clone)]
pub struct Signer {
    scheme: Scheme,
    key: SigningKey,
    public_url: Option<PublicUrl>,
    /// The certificate URL sent (PayPal's `PAYPAL-CERT-URL`); `None`: a placeholder.
    certificate_url: Option<String>,
    /// Whether RSA signs with SHA-1 (older PayPal deliveries).
    sha1: bool,
}

/// What signs: a shared secret, or a private key.
#[derive(Clone)]
enum SigningKey {
    Hmac(HmacKey),
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
    /// A shared token's wire form (GitLab, Azure DevOps), sent as is.
    Token(zeroize::Zeroizing<Vec<u8>>),
    /// PayPal's RSA private key.
    Rsa(Box<rsa::PrivateKey>),
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.scheme)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer for an HMAC `scheme` with `secret`, given exactly as a verifier would take it.
    ///
    /// # Errors
    /// The same [`ConfigError`]s as [`VerifierBuilder::build`](crate::VerifierBuilder::build) for that secret;
    /// [`ConfigError::KeyKindNotAccepted`] for a scheme that signs with a private key (use
    /// [`with_private_key`](Self::with_private_key)).
    pub fn new(scheme: impl Into<Scheme>, secret: &str) -> Result<Self, ConfigError> {
        let scheme = scheme.into();
        scheme.provider().validate()?;
        if let Some(wire) = scheme.provider().token_wire_form(secret, 1)? {
            return Ok(Self::with_key(scheme, SigningKey::Token(wire)));
        }
        let Some((mac, encoding)) = scheme.provider().hmac() else {
            return Err(ConfigError::KeyKindNotAccepted { index: 1, given: "secret" });
        };
        Ok(Self::with_key(scheme, SigningKey::Hmac(HmacKey::from_secret(mac, encoding, secret, 1)?)))
    }

    /// A signer that sends HTTP Basic `credentials` (`user:password`), as
    /// [`VerifierBuilder::basic_auth`](crate::VerifierBuilder::basic_auth) takes them (Bitbucket Server, Azure
    /// DevOps).
    ///
    /// # Errors
    /// [`ConfigError::BasicCredentials`] without exactly one `:`; [`ConfigError::KeyKindNotAccepted`] for a scheme
    /// that takes no Basic credentials.
    pub fn basic_auth(scheme: impl Into<Scheme>, credentials: &str) -> Result<Self, ConfigError> {
        let scheme = scheme.into();
        let Some(wire) = scheme.provider().basic_auth_wire_form(credentials, 1)? else {
            return Err(ConfigError::KeyKindNotAccepted { index: 1, given: "Basic credential" });
        };
        Ok(Self::with_key(scheme, SigningKey::Token(wire)))
    }

    const fn with_key(scheme: Scheme, key: SigningKey) -> Self {
        Self { scheme, key, public_url: None, certificate_url: None, sha1: false }
    }

    /// A signer for an asymmetric `scheme` with the provider's private key:
    /// - Standard Webhooks and Svix (`v1a`): `whsk_` + base64 of the 32-byte Ed25519 seed, or of the 64-byte seed
    ///   followed by its public key;
    /// - Discord: the same seed or seed and public key, as hex;
    /// - SendGrid: base64 of a PKCS#8 DER P-256 private key (`openssl pkcs8 -topk8 -nocrypt -outform DER | base64`);
    /// - PayPal: a PKCS#8 PEM RSA private key (`openssl genpkey -algorithm RSA`), the key of the certificate the
    ///   verifier pins or fetches, for [`Scheme::paypal`] with the verifier's webhook id; give the
    ///   [`certificate_url`](Self::certificate_url) too.
    ///
    /// # Errors
    /// [`ConfigError::InvalidPublicKey`] when the key does not decode, or the public half of a 64-byte Ed25519 key
    /// does not match its seed; [`ConfigError::KeyKindNotAccepted`] for an HMAC scheme.
    pub fn with_private_key(scheme: impl Into<Scheme>, private_key: &str) -> Result<Self, ConfigError> {
        let scheme = scheme.into();
        scheme.provider().validate()?;
        let invalid = |why| ConfigError::InvalidPublicKey { index: 1, why };
        let key = match &scheme {
            Scheme::StandardWebhooks | Scheme::Svix => {
                let encoded = private_key.strip_prefix("whsk_").ok_or(invalid("does not start with `whsk_`"))?;
                let bytes =
                    zeroize::Zeroizing::new(LENIENT_BASE64.decode(encoded).map_err(|_| invalid("is not base64"))?);
                SigningKey::Ed25519(ed25519_seed(&bytes).map_err(invalid)?)
            }
            Scheme::Discord => {
                let bytes = zeroize::Zeroizing::new(hex::decode(private_key).map_err(|_| invalid("is not hex"))?);
                SigningKey::Ed25519(ed25519_seed(&bytes).map_err(invalid)?)
            }
            Scheme::SendGrid => {
                let der =
                    zeroize::Zeroizing::new(LENIENT_BASE64.decode(private_key).map_err(|_| invalid("is not base64"))?);
                let key = p256::ecdsa::SigningKey::from_pkcs8_der(&der)
                    .map_err(|_| invalid("is not a PKCS#8 DER P-256 private key"))?;
                SigningKey::P256(key)
            }
            Scheme::PayPal(_) => {
                use rsa::pkcs8::DecodePrivateKey as _;
                let key = rsa::PrivateKey::from_pkcs8_pem(private_key)
                    .map_err(|_| invalid("is not a PKCS#8 PEM RSA private key"))?;
                SigningKey::Rsa(Box::new(key))
            }
            _ => return Err(ConfigError::KeyKindNotAccepted { index: 1, given: "private key" }),
        };
        Ok(Self::with_key(scheme, key))
    }

    /// PayPal: the `PAYPAL-CERT-URL` sent, by default
    /// `https://api-m.paypal.com/v1/notifications/certs/CERT-hooksafe-test-kit`.
    #[must_use]
    pub fn certificate_url(mut self, url: &str) -> Self {
        self.certificate_url = Some(url.to_owned());
        self
    }

    /// PayPal: signs with `SHA1withRSA`, as older deliveries are, instead of `SHA256withRSA`.
    #[must_use]
    pub const fn sha1(mut self) -> Self {
        self.sha1 = true;
        self
    }

    /// The URL the provider signs for requests whose URI is only a path, as
    /// [`VerifierBuilder::public_url`](crate::VerifierBuilder::public_url) takes it.
    ///
    /// # Errors
    /// [`ConfigError::InvalidPublicUrl`] when it is not an `http`/`https` origin with an optional path prefix.
    pub fn public_url(mut self, url: &str) -> Result<Self, ConfigError> {
        self.public_url = Some(PublicUrl::parse(url)?);
        Ok(self)
    }

    /// The public key a verifier needs for this signer's deliveries, written as the provider shows it (`whpk_…`,
    /// Discord's hex, SendGrid's base64 DER); `None` for a shared secret.
    pub fn public_key(&self) -> Option<String> {
        use p256::pkcs8::EncodePublicKey as _;
        match (&self.key, &self.scheme) {
            (SigningKey::Hmac(_) | SigningKey::Token(_) | SigningKey::Rsa(_), _) => None,
            (SigningKey::Ed25519(key), Scheme::Discord) => Some(hex::encode(key.verifying_key().as_bytes())),
            (SigningKey::Ed25519(key), _) => Some(format!(
                "whpk_{}",
                base64::engine::general_purpose::STANDARD.encode(key.verifying_key().as_bytes())
            )),
            (SigningKey::P256(key), _) => key
                .verifying_key()
                .to_public_key_der()
                .ok()
                .map(|der| base64::engine::general_purpose::STANDARD.encode(der.as_bytes())),
        }
    }

    /// The headers the provider would send with `body`, signed at `timestamp`.
    ///
    /// `id` and `timestamp` go where the scheme carries them: `webhook-id`, `X-GitHub-Delivery`,
    /// `X-Shopify-Webhook-Id`, a custom id header. Schemes without an id header (Stripe, Paddle and Discord keep the
    /// id in the body, Slack and SendGrid have none) ignore `id`; schemes without a timestamp ignore `timestamp`;
    /// an empty `id` leaves an optional id header out. Schemes that sign the URL need [`request`](Self::request);
    /// Mailgun, whose signature travels in the body, needs [`body`](Self::body) or [`request`](Self::request).
    ///
    /// # Errors
    /// [`ErrorKind::MalformedHeader`](crate::ErrorKind::MalformedHeader) when `id` cannot be sent in its header (not
    /// visible ASCII, or a `.` in a Standard Webhooks id); [`ErrorKind::RequestLineRequired`](crate::ErrorKind::RequestLineRequired)
    /// for a scheme that signs the method or URL.
    pub fn headers(&self, id: &str, timestamp: OffsetDateTime, body: &[u8]) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(self.scheme.provider().content_type()));
        self.sign(None, &mut headers, body, id, timestamp)?;
        Ok(headers)
    }

    /// The body the provider would send for `body`: the same bytes, except for Mailgun, whose signature travels in
    /// the body: `{"signature":{"timestamp":…,"token":<id>,"signature":…},"event-data":<body>}`, `body` being the
    /// event data (JSON). Send it with [`headers`](Self::headers) for the same `id`, `timestamp` and `body`.
    ///
    /// ```
    /// use hooksafe::{Scheme, Verifier, sign::Signer};
    ///
    /// let signer = Signer::new(Scheme::Mailgun, "key-mailgun-signing")?;
    /// let now = time::OffsetDateTime::now_utc();
    /// let sent = signer.body("token-1", now, br#"{"event":"delivered"}"#)?;
    /// let verifier = Verifier::builder(Scheme::Mailgun).secret("key-mailgun-signing").build()?;
    /// assert_eq!(verifier.verify((&signer.headers("token-1", now, b"{}")?, &sent))?.id(), Some("token-1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`headers`](Self::headers); [`ErrorKind::MalformedBody`](crate::ErrorKind::MalformedBody) when Mailgun's
    /// event data is not JSON.
    pub fn body(&self, id: &str, timestamp: OffsetDateTime, body: &[u8]) -> Result<Vec<u8>, Error> {
        let mut headers = HeaderMap::new();
        let (_, wrapped) = self.sign_with_body(None, &mut headers, body, id, timestamp)?;
        Ok(wrapped.unwrap_or_else(|| body.to_vec()))
    }

    /// The bare tag or signature of `body` signed at `timestamp`: the value inside the signature header of
    /// [`headers`](Self::headers), for a fixture or a header you assemble yourself. `id` and `timestamp` are used as
    /// there.
    ///
    /// ```
    /// use hooksafe::{Scheme, sign::Signer};
    ///
    /// // GitHub's published example: https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
    /// let signer = Signer::new(Scheme::GitHub, "It's a Secret to Everybody")?;
    /// let tag = signer.tag("", time::OffsetDateTime::UNIX_EPOCH, b"Hello, World!")?;
    /// assert_eq!(tag.to_hex(), "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`headers`](Self::headers).
    pub fn tag(&self, id: &str, timestamp: OffsetDateTime, body: &[u8]) -> Result<Tag, Error> {
        let mut headers = HeaderMap::new();
        self.sign(None, &mut headers, body, id, timestamp)
    }

    /// A whole `POST` request to `uri`, as the provider would send it: the headers of [`headers`](Self::headers)
    /// plus the body. For a scheme that signs the URL, `uri` is the URL the provider called (absolute, or a path
    /// appended to the signer's [`public_url`](Self::public_url)); for Twilio, `body` is the form it posts, or JSON
    /// with `bodySHA256` in `uri`'s query.
    ///
    /// # Errors
    /// As [`headers`](Self::headers), and [`ErrorKind::PublicUrlRequired`](crate::ErrorKind::PublicUrlRequired)
    /// for a URL-signing scheme given a bare path and no public URL.
    pub fn request(
        &self,
        uri: Uri,
        id: &str,
        timestamp: OffsetDateTime,
        body: Vec<u8>,
    ) -> Result<Request<Vec<u8>>, Error> {
        let mut request = Request::new(body);
        *request.method_mut() = Method::POST;
        *request.uri_mut() = uri;
        let (mut parts, body) = request.into_parts();
        parts.headers.insert(CONTENT_TYPE, HeaderValue::from_static(self.scheme.provider().content_type()));
        let line = (parts.method.clone(), parts.uri.clone());
        let (_, wrapped) = self.sign_with_body(Some((&line.0, &line.1)), &mut parts.headers, &body, id, timestamp)?;
        Ok(Request::from_parts(parts, wrapped.unwrap_or(body)))
    }

    /// Signs as [`sign_with_body`](Self::sign_with_body), keeping only the tag.
    fn sign(
        &self,
        line: Option<(&Method, &Uri)>,
        headers: &mut HeaderMap,
        body: &[u8],
        id: &str,
        timestamp: OffsetDateTime,
    ) -> Result<Tag, Error> {
        self.sign_with_body(line, headers, body, id, timestamp).map(|(tag, _)| tag)
    }

    /// Renders the scheme's headers (and, for a scheme that signs in the body, the body) with a placeholder
    /// signature, reads back what they make the scheme sign, signs that, and renders them again with the signature.
    /// Returns the tag, and the body to send when it is not `body` itself.
    fn sign_with_body(
        &self,
        line: Option<(&Method, &Uri)>,
        headers: &mut HeaderMap,
        body: &[u8],
        id: &str,
        timestamp: OffsetDateTime,
    ) -> Result<(Tag, Option<Vec<u8>>), Error> {
        let seconds = timestamp.unix_timestamp().to_string();
        let (kind, placeholder) = match &self.key {
            SigningKey::Hmac(_) => {
                (KeyKind::Hmac, Tag(vec![0; self.scheme.provider().hmac().map_or(32, |(mac, _)| mac.tag_len())]))
            }
            SigningKey::Ed25519(_) => (KeyKind::Ed25519, Tag(vec![0; ed25519_dalek::SIGNATURE_LENGTH])),
            SigningKey::P256(_) => (KeyKind::P256, Tag(vec![0; 70])),
            // A token is its own "signature": sent as it is, whatever the message.
            SigningKey::Token(wire) => (KeyKind::Token, Tag(wire.to_vec())),
            SigningKey::Rsa(_) => (if self.sha1 { KeyKind::RsaSha1 } else { KeyKind::RsaSha256 }, Tag(vec![0; 256])),
        };
        let context = Context {
            public_url: self.public_url.as_ref(),
            certificate_url: self.certificate_url.as_deref(),
            // Read back as a verifier would, but every algorithm and host this signer may write is accepted.
            signing: true,
        };
        self.scheme.provider().render(headers, (id, &seconds), &placeholder, kind, context)?;
        let sign_bytes = |bytes: &[u8]| self.key.sign_bytes(bytes);
        let wrapped = self.scheme.provider().render_body((id, &seconds), body, &placeholder, &sign_bytes)?;
        let tag = {
            let body = wrapped.as_deref().unwrap_or(body);
            let request =
                Incoming { method: line.map(|(method, _)| method), uri: line.map(|(_, uri)| uri), headers, body };
            let parsed = self.scheme.provider().parse(&request, context)?;
            // A provider that keeps its timestamp in the body never sends a body without it.
            let timestamp_field = self.scheme.provider().body_timestamp_field();
            if timestamp_field.is_some_and(|field| crate::json_field::top_level_field::<i64>(body, field).is_none()) {
                return Err(Error::malformed_body("carries no timestamp field, which this provider always sends"));
            }
            let message = parsed.signed.messages().next().ok_or_else(Error::request_line_required)?;
            self.key.sign(&message, self.sha1)
        };
        self.scheme.provider().render(headers, (id, &seconds), &tag, kind, context)?;
        let wrapped = self.scheme.provider().render_body((id, &seconds), body, &tag, &sign_bytes)?;
        Ok((tag, wrapped))
    }
}

impl SigningKey {
    /// Signs `message`; PayPal's RSA with SHA-1 when `sha1`, else SHA-256.
    fn sign(&self, message: &Message<'_>, sha1: bool) -> Tag {
        match self {
            Self::Hmac(mac) => Tag(mac.tag_parts(message.parts()).as_slice().to_vec()),
            Self::Rsa(key) if sha1 => rsa_sign::<sha1::Sha1>(key, &message.concatenated()),
            Self::Ed25519(_) | Self::P256(_) | Self::Token(_) | Self::Rsa(_) => {
                self.sign_bytes(&message.concatenated())
            }
        }
    }

    fn sign_bytes(&self, bytes: &[u8]) -> Tag {
        use p256::ecdsa::signature::Signer as _;
        match self {
            Self::Hmac(mac) => Tag(mac.tag_of(bytes).as_slice().to_vec()),
            Self::Ed25519(key) => Tag(key.sign(bytes).to_bytes().to_vec()),
            Self::P256(key) => {
                let signature: p256::ecdsa::Signature = key.sign(bytes);
                Tag(signature.to_der().as_bytes().to_vec())
            }
            Self::Token(wire) => Tag(wire.to_vec()),
            Self::Rsa(key) => rsa_sign::<sha2::Sha256>(key, bytes),
        }
    }
}

/// RSASSA-PKCS1-v1_5 of `bytes` over the digest `D` (PayPal).
fn rsa_sign<D: sha2::Digest + rsa::pkcs8::AssociatedOid>(key: &rsa::PrivateKey, bytes: &[u8]) -> Tag {
    // Signing fails only for a key too short for the digest's encoding, which no key `from_pkcs8_pem` loads is.
    Tag(key.sign(rsa::pkcs1v15::Pkcs1v15Sign::new::<D>(), &D::digest(bytes)).unwrap_or_default())
}

/// An Ed25519 signing key from its 32-byte seed, or from the seed followed by its public key (which must match).
fn ed25519_seed(bytes: &[u8]) -> Result<ed25519_dalek::SigningKey, &'static str> {
    let (seed, public) = match bytes.len() {
        32 => (bytes, None),
        64 => (&bytes[..32], Some(&bytes[32..])),
        _ => return Err("is neither a 32-byte Ed25519 seed nor a 64-byte seed and public key"),
    };
    let seed: &[u8; 32] = seed.try_into().map_err(|_| "is not a 32-byte seed")?;
    let key = ed25519_dalek::SigningKey::from_bytes(seed);
    if public.is_some_and(|public| public != key.verifying_key().as_bytes()) {
        return Err("carries a public key that does not belong to its seed");
    }
    Ok(key)
}

//! PayPal: RSA signatures by a certificate the request names.
//!
//! - Headers: `PAYPAL-TRANSMISSION-ID`, `PAYPAL-TRANSMISSION-TIME` (RFC 3339), `PAYPAL-TRANSMISSION-SIG` (base64),
//!   `PAYPAL-CERT-URL` and `PAYPAL-AUTH-ALGO`.
//! - Signed: `{transmission id}|{transmission time}|{webhook id}|{crc32}`, the CRC-32 (zlib's) of the raw body as
//!   an unsigned decimal; the webhook id is the subscription's, from configuration.
//! - RSASSA-PKCS1-v1_5 with SHA-256 (`SHA256withRSA`); `SHA1withRSA` only when allowed. Any other algorithm is
//!   malformed: the header never selects anything outside that list.
//! - `PAYPAL-CERT-URL` must be `https` on PayPal's certificate hosts with the certificates' path (see
//!   [`CertificateUrl`](crate::paypal::CertificateUrl)); anything else is malformed and never fetched.
//! - Window 300 s on the transmission time; dedup on the transmission id.
//!
//! Sources: <https://developer.paypal.com/api/rest/webhooks/rest/>, the PayPal .NET SDK's `WebhookEvent.cs` and
//! `CertificateManager.cs`, the Python SDK's `notifications.py`.

use http::{HeaderMap, HeaderName};

use super::IdSource;
use super::Parsed;
use super::certificate_url::{CERT_URL, CertificateUrl};
use super::headers::{required_bytes, required_str, rfc3339_seconds, rfc3339_text, value};
use super::provider::prelude::*;
use super::signed::{Piece, Signed};
use super::tag::{Candidate, Candidates, Encoding, ForKey, KeyKind, Tag};
use crate::error::Error;
use crate::request::Incoming;

pub(crate) static TRANSMISSION_ID: HeaderName = HeaderName::from_static("paypal-transmission-id");
pub(crate) static TRANSMISSION_TIME: HeaderName = HeaderName::from_static("paypal-transmission-time");
pub(crate) static TRANSMISSION_SIG: HeaderName = HeaderName::from_static("paypal-transmission-sig");
pub(crate) static AUTH_ALGO: HeaderName = HeaderName::from_static("paypal-auth-algo");

/// PayPal's configuration, as [`Scheme::paypal`](crate::Scheme::paypal) starts it: the subscription's webhook id,
/// part of every message PayPal signs, and which certificate hosts and algorithms are accepted. The certificates
/// themselves are keys: pin them with [`certificate`](crate::VerifierBuilder::certificate) or fetch them through a
/// [`certificate_source`](crate::VerifierBuilder::certificate_source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayPal {
    webhook_id: String,
    sandbox: bool,
    allow_sha1: bool,
}

impl PayPal {
    /// No webhook id: the verifier will not build.
    pub(super) const UNCONFIGURED: Self = Self { webhook_id: String::new(), sandbox: false, allow_sha1: false };

    pub(super) const fn new(webhook_id: String) -> Self {
        Self { webhook_id, sandbox: false, allow_sha1: false }
    }

    /// Accepts certificate URLs on PayPal's sandbox hosts too (`api.sandbox.paypal.com`, `api-m.sandbox.paypal.com`),
    /// for a sandbox webhook.
    #[must_use]
    pub const fn sandbox(mut self) -> Self {
        self.sandbox = true;
        self
    }

    /// Also accepts `SHA1withRSA` signatures, which older deliveries carry. SHA-1 is broken for collision
    /// resistance: leave it off unless your deliveries need it.
    #[must_use]
    pub const fn allow_sha1(mut self) -> Self {
        self.allow_sha1 = true;
        self
    }

    /// The subscription's webhook id.
    #[must_use]
    pub fn webhook_id(&self) -> &str {
        &self.webhook_id
    }
}

impl From<PayPal> for super::Scheme {
    fn from(paypal: PayPal) -> Self {
        Self::PayPal(paypal)
    }
}

/// The certificate URL of `headers`, checked against the allow-list.
///
/// # Errors
/// [`ErrorKind::MissingHeader`](crate::ErrorKind::MissingHeader) or
/// [`ErrorKind::MalformedHeader`](crate::ErrorKind::MalformedHeader) for `PAYPAL-CERT-URL`.
fn certificate_url(headers: &HeaderMap, sandbox: bool) -> Result<CertificateUrl, Error> {
    CertificateUrl::parse(required_str(headers, &CERT_URL)?, sandbox)
}

/// Reads a delivery; `lenient` accepts the sandbox hosts and SHA-1 whatever the configuration (the test kit reading
/// back what it wrote).
fn parse<'s, 'a: 's>(request: &Incoming<'a>, settings: &'s PayPal, lenient: bool) -> Result<Parsed<'s, 'a>, Error> {
    let id = required_str(request.headers, &TRANSMISSION_ID)?;
    if id.is_empty() || id.contains('|') {
        return Err(Error::malformed(TRANSMISSION_ID.clone(), "is empty or contains `|`"));
    }
    let time = required_bytes(request.headers, &TRANSMISSION_TIME)?;
    let seconds = rfc3339_seconds(time)
        .ok_or_else(|| Error::malformed(TRANSMISSION_TIME.clone(), "is not an RFC 3339 date and time"))?;
    certificate_url(request.headers, settings.sandbox || lenient)?;
    let kind = match required_bytes(request.headers, &AUTH_ALGO)? {
        b"SHA256withRSA" => KeyKind::RsaSha256,
        b"SHA1withRSA" if settings.allow_sha1 || lenient => KeyKind::RsaSha1,
        b"SHA1withRSA" => {
            return Err(Error::malformed(
                AUTH_ALGO.clone(),
                "names SHA1withRSA, which this verifier accepts only with `Scheme::paypal(..).allow_sha1()`",
            ));
        }
        _ => return Err(Error::malformed(AUTH_ALGO.clone(), "names neither SHA256withRSA nor SHA1withRSA")),
    };
    let text = required_bytes(request.headers, &TRANSMISSION_SIG)?;
    let mut candidates = Candidates::new();
    candidates.push(Candidate { for_key: ForKey::Any, kind, encoding: Encoding::Base64, text }, &TRANSMISSION_SIG)?;
    let crc = crc32fast::hash(request.body).to_string().into_bytes();
    let signed = Signed::new(&[
        Piece::Bytes(id.as_bytes()),
        Piece::Bytes(b"|"),
        Piece::Bytes(time),
        Piece::Bytes(b"|"),
        Piece::Bytes(settings.webhook_id.as_bytes()),
        Piece::Bytes(b"|"),
        Piece::Built,
    ])
    .with_built(crc);
    Ok(Parsed {
        id: IdSource::Signed(id),
        timestamp: Some((seconds, Some(&TRANSMISSION_TIME))),
        signature_header: Some(&TRANSMISSION_SIG),
        batch: Vec::new(),
        candidates,
        signed,
    })
}

/// The headers PayPal sends for transmission `id` at `timestamp` (unix seconds, as text), signed by `tag` with
/// SHA-1 for a `kind` of [`KeyKind::RsaSha1`], else SHA-256, naming `certificate_url` (by default a placeholder on
/// `api-m.paypal.com`).
fn render(
    headers: &mut HeaderMap,
    (id, timestamp): (&str, &str),
    tag: &Tag,
    kind: KeyKind,
    certificate_url: Option<&str>,
) -> Result<(), Error> {
    let time = rfc3339_text(timestamp)
        .ok_or_else(|| Error::malformed(TRANSMISSION_TIME.clone(), "cannot be written as RFC 3339"))?;
    let url = certificate_url.unwrap_or("https://api-m.paypal.com/v1/notifications/certs/CERT-hooksafe-test-kit");
    let algorithm = if kind == KeyKind::RsaSha1 { "SHA1withRSA" } else { "SHA256withRSA" };
    headers.insert(TRANSMISSION_ID.clone(), value(id, &TRANSMISSION_ID)?);
    headers.insert(TRANSMISSION_TIME.clone(), value(&time, &TRANSMISSION_TIME)?);
    headers.insert(TRANSMISSION_SIG.clone(), value(&tag.encode(Encoding::Base64), &TRANSMISSION_SIG)?);
    headers.insert(CERT_URL.clone(), value(url, &CERT_URL)?);
    headers.insert(AUTH_ALGO.clone(), value(algorithm, &AUTH_ALGO)?);
    Ok(())
}

impl Provider for PayPal {
    fn name(&self) -> Cow<'static, str> {
        "paypal".into()
    }

    fn has_timestamp(&self) -> bool {
        true
    }

    fn signs_body_weakly(&self) -> bool {
        true
    }

    fn takes_certificates(&self) -> bool {
        true
    }

    fn certificate_url(&self, request: &Incoming<'_>) -> Option<Result<CertificateUrl, Error>> {
        Some(certificate_url(request.headers, self.sandbox))
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let id = &self.webhook_id;
        if id.is_empty() || id.trim() != id || id.contains('|') {
            return Err(ConfigError::PayPal("needs the subscription's webhook id: `Scheme::paypal(webhook_id)`"));
        }
        Ok(())
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        None
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["event_type"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        parse(request, self, context.signing)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (id, timestamp): (&str, &str),
        tag: &Tag,
        kind: KeyKind,
        context: Context<'_>,
    ) -> Result<(), Error> {
        render(headers, (id, timestamp), tag, kind, context.certificate_url)
    }
}

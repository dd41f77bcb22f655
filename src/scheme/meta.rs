//! Meta: Facebook, Instagram and WhatsApp webhooks.
//!
//! - Header: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(App Secret, body)>`. Meta signs the escaped form it sends
//!   (`äöå` as `\u00e4\u00f6\u00e5`): re-serialised JSON never verifies. The legacy `X-Hub-Signature: sha1=` is not
//!   accepted, and a `sha1=` value in the SHA-256 header is malformed.
//! - No timestamp; deduplicate on the entry or message ids in your handler (the body is a batch of `entry`).
//! - Handshake: the **unsigned** subscription check `GET ?hub.mode=subscribe&hub.verify_token=<t>&hub.challenge=<n>`
//!   is answered with the challenge as plain text when the mode is `subscribe` and the token equals the configured
//!   [Verify Token](Meta::verify_token) (constant time); otherwise it is refused with `403`
//!   ([`ErrorKind::HandshakeRefused`](crate::ErrorKind::HandshakeRefused)). The dotted names are read as sent.
//!
//! Source: <https://developers.facebook.com/docs/graph-api/webhooks/getting-started/>.

use http::HeaderName;
use subtle::ConstantTimeEq as _;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::query::get_param;
use super::tag::Encoding;
use crate::error::{Detail, Error, ErrorKind};
use crate::handshake::Handshake;
use crate::key::SharedToken;
use crate::request::Incoming;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-hub-signature-256"), prefix: "sha256=", encoding: Encoding::Hex };

/// Meta's subscription check: a `GET` with a `hub.mode`.
pub(super) fn is_check(request: &Incoming<'_>) -> bool {
    get_param(request, "hub.mode").is_some()
}

/// The answer to it: the challenge, when the mode is `subscribe` and the Verify Token is the configured one.
pub(super) fn answer(request: &Incoming<'_>, verify_token: Option<&[u8]>) -> Result<Handshake, Error> {
    let refused = |why| Error::new(ErrorKind::HandshakeRefused, None, Detail::Text(why));
    let Some(expected) = verify_token else {
        return Err(refused(
            "is Meta's subscription check, and no Verify Token is configured (`Scheme::meta().verify_token(..)`)",
        ));
    };
    if get_param(request, "hub.mode").as_deref() != Some("subscribe") {
        return Err(refused("is a subscription check whose `hub.mode` is not `subscribe`"));
    }
    let token = get_param(request, "hub.verify_token").unwrap_or_default();
    if !bool::from(token.as_bytes().ct_eq(expected)) {
        return Err(refused("carries a `hub.verify_token` that is not the configured Verify Token"));
    }
    let challenge = get_param(request, "hub.challenge").ok_or_else(|| refused("carries no single `hub.challenge`"))?;
    Ok(Handshake::text(challenge.into_owned()))
}

/// Meta's configuration, as [`Scheme::meta`](crate::Scheme::meta) starts it: the Verify Token its subscription check
/// must carry. Without one, the check is refused with `403` (deliveries verify all the same).
///
/// ```
/// use hooksafe::{Scheme, Verifier};
///
/// let verifier = Verifier::builder(Scheme::meta().verify_token("meatyhamhock")).secret("meta-app-secret").build()?;
/// # let _ = verifier;
/// # Ok::<(), hooksafe::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Meta {
    verify_token: Option<SharedToken>,
}

impl Meta {
    /// No Verify Token: subscription checks are refused.
    pub(super) const UNCONFIGURED: Self = Self { verify_token: None };

    /// The Verify Token you entered beside the callback URL. Meta's subscription check (`GET
    /// ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`) is answered with the challenge only when the token
    /// matches (compared in constant time); otherwise it is refused with `403`.
    #[must_use]
    pub fn verify_token(mut self, token: impl Into<String>) -> Self {
        self.verify_token = Some(SharedToken::new(token.into()));
        self
    }
}

impl PartialEq for Meta {
    fn eq(&self, other: &Self) -> bool {
        match (&self.verify_token, &other.verify_token) {
            (Some(mine), Some(theirs)) => bool::from(mine.as_bytes().ct_eq(theirs.as_bytes())),
            (mine, theirs) => mine.is_none() && theirs.is_none(),
        }
    }
}

impl Eq for Meta {}

impl From<Meta> for super::Scheme {
    fn from(meta: Meta) -> Self {
        Self::Meta(meta)
    }
}

impl Provider for Meta {
    fn name(&self) -> Cow<'static, str> {
        "meta".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["object"])
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        super::body_only::parse(request, &TAG, IdSource::None)
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, _timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        super::body_only::render(&TAG, headers, tag)
    }

    fn is_unsigned_check(&self, request: &Incoming<'_>) -> bool {
        is_check(request)
    }

    fn unsigned_handshake(&self, request: &Incoming<'_>, _keys: &CheckKeys<'_>) -> Result<Handshake, Error> {
        answer(request, self.verify_token.as_ref().map(SharedToken::as_bytes))
    }
}

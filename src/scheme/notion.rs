//! Notion.
//!
//! - Header: `X-Notion-Signature: sha256=<hex HMAC-SHA256(verification token, body)>`, keyed with the
//!   subscription's `verification_token`.
//! - No timestamp; deduplication is on the signed body.
//! - Handshake: when the subscription is created, Notion sends an **unsigned** `POST {"verification_token":"…"}`.
//!   During setup only (the verifier, or the tenant's resolved keys, has no key yet) it is handed to the scheme's
//!   [`on_verification_token`](Notion::on_verification_token) callback with the tenant, never to an
//!   event handler, and answered `200`. Without a callback, or once a key is configured, it is refused (`403`) and
//!   the callback is not called. Anyone can send such a request: only a token you then confirm in Notion's settings
//!   is genuine. Configure it as the secret afterwards, which ends the setup period.
//!
//! Source: <https://developers.notion.com/reference/webhooks> (the example in `tests/schemes.rs`).

use std::sync::Arc;

use http::HeaderName;

use super::body_only::BodyTag;
use super::provider::prelude::*;
use super::tag::Encoding;
use super::{CheckKeys, TokenCallback};
use crate::error::{Detail, Error, ErrorKind};
use crate::handshake::Handshake;
use crate::json_field::top_level_field;
use crate::request::Incoming;

pub(super) static TAG: BodyTag =
    BodyTag { header: HeaderName::from_static("x-notion-signature"), prefix: "sha256=", encoding: Encoding::Hex };

/// Notion's verification request: no signature header, a body carrying `verification_token`.
pub(super) fn is_check(request: &Incoming<'_>) -> bool {
    !request.headers.contains_key(&TAG.header) && top_level_field::<&str>(request.body, "verification_token").is_some()
}

/// The answer to it: during setup (no key configured for the tenant yet), the token handed to `callback` with the
/// tenant, then `200`; otherwise refused.
pub(super) fn answer(
    request: &Incoming<'_>,
    keys: &CheckKeys<'_>,
    callback: Option<&TokenCallback>,
) -> Result<Handshake, Error> {
    let Some(callback) = callback else {
        let why = "is Notion's verification request, and no `on_verification_token` callback is configured";
        return Err(Error::new(ErrorKind::HandshakeRefused, None, Detail::Text(why)));
    };
    if keys.configured {
        let why = "is Notion's verification request, refused once a verification token is configured as the secret";
        return Err(Error::new(ErrorKind::HandshakeRefused, None, Detail::Text(why)));
    }
    if let Some(token) = top_level_field::<&str>(request.body, "verification_token") {
        callback(keys.tenant, token);
    }
    Ok(Handshake::empty())
}

/// Notion's configuration, as [`Scheme::notion`](crate::Scheme::notion) starts it: the callback that receives the
/// verification token during setup.
#[derive(Clone, Default)]
pub struct Notion {
    on_verification_token: Option<Arc<TokenCallback>>,
}

impl Notion {
    /// No setup callback: Notion's verification request is refused.
    pub(super) const UNCONFIGURED: Self = Self { on_verification_token: None };

    /// Receives Notion's verification token during setup: Notion's unsigned `POST {"verification_token":"…"}` is
    /// handed to `callback` with the tenant (when a [`resolver`](crate::VerifierBuilder::resolver) names one) and
    /// answered `200`, never given to an event handler. Setup lasts while no key is configured: build the verifier
    /// (or the tenant's [`Keys`](crate::Keys)) without a secret, and the callback runs; once the token is configured
    /// as the secret, the request is refused (`403`) and the callback is not called. Without this setting it is
    /// always refused. Anyone can send such a request: only a token you then confirm in Notion's settings is genuine.
    ///
    /// ```
    /// use hooksafe::{Scheme, Verifier};
    ///
    /// let notion = Scheme::notion()
    ///     .on_verification_token(|tenant, token| println!("Notion sent {token} for {tenant:?}; confirm it in Notion"));
    /// let setup = Verifier::builder(notion).build()?; // no secret yet: the setup period
    /// # let _ = setup;
    /// # Ok::<(), hooksafe::ConfigError>(())
    /// ```
    #[must_use]
    pub fn on_verification_token(mut self, callback: impl Fn(Option<&str>, &str) + Send + Sync + 'static) -> Self {
        self.on_verification_token = Some(Arc::new(callback));
        self
    }

    /// Whether a setup callback is configured.
    pub(crate) const fn in_setup(&self) -> bool {
        self.on_verification_token.is_some()
    }
}

impl std::fmt::Debug for Notion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notion").field("on_verification_token", &self.on_verification_token.is_some()).finish()
    }
}

/// Two configurations are equal when they have no callback, or the same one.
impl PartialEq for Notion {
    fn eq(&self, other: &Self) -> bool {
        match (&self.on_verification_token, &other.on_verification_token) {
            (Some(mine), Some(theirs)) => Arc::ptr_eq(mine, theirs),
            (mine, theirs) => mine.is_none() && theirs.is_none(),
        }
    }
}

impl Eq for Notion {}

impl From<Notion> for super::Scheme {
    fn from(notion: Notion) -> Self {
        Self::Notion(notion)
    }
}

impl Provider for Notion {
    fn name(&self) -> Cow<'static, str> {
        "notion".into()
    }

    fn has_timestamp(&self) -> bool {
        false
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((Mac::Hmac(Algorithm::HmacSha256), SecretEncoding::Utf8))
    }

    fn event_type(&self) -> EventTypeSource {
        EventTypeSource::Body(&["type"])
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

    fn has_setup_period(&self) -> bool {
        self.in_setup()
    }

    fn unsigned_check_needs_keys(&self, _request: &Incoming<'_>) -> Result<bool, Error> {
        Ok(self.in_setup())
    }

    fn unsigned_handshake(&self, request: &Incoming<'_>, keys: &CheckKeys<'_>) -> Result<Handshake, Error> {
        answer(request, keys, self.on_verification_token.as_deref())
    }
}

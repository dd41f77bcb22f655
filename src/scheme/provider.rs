//! What a provider is: the one trait each provider's file implements, stating its whole contract in one place.
//!
//! A provider's file holds its headers and signed bytes, and one `impl Provider` that says everything else: its name,
//! key kinds and secret checks, timestamp and default window, body cap, dedup id, event type, unsigned checks and
//! handshakes. [`Scheme::provider`](super::Scheme) is the one table from a [`Scheme`](super::Scheme) variant to its
//! provider; nothing else in the crate matches on providers. The defaults are the common case: a JSON body of at
//! most 5 MiB, the 300 s window, no endpoint check, no public key, no token.
//!
//! The invariants every provider gets from the core, whatever its file says: an unsigned check is answered before
//! any key is looked up unless [`Provider::unsigned_check_needs_keys`] says so, and never reaches the signature
//! check; signature entries per request are bounded ([`MAX_SIGNATURES`](super::MAX_SIGNATURES),
//! [`MAX_PUBLIC_KEY_SIGNATURES`](super::MAX_PUBLIC_KEY_SIGNATURES)) by the one [`Candidates`](super::Candidates)
//! list every parser fills; the dedup key is derived from what [`Provider::parse`] says is signed; a provider without
//! a timestamp is protected by the dedup record alone, for its whole retention.

use std::borrow::Cow;
use std::time::Duration;

use http::HeaderMap;
use zeroize::Zeroizing;

use http::HeaderName;

use super::certificate_url::CertificateUrl;
use super::{Candidates, DEFAULT_TOLERANCE, EventTypeSource, IdSource, KeyKind, Signed, Tag, signed};
use crate::error::{ConfigError, Error};
use crate::handshake::Handshake;
use crate::key::{Key, Mac, PublicKeyFormat, SecretEncoding};
use crate::request::Incoming;
use crate::request::PublicUrl;

/// What every provider's file needs to state its contract.
pub(super) mod prelude {
    pub(crate) use super::super::{EventTypeSource, IdSource, KeyKind, Tag};
    pub(crate) use super::{CheckKeys, Context, Parsed, Provider};
    pub(crate) use crate::error::{ConfigError, Error};
    pub(crate) use crate::handshake::Handshake;
    pub(crate) use crate::key::{Algorithm, Key, Mac, Material, PublicKeyFormat, SecretEncoding};
    pub(crate) use crate::request::Incoming;
    pub(crate) use http::HeaderMap;
    pub(crate) use std::borrow::Cow;
    pub(crate) use std::time::Duration;
    pub(crate) use zeroize::Zeroizing;
}

/// Declares [`Scheme`], [`Scheme::ALL`] and [`Scheme::provider`], the one table from a variant to its provider, from
/// one row per provider: its documentation, its variant, and the value in its own file that states its contract. The
/// rows start with the providers whose variant carries their configuration (each with an `UNCONFIGURED` value for
/// [`Scheme::ALL`]); [`Scheme::Custom`] is not a row.
macro_rules! providers {
    (configured { $($(#[doc = $config_doc:literal])* $configured:ident($config:ident),)* } $($(#[doc = $doc:literal])* $variant:ident => $provider:path,)*) => {
        /// A provider's signature scheme.
        ///
        /// Pick the provider you receive from; [`Scheme::Custom`] covers any other HMAC scheme. Each variant's documentation
        /// states what it checks; the README's scheme table lists them side by side.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant, reason = "built once per verifier; boxing would change the public variant")]
        pub enum Scheme {
            $($(#[doc = $doc])* $variant,)*
            $($(#[doc = $config_doc])* $configured($config),)*
            /// A scheme you describe: see [`Custom`].
            Custom(Custom),
        }

        impl Scheme {
            /// Every built-in scheme (all but [`Scheme::Custom`]), each as its name parses: Square's notification URL is
            /// empty, to be set with [`Scheme::square`]. For iterating over the catalogue, as the crate's own tests do.
            ///
            /// ```
            /// use hooksafe::Scheme;
            ///
            /// for scheme in Scheme::ALL {
            ///     assert_eq!(scheme.to_string().parse::<Scheme>().as_ref(), Ok(scheme));
            /// }
            /// ```
            pub const ALL: &'static [Scheme] = &[$(Self::$variant,)* $(Self::$configured($config::UNCONFIGURED),)*];

            /// The one table: each provider's whole contract, stated in its own file.
            pub(crate) fn provider(&self) -> &dyn Provider {
                match self {
                    $(Self::$variant => &$provider,)*
                    $(Self::$configured(config) => config,)*
                    Self::Custom(custom) => custom,
                }
            }
        }
    };
}

/// The largest body a verifier accepts unless the provider or the caller says otherwise.
const DEFAULT_MAX_BODY_SIZE: usize = 5 * 1024 * 1024;

/// One provider's whole contract. Required: its name, whether it signs a timestamp, what its secrets compute, where
/// its event type lives, and how it reads and writes a signed request. Everything else has the common default.
pub(crate) trait Provider: Sync {
    /// The stable name [`Display`](std::fmt::Display) writes and [`FromStr`](std::str::FromStr) parses.
    fn name(&self) -> Cow<'static, str>;

    /// Other names that parse to this provider.
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }

    /// Whether requests carry a signed timestamp, and so get a replay window.
    fn has_timestamp(&self) -> bool;

    /// The replay tolerance in each direction unless the caller says otherwise.
    fn default_tolerance(&self) -> Duration {
        DEFAULT_TOLERANCE
    }

    /// The largest body accepted unless the caller says otherwise.
    fn default_max_body_size(&self) -> usize {
        DEFAULT_MAX_BODY_SIZE
    }

    /// Whether the signature leaves part of the body unbound, so that a duplicate's body is compared with the first
    /// one's.
    fn signs_body_weakly(&self) -> bool {
        false
    }

    /// Whether a verified delivery's whole body is what the provider signed: not for a partial signature
    /// ([`signs_body_weakly`](Self::signs_body_weakly)), nor for a shared token, which signs nothing.
    fn signs_whole_body(&self) -> bool {
        !self.signs_body_weakly()
    }

    /// The mistakes in the provider's own configuration.
    fn validate(&self) -> Result<(), ConfigError> {
        Ok(())
    }

    /// The top-level body field that carries the timestamp in milliseconds, when the body does.
    fn body_timestamp_field(&self) -> Option<&'static str> {
        None
    }

    /// What secrets compute and how their text becomes the key; `None` when the provider takes no secret.
    fn hmac(&self) -> Option<(Mac, SecretEncoding)>;

    /// The provider's own rules for a secret's text (a prefix, a length), before the crate's.
    fn check_secret(&self, _text: &str, _index: usize, _allow_short: bool) -> Result<(), ConfigError> {
        Ok(())
    }

    /// For a provider that sends a shared token instead of a signature, the token's wire form from the secret.
    fn token_wire_form(&self, _secret: &str, _index: usize) -> Result<Option<Zeroizing<Vec<u8>>>, ConfigError> {
        Ok(None)
    }

    /// For a provider that takes HTTP Basic credentials, their wire form.
    fn basic_auth_wire_form(
        &self,
        _credentials: &str,
        _index: usize,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, ConfigError> {
        Ok(None)
    }

    /// How the provider's public keys are written, if it takes any.
    fn public_key_format(&self) -> Option<PublicKeyFormat> {
        None
    }

    /// Whether the provider's keys are X.509 certificates (PayPal).
    fn takes_certificates(&self) -> bool {
        false
    }

    /// For a provider whose requests name the certificate that signed them, that certificate's URL, checked against
    /// the provider's allow-list before anything is fetched.
    fn certificate_url(&self, _request: &Incoming<'_>) -> Option<Result<CertificateUrl, Error>> {
        None
    }

    /// Whether this configuration has a setup period, during which a verifier without keys answers the provider's
    /// unsigned setup request (Notion's verification request, when a callback receives it).
    fn has_setup_period(&self) -> bool {
        false
    }

    /// Reads what the provider sent: id, timestamp, signature entries, and the signed bytes.
    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, context: Context<'s>) -> Result<Parsed<'s, 'a>, Error>;

    /// Writes the headers the provider sends for a delivery with `id` and `timestamp` signed by `tag`, a signature
    /// of kind `kind`.
    fn render(
        &self,
        headers: &mut HeaderMap,
        id_and_timestamp: (&str, &str),
        tag: &Tag,
        kind: KeyKind,
        context: Context<'_>,
    ) -> Result<(), Error>;

    /// The body the provider sends for `body` when its signature travels in the body; `None` when sent as given.
    fn render_body(
        &self,
        _id_and_timestamp: (&str, &str),
        _body: &[u8],
        _tag: &Tag,
        _sign: &dyn Fn(&[u8]) -> Tag,
    ) -> Result<Option<Vec<u8>>, Error> {
        Ok(None)
    }

    /// Whether `request` is an endpoint check the provider sends unsigned.
    fn is_unsigned_check(&self, _request: &Incoming<'_>) -> bool {
        false
    }

    /// Whether answering the unsigned check `request` needs the keys; only then is a resolver asked.
    fn unsigned_check_needs_keys(&self, _request: &Incoming<'_>) -> Result<bool, Error> {
        Ok(false)
    }

    /// The answer to an unsigned endpoint check.
    fn unsigned_handshake(&self, _request: &Incoming<'_>, _keys: &CheckKeys<'_>) -> Result<Handshake, Error> {
        Err(Error::malformed_body("is no endpoint check of this scheme"))
    }

    /// The answer to a signed endpoint check, once `key` verified the request; `None` for an ordinary event.
    fn handshake(&self, _request: &Incoming<'_>, _key: &Key) -> Result<Option<Handshake>, Error> {
        Ok(None)
    }

    /// The content type the provider sends its body with.
    fn content_type(&self) -> &'static str {
        "application/json"
    }

    /// Where the provider's deliveries say what happened.
    fn event_type(&self) -> EventTypeSource;
}

/// What a verifier or signer holds beside the scheme that some schemes' signed bytes need.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Context<'c> {
    /// The URL the provider called, for the schemes that sign it.
    pub public_url: Option<&'c PublicUrl>,
    /// The certificate URL the test kit names (PayPal; `None`: a placeholder on the provider's host).
    pub certificate_url: Option<&'c str>,
    /// Whether the test kit is reading back what it wrote: every algorithm and host it may write is accepted.
    pub signing: bool,
}

/// What a scheme read off one request: the id borrows the request (`'a`); the rest may also borrow the scheme
/// (`'s`: a custom scheme's header names and literals).
#[derive(Debug)]
pub(crate) struct Parsed<'s, 'a> {
    pub id: IdSource<'a>,
    /// The signed timestamp in unix seconds, and the header that carried it (`None`: the body did).
    pub timestamp: Option<(i64, Option<&'s HeaderName>)>,
    /// The header the signature entries came from, for error messages (`None`: the body).
    pub signature_header: Option<&'s HeaderName>,
    pub candidates: Candidates<'s>,
    pub signed: Signed<'s>,
    /// Further messages, each with its own signature, that the key matching the first must also have signed (the
    /// other items of an Adyen batch); empty for every other scheme.
    pub batch: Vec<(Signed<'s>, Candidates<'s>)>,
}

impl<'s, 'a: 's> Parsed<'s, 'a> {
    /// What a scheme that signs the body alone read: its id, the header its entries came from, and the entries.
    pub(crate) fn over_body(
        id: IdSource<'a>,
        signature_header: &'s HeaderName,
        candidates: Candidates<'s>,
        body: &'a [u8],
    ) -> Self {
        Self {
            id,
            timestamp: None,
            signature_header: Some(signature_header),
            batch: Vec::new(),
            candidates,
            signed: Signed::new(&[signed::Piece::Bytes(body)]),
        }
    }
}

/// The callback that receives Notion's verification token: the tenant (if any) and the token.
pub(crate) type TokenCallback = dyn Fn(Option<&str>, &str) + Send + Sync;

/// What an unsigned endpoint check that needs keys is answered with: the first key valid now, the tenant, and
/// whether they are configured keys, not a Notion subscription's explicit setup (which has none).
#[derive(Default)]
pub(crate) struct CheckKeys<'k> {
    pub key: Option<&'k Key>,
    pub tenant: Option<&'k str>,
    pub configured: bool,
}

/// Whether the verified body is a check with no events (`"events": []`): Xero's Intent to Receive, LINE's console
/// check.
fn no_events(body: &[u8]) -> bool {
    // A check is a few dozen bytes (LINE's `{"destination":…,"events":[]}`, Xero's intent to receive): a larger body
    // is a delivery, found without parsing the JSON (a second pass over every delivery's body). Were a larger body to
    // carry no events, it would reach the handler as a delivery with nothing in it.
    body.len() <= MAX_CHECK_BODY
        && crate::json_field::field_at::<Vec<serde::de::IgnoredAny>>(body, &["events"])
            .is_some_and(|events| events.is_empty())
}

/// The largest body read as an empty-events check.
const MAX_CHECK_BODY: usize = 1024;

/// Answers a verified check with no events `200` and an empty body (Xero, LINE).
pub(super) fn empty_events_check(request: &Incoming<'_>, _key: &Key) -> Result<Option<Handshake>, Error> {
    Ok(no_events(request.body).then(Handshake::empty))
}

//! The providers whose whole contract is data: a wire format they share with others (a tag over the body, a
//! `t=…,v1=…` list, a timestamp header beside the tag, Slack's `v0`, a versioned list), what the secret computes,
//! where the id and the event type are, and the few behaviours some add (a handshake once verified, a rule for the
//! secret, an unsigned challenge to echo). Each such provider's file holds one [`Declared`] value.

use super::body_only::{self, BodyTag};
use super::provider::prelude::*;
use super::signed_list::{self, SignedList};
use super::stamped::{self, Stamped};
use super::v0::{self, V0Headers};
use super::versioned::{self, Versioned};
use super::{DEFAULT_TOLERANCE, query};

/// How a declared provider sends its signature.
pub(super) enum Wire {
    /// One tag over the body, in one header.
    Body(&'static BodyTag),
    /// A `key=value` list of a timestamp and signatures over `{timestamp}{joiner}{body}`.
    List(&'static SignedList),
    /// A tag beside a separate timestamp header.
    Stamped(&'static Stamped),
    /// A timestamp header and a `v0=<hex>` tag over `v0:{timestamp}:{body}`.
    V0(&'static V0Headers),
    /// `version=value` entries over the body.
    Versioned(&'static Versioned),
}

/// The answer to a signed endpoint check, once the key verified the request: `None` for an ordinary event.
type HandshakeFn = fn(&Incoming<'_>, &Key) -> Result<Option<Handshake>, Error>;

/// A provider's own rule for a secret's text: the text, its position among the keys, and whether short test
/// secrets are allowed.
type SecretRule = fn(&str, usize, bool) -> Result<(), ConfigError>;

/// One provider's whole contract, as data. Built with [`Declared::new`] and its `const` setters, whose defaults are
/// the common case: HMAC-SHA256 keyed with the secret's text, no id, no event type, the 300 s window, a JSON body.
pub(super) struct Declared {
    name: &'static str,
    wire: Wire,
    mac: Mac,
    secret_encoding: SecretEncoding,
    id: &'static [&'static str],
    event_type: EventTypeSource,
    tolerance: Duration,
    body_timestamp_field: Option<&'static str>,
    content_type: &'static str,
    handshake: Option<HandshakeFn>,
    secret_rule: Option<SecretRule>,
    query_challenge: bool,
}

impl Declared {
    /// The provider named `name` (as it parses), signing as `wire` says.
    pub(super) const fn new(name: &'static str, wire: Wire) -> Self {
        Self {
            name,
            wire,
            mac: Mac::Hmac(Algorithm::HmacSha256),
            secret_encoding: SecretEncoding::Utf8,
            id: &[],
            event_type: EventTypeSource::None,
            tolerance: DEFAULT_TOLERANCE,
            body_timestamp_field: None,
            content_type: "application/json",
            handshake: None,
            secret_rule: None,
            query_challenge: false,
        }
    }

    /// What the secret computes, when not HMAC-SHA256.
    pub(super) const fn mac(mut self, mac: Mac) -> Self {
        self.mac = mac;
        self
    }

    /// The dedup id: a string field of the signed body, at this path of keys.
    pub(super) const fn id(mut self, path: &'static [&'static str]) -> Self {
        self.id = path;
        self
    }

    /// Where the deliveries say what happened.
    pub(super) const fn event_type(mut self, source: EventTypeSource) -> Self {
        self.event_type = source;
        self
    }

    /// The replay window the provider documents, when not 300 s.
    pub(super) const fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The top-level body field that carries the timestamp in milliseconds (read once the signature matched).
    pub(super) const fn body_timestamp(mut self, field: &'static str) -> Self {
        self.body_timestamp_field = Some(field);
        self
    }

    /// The content type the provider sends, when not JSON.
    pub(super) const fn content_type(mut self, content_type: &'static str) -> Self {
        self.content_type = content_type;
        self
    }

    /// The answer to the provider's signed endpoint check.
    pub(super) const fn handshake(mut self, handshake: HandshakeFn) -> Self {
        self.handshake = Some(handshake);
        self
    }

    /// The provider's own rule for a secret's text.
    pub(super) const fn secret_rule(mut self, rule: SecretRule) -> Self {
        self.secret_rule = Some(rule);
        self
    }

    /// Echoes the provider's **unsigned** `GET ?challenge=<value>` (Dropbox, Nylas): the value it chose, never
    /// anything derived from a key.
    pub(super) const fn query_challenge(mut self) -> Self {
        self.query_challenge = true;
        self
    }

    fn id_source(&self) -> IdSource<'static> {
        if self.id.is_empty() { IdSource::None } else { IdSource::BodyField(self.id) }
    }
}

impl Provider for Declared {
    fn name(&self) -> Cow<'static, str> {
        self.name.into()
    }

    fn has_timestamp(&self) -> bool {
        match self.wire {
            Wire::Body(_) | Wire::Versioned(_) => self.body_timestamp_field.is_some(),
            Wire::List(_) | Wire::Stamped(_) | Wire::V0(_) => true,
        }
    }

    fn default_tolerance(&self) -> Duration {
        self.tolerance
    }

    fn body_timestamp_field(&self) -> Option<&'static str> {
        self.body_timestamp_field
    }

    fn hmac(&self) -> Option<(Mac, SecretEncoding)> {
        Some((self.mac, self.secret_encoding))
    }

    fn check_secret(&self, text: &str, index: usize, allow_short: bool) -> Result<(), ConfigError> {
        self.secret_rule.map_or(Ok(()), |rule| rule(text, index, allow_short))
    }

    fn event_type(&self) -> EventTypeSource {
        self.event_type
    }

    fn content_type(&self) -> &'static str {
        self.content_type
    }

    fn parse<'s, 'a: 's>(&'s self, request: &Incoming<'a>, _context: Context<'s>) -> Result<Parsed<'s, 'a>, Error> {
        match self.wire {
            Wire::Body(tag) => body_only::parse(request, tag, self.id_source()),
            Wire::List(list) => signed_list::parse(request, list, self.id_source()),
            Wire::Stamped(stamped) => stamped::parse(request, stamped, self.id_source()),
            Wire::V0(headers) => v0::parse(request, headers),
            Wire::Versioned(versioned) => versioned::parse(request, versioned, self.id_source()),
        }
    }

    fn render(
        &self,
        headers: &mut HeaderMap,
        (_id, timestamp): (&str, &str),
        tag: &Tag,
        _kind: KeyKind,
        _context: Context<'_>,
    ) -> Result<(), Error> {
        match self.wire {
            Wire::Body(body_tag) => body_only::render(body_tag, headers, tag),
            Wire::List(list) => signed_list::render(list, headers, timestamp, tag),
            Wire::Stamped(stamped) => stamped::render(stamped, headers, timestamp, tag),
            Wire::V0(names) => v0::render(names, headers, timestamp, tag),
            Wire::Versioned(versioned) => versioned::render(versioned, headers, tag),
        }
    }

    fn is_unsigned_check(&self, request: &Incoming<'_>) -> bool {
        self.query_challenge && query::is_challenge(request)
    }

    fn unsigned_handshake(&self, request: &Incoming<'_>, _keys: &CheckKeys<'_>) -> Result<Handshake, Error> {
        if !self.query_challenge {
            return Err(Error::malformed_body("is no endpoint check of this scheme"));
        }
        Ok(query::echo_challenge(request))
    }

    fn handshake(&self, request: &Incoming<'_>, key: &Key) -> Result<Option<Handshake>, Error> {
        self.handshake.map_or(Ok(None), |handshake| handshake(request, key))
    }
}

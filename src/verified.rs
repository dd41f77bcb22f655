//! [`Verified`]: a delivery whose signature and timestamp passed, ready to deserialize: the one view of a verified
//! delivery, borrowed from the request or owned ([`Verified::into_owned`]); a [`Delivery`](crate::Delivery), a
//! [`Router`](crate::Router)'s events and the adapters' [`VerifiedWebhook`] are built on it.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::error::Error;
use crate::handshake::Handshake;
use crate::json_field::field_at;
use crate::scheme::{EventTypeSource, IdSource};

/// A delivery that passed verification: the exact bytes that were signed, its id and its timestamp.
///
/// From a [`Verifier`](crate::Verifier) it borrows the request's body, so it costs nothing to make;
/// [`into_owned`](Self::into_owned) makes a `Verified<'static>` that can be stored, moved into a task or returned
/// from a helper. Deserialize with [`json`](Self::json).
#[derive(Clone)]
pub struct Verified<'a> {
    body: Body<'a>,
    key_id: Arc<str>,
    /// The id (from a header, or read from the signed body when first asked for), and whether it was signed.
    id: Id<'a>,
    id_is_signed: bool,
    /// Unix seconds, checked at verification to be a representable date; converted on demand.
    timestamp: Option<i64>,
    /// Boxed: rare, and a `Verified` is moved on every request, so it stays small.
    handshake: Option<Box<Handshake>>,
    tenant: Option<Arc<str>>,
    event_type: EventTypeSource,
    /// The value of the header the event type is read from, for the schemes that send it in one.
    event_type_header: Option<Cow<'a, http::HeaderValue>>,
    /// What the signature covers of the content when it is not the raw body (Twilio's sorted form parameters),
    /// for the dedup key; boxed, as it is rare.
    signed_content: Option<Box<[u8]>>,
}

/// Where a delivery's id is: known at verification (a header, or built from signed fields), or a string field of the
/// signed body, read the first time it is asked for (verifying alone never reads the body twice) and kept as the
/// byte range of its text in the body, which holds whether the body is borrowed or shared.
#[derive(Clone)]
enum Id<'a> {
    Known(Option<Cow<'a, str>>),
    /// A known id, once the delivery outlives its request: shared, so the adapters keep it for their logs without
    /// another copy.
    Shared(Arc<str>),
    InBody(&'static [&'static str], OnceLock<Option<Range<usize>>>),
}

/// The verified body: the request's, borrowed, or shared bytes that outlive it.
#[derive(Clone)]
enum Body<'a> {
    Borrowed(&'a [u8]),
    Shared(Bytes),
}

impl Body<'_> {
    fn as_slice(&self) -> &[u8] {
        match self {
            Self::Borrowed(bytes) => bytes,
            Self::Shared(bytes) => bytes,
        }
    }
}

/// A verified delivery that owns what it holds, as the framework adapters hand it to a handler (axum's and
/// actix-web's extractor, the tower layer's request extension).
#[cfg(any(feature = "tower", feature = "actix-web"))]
pub type VerifiedWebhook = Verified<'static>;

/// Unix seconds as a date; the verifier only lets through seconds that have one.
pub(crate) const fn date_time(seconds: Option<i64>) -> Option<OffsetDateTime> {
    match seconds {
        Some(seconds) => match OffsetDateTime::from_unix_timestamp(seconds) {
            Ok(timestamp) => Some(timestamp),
            Err(_) => None,
        },
        None => None,
    }
}

/// What a verification found: a [`Verified`] is made from it in one step, in place (it is moved on every request,
/// so it is not built up field by field).
pub(crate) struct Found<'a> {
    pub body: &'a [u8],
    pub id: IdSource<'a>,
    pub timestamp: Option<i64>,
    pub key_id: Arc<str>,
    pub tenant: Option<Arc<str>>,
    pub handshake: Option<Handshake>,
    /// What the signature covers of the content when it is not the raw body.
    pub signed_content: Option<Vec<u8>>,
    /// Where the event type is, and the headers it may be in.
    pub event_type: (EventTypeSource, &'a http::HeaderMap),
}

impl<'a> Verified<'a> {
    #[inline]
    pub(crate) fn new(found: Found<'a>) -> Self {
        let (id, id_is_signed) = match found.id {
            IdSource::Signed(id) => (Id::Known(Some(Cow::Borrowed(id))), true),
            IdSource::Built(id) => (Id::Known(Some(Cow::Owned(id))), true),
            IdSource::UnsignedHeader(id) => (Id::Known(Some(Cow::Borrowed(id))), false),
            IdSource::BodyField(path) => (Id::InBody(path, OnceLock::new()), true),
            IdSource::None => (Id::Known(None), false),
        };
        let (event_type, headers) = found.event_type;
        Self {
            body: Body::Borrowed(found.body),
            id,
            id_is_signed,
            timestamp: found.timestamp,
            key_id: found.key_id,
            handshake: found.handshake.map(Box::new),
            tenant: found.tenant,
            event_type_header: event_type.header().and_then(|name| headers.get(name)).map(Cow::Borrowed),
            event_type,
            signed_content: found.signed_content.map(Vec::into_boxed_slice),
        }
    }

    /// The same delivery, owning its body (copied) and id, free of the request it was verified from.
    #[must_use]
    pub fn into_owned(self) -> Verified<'static> {
        let body = self.bytes();
        self.with_body(body)
    }

    /// The same delivery holding `body`, the very bytes it was verified from, shared rather than copied (the
    /// adapters' buffered body).
    #[cfg(any(feature = "tower", feature = "actix-web", feature = "forward"))]
    pub(crate) fn into_shared(self, body: Bytes) -> Verified<'static> {
        debug_assert_eq!(&body[..], self.body.as_slice(), "the bytes that were verified");
        self.with_body(body)
    }

    /// A delivery verified before it crossed a broker, as its [`Message`](crate::forward::Message) carries it:
    /// the verified body, the id and the event type as they were read at verification (the event type
    /// percent-encoded, as a message header carries it), each with whether it was signed.
    #[cfg(feature = "forward")]
    pub(crate) fn forwarded(
        body: Bytes,
        key_id: Arc<str>,
        (id, id_is_signed): (Option<Arc<str>>, bool),
        (event_type, event_type_is_signed): (Option<http::HeaderValue>, bool),
        timestamp: Option<i64>,
        tenant: Option<Arc<str>>,
    ) -> Verified<'static> {
        Verified {
            body: Body::Shared(body),
            key_id,
            id: id.map_or(Id::Known(None), Id::Shared),
            id_is_signed,
            timestamp,
            handshake: None,
            tenant,
            event_type: EventTypeSource::Forwarded(event_type_is_signed),
            event_type_header: event_type.map(Cow::Owned),
            signed_content: None,
        }
    }

    fn with_body(self, body: Bytes) -> Verified<'static> {
        Verified {
            body: Body::Shared(body),
            key_id: self.key_id,
            id: match self.id {
                Id::Known(Some(id)) => Id::Shared(Arc::from(id)),
                Id::Known(None) => Id::Known(None),
                Id::Shared(id) => Id::Shared(id),
                Id::InBody(path, range) => Id::InBody(path, range),
            },
            id_is_signed: self.id_is_signed,
            timestamp: self.timestamp,
            handshake: self.handshake,
            tenant: self.tenant,
            event_type: self.event_type,
            event_type_header: self.event_type_header.map(|value| Cow::Owned(value.into_owned())),
            signed_content: self.signed_content,
        }
    }

    /// What happened, as the provider names it, for routing with a [`Router`](crate::Router): the body's `type`
    /// (Standard Webhooks, Svix, Stripe, Square, Linear, Vercel, CircleCI, Fintoc, Mux, Zendesk, Nylas, Mollie,
    /// Notion), `event_type` (Paddle, Typeform, PayPal), `event` (Calendly, WorkOS, Zoom, Paystack, Razorpay,
    /// DocuSign), Slack's `event.type`, Lemon Squeezy's `meta.event_name`, Coinbase Commerce's `event.type`, …, or a
    /// header: `X-GitHub-Event` followed by `.` and the body's `action` when it has one (`issues.opened`), likewise
    /// Sentry's `Sentry-Hook-Resource`; `X-Shopify-Topic`, Twitch's subscription type, Bitbucket's `X-Event-Key`,
    /// WooCommerce's topic, `X-Gitea-Event`, `X-Gitlab-Event`, Contentful's topic. `None` for schemes without one
    /// (batches such as SendGrid's or HubSpot's carry a type per item) and when the body lacks the field. Read when
    /// called. A type from a header is **not signed** ([`event_type_is_signed`](Self::event_type_is_signed)).
    pub fn event_type(&self) -> Option<String> {
        let header = self.event_type_header.as_ref().and_then(|value| value.to_str().ok());
        self.event_type.read_with(header, self.body())
    }

    /// Whether [`event_type`](Self::event_type) comes from the signed body, so a replay cannot change it.
    pub const fn event_type_is_signed(&self) -> bool {
        self.event_type.is_signed()
    }

    /// What the dedup key of a delivery without a signed id derives from: the content the signature covers (the
    /// raw body, or the path, query and form parameters a scheme signs sorted and decoded), so a re-encoded replay is
    /// a duplicate.
    pub(crate) fn signed_content(&self) -> &[u8] {
        self.signed_content.as_deref().unwrap_or(self.body())
    }

    /// The tenant whose keys verified this delivery, when a [`KeyResolver`](crate::KeyResolver) named one
    /// ([`KeysBuilder::tenant`](crate::KeysBuilder::tenant)). Deliveries are deduplicated per tenant.
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    /// An endpoint check the provider sends unsigned (Dropbox's `GET ?challenge=`): no body, no id, no key.
    pub(crate) fn unsigned_handshake(handshake: Handshake, headers: &'a http::HeaderMap) -> Self {
        Self::new(Found {
            body: b"",
            id: IdSource::None,
            timestamp: None,
            key_id: Arc::from(""),
            tenant: None,
            handshake: Some(handshake),
            signed_content: None,
            event_type: (EventTypeSource::None, headers),
        })
    }

    /// The answer to the provider's endpoint check, when this request is one (Slack `url_verification`, Discord
    /// `PING`, Zoom `endpoint.url_validation`, Twitch `webhook_callback_verification`, Dropbox `GET ?challenge=`):
    /// return [`Handshake::to_response`] as is, and do not process the request as an event. `None` for an ordinary
    /// delivery. The framework adapters answer handshakes themselves; a serverless handler checks this first:
    ///
    /// ```
    /// use hooksafe::{Scheme, Verifier, sign::Signer};
    ///
    /// let verifier = Verifier::builder(Scheme::Slack).secret("8f742231b10e8888abcd99yyyzzz85a5").build()?;
    /// let body = br#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    /// let signer = Signer::new(Scheme::Slack, "8f742231b10e8888abcd99yyyzzz85a5")?;
    /// let request = signer.request(http::Uri::from_static("/slack/events"), "", time::OffsetDateTime::now_utc(), body.to_vec())?;
    ///
    /// let verified = verifier.verify(&request)?;
    /// let response: http::Response<Vec<u8>> = match verified.handshake() {
    ///     Some(handshake) => handshake.to_response(),
    ///     None => unreachable!("process the event here"),
    /// };
    /// assert_eq!(response.body(), b"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn handshake(&self) -> Option<&Handshake> {
        self.handshake.as_deref()
    }

    /// The id of the key whose signature matched (empty for an unsigned [handshake](Self::handshake)): the one given with
    /// [`Secret::id`](crate::Secret::id) or [`PublicKey::id`](crate::PublicKey::id), else the key's position
    /// among the verifier's keys (`"1"`, `"2"`, …). Count these to see when a retired key stops being used.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The matching key's id, shared, for holders that outlive this value.
    pub(crate) fn shared_key_id(&self) -> Arc<str> {
        self.key_id.clone()
    }

    /// The delivery's id, where the scheme carries one (each scheme's is in the README's scheme table):
    ///
    /// - a signed header: Standard Webhooks' and Svix's `webhook-id` / `svix-id`, Twitch's message id;
    /// - a field of the signed JSON body, read the first time it is asked for (`None` if the body has no such string
    ///   field, or has it twice): Stripe's, Discord's, Vercel's, Intercom's, WorkOS's, CircleCI's, Fintoc's, Mux's, Airwallex's
    ///   and Box's `id`, Paddle's, Square's and Typeform's `event_id`, Tally's `eventId`, the nested `event.id` of
    ///   Coinbase Commerce and PagerDuty, Mailgun's `signature.token`, Adyen's `pspReference:eventCode` of each item
    ///   (space-separated);
    /// - a header that is **not signed**: GitHub's `X-GitHub-Delivery`, Shopify's `X-Shopify-Webhook-Id`, Twilio's
    ///   `I-Twilio-Idempotency-Token`; anyone who captured one delivery can resend it under a fresh id;
    /// - none for the others (the receiver deduplicates on the signed body); a custom scheme: its id header, if
    ///   configured.
    pub fn id(&self) -> Option<&str> {
        match &self.id {
            Id::Known(id) => id.as_deref(),
            Id::Shared(id) => Some(id),
            Id::InBody(path, range) => {
                let body = self.body();
                let range = range.get_or_init(|| {
                    let text = field_at::<&str>(body, path)?;
                    let start = text.as_ptr().addr().checked_sub(body.as_ptr().addr())?;
                    Some(start..start + text.len())
                });
                std::str::from_utf8(body.get(range.clone()?)?).ok()
            }
        }
    }

    /// The [`id`](Self::id), shared: without a copy once the delivery outlives its request.
    pub(crate) fn shared_id(&self) -> Option<Arc<str>> {
        match &self.id {
            Id::Shared(id) => Some(id.clone()),
            _ => self.id().map(Arc::from),
        }
    }

    /// Whether [`id`](Self::id) comes from signed material (a signed header or the signed body), so a replay
    /// cannot change it. False for GitHub, Shopify and Twilio, whose id headers are not signed.
    pub const fn id_is_signed(&self) -> bool {
        self.id_is_signed
    }

    /// The signed timestamp, for schemes that carry one (not GitHub or Shopify).
    pub const fn timestamp(&self) -> Option<OffsetDateTime> {
        date_time(self.timestamp)
    }

    /// The signed timestamp as unix seconds, for holders that convert it only when asked.
    #[cfg_attr(not(any(feature = "tower", feature = "actix-web")), allow(dead_code))]
    pub(crate) const fn unix_timestamp(&self) -> Option<i64> {
        self.timestamp
    }

    /// The raw body, exactly the bytes that were verified.
    pub fn body(&self) -> &[u8] {
        self.body.as_slice()
    }

    /// The raw body as shared bytes: a reference count for an owned delivery, a copy for a borrowed one.
    pub fn bytes(&self) -> Bytes {
        match &self.body {
            Body::Borrowed(bytes) => Bytes::copy_from_slice(bytes),
            Body::Shared(bytes) => bytes.clone(),
        }
    }

    /// Deserializes the verified body as JSON into `T`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidPayload`](crate::ErrorKind::InvalidPayload) when the body is not JSON of that shape.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(self.body()).map_err(Error::payload)
    }
}

impl fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("id", &self.id())
            .field("key_id", &self.key_id)
            .field("timestamp", &self.timestamp())
            .field("body_len", &self.body().len())
            .field("handshake", &self.handshake.is_some())
            .finish()
    }
}

/// A delivery that **failed verification** and was let through anyway by a
/// [report-only](crate::VerifierBuilder::report_only) verifier: its body and why it failed. Nothing in it is
/// authenticated; it was never claimed, so it may be a duplicate. The adapters put it in the request's extensions
/// instead of a `VerifiedWebhook` (with an empty request body), where a handler that takes unverified deliveries
/// reads it: through `MaybeVerified<T>`, or the extension itself behind a bare tower layer.
#[derive(Clone)]
pub struct Unverified {
    reason: Arc<Error>,
    body: Bytes,
}

impl Unverified {
    pub(crate) fn new(reason: Error, body: Bytes) -> Self {
        Self { reason: Arc::new(reason), body }
    }

    /// Why verification failed: the error an enforcing verifier would have answered with.
    pub fn reason(&self) -> &Error {
        &self.reason
    }

    /// The raw body as received, unauthenticated.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The raw body as shared bytes.
    pub fn bytes(&self) -> Bytes {
        self.body.clone()
    }

    /// Deserializes the unauthenticated body as JSON into `T`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidPayload`](crate::ErrorKind::InvalidPayload) when the body is not JSON of that shape.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(Error::payload)
    }
}

impl fmt::Debug for Unverified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unverified").field("reason", &self.reason).field("body_len", &self.body.len()).finish()
    }
}

/// A delivery's JSON body as `T` for a handler that takes unverified deliveries too, during a
/// [report-only](crate::VerifierBuilder::report_only) rollout: the axum and actix-web extractor (`Webhook<T>`
/// refuses an unverified delivery). Match on it, so that the unverified case is never handled by accident.
#[cfg(any(feature = "axum", feature = "actix-web"))]
#[derive(Debug, Clone)]
pub enum MaybeVerified<T> {
    /// Verified (and claimed, unless the store failed open) like any delivery.
    Verified(T),
    /// Failed verification, and let through by the report-only verifier: unauthenticated and never claimed.
    Unverified(T, Unverified),
}

#[cfg(any(feature = "axum", feature = "actix-web"))]
impl<T: DeserializeOwned> MaybeVerified<T> {
    /// The event from what the adapter left in a request's extensions: `None` when it left nothing.
    pub(crate) fn parse(
        verified: Option<&VerifiedWebhook>,
        unverified: Option<&Unverified>,
    ) -> Option<Result<Self, Error>> {
        // An `Unverified` wins: a report-only layer inside a verifying one failed this delivery.
        if let Some(unverified) = unverified {
            return Some(unverified.json().map(|event| Self::Unverified(event, unverified.clone())));
        }
        verified.map(|verified| verified.json().map(Self::Verified))
    }
}

#[cfg(any(feature = "axum", feature = "actix-web"))]
impl<T> MaybeVerified<T> {
    /// Whether the delivery was verified.
    pub const fn is_verified(&self) -> bool {
        matches!(self, Self::Verified(_))
    }

    /// The event, verified or not.
    pub fn into_inner(self) -> T {
        match self {
            Self::Verified(event) | Self::Unverified(event, _) => event,
        }
    }
}

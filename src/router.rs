//! [`Router`]: typed handlers by event type, instead of a hand-written `match` on the body.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::error::Error;
use crate::verified::Verified;

/// Dispatches verified deliveries to typed handlers by their [event type](Verified::event_type).
///
/// Register a handler per type with [`on`](Self::on), per family with [`prefix`](Self::prefix), and one for
/// everything else with [`fallback`](Self::fallback). A delivery goes to the handler of its exact type, else to the
/// longest matching prefix, else to the fallback; with no fallback it is acknowledged (`R::default()`, `200 OK` for a
/// `StatusCode`) and logged, so a provider that starts sending a new type is not retried forever. A body that does
/// not fit its handler's type is [`ErrorKind::InvalidPayload`](crate::ErrorKind::InvalidPayload) (`422`), and the
/// handler does not run: behind a [`Receiver`](crate::Receiver) or an adapter, that releases the claim.
///
/// Every handler returns the same `R` (a `StatusCode` by default); build the router once and share it (`Arc`).
/// [`dispatch`](Self::dispatch) takes a [`Verified`] (serverless), a [`Delivery`](crate::Delivery), or the adapters'
/// `VerifiedWebhook` (axum, actix-web).
///
/// ```
/// use hooksafe::router::Event;
/// use hooksafe::{Router, Scheme, Verifier, sign::Signer};
/// use http::StatusCode;
///
/// #[derive(serde::Deserialize)]
/// struct InvoicePaid { data: serde_json::Value }
///
/// let router = Router::new()
///     .on::<InvoicePaid>("invoice.paid", |event: Event<InvoicePaid>| async move {
///         println!("{:?} paid: {}", event.id(), event.data);
///         StatusCode::OK
///     })
///     .prefix::<serde_json::Value>("customer.", |_event: Event<serde_json::Value>| async { StatusCode::NO_CONTENT });
///
/// let body = br#"{"id":"evt_1","type":"invoice.paid","data":{"amount":100}}"#;
/// let now = time::OffsetDateTime::now_utc();
/// let headers = Signer::new(Scheme::Stripe, "whsec_test")?.headers("", now, body)?;
/// let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_test").build()?;
/// let verified = verifier.verify((&headers, body))?;
/// # let runtime = tokio::runtime::Builder::new_current_thread().build()?;
/// let status = runtime.block_on(router.dispatch(&verified))?;
/// assert_eq!(status, StatusCode::OK);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Router<R = http::StatusCode> {
    exact: HashMap<String, Box<dyn ErasedHandler<R>>>,
    prefixes: Vec<(String, Box<dyn ErasedHandler<R>>)>,
    fallback: Option<Box<dyn ErasedHandler<R>>>,
}

impl<R> fmt::Debug for Router<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut types: Vec<&str> = self.exact.keys().map(String::as_str).collect();
        types.sort_unstable();
        let prefixes: Vec<&str> = self.prefixes.iter().map(|(prefix, _)| prefix.as_str()).collect();
        f.debug_struct("Router")
            .field("types", &types)
            .field("prefixes", &prefixes)
            .field("fallback", &self.fallback.is_some())
            .finish()
    }
}

impl<R> Default for Router<R> {
    fn default() -> Self {
        Self { exact: HashMap::new(), prefixes: Vec::new(), fallback: None }
    }
}

impl<R: Send + 'static> Router<R> {
    /// A router with no handlers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles deliveries whose event type is exactly `event_type`, with the body as a `T`. A later `on` for the same
    /// type replaces the earlier one.
    #[must_use]
    pub fn on<T: DeserializeOwned + Send + 'static>(
        mut self,
        event_type: impl Into<String>,
        handler: impl Handler<T, R>,
    ) -> Self {
        self.exact.insert(event_type.into(), Box::new(Typed::new(handler)));
        self
    }

    /// Handles deliveries whose event type starts with `prefix` (`"invoice."`) and that no [`on`](Self::on) handler
    /// takes; of several matching prefixes, the longest wins.
    #[must_use]
    pub fn prefix<T: DeserializeOwned + Send + 'static>(
        mut self,
        prefix: impl Into<String>,
        handler: impl Handler<T, R>,
    ) -> Self {
        let prefix = prefix.into();
        self.prefixes.retain(|(existing, _)| *existing != prefix);
        self.prefixes.push((prefix, Box::new(Typed::new(handler))));
        self.prefixes.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
        self
    }

    /// Handles every delivery no other handler takes, including those without an event type: a catch-all. Take
    /// `serde_json::Value` (or `serde::de::IgnoredAny`) to accept any JSON body.
    #[must_use]
    pub fn fallback<T: DeserializeOwned + Send + 'static>(mut self, handler: impl Handler<T, R>) -> Self {
        self.fallback = Some(Box::new(Typed::new(handler)));
        self
    }

    /// Runs the handler `delivery`'s event type selects, and returns its answer; `R::default()` when no handler and
    /// no fallback takes it.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidPayload`](crate::ErrorKind::InvalidPayload) (`422`) when the body does not fit the
    /// selected handler's type: the handler does not run.
    pub async fn dispatch(&self, delivery: &impl Routable) -> Result<R, Error>
    where
        R: Default,
    {
        let (body, meta) = delivery.routed();
        let handler = match meta.event_type.as_deref() {
            Some(event_type) => self.exact.get(event_type).or_else(|| {
                self.prefixes
                    .iter()
                    .find(|(prefix, _)| event_type.starts_with(prefix.as_str()))
                    .map(|(_, handler)| handler)
            }),
            None => None,
        };
        let Some(handler) = handler.or(self.fallback.as_ref()) else {
            crate::log::info!(
                "no handler for event type {:?} (delivery {:?}): acknowledged",
                meta.event_type,
                meta.id.as_deref()
            );
            return Ok(R::default());
        };
        Ok(handler.call(body, meta)?.await)
    }
}

/// A typed event handed to a [`Router`] handler: the body as a `T` (through `Deref`, or
/// [`into_inner`](Self::into_inner)), with the delivery's id, event type, key id, tenant and signed timestamp. Owned,
/// so a handler's future can keep it.
#[derive(Debug, Clone)]
pub struct Event<T> {
    payload: T,
    meta: Meta,
}

impl<T> Event<T> {
    /// The delivery id, if the scheme carries one. See [`Verified::id`].
    pub fn id(&self) -> Option<&str> {
        self.meta.id.as_deref()
    }

    /// The event type the delivery was routed on. See [`Verified::event_type`].
    pub fn event_type(&self) -> Option<&str> {
        self.meta.event_type.as_deref()
    }

    /// The id of the key whose signature matched. See [`Verified::key_id`].
    pub fn key_id(&self) -> &str {
        &self.meta.key_id
    }

    /// The tenant whose keys verified it, when a resolver named one. See [`Verified::tenant`].
    pub fn tenant(&self) -> Option<&str> {
        self.meta.tenant.as_deref()
    }

    /// The signed timestamp, for schemes that carry one: compare it with what you stored to skip a stale update.
    pub const fn timestamp(&self) -> Option<OffsetDateTime> {
        crate::verified::date_time(self.meta.timestamp)
    }

    /// The body, deserialized.
    pub fn into_inner(self) -> T {
        self.payload
    }
}

impl<T> std::ops::Deref for Event<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.payload
    }
}

/// What a handler learns about its delivery beside the body.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct Meta {
    pub(crate) event_type: Option<String>,
    pub(crate) id: Option<Arc<str>>,
    pub(crate) key_id: Arc<str>,
    pub(crate) tenant: Option<Arc<str>>,
    pub(crate) timestamp: Option<i64>,
}

impl Meta {
    pub(crate) fn of(verified: &Verified<'_>, event_type: Option<String>) -> Self {
        Self {
            event_type,
            id: verified.shared_id(),
            key_id: verified.shared_key_id(),
            tenant: verified.tenant().map(Arc::from),
            timestamp: verified.unix_timestamp(),
        }
    }
}

/// What a [`Router`] can dispatch: a [`Verified`] delivery, a [`Delivery`](crate::Delivery), or an adapter's
/// `VerifiedWebhook`. Sealed.
pub trait Routable: sealed::Sealed {
    /// The verified body, and what the handler learns beside it.
    #[doc(hidden)]
    fn routed(&self) -> (&[u8], Meta);
}

/// Implemented here for the core's views, and by the adapters for theirs.
pub(crate) mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::verified::Verified<'_> {}
    impl<S: crate::store::Store> Sealed for crate::receiver::Delivery<S> {}
}

impl Routable for Verified<'_> {
    fn routed(&self) -> (&[u8], Meta) {
        (self.body(), Meta::of(self, self.event_type()))
    }
}

impl<S: crate::store::Store> Routable for crate::receiver::Delivery<S> {
    fn routed(&self) -> (&[u8], Meta) {
        self.verified().routed()
    }
}

/// A [`Router`] handler: any `Fn(Event<T>) -> impl Future<Output = R>`, shareable across threads.
pub trait Handler<T, R>: Send + Sync + 'static {
    /// Handles one event.
    fn call(&self, event: Event<T>) -> impl Future<Output = R> + Send + 'static;
}

impl<T, R, F, Fut> Handler<T, R> for F
where
    F: Fn(Event<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
{
    fn call(&self, event: Event<T>) -> impl Future<Output = R> + Send + 'static {
        self(event)
    }
}

type Handling<R> = Pin<Box<dyn Future<Output = R> + Send>>;

/// A handler with its body type erased: deserializes, then calls.
trait ErasedHandler<R>: Send + Sync {
    fn call(&self, body: &[u8], meta: Meta) -> Result<Handling<R>, Error>;
}

/// A [`Handler`] for `T`.
struct Typed<H, T> {
    handler: H,
    body: std::marker::PhantomData<fn() -> T>,
}

impl<H, T> Typed<H, T> {
    const fn new(handler: H) -> Self {
        Self { handler, body: std::marker::PhantomData }
    }
}

impl<H, T, R> ErasedHandler<R> for Typed<H, T>
where
    H: Handler<T, R>,
    T: DeserializeOwned + Send + 'static,
    R: 'static,
{
    fn call(&self, body: &[u8], meta: Meta) -> Result<Handling<R>, Error> {
        let payload = serde_json::from_slice(body).map_err(Error::payload)?;
        Ok(Box::pin(self.handler.call(Event { payload, meta })))
    }
}

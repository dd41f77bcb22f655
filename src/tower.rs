//! [`WebhookLayer`]: the receiver as a tower middleware, for axum, hyper and any tower stack.
//!
//! For each request it checks the head, reads the body up to the cap, verifies and claims the delivery, and only then
//! calls the inner service, with the buffered body and a [`VerifiedWebhook`] in the request extensions. The inner
//! service's answer decides the claim, by the rule of [`Delivery::settle`](crate::Delivery::settle): a `2xx` completes
//! it; any other status, an error, a panic (answered `500`), running past the receiver's
//! [handler deadline](crate::ReceiverBuilder::handler_deadline) (answered `503`), or the request being dropped
//! releases it, so the provider's retry is processed. Rejections are answered here, with [`Error::to_response`], and
//! so are the providers' endpoint checks ([`Handshake`](crate::Handshake)): the inner service never sees them and
//! nothing is claimed for them. With a [report-only](crate::VerifierBuilder::report_only) verifier, a delivery that
//! fails verification reaches the inner service with an empty body and an [`Unverified`](crate::Unverified) (which
//! holds the body) in the extensions instead of a [`VerifiedWebhook`], and nothing is claimed for it.
//! The deadline needs a Tokio runtime, as hyper and axum provide.

pub use crate::source::{AllowedSources, Cidr, ProxyHeader, SourceAddressLayer, SourceAddressService};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use tower_layer::Layer;
use tower_service::Service;

use crate::adapter::{CatchUnwind, Ran, Received, read_body, receive, run_claimed};
use crate::error::Error;
use crate::receiver::{ClaimHandle, Receiver};
use crate::store::Store;
use crate::telemetry::Observer;
pub use crate::verified::VerifiedWebhook;

/// Wraps a service so it only ever sees verified, claimed deliveries (with a
/// [report-only](crate::VerifierBuilder::report_only) verifier, also unverified ones with an empty body: see the
/// [module docs](self)).
pub struct WebhookLayer<S> {
    receiver: Arc<Receiver<S>>,
}

impl<S> WebhookLayer<S> {
    /// A layer around `receiver` (a `Receiver` or an `Arc` of one, to share it with other layers).
    pub fn new(receiver: impl Into<Arc<Receiver<S>>>) -> Self {
        Self { receiver: receiver.into() }
    }

    /// The receiver, for the axum layer built on this one.
    #[cfg(feature = "axum")]
    pub(crate) fn receiver(&self) -> &Receiver<S> {
        &self.receiver
    }
}

impl<S> Clone for WebhookLayer<S> {
    fn clone(&self) -> Self {
        Self { receiver: self.receiver.clone() }
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for WebhookLayer<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookLayer").field("receiver", &self.receiver).finish()
    }
}

impl<S, I> Layer<I> for WebhookLayer<S> {
    type Service = WebhookService<I, S>;

    fn layer(&self, inner: I) -> Self::Service {
        WebhookService { inner, receiver: self.receiver.clone() }
    }
}

/// The service made by [`WebhookLayer`].
pub struct WebhookService<I, S> {
    inner: I,
    receiver: Arc<Receiver<S>>,
}

impl<I: Clone, S> Clone for WebhookService<I, S> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone(), receiver: self.receiver.clone() }
    }
}

impl<I: std::fmt::Debug, S: std::fmt::Debug> std::fmt::Debug for WebhookService<I, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookService").field("inner", &self.inner).field("receiver", &self.receiver).finish()
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<I, S, ReqBody, ResBody> Service<Request<ReqBody>> for WebhookService<I, S>
where
    I: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    I::Future: Send,
    I::Error: Send,
    S: Store,
    ReqBody: http_body::Body + From<Bytes> + Send + 'static,
    ReqBody::Data: Send,
    ReqBody::Error: Into<BoxError>,
    ResBody: From<&'static str> + From<Vec<u8>> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = I::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<ResBody>, I::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The clone is not necessarily ready; the one `poll_ready` prepared goes into the future.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        // Split here, so the future does not also keep a slot for the whole request it no longer uses.
        let (parts, body) = request.into_parts();
        Box::pin(handle(self.receiver.clone(), inner, parts, body))
    }
}

/// The future of one request. A function returning an `async` block rather than an `async fn`: the block uses its
/// captures in place, where an `async fn` would also copy each argument into a local of its own, and the future
/// (allocated per request) would hold both.
#[allow(clippy::manual_async_fn, reason = "an `async fn` future would hold each argument twice")]
fn handle<I, S, ReqBody, ResBody>(
    receiver: Arc<Receiver<S>>,
    mut inner: I,
    mut parts: http::request::Parts,
    body: ReqBody,
) -> impl Future<Output = Result<Response<ResBody>, I::Error>>
where
    I: Service<Request<ReqBody>, Response = Response<ResBody>>,
    S: Store,
    ReqBody: http_body::Body + From<Bytes>,
    ReqBody::Error: Into<BoxError>,
    ResBody: From<&'static str> + From<Vec<u8>>,
{
    async move {
        // The limits come first: a refusal costs no body read and no key lookup. The admission is held until the
        // handler has answered.
        let _admitted = match receiver.admit(&parts) {
            Ok(admitted) => admitted,
            Err(error) => {
                Observer::start(receiver.verifier().scheme()).rejected(&error, None);
                return Ok(error.to_response());
            }
        };
        // Each stage's locals end with its block, so the future (allocated per request) does not keep a slot for
        // every value it ever held.
        let (request, claim, delivery) = {
            let observer = Observer::start(receiver.verifier().scheme());
            let body = match read_body(receiver.verifier(), &parts.headers, body.into_data_stream()).await {
                Ok(body) => body,
                Err(error) => {
                    observer.rejected(&error, None);
                    return Ok(error.to_response());
                }
            };
            // What the handler sees goes into the request's extensions; the claim stays here.
            let (id, claim, body, unverified) = match receive(&receiver, &observer, &parts, &body).await {
                Ok(Received::Delivery(delivery)) => {
                    if let Some(handshake) = delivery.handshake() {
                        return Ok(handshake.to_response());
                    }
                    let (webhook, claim) = delivery.into_parts();
                    let id = webhook.shared_id();
                    parts.extensions.insert(webhook);
                    (id, claim, body, false)
                }
                // A report-only verifier's failure: handed on marked unverified, never claimed, with an empty body,
                // so only a handler that asks for it (`MaybeVerified<T>`, or the `Unverified` extension) sees it.
                Ok(Received::Unverified(unverified)) => {
                    parts.extensions.insert(unverified);
                    (None, ClaimHandle::unclaimed(Receiver::clone(&receiver)), Bytes::new(), true)
                }
                Err(error) => return Ok(error.to_response()),
            };
            let mut observer = observer;
            if unverified {
                observer.let_through();
            }
            (Request::from_parts(parts, ReqBody::from(body)), claim, (id, observer))
        };
        // A panic in `call` itself or while its future is polled releases the claim the same way.
        let status_of = |result: &Result<Response<ResBody>, I::Error>| result.as_ref().ok().map(Response::status);
        // The handler's future stays here, pinned where it is polled; the request is handed over at once. The run
        // and the settlement are part of this future, not allocated apart.
        let slot = std::pin::pin!(None);
        let handler = CatchUnwind::call(slot, || inner.call(request));
        match run_claimed(claim, delivery, handler, status_of).await {
            Ran::Answered(result) => result,
            Ran::Panicked => {
                let mut response = Response::new(ResBody::from("handler panicked"));
                *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                Ok(response)
            }
            Ran::TimedOut => Ok(Error::handler_timeout().to_response()),
        }
    }
}

/// The receiving side as a tower service, an endpoint of its own (axum:
/// `Router::new().route_service("/webhooks/stripe", inbox.service())`): verifies, writes, and answers `202` once the
/// row is committed; a duplicate `200` with `hooksafe-outcome: duplicate`; a database failure `503` with
/// `Retry-After`; a rejected delivery its error's status. The body is capped as by the other adapters.
#[cfg(feature = "postgres")]
#[derive(Debug, Clone)]
pub struct InboxService {
    inbox: crate::inbox::Inbox,
}

#[cfg(feature = "postgres")]
impl crate::inbox::Inbox {
    /// The receiving side as a tower service: see [`InboxService`].
    pub fn service(&self) -> InboxService {
        InboxService { inbox: self.clone() }
    }
}

#[cfg(feature = "postgres")]
impl<B> Service<Request<B>> for InboxService
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<http_body_util::Full<Bytes>>;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        Box::pin(hand_over(self.inbox.clone(), request))
    }
}

/// A [`Forwarder`](crate::forward::Forwarder) as a tower service, an endpoint of its own (axum:
/// `Router::new().route_service("/webhooks/stripe", forwarder.service())`): verifies, claims, publishes, and answers
/// `202` once the broker has the message; a duplicate `200` with `hooksafe-outcome: duplicate`; a broker or store
/// failure `503` with `Retry-After`; a rejected delivery its error's status. The body is capped as by the other
/// adapters.
#[cfg(feature = "forward")]
pub struct ForwardService<K> {
    forwarder: crate::forward::Forwarder<K>,
}

#[cfg(feature = "forward")]
impl<K> Clone for ForwardService<K> {
    fn clone(&self) -> Self {
        Self { forwarder: self.forwarder.clone() }
    }
}

#[cfg(feature = "forward")]
impl<K> std::fmt::Debug for ForwardService<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForwardService").field("forwarder", &self.forwarder).finish()
    }
}

#[cfg(feature = "forward")]
impl<K: crate::forward::Sink> crate::forward::Forwarder<K> {
    /// The forwarder as a tower service: see [`ForwardService`].
    pub fn service(&self) -> ForwardService<K> {
        ForwardService { forwarder: self.clone() }
    }
}

#[cfg(feature = "forward")]
impl<K, B> Service<Request<B>> for ForwardService<K>
where
    K: crate::forward::Sink,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<http_body_util::Full<Bytes>>;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        Box::pin(hand_over(self.forwarder.clone(), request))
    }
}

/// Answers one request to an endpoint that hands deliveries over (the inbox, a forwarder).
#[cfg(any(feature = "postgres", feature = "forward"))]
async fn hand_over<E, B>(
    endpoint: E,
    request: Request<B>,
) -> Result<Response<http_body_util::Full<Bytes>>, std::convert::Infallible>
where
    E: crate::adapter::HandOver,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    #[cfg_attr(not(feature = "axum"), allow(unused_mut, reason = "changed only behind an axum route"))]
    let (mut parts, body) = request.into_parts();
    // Behind an axum route, its path parameters, for a per-tenant rate or a key resolver that reads them.
    #[cfg(feature = "axum")]
    if endpoint.reads_path_params() {
        crate::request::PathParams::insert_axum(&mut parts);
    }
    let read = || read_body(endpoint.verifier(), &parts.headers, body.into_data_stream());
    Ok(crate::adapter::hand_over(&endpoint, &parts, read).await)
}

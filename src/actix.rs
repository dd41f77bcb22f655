//! actix-web: [`WebhookMiddleware`] verifies and claims each delivery, and [`Webhook<T>`] hands the handler its
//! typed event.
//!
//! The middleware checks the head, reads the payload up to the cap, verifies and claims the delivery, then calls
//! the handler with the buffered payload and a [`VerifiedWebhook`] in the request extensions. The handler's answer
//! settles the claim by the rule of [`Delivery::settle`](crate::Delivery::settle): a `2xx` completes it; any other
//! status, an error, a panic (answered `500`), running past the receiver's
//! [handler deadline](crate::ReceiverBuilder::handler_deadline) (answered `503`), or the request being dropped
//! releases it, so the provider's retry is processed. Rejections are answered with [`Error::to_response`]'s status, headers and body,
//! and the providers' endpoint checks with their [`Handshake`](crate::Handshake), without calling the handler or
//! claiming anything.
//!
//! ```
//! use actix_web::{App, HttpResponse, web};
//! use hooksafe::actix::{Webhook, WebhookMiddleware};
//! use hooksafe::{MemoryStore, Receiver, Scheme, Verifier};
//!
//! #[derive(serde::Deserialize)]
//! #[serde(tag = "type")]
//! enum Event {
//!     #[serde(rename = "invoice.paid")]
//!     InvoicePaid { id: String },
//!     #[serde(other)]
//!     Other,
//! }
//!
//! async fn stripe(Webhook(event): Webhook<Event>) -> HttpResponse {
//!     if let Event::InvoicePaid { id } = event {
//!         println!("paid: {id}");
//!     }
//!     HttpResponse::Ok().finish()
//! }
//!
//! # fn main() -> Result<(), hooksafe::ConfigError> {
//! let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_...").build()?;
//! let middleware = WebhookMiddleware::new(Receiver::new(verifier, MemoryStore::new()));
//! let app = App::new().service(web::resource("/webhooks/stripe").wrap(middleware).route(web::post().to(stripe)));
//! # Ok(())
//! # }
//! ```

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::adapter::{CatchUnwind, Ran, Received, read_body, receive, run_claimed};
use crate::error::Error;
use crate::receiver::{ClaimHandle, Receiver};
use crate::store::Store;
use crate::telemetry::Observer;
use crate::verified::Unverified;
pub use crate::verified::{MaybeVerified, VerifiedWebhook};

/// Wraps a resource or scope so its handlers only ever see verified, claimed deliveries (with a
/// [report-only](crate::VerifierBuilder::report_only) verifier, also unverified ones with an empty payload, read only
/// through [`MaybeVerified<T>`]).
pub struct WebhookMiddleware<S> {
    receiver: Arc<Receiver<S>>,
}

impl<S> WebhookMiddleware<S> {
    /// A middleware around `receiver` (a `Receiver` or an `Arc` of one, to share it across workers and routes).
    pub fn new(receiver: impl Into<Arc<Receiver<S>>>) -> Self {
        Self { receiver: receiver.into() }
    }
}

impl<S> Clone for WebhookMiddleware<S> {
    fn clone(&self) -> Self {
        Self { receiver: self.receiver.clone() }
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for WebhookMiddleware<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookMiddleware").field("receiver", &self.receiver).finish()
    }
}

impl<I, B, S> Transform<I, ServiceRequest> for WebhookMiddleware<S>
where
    I: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
    S: Store,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = WebhookService<I, S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: I) -> Self::Future {
        ready(Ok(WebhookService { inner: Rc::new(service), receiver: self.receiver.clone() }))
    }
}

/// The service made by [`WebhookMiddleware`].
pub struct WebhookService<I, S> {
    inner: Rc<I>,
    receiver: Arc<Receiver<S>>,
}

impl<I, S: std::fmt::Debug> std::fmt::Debug for WebhookService<I, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookService").field("receiver", &self.receiver).finish_non_exhaustive()
    }
}

impl<I, B, S> Service<ServiceRequest> for WebhookService<I, S>
where
    I: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
    S: Store,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    fn poll_ready(&self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&self, request: ServiceRequest) -> Self::Future {
        Box::pin(handle(self.inner.clone(), self.receiver.clone(), request))
    }
}

async fn handle<I, B, S>(
    inner: Rc<I>,
    receiver: Arc<Receiver<S>>,
    mut request: ServiceRequest,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error>
where
    I: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
    S: Store,
{
    let head = head(request.request(), receiver.reads_path_params());
    let observer = Observer::start(receiver.verifier().scheme());
    // The limits come first: a refusal costs no body read and no key lookup. The admission is held until the
    // handler has answered.
    let _admitted = match receiver.admit(&head) {
        Ok(admitted) => admitted,
        Err(error) => {
            observer.rejected(&error, None);
            return Ok(request.into_response(respond(&error)).map_into_right_body());
        }
    };
    let body = match read_body(receiver.verifier(), &head.headers, request.take_payload()).await {
        Ok(body) => body,
        Err(error) => {
            observer.rejected(&error, None);
            return Ok(request.into_response(respond(&error)).map_into_right_body());
        }
    };
    let (id, claim, body, unverified) = match receive(&receiver, &observer, &head, &body).await {
        Ok(Received::Delivery(delivery)) => {
            if let Some(handshake) = delivery.handshake() {
                return Ok(request.into_response(to_actix(handshake.to_response::<Vec<u8>>())).map_into_right_body());
            }
            let (webhook, claim) = delivery.into_parts();
            let id = webhook.shared_id();
            request.extensions_mut().insert(webhook);
            (id, claim, body, false)
        }
        // A report-only verifier's failure: handed on marked unverified, never claimed.
        // With an empty payload, so only a handler that asks for it (`MaybeVerified<T>`) sees its body.
        Ok(Received::Unverified(unverified)) => {
            request.extensions_mut().insert(unverified);
            (None, ClaimHandle::unclaimed(Receiver::clone(&receiver)), Bytes::new(), true)
        }
        Err(error) => return Ok(request.into_response(respond(&error)).map_into_right_body()),
    };
    let mut observer = observer;
    if unverified {
        observer.let_through();
    }
    let delivery_fields = (id, observer);
    request.set_payload(Payload::from(body));
    let http_request = request.request().clone();
    // A panic in `call` itself or while its future is polled releases the claim the same way.
    let status_of = |result: &Result<ServiceResponse<B>, actix_web::Error>| {
        result.as_ref().ok().and_then(|response| http::StatusCode::from_u16(response.status().as_u16()).ok())
    };
    let slot = std::pin::pin!(None);
    let handler = CatchUnwind::call(slot, || inner.call(request));
    match run_claimed(claim, delivery_fields, handler, status_of).await {
        Ran::Answered(result) => result.map(ServiceResponse::map_into_left_body),
        Ran::Panicked => {
            let response = HttpResponse::InternalServerError().body("handler panicked");
            Ok(ServiceResponse::new(http_request, response).map_into_right_body())
        }
        Ran::TimedOut => {
            Ok(ServiceResponse::new(http_request, respond(&Error::handler_timeout())).map_into_right_body())
        }
    }
}

/// actix-web's request head as the `http` 1 head the core reads: method, URI, and headers (repeated headers stay
/// repeated).
fn head(request: &HttpRequest, path_params: bool) -> http::request::Parts {
    let (mut parts, ()) = http::Request::new(()).into_parts();
    // The connection's address, for the limits per source address.
    if let Some(peer) = request.peer_addr() {
        parts.extensions.insert(peer);
    }
    // The route's match info, for a key resolver or a per-tenant rate that reads it.
    if path_params && request.match_info().iter().next().is_some() {
        parts.extensions.insert(crate::PathParams::new(request.match_info().iter()));
    }
    parts.method = http::Method::from_bytes(request.method().as_str().as_bytes()).unwrap_or_default();
    // actix parsed this URI already, so it parses again; a URL-signing scheme would reject a default one anyway.
    parts.uri = request.uri().to_string().parse().unwrap_or_default();
    let source = request.headers();
    let headers = &mut parts.headers;
    headers.reserve(source.len());
    for (name, value) in source {
        if let (Ok(name), Ok(value)) =
            (http::HeaderName::from_bytes(name.as_str().as_bytes()), http::HeaderValue::from_bytes(value.as_bytes()))
        {
            headers.append(name, value);
        }
    }
    parts
}

/// The response for a rejected delivery, logged with its detail.
fn reject(error: &Error) -> HttpResponse {
    #[cfg(feature = "tracing")]
    tracing::info!(%error, "hooksafe: webhook rejected");
    respond(error)
}

/// [`Error::to_response`] as an actix response.
fn respond(error: &Error) -> HttpResponse {
    to_actix(error.to_response::<&'static str>())
}

/// An `http` response as an actix one: status, headers, body.
fn to_actix<B: actix_web::body::MessageBody + 'static>(response: http::Response<B>) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(response.status().as_u16())
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    for (name, value) in response.headers() {
        if let Ok(value) = value.to_str() {
            builder.insert_header((name.as_str(), value));
        }
    }
    builder.body(response.into_body())
}

/// Extracts the verified delivery's JSON body as `T`. Needs a [`WebhookMiddleware`] around the route.
///
/// A body that does not fit `T` is rejected with `422`, and the middleware releases the claim.
#[derive(Debug, Clone, Copy, Default)]
pub struct Webhook<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Webhook<T> {
    type Error = WebhookRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_verified(request, |verified| verified.json().map(Webhook).map_err(WebhookRejection::Invalid)))
    }
}

impl FromRequest for VerifiedWebhook {
    type Error = WebhookRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(with_verified(request, |verified| Ok(verified.clone())))
    }
}

/// Runs `f` on the middleware's verified delivery where it lies in the request's extensions: `Webhook<T>` parses it
/// in place, without cloning the body handle and id.
/// A delivery a report-only verifier let through is refused here.
fn with_verified<R>(
    request: &HttpRequest,
    f: impl FnOnce(&VerifiedWebhook) -> Result<R, WebhookRejection>,
) -> Result<R, WebhookRejection> {
    let extensions = request.extensions();
    match (extensions.get::<VerifiedWebhook>(), extensions.get::<Unverified>()) {
        // An `Unverified` wins: a report-only middleware inside a verifying one failed this delivery.
        (_, Some(unverified)) => Err(WebhookRejection::Unverified(unverified.clone())),
        (Some(verified), None) => f(verified),
        (None, None) => Err(WebhookRejection::MissingLayer),
    }
}

/// Extracts the delivery's JSON body as `T`, verified or, during a [report-only](crate::VerifierBuilder::report_only)
/// rollout, let through unverified. Needs a [`WebhookMiddleware`] around the route.
impl<T: DeserializeOwned> FromRequest for MaybeVerified<T> {
    type Error = WebhookRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let extensions = request.extensions();
        ready(match MaybeVerified::parse(extensions.get::<VerifiedWebhook>(), extensions.get::<Unverified>()) {
            Some(result) => result.map_err(WebhookRejection::Invalid),
            None => Err(WebhookRejection::MissingLayer),
        })
    }
}

/// Why [`Webhook<T>`], [`VerifiedWebhook`] or [`MaybeVerified<T>`] could not be extracted.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The body does not fit the requested type (`422`).
    Invalid(Error),
    /// No [`WebhookMiddleware`] ran before the handler: a routing mistake, answered with `500` so it is noticed.
    MissingLayer,
    /// The delivery failed verification and a [report-only](crate::VerifierBuilder::report_only) verifier let it
    /// through; this extractor takes verified deliveries only (use [`MaybeVerified<T>`]). Answered as an enforcing
    /// verifier would have answered.
    Unverified(Unverified),
}

impl std::fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(error) => error.fmt(f),
            Self::MissingLayer => f.write_str("no hooksafe WebhookMiddleware on this route"),
            Self::Unverified(unverified) => write!(f, "the delivery is not verified: {}", unverified.reason()),
        }
    }
}

impl std::error::Error for WebhookRejection {}

impl ResponseError for WebhookRejection {
    fn status_code(&self) -> actix_web::http::StatusCode {
        match self {
            Self::Invalid(error) => actix_web::http::StatusCode::from_u16(error.status().as_u16())
                .unwrap_or(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY),
            Self::MissingLayer => actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unverified(unverified) => {
                actix_web::http::StatusCode::from_u16(unverified.reason().status().as_u16())
                    .unwrap_or(actix_web::http::StatusCode::UNAUTHORIZED)
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Invalid(error) => reject(error),
            Self::Unverified(unverified) => respond(unverified.reason()),
            Self::MissingLayer => {
                crate::log::warning!("a Webhook extractor ran on a route without a WebhookMiddleware");
                HttpResponse::InternalServerError().body("webhook middleware missing")
            }
        }
    }
}

/// An [`Error`] answers with its status and kind, so a handler can return `Result<_, hooksafe::Error>`, such as a
/// [`Router`](crate::Router)'s [`dispatch`](crate::Router::dispatch).
impl ResponseError for Error {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::from_u16(self.status().as_u16())
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        reject(self)
    }
}

/// The [`Inbox`](crate::inbox::Inbox)'s receiving side as an actix-web handler: register the inbox as app data and
/// route to this, `web::resource("/webhooks/stripe").route(web::post().to(hooksafe::actix::inbox))`. Answers as
/// [`InboxService`](crate::tower::InboxService) does: `202` once the delivery is committed, a duplicate `200`, a
/// database failure `503` with `Retry-After`.
#[cfg(feature = "postgres")]
pub async fn inbox(
    inbox: actix_web::web::Data<crate::inbox::Inbox>,
    request: actix_web::HttpRequest,
    payload: actix_web::web::Payload,
) -> HttpResponse {
    hand_over(&**inbox, &request, payload).await
}

/// A [`Forwarder`](crate::forward::Forwarder) as an actix-web handler: register the forwarder as app data and route
/// to this, `web::resource("/webhooks/stripe").route(web::post().to(hooksafe::actix::forward::<JetStreamSink>))`.
/// Answers as [`ForwardService`](crate::tower::ForwardService) does: `202` once the broker has the message, a
/// duplicate `200`, a broker or store failure `503` with `Retry-After`.
#[cfg(feature = "forward")]
pub async fn forward<K: crate::forward::Sink>(
    forwarder: actix_web::web::Data<crate::forward::Forwarder<K>>,
    request: HttpRequest,
    payload: actix_web::web::Payload,
) -> HttpResponse {
    hand_over(&**forwarder, &request, payload).await
}

/// Answers one request to an endpoint that hands deliveries over (the inbox, a forwarder).
#[cfg(any(feature = "postgres", feature = "forward"))]
async fn hand_over<E: crate::adapter::HandOver>(
    endpoint: &E,
    request: &HttpRequest,
    payload: actix_web::web::Payload,
) -> HttpResponse {
    let head = head(request, endpoint.reads_path_params());
    let read = || read_body(endpoint.verifier(), &head.headers, payload);
    to_actix(crate::adapter::hand_over::<_, Vec<u8>, _>(endpoint, &head, read).await)
}

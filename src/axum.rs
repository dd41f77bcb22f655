//! axum: [`Webhook<T>`] hands a handler the typed event of a verified, claimed delivery.
//!
//! Put a [`WebhookLayer`] on the route (it verifies, claims, and completes or releases by the handler's status),
//! then extract the event with [`Webhook<T>`], or the raw delivery with [`VerifiedWebhook`]. Both read what the
//! layer left in the request's extensions, so they combine with any other extractor on the route, including the
//! body itself. The body is capped by the smaller of the verifier's cap and the route's `DefaultBodyLimit`
//! (axum's 2 MB unless the route sets another or disables it).
//!
//! To verify without a store or a layer (you deduplicate elsewhere), extract [`VerifiedJson<T>`], configured from
//! your state with `FromRef`.
//!
//! ```
//! use axum::{Router, http::StatusCode, routing::post};
//! use hooksafe::axum::{Webhook, WebhookLayer};
//! use hooksafe::{MemoryStore, Receiver, Scheme, Verifier};
//!
//! #[derive(serde::Deserialize)]
//! #[serde(tag = "type")]
//! enum StripeEvent {
//!     #[serde(rename = "invoice.paid")]
//!     InvoicePaid { id: String },
//!     #[serde(other)]
//!     Other,
//! }
//!
//! async fn stripe(Webhook(event): Webhook<StripeEvent>) -> StatusCode {
//!     match event {
//!         StripeEvent::InvoicePaid { id } => println!("paid: {id}"),
//!         StripeEvent::Other => {}
//!     }
//!     StatusCode::OK // a 2xx completes the claim; anything else releases it for the provider's retry
//! }
//!
//! # fn main() -> Result<(), hooksafe::ConfigError> {
//! let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_...").build()?;
//! let app: Router = Router::new()
//!     .route("/webhooks/stripe", post(stripe))
//!     .route_layer(WebhookLayer::new(Receiver::new(verifier, MemoryStore::new())));
//! # Ok(())
//! # }
//! ```

use std::sync::Arc;
use std::task::{Context, Poll};

use axum::RequestExt as _;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tower_layer::Layer;
use tower_service::Service;

use crate::error::Error;
use crate::receiver::Receiver;
use crate::request::PathParams;
pub use crate::tower::VerifiedWebhook;
pub use crate::verified::MaybeVerified;
use crate::verified::Unverified;
use crate::verifier::Verifier;

/// The receiver as an axum layer: [`tower::WebhookLayer`](crate::tower::WebhookLayer), with the route's
/// `DefaultBodyLimit` applied to the body as axum's own extractors apply it.
pub struct WebhookLayer<S>(crate::tower::WebhookLayer<S>);

impl<S> WebhookLayer<S> {
    /// A layer around `receiver` (a `Receiver` or an `Arc` of one, to share it with other routes).
    pub fn new(receiver: impl Into<Arc<Receiver<S>>>) -> Self {
        Self(crate::tower::WebhookLayer::new(receiver))
    }
}

impl<S> Clone for WebhookLayer<S> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for WebhookLayer<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<S, I> Layer<I> for WebhookLayer<S> {
    type Service = BodyLimited<crate::tower::WebhookService<I, S>>;

    fn layer(&self, inner: I) -> Self::Service {
        BodyLimited { inner: self.0.layer(inner), path_params: self.0.receiver().reads_path_params() }
    }
}

/// The service made by [`WebhookLayer`]: applies the route's `DefaultBodyLimit`, then verifies and claims.
#[derive(Debug, Clone)]
pub struct BodyLimited<I> {
    inner: I,
    /// Whether the receiver reads the route's path parameters (a key resolver, a per-tenant rate).
    path_params: bool,
}

impl<I: Service<Request>> Service<Request> for BodyLimited<I> {
    type Response = I::Response;
    type Error = I::Error;
    type Future = I::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let (mut parts, body) = request.with_limited_body().into_parts();
        if self.path_params {
            PathParams::insert_axum(&mut parts);
        }
        self.inner.call(Request::from_parts(parts, body))
    }
}

/// Verifies the request and extracts its JSON body as `T`, with a [`Verifier`] from the state (`Arc<Verifier>:
/// FromRef<S>`) and **no deduplication**: for handlers that deduplicate elsewhere (in their own database
/// transaction, say). No layer is needed; every rejection is a [`WebhookRejection::Invalid`] with the status of
/// [`Error::status`].
///
/// ```
/// use std::sync::Arc;
/// use axum::{Router, extract::FromRef, http::StatusCode, routing::post};
/// use hooksafe::axum::VerifiedJson;
/// use hooksafe::{Scheme, Verifier};
///
/// #[derive(Clone)]
/// struct AppState {
///     github: Arc<Verifier>,
/// }
///
/// impl FromRef<AppState> for Arc<Verifier> {
///     fn from_ref(state: &AppState) -> Self {
///         state.github.clone()
///     }
/// }
///
/// #[derive(serde::Deserialize)]
/// struct Push {
///     r#ref: String,
/// }
///
/// async fn push(VerifiedJson(push): VerifiedJson<Push>) -> StatusCode {
///     println!("{}", push.r#ref);
///     StatusCode::NO_CONTENT
/// }
///
/// # fn main() -> Result<(), hooksafe::ConfigError> {
/// let github = Arc::new(Verifier::builder(Scheme::GitHub).secret("It's a Secret to Everybody").build()?);
/// let app: Router = Router::new().route("/webhooks/github", post(push)).with_state(AppState { github });
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifiedJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for VerifiedJson<T>
where
    Arc<Verifier>: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Arc::<Verifier>::from_ref(state);
        let (mut parts, body) = request.with_limited_body().into_parts();
        if verifier.reads_path_params() {
            PathParams::insert_axum(&mut parts);
        }
        let chunks = http_body_util::BodyExt::into_data_stream(body);
        let body =
            crate::adapter::read_body(&verifier, &parts.headers, chunks).await.map_err(WebhookRejection::Invalid)?;
        let verified = verifier.verify_async((&parts, &body)).await.map_err(WebhookRejection::Invalid)?;
        if let Some(handshake) = verified.handshake() {
            return Err(WebhookRejection::Handshake(handshake.clone()));
        }
        verified.json().map(VerifiedJson).map_err(WebhookRejection::Invalid)
    }
}

/// Extracts the verified delivery's JSON body as `T`. Needs a [`WebhookLayer`] on the route.
///
/// A body that does not fit `T` is rejected with `422`, and the layer releases the claim.
#[derive(Debug, Clone, Copy, Default)]
pub struct Webhook<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Webhook<T> {
    type Rejection = WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Parsed where the layer left it: no clone of the body handle and id for a value dropped at once.
        let verified = layer_output(parts)?;
        verified.json().map(Webhook).map_err(WebhookRejection::Invalid)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for VerifiedWebhook {
    type Rejection = WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        layer_output(parts).cloned()
    }
}

/// The verified delivery the layer left in the request's extensions; a delivery a report-only verifier let through
/// is refused here.
fn layer_output(parts: &Parts) -> Result<&VerifiedWebhook, WebhookRejection> {
    match (parts.extensions.get::<VerifiedWebhook>(), parts.extensions.get::<Unverified>()) {
        // An `Unverified` wins: a report-only layer inside a verifying one failed this delivery.
        (_, Some(unverified)) => Err(WebhookRejection::Unverified(unverified.clone())),
        (Some(verified), None) => Ok(verified),
        (None, None) => Err(WebhookRejection::MissingLayer),
    }
}

/// Extracts the delivery's JSON body as `T`, verified or, during a [report-only](crate::VerifierBuilder::report_only)
/// rollout, let through unverified. Needs a [`WebhookLayer`] on the route.
///
/// ```
/// use axum::http::StatusCode;
/// use hooksafe::axum::MaybeVerified;
///
/// async fn stripe(event: MaybeVerified<serde_json::Value>) -> StatusCode {
///     if let MaybeVerified::Unverified(_, unverified) = &event {
///         eprintln!("would have refused: {}", unverified.reason()); // the layer warned and counted it too
///     }
///     let _event = event.into_inner(); // ... handled as before verification was turned on
///     StatusCode::OK
/// }
/// ```
impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for MaybeVerified<T> {
    type Rejection = WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let extensions = &parts.extensions;
        match MaybeVerified::parse(extensions.get::<VerifiedWebhook>(), extensions.get::<Unverified>()) {
            Some(result) => result.map_err(WebhookRejection::Invalid),
            None => Err(WebhookRejection::MissingLayer),
        }
    }
}

/// Why [`Webhook<T>`], [`VerifiedWebhook`] or [`MaybeVerified<T>`] could not be extracted.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The delivery was refused: for [`Webhook<T>`], a body that does not fit the type (`422`); for
    /// [`VerifiedJson<T>`], any verification error too, answered with its own status.
    Invalid(Error),
    /// No [`WebhookLayer`] ran before the handler: a routing mistake, answered with `500` so it is noticed.
    MissingLayer,
    /// [`VerifiedJson<T>`] met the provider's endpoint check: it is answered with the [`Handshake`](crate::Handshake)
    /// instead of calling the handler.
    Handshake(crate::Handshake),
    /// The delivery failed verification and a [report-only](crate::VerifierBuilder::report_only) verifier let it
    /// through; this extractor takes verified deliveries only (use [`MaybeVerified<T>`]). Answered as an enforcing
    /// verifier would have answered.
    Unverified(Unverified),
}

impl std::fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(error) => error.fmt(f),
            Self::MissingLayer => f.write_str("no hooksafe WebhookLayer on this route"),
            Self::Handshake(_) => f.write_str("answered the provider's endpoint check"),
            Self::Unverified(unverified) => write!(f, "the delivery is not verified: {}", unverified.reason()),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Invalid(error) => Some(error),
            Self::Unverified(unverified) => Some(unverified.reason()),
            Self::MissingLayer | Self::Handshake(_) => None,
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        match self {
            Self::Invalid(error) => {
                #[cfg(feature = "tracing")]
                tracing::info!(%error, "hooksafe: webhook payload rejected");
                error.to_response::<axum::body::Body>().into_response()
            }
            Self::MissingLayer => {
                crate::log::warning!("a Webhook extractor ran on a route without a WebhookLayer");
                (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "webhook layer missing").into_response()
            }
            Self::Handshake(handshake) => handshake.to_response::<axum::body::Body>().into_response(),
            Self::Unverified(unverified) => unverified.reason().to_response::<axum::body::Body>().into_response(),
        }
    }
}

/// An [`Error`] answers as [`Error::to_response`] does, so a handler can return `Result<_, hooksafe::Error>`, such as
/// a [`Router`](crate::Router)'s [`dispatch`](crate::Router::dispatch).
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        self.to_response::<axum::body::Body>().into_response()
    }
}

//! axum: [`Webhook<T>`] hands a handler the typed event of a verified, claimed delivery.
//!
//! Put a [`WebhookLayer`] on the route (it verifies, claims, and completes or releases by the handler's status),
//! then extract the event with [`Webhook<T>`], or the raw delivery with [`VerifiedWebhook`]. Both read what the
//! layer left in the request's extensions, so they combine with any other extractor on the route, including the
//! body itself.
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

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::Error;
pub use crate::tower::{VerifiedWebhook, WebhookLayer};

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

/// The verified delivery the layer left in the request's extensions.
fn layer_output(parts: &Parts) -> Result<&VerifiedWebhook, WebhookRejection> {
    parts.extensions.get::<VerifiedWebhook>().ok_or(WebhookRejection::MissingLayer)
}

/// Why [`Webhook<T>`] or [`VerifiedWebhook`] could not be extracted.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The body does not fit the requested type (`422`).
    Invalid(Error),
    /// No [`WebhookLayer`] ran before the handler: a routing mistake, answered with `500` so it is noticed.
    MissingLayer,
}

impl std::fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(error) => error.fmt(f),
            Self::MissingLayer => f.write_str("no hooksafe WebhookLayer on this route"),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Invalid(error) => Some(error),
            Self::MissingLayer => None,
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
        }
    }
}

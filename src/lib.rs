// The README is the crate documentation, its examples compiled as doc tests. Its axum and actix-web quickstarts need
// those features, which every build of the repository's tests has (the crate is its own dev-dependency with them);
// a build without them (the published crate's own tests) documents the crate with this pointer instead.
#![cfg_attr(all(feature = "axum", feature = "actix-web"), doc = include_str!("../README.md"))]
#![cfg_attr(
    not(all(feature = "axum", feature = "actix-web")),
    doc = "Receive webhooks safely: provider signature schemes, replay windows, deduplication and typed payloads. \
           See the README, or these docs built with all features (docs.rs builds them so)."
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "tower", feature = "actix-web"))]
mod adapter;
mod certificate;
mod error;
mod fetch_cache;
#[cfg(feature = "forward")]
#[cfg_attr(docsrs, doc(cfg(feature = "forward")))]
pub mod forward;
mod handshake;
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub mod inbox;
mod json_field;
mod key;
mod keys;
mod lease;
#[cfg(feature = "limits")]
#[cfg_attr(docsrs, doc(cfg(feature = "limits")))]
pub mod limit;
mod log;
pub mod paypal;
mod receiver;
mod request;
mod resolver;
pub mod router;
pub mod scheme;
pub mod sign;
#[cfg(feature = "tower")]
mod source;
pub mod store;
mod telemetry;
mod verified;
mod verifier;

#[cfg(feature = "actix-web")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix-web")))]
pub mod actix;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

pub use error::{ConfigError, Error, ErrorKind, OUTCOME};
pub use handshake::Handshake;
pub use key::{Algorithm, PublicKey, Secret, SecretEncoding};

pub use keys::{Keys, KeysBuilder, MAX_SECRETS};
pub use receiver::{DEFAULT_HANDLER_DEADLINE, DEFAULT_LEASE, DEFAULT_RETENTION, Delivery, Receiver, ReceiverBuilder};
pub use request::RequestView;
pub use resolver::{KeyResolver, PathParams, RequestHead, ResolveError};
pub use router::Router;
pub use scheme::{Custom, Encoding, MAX_PUBLIC_KEY_SIGNATURES, MAX_SIGNATURES, Scheme};
pub use store::MemoryStore;
pub use verified::{Unverified, Verified};
pub use verifier::{DEFAULT_TOLERANCE, MAX_TOLERANCE, Verifier, VerifierBuilder};

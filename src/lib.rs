#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod log;
mod receiver;
mod scheme;
mod secret;
pub mod sign;
pub mod store;
mod verified;
mod verifier;

pub use error::{ConfigError, Error, ErrorKind};
pub use receiver::{DEFAULT_LEASE, DEFAULT_RETENTION, Delivery, Receiver, ReceiverBuilder};
pub use scheme::{Custom, Encoding, MAX_SIGNATURES, Scheme, SecretEncoding};
pub use store::MemoryStore;
pub use verified::Verified;
pub use verifier::{DEFAULT_TOLERANCE, MAX_SECRETS, Verifier, VerifierBuilder};

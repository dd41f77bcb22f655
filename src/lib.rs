#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod scheme;
mod secret;
pub mod sign;
mod verified;
mod verifier;

pub use error::{ConfigError, Error, ErrorKind};
pub use scheme::{Custom, Encoding, MAX_SIGNATURES, Scheme, SecretEncoding};
pub use verified::Verified;
pub use verifier::{DEFAULT_TOLERANCE, MAX_SECRETS, Verifier, VerifierBuilder};

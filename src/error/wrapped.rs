//! The errors of the pluggable backends: a store's, a key resolver's and a sink's, each wrapping the cause.

use std::fmt;

/// An error type that wraps a backend's own error, with a prefix saying which backend failed.
macro_rules! wrapped_error {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        pub struct $name(Box<dyn std::error::Error + Send + Sync>);

        impl $name {
            /// Wraps the cause.
            pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
                Self(error.into())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, ": {}"), self.0)
            }
        }

        impl std::error::Error for $name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&*self.0)
            }
        }
    };
}

wrapped_error!(
    /// A store could not do what was asked (unreachable, timed out, full). Wraps the backend's own error.
    StoreError,
    "deduplication store"
);

wrapped_error!(
    /// A resolver could not look the keys up (its database was unreachable, say). Wraps the cause.
    ResolveError,
    "key resolver"
);

#[cfg(feature = "forward")]
wrapped_error!(
    /// A [`Sink`](crate::forward::Sink) could not hand a delivery to its broker (refused, unreachable, timed out).
    /// Wraps the client's own error.
    SinkError,
    "broker"
);

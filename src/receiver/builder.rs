//! [`ReceiverBuilder`]: a receiver's namespace, lease, handler deadline, retention and failure policy, checked at
//! build.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{DEFAULT_HANDLER_DEADLINE, DEFAULT_LEASE, DEFAULT_RETENTION, KeyFn, Receiver, Shared};
use crate::error::ConfigError;
use crate::lease::LeasePolicy;
use crate::store::{Retention, Store};
use crate::verified::Verified;
use crate::verifier::Verifier;

/// Configures a [`Receiver`]; mistakes are reported by [`build`](Self::build).
pub struct ReceiverBuilder<S> {
    verifier: Verifier,
    store: S,
    namespace: Option<String>,
    lease: LeasePolicy,
    retention: Duration,
    key_fn: Option<KeyFn>,
    fail_open: bool,
    #[cfg(feature = "limits")]
    limits: Option<crate::limit::Limits>,
}

impl<S: fmt::Debug> fmt::Debug for ReceiverBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiverBuilder")
            .field("verifier", &self.verifier)
            .field("namespace", &self.namespace)
            .field("lease", &self.lease)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

impl<S: Store> ReceiverBuilder<S> {
    /// A builder with the defaults: see [`Receiver::builder`].
    pub(super) fn new(verifier: Verifier, store: S) -> Self {
        Self {
            verifier,
            store,
            namespace: None,
            lease: LeasePolicy::new(DEFAULT_LEASE),
            retention: DEFAULT_RETENTION,
            key_fn: None,
            fail_open: false,
            #[cfg(feature = "limits")]
            limits: None,
        }
    }

    /// Scopes this receiver's records, so endpoints sharing one store never collide. Defaults to the scheme's name
    /// (`github`, `stripe`, `custom:<signature header>`…), which no key rotation changes: set a name of your own
    /// when several endpoints of **the same scheme** share one store.
    ///
    /// Migrating from a release whose default namespace was derived from the first secret: records written
    /// under the old default are not found under the new one, so deliveries completed before the upgrade could be
    /// processed once more if the provider replays them. For schemes with a timestamp this lasts only for the replay
    /// window; for GitHub, Shopify and Twilio, keep the old process's store running alongside, or deploy while no
    /// retries are pending.
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    crate::lease::lease_setters! {
        lease: "How long a claim holds a delivery before another worker may take it over. Defaults to \
            [`DEFAULT_LEASE`]; at least one second, longer than the [handler deadline](Self::handler_deadline), \
            shorter than the retention.",
        handler_deadline: "How long the tower, axum and actix-web adapters let a handler run, counted from its \
            start. A handler still running then is stopped (never polled again, its future dropped with the \
            request), its claim released, and the provider answered `503` with \
            `Retry-After` ([`ErrorKind::HandlerTimeout`](crate::ErrorKind::HandlerTimeout)): a handler can never \
            outlive its lease and run a second time, concurrently, when the lease lapses. Defaults to \
            [`DEFAULT_HANDLER_DEADLINE`] or half the [lease](Self::lease), whichever is shorter; a deadline you set \
            must be shorter than the lease. Code that calls [`Receiver::receive`] itself bounds its own handler.",
    }

    /// How long a completed delivery is remembered. Defaults to [`DEFAULT_RETENTION`]; must exceed the verifier's
    /// replay window.
    #[must_use]
    pub const fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// Derives the dedup key yourself, for example from a field of the payload. Returning `None` falls back to
    /// the default: the signed id, or else the signed body.
    #[must_use]
    pub fn key(mut self, key_fn: impl Fn(&Verified<'_>) -> Option<Vec<u8>> + Send + Sync + 'static) -> Self {
        self.key_fn = Some(Arc::new(key_fn));
        self
    }

    /// **Dangerous:** when the store cannot be reached, process the delivery anyway, without a claim, so it may run
    /// twice. Each such delivery is logged (to `tracing` with the `tracing` feature, else to standard error).
    #[must_use]
    pub const fn fail_open_when_store_unavailable(mut self) -> Self {
        self.fail_open = true;
        self
    }

    /// Refuses floods before any work: rates per source address and per tenant (`429`), and a bound on deliveries
    /// in flight (`503`), which every adapter applies before it reads the body. See [`Limits`](crate::limit::Limits).
    #[cfg(feature = "limits")]
    #[must_use]
    pub fn limits(mut self, limits: crate::limit::Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Checks the configuration.
    ///
    /// # Errors
    /// [`ConfigError::InvalidLease`] for a lease under one second or not shorter than the retention;
    /// [`ConfigError::RetentionTooShort`] when the retention does not exceed the replay window;
    /// [`ConfigError::InvalidLimits`] for limits that would admit nothing.
    pub fn build(self) -> Result<Receiver<S>, ConfigError> {
        let window = self.verifier.replay_window().unwrap_or(Duration::ZERO);
        if self.retention <= window {
            return Err(ConfigError::RetentionTooShort {
                retention_secs: self.retention.as_secs(),
                window_secs: window.as_secs(),
            });
        }
        if self.lease.lease >= self.retention {
            return Err(ConfigError::InvalidLease);
        }
        // A provider waits for the handler's answer: at most DEFAULT_HANDLER_DEADLINE unless set.
        let (lease, handler_deadline) = self.lease.checked(DEFAULT_HANDLER_DEADLINE)?;
        // Without a signed timestamp (GitHub, Shopify, Twilio, or the check skipped), a record is the only replay
        // defence: no store may evict it before the retention ends.
        let protect_for = if window.is_zero() { self.retention } else { window };
        let name =
            self.namespace.clone().unwrap_or_else(|| format!("scheme:{}", self.verifier.scheme().provider().name()));
        let namespace: [u8; 32] =
            Sha256::new().chain_update(b"hooksafe/namespace:").chain_update(name).finalize().into();
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&namespace);
        let shared = Shared {
            key_prefix: Sha256::new_with_prefix(block),
            lease,
            handler_deadline,
            retention: Retention { keep_for: self.retention, protect_for },
            verifier: self.verifier,
            store: self.store,
            key_fn: self.key_fn,
            fail_open: self.fail_open,
            #[cfg(feature = "limits")]
            gate: self.limits.map(crate::limit::Limits::prepare).transpose()?,
        };
        Ok(Receiver { shared: Arc::new(shared) })
    }
}

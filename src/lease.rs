//! The one lease policy a [`Receiver`](crate::Receiver) and an [`Inbox`](crate::inbox::Inbox) share: how long a
//! claim holds a delivery, and how long a handler may run under it, so a handler never outlives its lease and runs
//! a second time concurrently when the lease lapses.

use std::time::Duration;

use crate::error::ConfigError;

/// The `lease` and `handler_deadline` setters of the builders that take a [`LeasePolicy`] in their `lease` field,
/// written once; each builder gives their documentation (what its deadline stops differs).
macro_rules! lease_setters {
    (lease: $lease_doc:expr, handler_deadline: $deadline_doc:expr $(,)?) => {
        #[doc = $lease_doc]
        #[must_use]
        pub const fn lease(mut self, lease: Duration) -> Self {
            self.lease.lease = lease;
            self
        }

        #[doc = $deadline_doc]
        #[must_use]
        pub const fn handler_deadline(mut self, deadline: Duration) -> Self {
            self.lease.handler_deadline = Some(deadline);
            self
        }
    };
}
pub(crate) use lease_setters;

/// A lease and the handler deadline under it, as configured.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LeasePolicy {
    pub lease: Duration,
    pub handler_deadline: Option<Duration>,
}

impl LeasePolicy {
    /// A lease of `lease`, the deadline left to its default.
    pub(crate) const fn new(lease: Duration) -> Self {
        Self { lease, handler_deadline: None }
    }

    /// The lease and the deadline, checked: a lease of at least one second, and a deadline (as set, or else half
    /// the lease and at most `longest_default`) above zero and shorter than the lease.
    ///
    /// # Errors
    /// [`ConfigError::InvalidLease`] or [`ConfigError::InvalidHandlerDeadline`].
    pub(crate) fn checked(self, longest_default: Duration) -> Result<(Duration, Duration), ConfigError> {
        if self.lease < Duration::from_secs(1) {
            return Err(ConfigError::InvalidLease);
        }
        let deadline = self.handler_deadline.unwrap_or_else(|| longest_default.min(self.lease / 2));
        if deadline.is_zero() || deadline >= self.lease {
            return Err(ConfigError::InvalidHandlerDeadline);
        }
        Ok((self.lease, deadline))
    }
}

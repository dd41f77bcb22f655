//! Where a forwarder claims a delivery before it publishes it: the user's [`Store`], or nowhere when the broker
//! deduplicates by itself.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::store::{Claim, DedupKey, Retention, Store, StoreError, Token};

type Boxed<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A [`Store`] behind a pointer, so a forwarder's type names only its sink.
pub(super) trait AnyStore: fmt::Debug + Send + Sync {
    fn claim(&self, key: DedupKey, token: Token, lease: Duration) -> Boxed<'_, Claim>;
    fn complete(&self, key: DedupKey, token: Token, retention: Retention) -> Boxed<'_, bool>;
    fn release(&self, key: DedupKey, token: Token) -> Boxed<'_, ()>;
    fn release_in_background(&self, key: DedupKey, token: Token);
}

impl<S: Store> AnyStore for S {
    fn claim(&self, key: DedupKey, token: Token, lease: Duration) -> Boxed<'_, Claim> {
        Box::pin(Store::claim(self, key, token, lease))
    }

    fn complete(&self, key: DedupKey, token: Token, retention: Retention) -> Boxed<'_, bool> {
        Box::pin(Store::complete(self, key, token, retention))
    }

    fn release(&self, key: DedupKey, token: Token) -> Boxed<'_, ()> {
        Box::pin(Store::release(self, key, token))
    }

    fn release_in_background(&self, key: DedupKey, token: Token) {
        Store::release_in_background(self, key, token);
    }
}

/// The claims of a forwarder: in a store, or none at all (every claim taken, every settlement a no-op) when the
/// broker refuses a second message with the same dedup key by itself.
#[derive(Debug, Clone)]
pub(super) enum Claims {
    Store(Arc<dyn AnyStore>),
    ByBroker,
}

impl Claims {
    pub(super) fn store(store: impl Store) -> Self {
        Self::Store(Arc::new(store))
    }
}

impl Store for Claims {
    async fn claim(&self, key: DedupKey, token: Token, lease: Duration) -> Result<Claim, StoreError> {
        match self {
            Self::Store(store) => store.claim(key, token, lease).await,
            Self::ByBroker => Ok(Claim::Claimed),
        }
    }

    async fn complete(&self, key: DedupKey, token: Token, retention: Retention) -> Result<bool, StoreError> {
        match self {
            Self::Store(store) => store.complete(key, token, retention).await,
            Self::ByBroker => Ok(true),
        }
    }

    async fn release(&self, key: DedupKey, token: Token) -> Result<(), StoreError> {
        match self {
            Self::Store(store) => store.release(key, token).await,
            Self::ByBroker => Ok(()),
        }
    }

    fn release_in_background(&self, key: DedupKey, token: Token) {
        if let Self::Store(store) = self {
            store.release_in_background(key, token);
        }
    }
}

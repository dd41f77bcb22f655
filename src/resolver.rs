//! [`KeyResolver`]: the keys for each request, looked up while it is verified, for receivers that serve many tenants
//! whose secrets live in a database and change while the server runs.

use std::future::Future;
use std::pin::Pin;

use http::{HeaderMap, Method, Uri};

pub use crate::error::ResolveError;
use crate::keys::Keys;
pub use crate::request::PathParams;

/// What a [`KeyResolver`] sees of a request: its method and URI where the caller gave them, its headers, and the
/// route's path parameters where the adapter has them (axum's `/webhooks/{tenant}`, actix-web's match info).
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    pub(crate) method: Option<&'a Method>,
    pub(crate) uri: Option<&'a Uri>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) params: Option<&'a PathParams>,
}

impl<'a> RequestHead<'a> {
    /// A request's head, with the route's path parameters if its extensions carry them.
    #[cfg(feature = "limits")]
    pub(crate) fn from_parts(parts: &'a http::request::Parts) -> Self {
        Self {
            method: Some(&parts.method),
            uri: Some(&parts.uri),
            headers: &parts.headers,
            params: parts.extensions.get(),
        }
    }

    /// The request method, when the caller verified the whole request.
    pub const fn method(&self) -> Option<&'a Method> {
        self.method
    }

    /// The request URI as received (usually a path and query), when the caller verified the whole request.
    pub const fn uri(&self) -> Option<&'a Uri> {
        self.uri
    }

    /// The request headers. Only the signature covers them: a header names a tenant as any sender chooses.
    pub const fn headers(&self) -> &'a HeaderMap {
        self.headers
    }

    /// The route's path parameter `name`, as the framework matched it.
    pub fn path_param(&self, name: &str) -> Option<&'a str> {
        self.params?.get(name)
    }
}

/// Looks up the keys for a request: a tenant's, from the path or a header, in your database or cache.
///
/// Return `Ok(Some(keys))` with the tenant's [`Keys`], named with [`KeysBuilder::tenant`](crate::KeysBuilder::tenant)
/// (keys without a tenant name are refused with `503`, as deduplication is per tenant; build them once and cache
/// them: preparing keys costs more
/// than verifying), `Ok(None)` when the request names no tenant you know, or an error when the lookup failed. An
/// unknown tenant is answered like a bad signature (`401`), so a sender cannot probe which tenants exist, unless the
/// verifier was built with [`reveal_unknown_tenant`](crate::VerifierBuilder::reveal_unknown_tenant); a lookup
/// failure is [`ErrorKind::KeysUnavailable`](crate::ErrorKind::KeysUnavailable) (`503` with `Retry-After`), and no
/// handler runs. The future must not borrow the head: copy out what it needs first. The answer to an unknown tenant
/// is the same as to a bad signature; keeping your lookup's own timing alike for known and unknown tenants (a cache
/// that remembers misses too) is yours.
///
/// Any `Fn(&RequestHead) -> impl Future<Output = Result<Option<Keys>, ResolveError>>` is a resolver:
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::{Arc, RwLock};
/// use hooksafe::{Keys, RequestHead, Scheme, Verifier};
///
/// let tenants: Arc<RwLock<HashMap<String, Keys>>> = Arc::default();
/// let acme = Keys::builder(&Scheme::GitHub).secret("acme's webhook secret").tenant("acme").build()?;
/// tenants.write().unwrap().insert("acme".to_owned(), acme);
///
/// let lookup = tenants.clone();
/// let verifier = Verifier::builder(Scheme::GitHub)
///     .resolver(move |head: &RequestHead<'_>| {
///         let keys = head.path_param("tenant").and_then(|tenant| lookup.read().unwrap().get(tenant).cloned());
///         std::future::ready(Ok(keys))
///     })
///     .build()?;
/// # let _ = verifier;
/// # Ok::<(), hooksafe::ConfigError>(())
/// ```
pub trait KeyResolver: Send + Sync + 'static {
    /// The keys to try for `request`.
    fn resolve(
        &self,
        request: &RequestHead<'_>,
    ) -> impl Future<Output = Result<Option<Keys>, ResolveError>> + Send + 'static;
}

impl<F, Fut> KeyResolver for F
where
    F: Fn(&RequestHead<'_>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<Keys>, ResolveError>> + Send + 'static,
{
    fn resolve(
        &self,
        request: &RequestHead<'_>,
    ) -> impl Future<Output = Result<Option<Keys>, ResolveError>> + Send + 'static {
        self(request)
    }
}

/// A resolver's future, boxed so the verifier can hold any resolver.
pub(crate) type Resolving = Pin<Box<dyn Future<Output = Result<Option<Keys>, ResolveError>> + Send>>;

/// [`KeyResolver`] with its future boxed, so it can be held as a trait object.
pub(crate) trait DynResolver: Send + Sync {
    fn resolve_boxed(&self, request: &RequestHead<'_>) -> Resolving;
}

impl<R: KeyResolver> DynResolver for R {
    fn resolve_boxed(&self, request: &RequestHead<'_>) -> Resolving {
        Box::pin(self.resolve(request))
    }
}

//! [`Limits`]: refuse a flood before any work. A public webhook endpoint is a flood target, and the cheapest refusal
//! is the one made before the body is read, a key is looked up or a MAC is computed.
//!
//! - **Per source address** and **per tenant**: a request over its [`Rate`] is answered `429 Too Many Requests` with
//!   `Retry-After` (when the next request would be admitted), on [`governor`]'s keyed GCRA limiters. The source is
//!   the connection's address (IPv6 by its `/64`, what one host is usually given), or behind your proxies the
//!   address they forward ([`trust_proxies`](Limits::trust_proxies)); the tenant is what your function reads from
//!   the request's head (a path parameter, a header), before anything is verified.
//! - **Load shedding**: with [`max_in_flight`](Limits::max_in_flight), a request arriving while that many
//!   deliveries are being handled (or, for the inbox, written) is answered `503 Service Unavailable` with
//!   `Retry-After` at once, instead of queueing without bound.
//!
//! Give them to [`ReceiverBuilder::limits`](crate::ReceiverBuilder::limits) or
//! [`InboxBuilder::limits`](crate::inbox::InboxBuilder::limits): every adapter (tower, axum, actix-web, the inbox's
//! service) applies them first.
//!
//! ```
//! use hooksafe::limit::{Limits, Rate};
//! use hooksafe::{MemoryStore, Receiver, Scheme, Verifier};
//!
//! let verifier = Verifier::builder(Scheme::GitHub).secret("a webhook secret of yours").build()?;
//! let limits = Limits::new()
//!     .per_source(Rate::per_second(50).burst(100))
//!     .per_tenant(Rate::per_second(20), |head| head.path_param("tenant").map(str::to_owned))
//!     .max_in_flight(512);
//! let receiver = Receiver::builder(verifier, MemoryStore::new()).limits(limits).build()?;
//! # let _ = receiver;
//! # Ok::<(), hooksafe::ConfigError>(())
//! ```
//!
//! What they leave open: a rate limit keyed by address slows a flood from few addresses, not one spread over many
//! (a botnet); the in-flight bound and the provider's retries are what keep genuine deliveries flowing then. A
//! tenant named in the path is the sender's to choose, so a forger can spend a tenant's allowance and delay that
//! tenant's deliveries (never forge one): the provider retries them. The limiters remember at most
//! [`max_keys`](Limits::max_keys) sources and as many tenants (forgotten once idle); beyond that, new keys share one
//! allowance until idle ones are forgotten, so memory stays bounded whatever a flood sends.

use std::fmt;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{ConfigError, Error};
use crate::resolver::RequestHead;
use crate::source::{Proxies, ProxyHeader};

/// How often requests may come: `count` per period, in bursts of up to [`burst`](Self::burst) (by default
/// `count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    count: u32,
    period: Duration,
    burst: Option<u32>,
}

impl Rate {
    /// `count` requests a second.
    pub const fn per_second(count: u32) -> Self {
        Self { count, period: Duration::from_secs(1), burst: None }
    }

    /// `count` requests a minute.
    pub const fn per_minute(count: u32) -> Self {
        Self { count, period: Duration::from_secs(60), burst: None }
    }

    /// Up to `burst` requests at once after a quiet spell. Defaults to the rate's count.
    #[must_use]
    pub const fn burst(mut self, burst: u32) -> Self {
        self.burst = Some(burst);
        self
    }

    fn quota(self) -> Result<Quota, ConfigError> {
        let count = NonZeroU32::new(self.count).ok_or(ConfigError::InvalidLimits("a rate must allow a request"))?;
        let burst = NonZeroU32::new(self.burst.unwrap_or(self.count))
            .ok_or(ConfigError::InvalidLimits("a burst must allow a request"))?;
        let quota = Quota::with_period(self.period / count.get())
            .ok_or(ConfigError::InvalidLimits("a rate must be at most one request a nanosecond"))?;
        Ok(quota.allow_burst(burst))
    }
}

/// Reads a tenant from a request's head, before anything is verified.
type TenantOf = Arc<dyn Fn(&RequestHead<'_>) -> Option<String> + Send + Sync>;

/// The limits a receiver or an inbox applies to each request before any other work: see the [module](self).
#[derive(Clone)]
pub struct Limits {
    per_source: Option<Rate>,
    per_tenant: Option<(Rate, TenantOf)>,
    max_in_flight: Option<usize>,
    proxies: Proxies,
    max_keys: usize,
}

impl fmt::Debug for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limits")
            .field("per_source", &self.per_source)
            .field("per_tenant", &self.per_tenant.as_ref().map(|(rate, _)| rate))
            .field("max_in_flight", &self.max_in_flight)
            .field("max_keys", &self.max_keys)
            .finish_non_exhaustive()
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
}

impl Limits {
    /// No limits yet: add them with the methods below.
    pub fn new() -> Self {
        Self { per_source: None, per_tenant: None, max_in_flight: None, proxies: Proxies::none(), max_keys: 100_000 }
    }

    /// Limits each source address (each IPv6 `/64`) to `rate`.
    #[must_use]
    pub const fn per_source(mut self, rate: Rate) -> Self {
        self.per_source = Some(rate);
        self
    }

    /// Limits each tenant to `rate`, the tenant being what `tenant_of` reads from the request's head (`None`: not
    /// limited per tenant). It runs before anything is verified: read the path or a header, look nothing up.
    #[must_use]
    pub fn per_tenant(
        mut self,
        rate: Rate,
        tenant_of: impl Fn(&RequestHead<'_>) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.per_tenant = Some((rate, Arc::new(tenant_of)));
        self
    }

    /// Answers `503` with `Retry-After` at once when `deliveries` are already being handled (or written, for the
    /// inbox). Size it to what your handlers and database can take at once: a provider retries a `503`.
    #[must_use]
    pub const fn max_in_flight(mut self, deliveries: usize) -> Self {
        self.max_in_flight = Some(deliveries);
        self
    }

    /// Believes `header` on connections from `ranges` (your load balancers), and only there, for the source address
    /// limited per source: as [`AllowedSources::trust_proxies`](crate::tower::AllowedSources::trust_proxies) does.
    ///
    /// # Errors
    /// [`ConfigError::InvalidCidr`] for a range that does not parse.
    pub fn trust_proxies<R: AsRef<str>>(
        mut self,
        header: ProxyHeader,
        ranges: impl IntoIterator<Item = R>,
    ) -> Result<Self, ConfigError> {
        self.proxies = Proxies::new(header, ranges)?;
        Ok(self)
    }

    /// How many sources, and how many tenants, the limiters remember at most. Defaults to 100 000 (a few
    /// megabytes).
    #[must_use]
    pub const fn max_keys(mut self, keys: usize) -> Self {
        self.max_keys = keys;
        self
    }

    /// Checks the configuration and makes the limiters.
    pub(crate) fn prepare(self) -> Result<Gate, ConfigError> {
        if self.max_in_flight == Some(0) {
            return Err(ConfigError::InvalidLimits("at least one delivery must be allowed in flight"));
        }
        if self.max_keys == 0 {
            return Err(ConfigError::InvalidLimits("the limiters must remember at least one key"));
        }
        let per_source = match self.per_source {
            Some(rate) => Some(Keyed::new(rate.quota()?, self.max_keys)),
            None => None,
        };
        let per_tenant = match self.per_tenant {
            Some((rate, tenant_of)) => Some((Keyed::new(rate.quota()?, self.max_keys), tenant_of)),
            None => None,
        };
        Ok(Gate {
            per_source,
            per_tenant,
            in_flight: self.max_in_flight.map(|max| Arc::new(Semaphore::new(max))),
            proxies: self.proxies,
        })
    }
}

/// The prepared limits, as a receiver or an inbox keeps them.
pub(crate) struct Gate {
    per_source: Option<Keyed<IpAddr>>,
    per_tenant: Option<(Keyed<String>, TenantOf)>,
    in_flight: Option<Arc<Semaphore>>,
    proxies: Proxies,
}

/// What load shedding tells a provider to wait.
const OVERLOADED_RETRY_AFTER: Duration = Duration::from_secs(1);

impl Gate {
    /// Whether a per-tenant rate is set: its tenant function may read the route's path parameters.
    #[cfg(any(feature = "axum", feature = "actix-web"))]
    pub(crate) const fn reads_tenant(&self) -> bool {
        self.per_tenant.is_some()
    }

    /// Admits a request or refuses it: `429` over a rate, `503` over the in-flight bound. Reads only the head. The
    /// place taken under the in-flight bound, if any, is held until dropped.
    pub(crate) fn admit(&self, parts: &http::request::Parts) -> Result<Option<OwnedSemaphorePermit>, Error> {
        if let Some(per_source) = &self.per_source {
            let client = self.proxies.client(crate::source::peer(&parts.extensions), &parts.headers);
            per_source.check(client.map(host)).map_err(Error::rate_limited)?;
        }
        if let Some((per_tenant, tenant_of)) = &self.per_tenant
            && let Some(tenant) = tenant_of(&RequestHead::from_parts(parts))
        {
            per_tenant.check(Some(tenant)).map_err(Error::rate_limited)?;
        }
        match &self.in_flight {
            Some(in_flight) => match in_flight.clone().try_acquire_owned() {
                Ok(permit) => Ok(Some(permit)),
                Err(_) => Err(Error::overloaded(OVERLOADED_RETRY_AFTER)),
            },
            None => Ok(None),
        }
    }
}

/// What one host is usually given: an IPv4 address, or an IPv6 `/64`.
fn host(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & (u128::MAX << 64)).into()),
    }
}

/// A keyed limiter remembering at most `max_keys` keys: beyond that, once idle keys are forgotten, new keys share
/// the allowance of the key `None` (as do requests whose key is unknown).
struct Keyed<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<Option<K>>,
    max_keys: usize,
    /// When idle keys were last forgotten, in milliseconds from `created`.
    forgotten_at: AtomicU64,
    created: Instant,
}

impl<K: Hash + Eq + Clone> Keyed<K> {
    fn new(quota: Quota, max_keys: usize) -> Self {
        Self { limiter: RateLimiter::keyed(quota), max_keys, forgotten_at: AtomicU64::new(0), created: Instant::now() }
    }

    /// Counts a request for `key`: `Err` with the wait until the next would be admitted.
    fn check(&self, key: Option<K>) -> Result<(), Duration> {
        let key = if self.limiter.len() < self.max_keys {
            key
        } else {
            self.forget_idle();
            if self.limiter.len() < self.max_keys { key } else { None }
        };
        let clock = DefaultClock::default();
        self.limiter.check_key(&key).map_err(|not_until| not_until.wait_time_from(clock.now()))
    }

    /// Forgets the keys whose allowance is full again, at most once a second (it walks every key).
    fn forget_idle(&self) {
        let now = u64::try_from(self.created.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.forgotten_at.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= 1_000
            && self.forgotten_at.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
        {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(peer: &str, path: &str) -> http::request::Parts {
        let (mut parts, ()) = http::Request::post(path).body(()).unwrap().into_parts();
        parts.extensions.insert(std::net::SocketAddr::new(peer.parse().unwrap(), 4711));
        parts
    }

    #[test]
    fn a_source_over_its_rate_is_refused_with_the_wait_and_others_are_not() {
        let gate = Limits::new().per_source(Rate::per_minute(2)).prepare().unwrap();
        assert!(gate.admit(&parts("203.0.113.7", "/")).is_ok());
        assert!(gate.admit(&parts("203.0.113.7", "/")).is_ok());
        let refused = gate.admit(&parts("203.0.113.7", "/")).unwrap_err();
        assert_eq!(refused.status(), http::StatusCode::TOO_MANY_REQUESTS);
        let wait = refused.retry_after().unwrap();
        assert!(wait > Duration::from_secs(20) && wait <= Duration::from_secs(30), "{wait:?}");
        assert!(gate.admit(&parts("203.0.113.8", "/")).is_ok(), "another source has its own allowance");
        // One IPv6 host's /64 is one source, whatever address in it a request comes from.
        assert!(gate.admit(&parts("2001:db8::1", "/")).is_ok());
        assert!(gate.admit(&parts("2001:db8::2", "/")).is_ok());
        assert!(gate.admit(&parts("2001:db8::ffff:3", "/")).is_err());
        assert!(gate.admit(&parts("2001:db8:0:1::1", "/")).is_ok());
    }

    #[test]
    fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
        let gate = Limits::new()
            .per_source(Rate::per_minute(1))
            .trust_proxies(ProxyHeader::XForwardedFor, ["10.0.0.0/8"])
            .unwrap()
            .prepare()
            .unwrap();
        let forwarded = |peer: &str, client: &str| {
            let mut parts = parts(peer, "/");
            parts.headers.insert("x-forwarded-for", client.parse().unwrap());
            parts
        };
        assert!(gate.admit(&forwarded("10.0.0.1", "198.51.100.1")).is_ok());
        assert!(gate.admit(&forwarded("10.0.0.2", "198.51.100.2")).is_ok(), "two clients behind one proxy");
        assert!(gate.admit(&forwarded("10.0.0.3", "198.51.100.1")).is_err());
        // A client's own header changes nothing: it is limited by its connection's address.
        assert!(gate.admit(&forwarded("203.0.113.9", "198.51.100.3")).is_ok());
        assert!(gate.admit(&forwarded("203.0.113.9", "198.51.100.4")).is_err());
    }

    #[test]
    fn a_flood_of_new_keys_leaves_memory_bounded_and_shares_one_allowance() {
        let gate = Limits::new().per_source(Rate::per_minute(1)).max_keys(100).prepare().unwrap();
        let limiter = &gate.per_source.as_ref().unwrap().limiter;
        let mut refused = 0;
        for index in 0..10_000u32 {
            let address = std::net::Ipv4Addr::from(0xC000_0000 + index).to_string();
            refused += usize::from(gate.admit(&parts(&address, "/")).is_err());
        }
        assert!(limiter.len() <= 101, "{} keys remembered", limiter.len());
        assert!(refused >= 9_800, "past the bound, new sources share one allowance: {refused} refused");
    }

    #[test]
    fn a_tenant_over_its_rate_is_refused_and_in_flight_deliveries_are_bounded() {
        let gate = Limits::new()
            .per_tenant(Rate::per_minute(1), |head| head.uri()?.path().strip_prefix("/hooks/").map(str::to_owned))
            .max_in_flight(2)
            .prepare()
            .unwrap();
        let first = gate.admit(&parts("203.0.113.7", "/hooks/acme")).unwrap();
        assert_eq!(gate.admit(&parts("203.0.113.7", "/hooks/acme")).unwrap_err().kind(), crate::ErrorKind::RateLimited);
        let second = gate.admit(&parts("203.0.113.7", "/hooks/globex")).unwrap();
        let shed = gate.admit(&parts("203.0.113.7", "/plain")).unwrap_err();
        assert_eq!(
            (shed.status(), shed.retry_after()),
            (http::StatusCode::SERVICE_UNAVAILABLE, Some(Duration::from_secs(1)))
        );
        drop((first, second));
        assert!(gate.admit(&parts("203.0.113.7", "/plain")).is_ok(), "a finished delivery frees its place");
    }

    #[test]
    fn limits_that_admit_nothing_are_refused_at_build() {
        for limits in [
            Limits::new().per_source(Rate::per_second(0)),
            Limits::new().per_source(Rate::per_second(5).burst(0)),
            Limits::new().max_in_flight(0),
            Limits::new().max_keys(0),
        ] {
            assert!(matches!(limits.prepare(), Err(ConfigError::InvalidLimits(_))));
        }
    }
}

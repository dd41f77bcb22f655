//! Source addresses: a tower layer that admits only requests from configured CIDR ranges, before the body is read.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderMap, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use crate::error::{ConfigError, Error};

/// One CIDR range, such as `192.30.252.0/22` or `2606:50c0::/32`; a bare address is its own `/32` or `/128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `address` is inside the range. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) counts as its IPv4
    /// address.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = ConfigError;

    /// Parses `address/prefix`, the address as `std` parses it and the prefix at most 32 (IPv4) or 128 (IPv6).
    fn from_str(text: &str) -> Result<Self, ConfigError> {
        let invalid = || ConfigError::InvalidCidr { range: text.to_owned() };
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network = IpAddr::from_str(address).map_err(|_| invalid())?.to_canonical();
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(digits) => {
                // Canonical digits only: `+8` or `08` is a typo, not a range.
                let canonical = digits == "0"
                    || (!digits.starts_with('0') && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
                if !canonical {
                    return Err(invalid());
                }
                digits.parse::<u8>().ok().filter(|&prefix| prefix <= bits).ok_or_else(invalid)?
            }
            None => bits,
        };
        Ok(Self { network, prefix })
    }
}

/// The source addresses a webhook route admits, and the proxies whose forwarding headers are believed.
///
/// Ship no provider's ranges in code (they change): load them from the provider, as GitHub publishes its `hooks`
/// ranges at `https://api.github.com/meta`, and refresh them when you redeploy.
///
/// ```
/// use hooksafe::tower::{AllowedSources, ProxyHeader};
///
/// #[derive(serde::Deserialize)]
/// struct GitHubMeta { hooks: Vec<String> }
///
/// // What `curl https://api.github.com/meta` returns, saved with your configuration.
/// let meta: GitHubMeta = serde_json::from_str(r#"{"hooks":["192.30.252.0/22","185.199.108.0/22","140.82.112.0/20","143.55.64.0/20","2a0a:a440::/29","2606:50c0::/32"]}"#)?;
/// let sources = AllowedSources::new(&meta.hooks)?.trust_proxies(ProxyHeader::XForwardedFor, ["10.0.0.0/8"])?;
/// assert!(sources.admits("140.82.115.7".parse()?));
/// let layer = sources.layer(); // put it in front of the WebhookLayer
/// # let _ = layer;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct AllowedSources {
    allowed: Vec<Cidr>,
    proxies: Proxies,
}

/// The proxies whose forwarding header is believed, and that header: how the client's address is found.
#[derive(Debug, Clone)]
pub(crate) struct Proxies {
    ranges: Vec<Cidr>,
    /// The one header the trusted proxies write; no other is read.
    header: ProxyHeader,
}

/// The header your proxies write the client's address into: the only one [`AllowedSources`] reads. Name the one
/// your proxy appends to; a header it passes through untouched is the client's to choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxyHeader {
    /// `X-Forwarded-For` (nginx's `$proxy_add_x_forwarded_for`, AWS ALB, Google Cloud load balancers, Heroku).
    XForwardedFor,
    /// RFC 7239 `Forwarded`, its `for=` parameters (Envoy with `forwarded` enabled, HAProxy's `option forwarded`).
    Forwarded,
}

impl AllowedSources {
    /// Admits the addresses in `ranges` (CIDR notation; a bare address is one host).
    ///
    /// # Errors
    /// [`ConfigError::InvalidCidr`] for a range that does not parse; [`ConfigError::NoSourceRanges`] for none.
    pub fn new<R: AsRef<str>>(ranges: impl IntoIterator<Item = R>) -> Result<Self, ConfigError> {
        let allowed = parse_all(ranges)?;
        if allowed.is_empty() {
            return Err(ConfigError::NoSourceRanges);
        }
        Ok(Self { allowed, proxies: Proxies::none() })
    }

    /// Believes `header`, and no other forwarding header, on connections from `ranges` (your load balancers), and
    /// only theirs: the client is the last address in it that is not itself one of these proxies. A connection from
    /// anywhere else is judged by its own address, whatever headers it sends. Name the header your proxy writes: a
    /// proxy that appends to `X-Forwarded-For` passes a client's own `Forwarded` header through, so reading that
    /// one would let the client choose the address that is checked.
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

    /// Whether a client at `address` is admitted.
    pub fn admits(&self, address: IpAddr) -> bool {
        self.allowed.iter().any(|range| range.contains(address))
    }

    /// The layer.
    pub fn layer(self) -> SourceAddressLayer {
        SourceAddressLayer { sources: Arc::new(self) }
    }

    /// The client's address: see [`Proxies::client`].
    fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        self.proxies.client(peer, headers)
    }
}

impl Proxies {
    /// No proxy: each connection's own address is the client's.
    pub(crate) const fn none() -> Self {
        Self { ranges: Vec::new(), header: ProxyHeader::XForwardedFor }
    }

    /// Believes `header` on connections from `ranges`.
    pub(crate) fn new<R: AsRef<str>>(
        header: ProxyHeader,
        ranges: impl IntoIterator<Item = R>,
    ) -> Result<Self, ConfigError> {
        Ok(Self { ranges: parse_all(ranges)?, header })
    }

    /// The client's address: the connection's, or behind a trusted proxy the forwarded one; `None` when the
    /// connection's address is unknown or a trusted proxy forwarded an address that does not parse.
    pub(crate) fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?.to_canonical();
        if !self.is_proxy(peer) {
            return Some(peer);
        }
        let Some(forwarded) = forwarded_chain(headers, self.header) else { return Some(peer) };
        // From the nearest hop back: the first address that is not one of our proxies is the client.
        let mut client = peer;
        for hop in forwarded.iter().rev() {
            client = (*hop)?;
            if !self.is_proxy(client) {
                break;
            }
        }
        Some(client)
    }

    fn is_proxy(&self, address: IpAddr) -> bool {
        self.ranges.iter().any(|range| range.contains(address))
    }
}

fn parse_all<R: AsRef<str>>(ranges: impl IntoIterator<Item = R>) -> Result<Vec<Cidr>, ConfigError> {
    ranges.into_iter().map(|range| range.as_ref().trim().parse()).collect()
}

/// The addresses a proxy forwarded in `header`, oldest first; `None` when it is not sent. An element that is not an
/// address (`unknown`, an obfuscated name) is `None` in the list.
fn forwarded_chain(headers: &HeaderMap, header: ProxyHeader) -> Option<Vec<Option<IpAddr>>> {
    let name = match header {
        ProxyHeader::Forwarded => http::header::FORWARDED,
        ProxyHeader::XForwardedFor => http::HeaderName::from_static("x-forwarded-for"),
    };
    // A line that is not text makes the whole chain unreadable, so the request is refused rather than judged by
    // the lines around it.
    let Ok(lines) = headers.get_all(&name).iter().map(|value| value.to_str()).collect::<Result<Vec<_>, _>>() else {
        return Some(vec![None]);
    };
    let hops: Vec<Option<IpAddr>> = match header {
        ProxyHeader::Forwarded => {
            let fors = lines.iter().flat_map(|line| line.split(',')).map(|hop| {
                hop.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.eq_ignore_ascii_case("for").then(|| node(value.trim().trim_matches('"')))?
                })
            });
            fors.collect()
        }
        ProxyHeader::XForwardedFor => {
            lines.iter().flat_map(|line| line.split(',')).map(|hop| node(hop.trim())).collect()
        }
    };
    (!hops.is_empty()).then_some(hops)
}

/// An address as a forwarding header writes it: bare, `[v6]`, or with a port (`192.0.2.1:4711`, `[2001:db8::1]:80`).
fn node(text: &str) -> Option<IpAddr> {
    if let Ok(address) = IpAddr::from_str(text) {
        return Some(address.to_canonical());
    }
    if let Ok(socket) = SocketAddr::from_str(text) {
        return Some(socket.ip().to_canonical());
    }
    let bracketed = text.strip_prefix('[')?.strip_suffix(']')?;
    IpAddr::from_str(bracketed).ok().map(|address| address.to_canonical())
}

/// The layer of [`AllowedSources::layer`]: answers `403` to a request from anywhere else, before the body is read or
/// the inner service is called.
///
/// The connection's address is read from the request's extensions: axum's `ConnectInfo<SocketAddr>` (serve with
/// `into_make_service_with_connect_info::<SocketAddr>()`), or a `SocketAddr` your server inserts. A request without
/// one is refused too, with a warning, so a missing connection address never admits everything.
#[derive(Debug, Clone)]
pub struct SourceAddressLayer {
    sources: Arc<AllowedSources>,
}

impl<I> Layer<I> for SourceAddressLayer {
    type Service = SourceAddressService<I>;

    fn layer(&self, inner: I) -> Self::Service {
        SourceAddressService { inner, sources: self.sources.clone() }
    }
}

/// The service made by [`SourceAddressLayer`].
#[derive(Debug, Clone)]
pub struct SourceAddressService<I> {
    inner: I,
    sources: Arc<AllowedSources>,
}

/// The connection's address, as the server put it in the request's extensions: axum's `ConnectInfo<SocketAddr>`, or
/// a `SocketAddr` (which the actix-web adapter inserts).
pub(crate) fn peer(extensions: &http::Extensions) -> Option<IpAddr> {
    #[cfg(feature = "axum")]
    if let Some(axum::extract::ConnectInfo(address)) = extensions.get::<axum::extract::ConnectInfo<SocketAddr>>() {
        return Some(address.ip());
    }
    extensions.get::<SocketAddr>().map(SocketAddr::ip)
}

impl<I, ReqBody, ResBody> Service<Request<ReqBody>> for SourceAddressService<I>
where
    I: Service<Request<ReqBody>, Response = Response<ResBody>>,
    I::Future: Send + 'static,
    I::Error: Send + 'static,
    ResBody: From<&'static str> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = I::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<ResBody>, I::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let peer = peer(request.extensions());
        if peer.is_none() {
            crate::log::warning!("no connection address in the request's extensions: the source filter refuses it");
        }
        match self.sources.client(peer, request.headers()) {
            Some(client) if self.sources.admits(client) => Box::pin(self.inner.call(request)),
            client => {
                #[cfg(feature = "tracing")]
                tracing::warn!(client = ?client, peer = ?peer, "hooksafe: request from a source address not allowed");
                #[cfg(not(feature = "tracing"))]
                let _ = client;
                let response = Error::source_not_allowed().to_response::<ResBody>();
                Box::pin(std::future::ready(Ok(response)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_strictly_and_contain_what_they_should() {
        let range: Cidr = "192.30.252.0/22".parse().unwrap();
        assert!(range.contains("192.30.255.254".parse().unwrap()));
        assert!(!range.contains("192.31.0.0".parse().unwrap()));
        assert!(range.contains("::ffff:192.30.253.1".parse().unwrap()), "an IPv4-mapped address");
        let v6: Cidr = "2606:50c0::/32".parse().unwrap();
        assert!(v6.contains("2606:50c0:8000::154".parse().unwrap()));
        assert!(!v6.contains("2606:50c1::1".parse().unwrap()));
        assert!(!v6.contains("192.30.252.1".parse().unwrap()));
        let everything: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(everything.contains("203.0.113.9".parse().unwrap()));
        let host: Cidr = "203.0.113.9".parse().unwrap();
        assert!(host.contains("203.0.113.9".parse().unwrap()) && !host.contains("203.0.113.10".parse().unwrap()));
        for bad in [
            "192.30.252.0/33",
            "2606::/129",
            "192.30.252/22",
            "192.30.252.0/",
            "192.30.252.0/+8",
            "10.0.0.0/08",
            "x/8",
            "",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarding_headers_are_believed_only_from_trusted_proxies() {
        let allowed = AllowedSources::new(["192.30.252.0/22"]).unwrap();
        let sources = allowed.clone().trust_proxies(ProxyHeader::XForwardedFor, ["10.0.0.0/8"]).unwrap();
        let by_forwarded = allowed.trust_proxies(ProxyHeader::Forwarded, ["10.0.0.0/8"]).unwrap();
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.append(*name, value.parse().unwrap());
            }
            map
        };
        let proxy = Some("10.1.2.3".parse().unwrap());
        let outsider = Some("198.51.100.7".parse().unwrap());
        let xff = headers(&[("x-forwarded-for", "192.30.252.9, 10.9.9.9")]);
        assert_eq!(sources.client(proxy, &xff), Some("192.30.252.9".parse().unwrap()));
        // The same header from anyone else is ignored: the connection's own address decides.
        assert_eq!(sources.client(outsider, &xff), outsider);
        // A client cannot prepend an allowed address: only the hops our proxies added count.
        let spoofed = headers(&[("x-forwarded-for", "192.30.252.9, 198.51.100.7")]);
        assert_eq!(sources.client(proxy, &spoofed), Some("198.51.100.7".parse().unwrap()));
        let forwarded = headers(&[("forwarded", r#"for="[2001:db8::1]:4711", for=192.30.252.10;proto=https"#)]);
        assert_eq!(by_forwarded.client(proxy, &forwarded), Some("192.30.252.10".parse().unwrap()));
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(by_forwarded.client(proxy, &unknown), None);
        // Only the named header is read: behind an X-Forwarded-For proxy, the client's own `Forwarded` is ignored.
        let both = headers(&[("forwarded", "for=192.30.252.10"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(sources.client(proxy, &both), Some("198.51.100.7".parse().unwrap()));
        assert_eq!(by_forwarded.client(proxy, &both), Some("192.30.252.10".parse().unwrap()));
        // A line that is not text refuses the request, rather than leaving an earlier, client-written line last.
        let mut garbled = headers(&[("x-forwarded-for", "192.30.252.9")]);
        garbled.append("x-forwarded-for", http::HeaderValue::from_bytes(b"10.9.9.9, \xff").unwrap());
        assert_eq!(sources.client(proxy, &garbled), None);
        assert_eq!(sources.client(proxy, &HeaderMap::new()), proxy, "no header: the proxy itself");
        assert_eq!(sources.client(None, &xff), None);
    }
}

//! A certificate URL a request names (PayPal's `PAYPAL-CERT-URL`), checked against the provider's allow-list before
//! anything is fetched: attacker input made safe to hand to a certificate source.

use http::HeaderName;

use crate::error::Error;

/// The header PayPal names its certificate in.
pub(crate) static CERT_URL: HeaderName = HeaderName::from_static("paypal-cert-url");

/// The hosts PayPal serves its webhook certificates from.
const LIVE_HOSTS: [&str; 2] = ["api.paypal.com", "api-m.paypal.com"];
/// The sandbox's, accepted only when the verifier is configured for the sandbox.
const SANDBOX_HOSTS: [&str; 2] = ["api.sandbox.paypal.com", "api-m.sandbox.paypal.com"];
/// The path every certificate URL starts with.
const CERT_PATH: &str = "/v1/notifications/certs/";
/// The longest certificate name accepted (PayPal's are about 40 characters).
const MAX_CERT_NAME: usize = 128;

/// A `PAYPAL-CERT-URL` that passed the allow-list: `https`, on `api.paypal.com` or `api-m.paypal.com` (or their
/// `sandbox` hosts, when the verifier is configured for the sandbox), no user, port, query or fragment, and a path of
/// `/v1/notifications/certs/` followed by one name of letters, digits and `-`. It is attacker input made safe to
/// fetch: a [`CertificateSource`](crate::paypal::CertificateSource) is only ever given one of these.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificateUrl {
    url: Box<str>,
    sandbox: bool,
}

impl CertificateUrl {
    /// Checks `url` against the allow-list; `sandbox` admits the sandbox hosts too.
    ///
    /// # Errors
    /// [`ErrorKind::MalformedHeader`](crate::ErrorKind::MalformedHeader) for `PAYPAL-CERT-URL`, saying what is wrong.
    pub fn parse(url: &str, sandbox: bool) -> Result<Self, Error> {
        let malformed = |why| Error::malformed(CERT_URL.clone(), why);
        let rest = url.strip_prefix("https://").ok_or_else(|| malformed("is not an `https://` URL"))?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let on_sandbox = SANDBOX_HOSTS.contains(&host);
        let allowed = LIVE_HOSTS.contains(&host) || (sandbox && on_sandbox);
        if !allowed {
            return Err(malformed(if on_sandbox {
                "is on PayPal's sandbox, which this verifier is not configured for"
            } else {
                "is not on PayPal's certificate hosts"
            }));
        }
        let name = path.strip_prefix(CERT_PATH).ok_or_else(|| malformed("is not under `/v1/notifications/certs/`"))?;
        let well_formed = (1..=MAX_CERT_NAME).contains(&name.len())
            && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
        if !well_formed {
            return Err(malformed("does not name one certificate"));
        }
        Ok(Self { url: url.into(), sandbox: on_sandbox })
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The certificate's name, the URL's last segment (`CERT-360caa42-…`).
    pub fn name(&self) -> &str {
        self.url.rsplit('/').next().unwrap_or_default()
    }

    /// Whether it is on a sandbox host.
    pub const fn is_sandbox(&self) -> bool {
        self.sandbox
    }
}

impl std::fmt::Display for CertificateUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.url)
    }
}

#[cfg(test)]
mod tests {
    use super::CertificateUrl;

    #[test]
    fn only_paypal_certificate_urls_pass() {
        let ok = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270";
        assert_eq!(CertificateUrl::parse(ok, false).unwrap().name(), "CERT-360caa42-fca2a594-1d93a270");
        assert!(CertificateUrl::parse("https://api-m.paypal.com/v1/notifications/certs/CERT-1", false).is_ok());
        let sandbox = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1";
        assert!(CertificateUrl::parse(sandbox, false).is_err());
        assert!(CertificateUrl::parse(sandbox, true).unwrap().is_sandbox());
        for bad in [
            "http://api.paypal.com/v1/notifications/certs/CERT-1",
            "https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1",
            "https://evil.example/v1/notifications/certs/CERT-1",
            "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",
            "https://user@api.paypal.com/v1/notifications/certs/CERT-1",
            "https://api.paypal.com/v1/notifications/certs/",
            "https://api.paypal.com/v1/notifications/certs/CERT-1?x=1",
            "https://api.paypal.com/v1/notifications/certs/CERT-1#x",
            "https://api.paypal.com/v1/notifications/certs/../../oauth2/token",
            "https://api.paypal.com/v1/notifications/certs/a/b",
            "https://API.PAYPAL.COM/v1/notifications/certs/CERT-1",
            "https://api.paypal.com/v2/notifications/certs/CERT-1",
        ] {
            assert!(CertificateUrl::parse(bad, true).is_err(), "{bad}");
        }
    }
}

//! [`Verifier`]: the policy (secrets, tolerance, body cap), checked once at build, applied to every request.

use http::{HeaderMap, Request};
use subtle::Choice;
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

use crate::error::{ConfigError, Detail, Error, ErrorKind};
use crate::scheme::{Candidates, Message, Scheme};
use crate::secret::Key;
use crate::verified::Verified;

/// The most secrets one verifier holds. Rotation needs two; a few more cover several overlapping rollovers.
pub const MAX_SECRETS: usize = 8;

/// The default replay tolerance, in each direction: 300 seconds, as Standard Webhooks, Stripe and Slack specify.
pub const DEFAULT_TOLERANCE: Duration = Duration::seconds(300);

/// The last second `time` represents (9999-12-31 23:59:59 UTC); later timestamps are invalid, not merely stale,
/// since [`Verified::timestamp`] could not express them.
const LATEST_TIMESTAMP: i64 = time::PrimitiveDateTime::MAX.assume_utc().unix_timestamp();

/// Verifies webhook deliveries of one scheme against one or more secrets.
///
/// Build it once at start-up with [`Verifier::builder`] and share it (it is `Send + Sync`; wrap it in an `Arc` or
/// keep it in your application state). Each request is checked in this order: body size, headers, timestamp window,
/// signature. Nothing is allocated on a successful verification.
///
/// ```
/// use hooksafe::{Scheme, Verifier, sign::Signer};
///
/// let verifier = Verifier::builder(Scheme::Stripe).secret("whsec_test").build()?;
///
/// // What Stripe would send (see `hooksafe::sign` for testing your own handlers).
/// let body = br#"{"id":"evt_1","type":"invoice.paid"}"#;
/// let now = time::OffsetDateTime::now_utc();
/// let headers = Signer::new(Scheme::Stripe, "whsec_test")?.headers("evt_1", now, body)?;
///
/// let verified = verifier.verify(&headers, body)?;
/// assert_eq!(verified.id(), Some("evt_1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    scheme: Scheme,
    keys: Box<[Key]>,
    window: Option<Window>,
    max_body_size: usize,
}

/// How far a timestamp may be from now, in whole seconds, each bound inclusive.
#[derive(Debug, Clone, Copy)]
struct Window {
    past: i64,
    future: i64,
}

impl Verifier {
    /// Starts configuring a verifier for `scheme`.
    pub fn builder(scheme: Scheme) -> VerifierBuilder {
        VerifierBuilder {
            max_body_size: scheme.default_max_body_size(),
            scheme,
            secrets: Vec::new(),
            past: DEFAULT_TOLERANCE,
            future: DEFAULT_TOLERANCE,
            check_timestamp: true,
        }
    }

    /// The scheme this verifier checks.
    pub const fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// How far apart a timestamp and the clock may be in all (past plus future tolerance), or `None` when the
    /// scheme signs no timestamp or the check is skipped. A dedup record must outlive it.
    pub fn replay_window(&self) -> Option<Duration> {
        let window = self.window.filter(|_| self.scheme.has_timestamp())?;
        Some(Duration::seconds(window.past) + Duration::seconds(window.future))
    }

    /// A value that identifies the first secret without revealing it, for namespacing dedup records.
    pub(crate) fn fingerprint(&self) -> [u8; 32] {
        self.keys[0].fingerprint()
    }

    /// The largest body accepted, in bytes.
    pub const fn max_body_size(&self) -> usize {
        self.max_body_size
    }

    /// The checks an adapter makes on the request head before it buffers the body: a declared `Content-Length`
    /// over [`max_body_size`](Self::max_body_size), or a `Content-Encoding` other than `identity`.
    ///
    /// # Errors
    /// [`ErrorKind::PayloadTooLarge`] or [`ErrorKind::UnsupportedEncoding`].
    pub fn check_head(&self, headers: &HeaderMap) -> Result<(), Error> {
        let declared =
            headers.get(http::header::CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > self.max_body_size as u64) {
            return Err(Error::too_large(self.max_body_size));
        }
        let encoded = headers
            .get_all(http::header::CONTENT_ENCODING)
            .iter()
            .any(|value| !value.as_bytes().eq_ignore_ascii_case(b"identity"));
        if encoded {
            return Err(Error::new(
                ErrorKind::UnsupportedEncoding,
                Some(http::header::CONTENT_ENCODING),
                Detail::Text(
                    "is not `identity`: decompress in a layer in front, or have the provider send plain bodies",
                ),
            ));
        }
        Ok(())
    }

    /// Verifies a delivery against the system clock. See [`verify_at`](Self::verify_at).
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at).
    pub fn verify<'a>(&self, headers: &'a HeaderMap, body: &'a [u8]) -> Result<Verified<'a>, Error> {
        self.verify_with(headers, body, unix_now)
    }

    /// Verifies a delivery (its headers and the raw body exactly as received) as of `now`.
    ///
    /// # Errors
    /// - [`ErrorKind::PayloadTooLarge`] when the body is over [`max_body_size`](Self::max_body_size);
    /// - [`ErrorKind::MissingHeader`] or [`ErrorKind::MalformedHeader`] when a header the scheme needs is absent,
    ///   empty, repeated, or not in the scheme's format;
    /// - [`ErrorKind::InvalidTimestamp`] when the timestamp is not canonical unix seconds;
    /// - [`ErrorKind::TimestampTooOld`] or [`ErrorKind::TimestampTooNew`] when it is outside the window;
    /// - [`ErrorKind::InvalidSignature`] when no signature matches any secret.
    pub fn verify_at<'a>(
        &self,
        headers: &'a HeaderMap,
        body: &'a [u8],
        now: OffsetDateTime,
    ) -> Result<Verified<'a>, Error> {
        self.verify_with(headers, body, || now.unix_timestamp())
    }

    /// Verifies an `http::Request` whose body is already buffered, such as the one `lambda_http` and other
    /// serverless runtimes hand to a handler, against the system clock.
    ///
    /// # Errors
    /// As [`verify_at`](Self::verify_at).
    pub fn verify_request<'a, B: AsRef<[u8]>>(&self, request: &'a Request<B>) -> Result<Verified<'a>, Error> {
        self.verify(request.headers(), request.body().as_ref())
    }

    /// The one verification path; `clock` (unix seconds) is read only for schemes with a timestamp.
    fn verify_with<'a>(
        &self,
        headers: &'a HeaderMap,
        body: &'a [u8],
        clock: impl FnOnce() -> i64,
    ) -> Result<Verified<'a>, Error> {
        if body.len() > self.max_body_size {
            return Err(Error::too_large(self.max_body_size));
        }
        let mut tags = Candidates::new();
        let parsed = self.scheme.parse(headers, &mut tags)?;
        let timestamp = match (parsed.timestamp, parsed.timestamp_header) {
            (Some((_, seconds)), Some(header)) => {
                if let Some(window) = self.window {
                    window.check(seconds, clock(), header)?;
                }
                if seconds > LATEST_TIMESTAMP {
                    return Err(Error::invalid_timestamp(header.clone()));
                }
                Some(seconds)
            }
            _ => None,
        };
        let message = Message { id: parsed.id, timestamp: parsed.timestamp.map(|(digits, _)| digits), body };
        let malformed = || {
            Error::invalid_signature(
                parsed.signature_header.clone(),
                "carries no well-formed signature of the version this scheme accepts",
            )
        };
        if tags.is_empty() {
            return Err(malformed());
        }
        // Candidates are decoded as they are compared: no array of decoded tags is filled on every request.
        let encoding = self.scheme.tag_encoding();
        let (mut matched, mut well_formed) = (Choice::from(0), false);
        for key in &self.keys {
            let expected = key.sign(&self.scheme, &message);
            for text in tags.iter() {
                if let Some(same) = expected.matches_text(text, encoding) {
                    well_formed = true;
                    matched |= same;
                }
            }
        }
        if !well_formed {
            return Err(malformed());
        }
        if !bool::from(matched) {
            return Err(Error::invalid_signature(parsed.signature_header.clone(), "matches no configured secret"));
        }
        Ok(Verified::new(body, self.scheme.id_source(parsed.id), timestamp))
    }
}

/// The system clock in unix seconds, read without building a calendar date only to take it apart again.
fn unix_now() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        // A clock set before 1970: whole seconds rounded down, as `OffsetDateTime::unix_timestamp` gives them.
        Err(before) => {
            let before = before.duration();
            let seconds = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            -seconds - i64::from(before.subsec_nanos() > 0)
        }
    }
}

impl Window {
    /// Accepts `timestamp` when it is at most `past` seconds before `now` and at most `future` seconds after it.
    /// Computed in `i128`, so no input overflows.
    fn check(self, timestamp: i64, now: i64, header: &http::HeaderName) -> Result<(), Error> {
        let age = i128::from(now) - i128::from(timestamp);
        let (kind, off_by, tolerance) = if age > i128::from(self.past) {
            (ErrorKind::TimestampTooOld, age, self.past)
        } else if -age > i128::from(self.future) {
            (ErrorKind::TimestampTooNew, -age, self.future)
        } else {
            return Ok(());
        };
        let seconds = u64::try_from(off_by).unwrap_or(u64::MAX);
        let tolerance = u64::try_from(tolerance).unwrap_or(u64::MAX);
        Err(Error::new(kind, Some(header.clone()), Detail::Skew { seconds, tolerance }))
    }
}

/// Configures a [`Verifier`]. Every mistake is reported by [`build`](Self::build), never at request time.
///
/// Defaults: a tolerance of 300 s in both directions ([`DEFAULT_TOLERANCE`]), and the scheme's
/// [`default_max_body_size`](Scheme::default_max_body_size) (25 MiB for GitHub, 5 MiB otherwise).
pub struct VerifierBuilder {
    scheme: Scheme,
    secrets: Vec<Zeroizing<String>>,
    past: Duration,
    future: Duration,
    max_body_size: usize,
    check_timestamp: bool,
}

impl std::fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("scheme", &self.scheme)
            .field("secrets", &format_args!("[{} redacted]", self.secrets.len()))
            .field("past", &self.past)
            .field("future", &self.future)
            .field("max_body_size", &self.max_body_size)
            .field("check_timestamp", &self.check_timestamp)
            .finish()
    }
}

impl VerifierBuilder {
    /// Adds a secret, exactly as the provider's dashboard shows it (Standard Webhooks and Svix: `whsec_` + base64,
    /// the prefix optional; Stripe: the whole `whsec_…` string; others: the text as given). Call it again for each
    /// secret during a rotation: a delivery signed by any of them is accepted.
    #[must_use]
    pub fn secret(mut self, secret: impl AsRef<str>) -> Self {
        self.secrets.push(Zeroizing::new(secret.as_ref().to_owned()));
        self
    }

    /// How far the timestamp may be from now in either direction. Defaults to 300 s. Counted in whole seconds.
    #[must_use]
    pub const fn tolerance(mut self, tolerance: Duration) -> Self {
        self.past = tolerance;
        self.future = tolerance;
        self
    }

    /// How far in the past the timestamp may be (a late delivery or a replay). Defaults to 300 s.
    #[must_use]
    pub const fn past_tolerance(mut self, tolerance: Duration) -> Self {
        self.past = tolerance;
        self
    }

    /// How far in the future the timestamp may be (clock skew). Defaults to 300 s.
    #[must_use]
    pub const fn future_tolerance(mut self, tolerance: Duration) -> Self {
        self.future = tolerance;
        self
    }

    /// The largest body accepted, in bytes; larger bodies are [`ErrorKind::PayloadTooLarge`].
    #[must_use]
    pub const fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// **Dangerous:** accepts any timestamp, however old, so a captured delivery can be replayed forever. Only for
    /// re-verifying stored deliveries, never for a live endpoint.
    #[must_use]
    pub const fn dangerous_skip_timestamp_check(mut self) -> Self {
        self.check_timestamp = false;
        self
    }

    /// Checks the configuration and keys every secret.
    ///
    /// # Errors
    /// [`ConfigError`] when there is no secret or too many, a secret is empty, has surrounding white space, does
    /// not decode or is too short for the scheme; a tolerance is under one second; the body cap is zero; or a
    /// custom scheme is inconsistent.
    pub fn build(self) -> Result<Verifier, ConfigError> {
        if let Scheme::Custom(custom) = &self.scheme {
            custom.validate()?;
        }
        if self.secrets.is_empty() {
            return Err(ConfigError::NoSecret);
        }
        if self.secrets.len() > MAX_SECRETS {
            return Err(ConfigError::TooManySecrets { count: self.secrets.len(), max: MAX_SECRETS });
        }
        let keys = self
            .secrets
            .iter()
            .enumerate()
            .map(|(index, secret)| Key::new(&self.scheme, secret, index + 1))
            .collect::<Result<Box<[Key]>, _>>()?;
        let whole_seconds = |duration: Duration, which| match duration.whole_seconds() {
            seconds if seconds >= 1 => Ok(seconds),
            _ => Err(ConfigError::InvalidTolerance { which }),
        };
        let window = Window { past: whole_seconds(self.past, "past")?, future: whole_seconds(self.future, "future")? };
        if self.max_body_size == 0 {
            return Err(ConfigError::InvalidMaxBodySize);
        }
        Ok(Verifier {
            scheme: self.scheme,
            keys,
            window: self.check_timestamp.then_some(window),
            max_body_size: self.max_body_size,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Window;
    use crate::ErrorKind;

    /// The window written the other way round: the accepted interval `[now - past, now + future]`, in `i128`.
    fn model(timestamp: i64, now: i64, past: i64, future: i64) -> Option<ErrorKind> {
        let (timestamp, now) = (i128::from(timestamp), i128::from(now));
        if timestamp < now - i128::from(past) {
            Some(ErrorKind::TimestampTooOld)
        } else if timestamp > now + i128::from(future) {
            Some(ErrorKind::TimestampTooNew)
        } else {
            None
        }
    }

    fn decide(timestamp: i64, now: i64, past: i64, future: i64) -> Option<ErrorKind> {
        let header = http::HeaderName::from_static("webhook-timestamp");
        Window { past, future }.check(timestamp, now, &header).err().map(|error| error.kind())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn the_window_decision_matches_the_interval_model(
            timestamp in any::<i64>(),
            now in any::<i64>(),
            past in 1..=i64::MAX,
            future in 1..=i64::MAX,
        ) {
            prop_assert_eq!(decide(timestamp, now, past, future), model(timestamp, now, past, future));
        }

        #[test]
        fn the_window_decision_matches_the_model_near_its_edges(
            now in any::<i64>(),
            past in 1i64..=1_000_000,
            future in 1i64..=1_000_000,
            offset in -2i64..=2,
            past_edge in any::<bool>(),
        ) {
            let edge = if past_edge { i128::from(now) - i128::from(past) } else { i128::from(now) + i128::from(future) };
            let Ok(timestamp) = i64::try_from(edge + i128::from(offset)) else { return Ok(()) };
            prop_assert_eq!(decide(timestamp, now, past, future), model(timestamp, now, past, future));
        }
    }

    #[test]
    fn the_system_clock_reads_as_time_does() {
        let before = time::OffsetDateTime::now_utc().unix_timestamp();
        let ours = super::unix_now();
        let after = time::OffsetDateTime::now_utc().unix_timestamp();
        assert!((before..=after).contains(&ours));
    }

    #[test]
    fn the_extremes_decide_without_overflow() {
        for (timestamp, now) in [(i64::MIN, i64::MAX), (i64::MAX, i64::MIN), (i64::MIN, i64::MIN), (i64::MAX, i64::MAX)]
        {
            for (past, future) in [(1, 1), (i64::MAX, i64::MAX), (1, i64::MAX), (i64::MAX, 1)] {
                assert_eq!(decide(timestamp, now, past, future), model(timestamp, now, past, future));
            }
        }
    }
}

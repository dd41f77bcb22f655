//! What the crate reports about each delivery: a `tracing` span and events (feature `tracing`), and metrics through
//! the `metrics` facade (feature `metrics`). Without either feature every call here compiles to nothing.
//!
//! Metrics, each labelled with the scheme's name (`scheme`):
//! - `hooksafe_deliveries_total` (counter), also by `outcome`: `processed` (the handler answered `2xx`), `failed`
//!   (another status: released for the retry), `panicked`, `timed_out`, `handshake`, `duplicate`, `in_progress`,
//!   `store_unavailable`, `keys_unavailable`, `rate_limited`, `overloaded` (feature `limits`), `stored` (written to
//!   the [`Inbox`](crate::inbox::Inbox), for a worker), or `rejected` with the `reason` (the [`ErrorKind`]'s text);
//! - `hooksafe_verification_seconds` and `hooksafe_handler_seconds` (histograms);
//! - `hooksafe_claims_in_flight` (gauge): claims taken and not yet completed or released;
//! - `hooksafe_unverified_total` (counter), by `reason`: deliveries a
//!   [report-only](crate::VerifierBuilder::report_only) verifier let through unverified (also warned); once their
//!   handler ends they are counted in `hooksafe_deliveries_total` as the outcome `unverified`, never `processed`;
//! - `hooksafe_report_only_key_matches_total` (counter), by `key` (its id): deliveries a
//!   [key on trial](crate::Secret::report_only) would have matched.
//!
//! The span is `hooksafe_delivery`, with `scheme`, then `id`, `key_id`, `tenant`, `event_type`, `verify_us` and
//! `store_us` once verified (for the inbox, `store_us` is the time to commit the delivery), and `outcome` and
//! `handler_us` at the end. Nothing here ever records a secret, a MAC or a body.

// What is used depends on the features: the adapters drive the observer, and only `tracing` or `metrics` give its
// arguments somewhere to go.
#![cfg_attr(
    not(all(
        feature = "tracing",
        feature = "metrics",
        feature = "postgres",
        any(feature = "tower", feature = "actix-web")
    )),
    allow(dead_code, unused_variables)
)]

use std::time::Duration;

use crate::error::{Error, ErrorKind};
use crate::scheme::Scheme;
use crate::verified::Verified;

/// How a delivery that reached the handler ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Processed,
    Failed,
    Panicked,
    TimedOut,
}

impl Outcome {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Processed => "processed",
            Self::Failed => "failed",
            Self::Panicked => "panicked",
            Self::TimedOut => "timed_out",
        }
    }
}

/// The outcome label of a delivery that stopped with `kind`.
const fn rejection(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Duplicate => "duplicate",
        ErrorKind::InProgress => "in_progress",
        ErrorKind::StoreUnavailable => "store_unavailable",
        ErrorKind::BrokerUnavailable => "broker_unavailable",
        ErrorKind::KeysUnavailable => "keys_unavailable",
        ErrorKind::RateLimited => "rate_limited",
        ErrorKind::Overloaded => "overloaded",
        _ => "rejected",
    }
}

/// Time spent, for the span and the histograms: the clock is read only when `tracing` or `metrics` will report it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stopwatch {
    #[cfg(any(feature = "tracing", feature = "metrics"))]
    started: std::time::Instant,
}

impl Stopwatch {
    pub(crate) fn start() -> Self {
        Self {
            #[cfg(any(feature = "tracing", feature = "metrics"))]
            started: std::time::Instant::now(),
        }
    }

    /// The time since [`start`](Self::start); zero without `tracing` and `metrics`.
    pub(crate) fn elapsed(self) -> Duration {
        #[cfg(any(feature = "tracing", feature = "metrics"))]
        return self.started.elapsed();
        #[cfg(not(any(feature = "tracing", feature = "metrics")))]
        Duration::ZERO
    }
}

/// The span a delivery's handling runs in: `tracing`'s with the feature, nothing without.
#[cfg(feature = "tracing")]
pub(crate) type Span = tracing::Span;
/// The span a delivery's handling runs in: nothing without the `tracing` feature.
#[cfg(not(feature = "tracing"))]
pub(crate) type Span = ();

/// One delivery's telemetry, from the first byte to the settled claim.
#[derive(Debug, Clone)]
pub(crate) struct Observer {
    span: Span,
    #[cfg(feature = "metrics")]
    scheme: metrics::SharedString,
    /// Whether a report-only verifier let the delivery through unverified: it then ends as `unverified`, whatever
    /// its handler answered.
    unverified: bool,
}

impl Observer {
    /// Starts observing a delivery for `scheme`.
    pub(crate) fn start(scheme: &Scheme) -> Self {
        #[cfg(feature = "tracing")]
        let span = {
            use tracing::field::Empty;
            tracing::info_span!(
                "hooksafe_delivery",
                scheme = %scheme.provider().name(),
                id = Empty,
                key_id = Empty,
                tenant = Empty,
                event_type = Empty,
                verify_us = Empty,
                store_us = Empty,
                outcome = Empty,
                handler_us = Empty,
            )
        };
        #[cfg(not(feature = "tracing"))]
        let span = ();
        Self {
            span,
            #[cfg(feature = "metrics")]
            scheme: scheme.provider().name().into(),
            unverified: false,
        }
    }

    /// The delivery failed verification and a report-only verifier let it through: it ends as `unverified`.
    pub(crate) const fn let_through(&mut self) {
        self.unverified = true;
    }

    /// The span, for the handler to run in.
    #[cfg(feature = "tracing")]
    pub(crate) fn span(&self) -> Span {
        self.span.clone()
    }

    /// The delivery verified in `verify` and was claimed in `store`.
    pub(crate) fn verified(&self, delivery: &Verified<'_>, verify: Duration, store: Duration) {
        #[cfg(feature = "tracing")]
        {
            self.span.record("id", delivery.id());
            self.span.record("key_id", delivery.key_id());
            self.span.record("tenant", delivery.tenant());
            // Read only for the span: the body is scanned for it only when `tracing` is on.
            self.span.record("event_type", delivery.event_type().as_deref());
            self.span.record("verify_us", micros(verify));
            self.span.record("store_us", micros(store));
        }
        #[cfg(feature = "metrics")]
        metrics::histogram!("hooksafe_verification_seconds", "scheme" => self.scheme.clone()).record(verify);
    }

    /// The delivery stopped with `error` before any handler, `verify` into its verification (`None`: before it).
    pub(crate) fn rejected(&self, error: &Error, verify: Option<Duration>) {
        let outcome = rejection(error.kind());
        #[cfg(feature = "tracing")]
        {
            self.span.record("outcome", outcome);
            let _entered = self.span.enter();
            match error.kind() {
                ErrorKind::InvalidSignature
                | ErrorKind::TimestampTooOld
                | ErrorKind::TimestampTooNew
                | ErrorKind::UntrustedCertificate
                | ErrorKind::StoreUnavailable
                | ErrorKind::BrokerUnavailable
                | ErrorKind::KeysUnavailable => tracing::warn!(%error, "hooksafe: webhook rejected"),
                _ => tracing::debug!(%error, "hooksafe: webhook rejected"),
            }
        }
        #[cfg(feature = "metrics")]
        {
            let reason = if outcome == "rejected" { error.kind().as_str() } else { "" };
            metrics::counter!(
                "hooksafe_deliveries_total",
                "scheme" => self.scheme.clone(),
                "outcome" => outcome,
                "reason" => reason
            )
            .increment(1);
            if let Some(verify) = verify {
                metrics::histogram!("hooksafe_verification_seconds", "scheme" => self.scheme.clone()).record(verify);
            }
        }
    }

    /// The delivery was a provider's endpoint check, answered without a handler.
    pub(crate) fn handshake(&self) {
        #[cfg(feature = "tracing")]
        self.span.record("outcome", "handshake");
        #[cfg(feature = "metrics")]
        metrics::counter!(
            "hooksafe_deliveries_total",
            "scheme" => self.scheme.clone(),
            "outcome" => "handshake",
            "reason" => ""
        )
        .increment(1);
    }

    /// The delivery was handed over durably (after [`verified`](Self::verified)), as `outcome`: `stored` in the
    /// inbox (a worker processes it), `forwarded` to a broker (a consumer does).
    #[cfg_attr(not(any(feature = "postgres", feature = "forward")), allow(dead_code))]
    pub(crate) fn handed_over(&self, outcome: &'static str) {
        #[cfg(feature = "tracing")]
        self.span.record("outcome", outcome);
        #[cfg(feature = "metrics")]
        metrics::counter!(
            "hooksafe_deliveries_total",
            "scheme" => self.scheme.clone(),
            "outcome" => outcome,
            "reason" => ""
        )
        .increment(1);
    }

    /// The handler ran for `handler` and the delivery ended as `outcome`.
    pub(crate) fn finished(&self, outcome: Outcome, handler: Duration) {
        let outcome = if self.unverified { "unverified" } else { outcome.as_str() };
        #[cfg(feature = "tracing")]
        {
            self.span.record("outcome", outcome);
            self.span.record("handler_us", micros(handler));
        }
        #[cfg(feature = "metrics")]
        {
            metrics::counter!(
                "hooksafe_deliveries_total",
                "scheme" => self.scheme.clone(),
                "outcome" => outcome,
                "reason" => ""
            )
            .increment(1);
            metrics::histogram!("hooksafe_handler_seconds", "scheme" => self.scheme.clone()).record(handler);
        }
    }
}

#[cfg(feature = "tracing")]
fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// A claim was taken for `scheme`.
pub(crate) fn claim_taken(scheme: &Scheme) {
    #[cfg(feature = "metrics")]
    metrics::gauge!("hooksafe_claims_in_flight", "scheme" => scheme.provider().name()).increment(1.0);
}

/// A claim for `scheme` was completed, released, or dropped.
pub(crate) fn claim_settled(scheme: &Scheme) {
    #[cfg(feature = "metrics")]
    metrics::gauge!("hooksafe_claims_in_flight", "scheme" => scheme.provider().name()).decrement(1.0);
}

/// A duplicate of a `scheme` delivery (id `id`) came with another body than the first, which its signature does not
/// bind: warned, and counted, since it is an attack (a body forged to the same signature) or a provider bug.
pub(crate) fn duplicate_with_another_body(scheme: &Scheme, id: Option<&str>) {
    crate::log::warning!(
        "a {scheme} delivery arrived again as id {:?} with another body than the first; refused as a duplicate \
         (a body forged to the same signature, or a provider bug)",
        id.unwrap_or("(none)")
    );
    #[cfg(feature = "metrics")]
    metrics::counter!("hooksafe_duplicates_with_another_body_total", "scheme" => scheme.provider().name()).increment(1);
}

/// A `scheme` delivery failed verification with `error` and a report-only verifier let it through unverified.
pub(crate) fn let_through_unverified(scheme: &Scheme, error: &Error) {
    crate::log::warning!(
        "a {scheme} delivery failed verification and was let through unverified (report-only): {error}"
    );
    #[cfg(feature = "metrics")]
    metrics::counter!(
        "hooksafe_unverified_total",
        "scheme" => scheme.provider().name(),
        "reason" => error.kind().as_str()
    )
    .increment(1);
}

/// A key on trial (`report_only`) of `scheme` would have matched a delivery.
pub(crate) fn report_only_key_matched(scheme: &Scheme, key_id: &str) {
    crate::log::info!("the report-only {scheme} key {key_id:?} would have matched a delivery");
    #[cfg(feature = "metrics")]
    metrics::counter!(
        "hooksafe_report_only_key_matches_total",
        "scheme" => scheme.provider().name(),
        "key" => key_id.to_owned()
    )
    .increment(1);
}

//! A report-only verifier's one decision: which failed deliveries it lets through, marked unverified.

use super::Verifier;
use crate::error::Error;
use crate::request::RequestView;
use crate::verified::Unverified;

impl Verifier {
    /// Whether this verifier only reports failures: see
    /// [`VerifierBuilder::report_only`](crate::VerifierBuilder::report_only).
    pub const fn is_report_only(&self) -> bool {
        self.report_only
    }

    /// What a [report-only](crate::VerifierBuilder::report_only) verifier does with a delivery that failed verification
    /// with `error`: it is let through as an [`Unverified`] delivery of the request's body (copied), after the
    /// failure is logged at warn and counted (`hooksafe_unverified_total` by `reason`). An enforcing verifier, any
    /// error that is not a verification failure (a body too large or unreadable, keys that could not be looked up, a
    /// duplicate), and any refusal of a provider's unsigned endpoint check give the error back to be answered. The
    /// adapters call this; a serverless handler calls it after [`verify`](Self::verify), with the same request.
    ///
    /// ```
    /// use hooksafe::{Scheme, Verifier};
    ///
    /// let verifier = Verifier::builder(Scheme::GitHub).secret("It's a Secret to Everybody").report_only().build()?;
    /// let (headers, body) = (http::HeaderMap::new(), br#"{"ref":"refs/heads/main"}"#);
    /// let error = verifier.verify((&headers, body)).unwrap_err(); // `verify` never lets anything through
    /// let unverified = verifier.let_through(error, (&headers, body)).expect("report-only");
    /// assert_eq!(unverified.reason().kind(), hooksafe::ErrorKind::MissingHeader);
    /// assert_eq!(unverified.json::<serde_json::Value>()?["ref"], "refs/heads/main");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// `error` itself, unless the verifier is report-only, `error` is a verification failure and the request is not
    /// an unsigned endpoint check.
    pub fn let_through<'a>(&self, error: Error, request: impl Into<RequestView<'a>>) -> Result<Unverified, Error> {
        let request = request.into().incoming;
        // Never the refusal of an unsigned endpoint check (X's CRC, Dropbox's challenge): those refusals keep a check
        // from being answered with anything a sender could use, and are not deliveries.
        let passes = self.report_only
            && error.kind().is_verification_failure()
            && !self.scheme.provider().is_unsigned_check(&request);
        if !passes {
            return Err(error);
        }
        crate::telemetry::let_through_unverified(&self.scheme, &error);
        Ok(Unverified::new(error, bytes::Bytes::copy_from_slice(request.body)))
    }
}

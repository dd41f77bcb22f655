//! The replay window: how far a signed timestamp may be from the verification time, in each direction.

use crate::error::{Detail, Error, ErrorKind};

/// How far a timestamp may be from now, in whole seconds, each bound inclusive.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub(super) past: i64,
    pub(super) future: i64,
}

impl Window {
    /// Accepts `timestamp` when it is at most `past` seconds before `now` and at most `future` seconds after it.
    /// Computed in `i128`, so no input overflows.
    pub(super) fn check(self, timestamp: i64, now: i64, header: Option<&http::HeaderName>) -> Result<(), Error> {
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
        Err(Error::new(kind, header.cloned(), Detail::Skew { seconds, tolerance }))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Window;
    use crate::error::ErrorKind;

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
        Window { past, future }.check(timestamp, now, Some(&header)).err().map(|error| error.kind())
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
    fn the_extremes_decide_without_overflow() {
        for (timestamp, now) in [(i64::MIN, i64::MAX), (i64::MAX, i64::MIN), (i64::MIN, i64::MIN), (i64::MAX, i64::MAX)]
        {
            for (past, future) in [(1, 1), (i64::MAX, i64::MAX), (1, i64::MAX), (i64::MAX, 1)] {
                assert_eq!(decide(timestamp, now, past, future), model(timestamp, now, past, future));
            }
        }
    }
}

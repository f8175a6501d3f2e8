//! Fixed-period returns from an irregularly sampled equity curve.

/// Turns equity samples into close-to-close returns over fixed periods
/// aligned to the Unix epoch (UTC), counting **only complete periods**.
///
/// A period's close is its last sample. A period's return is
/// `close / previous close − 1`, so it needs a sample in the period **and**
/// in the period right before it. Otherwise the period is *skipped* (counted
/// in [`skipped`](Self::skipped), never a return):
///
/// - the first period (it started before the first sample: a partial
///   period, e.g. one hour to midnight with daily periods);
/// - every period without a sample (a gap: nothing is known of it);
/// - the first period after a gap (its opening equity is unknown);
/// - a period whose previous close was zero or negative (no return exists).
///
/// Feed at least one sample per period (e.g. at every close, or on a timer)
/// to get a return for each. O(1), no allocation.
///
/// ```
/// use velocity_metrics::stats::PeriodReturns;
///
/// let day = 86_400.0;
/// let mut daily = PeriodReturns::new(day);
/// // First sample at 23:00 UTC: the hour to midnight is not a day.
/// assert_eq!(daily.observe(10_000.0, 23.0 * 3600.0), None);
/// assert_eq!(daily.observe(10_100.0, day + 60.0), None); // first period closed: skipped
/// let r = daily.observe(10_201.0, 2.0 * day).unwrap();    // day 1: 10,000 → 10,100
/// assert!((r - 0.01).abs() < 1e-12);
/// let r = daily.observe(10_302.0, 3.0 * day).unwrap();    // day 2: 10,100 → 10,201
/// assert!((r - 0.01).abs() < 1e-12);
/// assert_eq!((daily.periods(), daily.skipped()), (2, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeriodReturns {
    period_secs: f64,
    current: Option<i64>,
    /// Last sample of the current period so far.
    close: f64,
    /// Close of the period before the current one, when it had a sample.
    previous_close: Option<f64>,
    periods: u64,
    skipped: u64,
}

impl PeriodReturns {
    /// Periods of `period_secs` seconds (a non-finite or non-positive length
    /// is taken as one second).
    #[must_use]
    pub fn new(period_secs: f64) -> Self {
        let period_secs = if period_secs.is_finite() && period_secs > 0.0 {
            period_secs
        } else {
            1.0
        };
        Self {
            period_secs,
            current: None,
            close: 0.0,
            previous_close: None,
            periods: 0,
            skipped: 0,
        }
    }

    #[allow(
        clippy::cast_possible_truncation,
        reason = "floor of a finite time / period fits i64 for any real date"
    )]
    fn period_of(&self, at: f64) -> i64 {
        (at / self.period_secs).floor() as i64
    }

    /// Adds a sample of `equity` at `at` (Unix seconds, not decreasing;
    /// non-finite values are ignored). Returns the return of the period that
    /// this sample closed, if that period is complete.
    pub fn observe(&mut self, equity: f64, at: f64) -> Option<f64> {
        if !(equity.is_finite() && at.is_finite()) {
            return None;
        }
        let period = self.period_of(at);
        let Some(current) = self.current else {
            self.current = Some(period);
            self.close = equity;
            return None;
        };
        if period <= current {
            self.close = equity;
            return None;
        }
        let closed = match self.previous_close {
            Some(open) if open > 0.0 => {
                self.periods += 1;
                Some(self.close / open - 1.0)
            }
            _ => {
                self.skipped += 1;
                None
            }
        };
        let empty_between = u64::try_from(period - current - 1).unwrap_or(u64::MAX);
        self.skipped = self.skipped.saturating_add(empty_between);
        self.previous_close = (empty_between == 0).then_some(self.close);
        self.current = Some(period);
        self.close = equity;
        closed
    }

    /// Periods that produced a return.
    #[must_use]
    pub const fn periods(&self) -> u64 {
        self.periods
    }

    /// Periods that ended without producing a return (see the type docs).
    #[must_use]
    pub const fn skipped(&self) -> u64 {
        self.skipped
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "exact binary fractions")]
mod tests {
    use super::*;

    #[test]
    fn first_period_starting_at_23h_is_not_a_day() {
        let day = 86_400.0;
        let mut p = PeriodReturns::new(day);
        let first = 20.0 * day + 23.0 * 3600.0;
        assert_eq!(p.observe(10_000.0, first), None);
        assert_eq!(p.observe(10_170.0, first + 3000.0), None);
        // Midnight passes: the one-hour period is skipped, not annualised.
        assert_eq!(p.observe(10_170.0, 21.0 * day + 10.0), None);
        assert_eq!((p.periods(), p.skipped()), (0, 1));
        assert_eq!(p.observe(10_000.0, 22.0 * day), Some(0.0));
        assert_eq!(
            p.observe(10_000.0, 23.0 * day),
            Some(10_000.0 / 10_170.0 - 1.0)
        );
        assert_eq!((p.periods(), p.skipped()), (2, 1));
    }

    #[test]
    fn a_gap_skips_the_empty_periods_and_the_one_after() {
        let mut p = PeriodReturns::new(10.0);
        p.observe(100.0, 0.0);
        assert_eq!(p.observe(100.0, 10.0), None); // period 0 partial
        assert_eq!(p.observe(110.0, 20.0), Some(0.0)); // period 1
        // Periods 3 and 4 have no sample; period 5 has no known opening.
        let r = p.observe(121.0, 50.0).unwrap(); // period 2: 100 → 110
        assert!((r - 0.1).abs() < 1e-12);
        assert_eq!(p.skipped(), 1 + 2);
        assert_eq!(p.observe(121.0, 60.0), None); // period 5: opening unknown
        assert_eq!(p.observe(133.1, 70.0), Some(0.0)); // period 6
        assert_eq!((p.periods(), p.skipped()), (3, 4));
    }

    #[test]
    fn zero_opening_equity_and_bad_input_give_no_return() {
        let mut p = PeriodReturns::new(1.0);
        p.observe(5.0, 0.0);
        p.observe(0.0, 1.0);
        assert_eq!(p.observe(7.0, 2.0), Some(-1.0));
        assert_eq!(p.observe(7.0, 3.0), None); // opened at 0
        assert_eq!(p.observe(f64::NAN, 4.0), None);
        assert_eq!(p.observe(7.0, f64::INFINITY), None);
        assert_eq!((p.periods(), p.skipped()), (1, 2));
        assert_eq!(PeriodReturns::new(-3.0), PeriodReturns::new(1.0));
    }
}

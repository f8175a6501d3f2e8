//! Running peak and drawdown of an equity curve.

/// O(1) peak-to-trough tracker over an equity (or wealth-index) series.
///
/// Drawdowns are reported as **positive** numbers: a fraction of the peak
/// ([`current`](Self::current), [`max`](Self::max); quantstats, empyrical and
/// Nautilus report the same magnitude with a negative sign) and an amount in
/// the equity's currency ([`current_abs`](Self::current_abs),
/// [`max_abs`](Self::max_abs)).
///
/// Start from [`with_initial_peak`](Self::with_initial_peak) with the
/// starting balance so that a losing first period already shows a drawdown
/// (the quantstats/empyrical/Nautilus convention); [`new`](Self::new) takes
/// the first update as the first peak (freqtrade's).
///
/// A fractional drawdown needs a positive peak. While the peak is ≤ 0 (for
/// example a cumulative-P&L curve that has not yet been above 0) the fraction
/// is undefined: [`current`](Self::current) is `None` and the point does not
/// feed [`max`](Self::max); the currency drawdown is still tracked.
///
/// ```
/// use velocity_metrics::stats::DrawdownTracker;
///
/// let mut dd = DrawdownTracker::with_initial_peak(1000.0);
/// for equity in [1100.0, 990.0, 1050.0] {
///     dd.update(equity);
/// }
/// assert_eq!(dd.peak(), Some(1100.0));
/// assert_eq!(dd.max_abs(), 110.0);
/// assert!((dd.max().unwrap() - 0.1).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DrawdownTracker {
    peak: Option<f64>,
    equity: Option<f64>,
    max: Option<f64>,
    max_abs: f64,
}

/// `(peak − equity) / peak`, clamped to `[0, 1]`; `None` if `peak ≤ 0`.
fn fraction(peak: f64, equity: f64) -> Option<f64> {
    (peak > 0.0).then(|| ((peak - equity) / peak).clamp(0.0, 1.0))
}

impl DrawdownTracker {
    /// A tracker with no peak yet: the first [`update`](Self::update) sets it.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            peak: None,
            equity: None,
            max: None,
            max_abs: 0.0,
        }
    }

    /// A tracker whose first peak (and current equity) is `peak`, typically
    /// the starting balance, or 1.0 for a wealth index built from returns.
    /// A non-finite `peak` gives [`new`](Self::new).
    #[must_use]
    pub fn with_initial_peak(peak: f64) -> Self {
        let mut t = Self::new();
        t.update(peak);
        t
    }

    /// Adds one equity sample. O(1), no allocation. NaN and ±∞ are ignored.
    pub fn update(&mut self, equity: f64) {
        if !equity.is_finite() {
            return;
        }
        let peak = self.peak.map_or(equity, |p| p.max(equity));
        self.peak = Some(peak);
        self.equity = Some(equity);
        self.max_abs = self.max_abs.max(peak - equity);
        if let Some(dd) = fraction(peak, equity) {
            self.max = Some(self.max.map_or(dd, |m| m.max(dd)));
        }
    }

    /// Highest equity seen; `None` before any data.
    #[must_use]
    pub const fn peak(&self) -> Option<f64> {
        self.peak
    }

    /// Latest equity; `None` before any data.
    #[must_use]
    pub const fn equity(&self) -> Option<f64> {
        self.equity
    }

    /// Current drawdown `1 − equity / peak` as a fraction in `[0, 1]`
    /// (equity ≤ 0 under a positive peak gives 1.0). `None` before any data
    /// or while the peak is ≤ 0.
    #[must_use]
    pub fn current(&self) -> Option<f64> {
        fraction(self.peak?, self.equity?)
    }

    /// Largest [`current`](Self::current) seen; `None` until a point with a
    /// positive peak has been seen.
    #[must_use]
    pub const fn max(&self) -> Option<f64> {
        self.max
    }

    /// Current drawdown in currency, `peak − equity` (≥ 0); `None` before
    /// any data.
    #[must_use]
    pub fn current_abs(&self) -> Option<f64> {
        Some(self.peak? - self.equity?)
    }

    /// Largest `peak − equity` seen, in currency (0 before any data).
    #[must_use]
    pub const fn max_abs(&self) -> f64 {
        self.max_abs
    }
}

#[cfg(test)]
#[allow(
    clippy::float_cmp,
    reason = "these expected values are exact in binary floating point"
)]
mod tests {
    use super::*;

    /// Max drawdown of a wealth index compounded from `returns`, base 1.0.
    fn mdd(returns: &[f64]) -> f64 {
        let mut dd = DrawdownTracker::with_initial_peak(1.0);
        let mut wealth = 1.0;
        for r in returns {
            wealth *= 1.0 + r;
            dd.update(wealth);
        }
        dd.max().unwrap()
    }

    fn pct(xs: &[f64]) -> Vec<f64> {
        xs.iter().map(|x| x / 100.0).collect()
    }

    #[track_caller]
    fn near(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "got {got:.17}, want {want:.17}");
    }

    #[test]
    fn nautilus_vectors() {
        near(mdd(&[0.10, -0.10]), 0.10, 1e-9);
        near(mdd(&[0.10, -0.10, 0.50, -0.20, 0.10]), 0.20, 1e-9);
        near(mdd(&[-0.40, -0.10]), 0.46, 1e-9);
    }

    #[test]
    fn empyrical_vectors() {
        let negative = pct(&[0.0, -6.0, -7.0, -1.0, -9.0, -2.0, -6.0, -8.0, -5.0]);
        near(mdd(&negative), 0.365_907_30, 1e-8);
        let all_negative = pct(&[-2.0, -6.0, -7.0, -1.0, -9.0, -2.0, -6.0, -8.0, -5.0]);
        near(mdd(&all_negative), 0.378_589_157, 1e-9);
        near(mdd(&[0.1, -0.1, 0.1]), 0.10, 1e-9);
        near(
            mdd(&[0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10]),
            0.1,
            1e-9,
        );
    }

    #[test]
    fn initial_peak_counts() {
        let mut with = DrawdownTracker::with_initial_peak(100.0);
        let mut without = DrawdownTracker::new();
        with.update(90.0);
        without.update(90.0);
        assert_eq!(with.current(), Some(0.1));
        assert_eq!(with.current_abs(), Some(10.0));
        assert_eq!(without.current(), Some(0.0));
        assert_eq!(without.max(), Some(0.0));
        assert_eq!(DrawdownTracker::with_initial_peak(5.0).current(), Some(0.0));
    }

    #[test]
    fn empty_and_non_finite() {
        let mut t = DrawdownTracker::new();
        assert_eq!(t, DrawdownTracker::default());
        assert_eq!(
            (t.peak(), t.current(), t.max(), t.current_abs()),
            (None, None, None, None)
        );
        assert_eq!(t.max_abs(), 0.0);
        t.update(f64::NAN);
        t.update(f64::INFINITY);
        t.update(f64::NEG_INFINITY);
        assert_eq!(t, DrawdownTracker::new());
        assert_eq!(
            DrawdownTracker::with_initial_peak(f64::NAN),
            DrawdownTracker::new()
        );
    }

    #[test]
    fn currency_and_recovery() {
        let mut t = DrawdownTracker::with_initial_peak(1000.0);
        for e in [1200.0, 900.0, 1300.0, 1250.0] {
            t.update(e);
        }
        assert_eq!(t.peak(), Some(1300.0));
        assert_eq!(t.max_abs(), 300.0);
        assert_eq!(t.current_abs(), Some(50.0));
        near(t.max().unwrap(), 0.25, 1e-15);
        near(t.current().unwrap(), 50.0 / 1300.0, 1e-15);
    }

    #[test]
    fn wiped_out_and_non_positive_peak() {
        let mut t = DrawdownTracker::with_initial_peak(100.0);
        t.update(-20.0);
        assert_eq!(t.current(), Some(1.0));
        assert_eq!(t.max(), Some(1.0));
        assert_eq!(t.max_abs(), 120.0);

        // Cumulative P&L from 0: the fraction is undefined until it is positive.
        let mut pnl = DrawdownTracker::with_initial_peak(0.0);
        pnl.update(-50.0);
        assert_eq!(pnl.current(), None);
        assert_eq!(pnl.max(), None);
        assert_eq!(pnl.current_abs(), Some(50.0));
        pnl.update(200.0);
        pnl.update(150.0);
        assert_eq!(pnl.max_abs(), 50.0);
        near(pnl.max().unwrap(), 0.25, 1e-15);
    }
}

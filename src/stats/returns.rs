//! Time-level statistics over per-period simple returns.

use super::RunningMoments;

/// O(1) accumulator of per-period simple returns (fractions, `0.01` = 1 %)
/// for Sharpe, Sortino, volatility, cumulative return and CAGR, with the
/// risk-free rate and the Sortino target both 0. The definitions are
/// empyrical's (and, where they agree, quantstats' and Nautilus').
///
/// Input handling in [`push`](Self::push):
/// - a finite return is an **observation**; it also counts as a **period**;
/// - NaN or ±∞ is a **missing period**: it increments [`periods`](Self::periods)
///   only. Missing periods matter to [`cagr`](Self::cagr) alone, whose
///   exponent uses all periods (empyrical's `len(returns)`); every other
///   statistic uses the observations, like `nanmean`/`nanstd`;
/// - a return ≤ −1 (a loss of 100 % or more) is an observation for the
///   moments but **ruins** compounded growth: from then on
///   [`cumulative_return`](Self::cumulative_return) is −1 and
///   [`cagr`](Self::cagr) is `None`.
///
/// Every annualised statistic takes `periods_per_year` (252 for trading
/// days, 365 for crypto days, 52 weekly, 12 monthly) and returns `None` when
/// it is not finite and positive.
///
/// ```
/// use velocity_metrics::stats::ReturnStats;
///
/// let mut s = ReturnStats::new();
/// for r in [0.01, -0.02, 0.015, -0.005, 0.025] {
///     s.push(r);
/// }
/// let sharpe = s.sharpe(252.0).unwrap();
/// assert!((sharpe - 4.48998886412873).abs() < 1e-9);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ReturnStats {
    periods: u64,
    moments: RunningMoments,
    sum: f64,
    sum_squares: f64,
    downside_sum_squares: f64,
    log_growth: f64,
    ruined: bool,
}

/// `√periods_per_year`, or `None` for a non-positive or non-finite input.
fn sqrt_annualisation(periods_per_year: f64) -> Option<f64> {
    (periods_per_year.is_finite() && periods_per_year > 0.0).then(|| periods_per_year.sqrt())
}

impl ReturnStats {
    /// An empty accumulator.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            periods: 0,
            moments: RunningMoments::new(),
            sum: 0.0,
            sum_squares: 0.0,
            downside_sum_squares: 0.0,
            log_growth: 0.0,
            ruined: false,
        }
    }

    /// Adds one period's return. O(1), no allocation. NaN and ±∞ count as a
    /// missing period (see the type docs).
    pub fn push(&mut self, r: f64) {
        self.periods += 1;
        if !r.is_finite() {
            return;
        }
        self.moments.push(r);
        self.sum += r;
        self.sum_squares += r * r;
        if r < 0.0 {
            self.downside_sum_squares += r * r;
        }
        if r > -1.0 {
            self.log_growth += r.ln_1p();
        } else {
            self.ruined = true;
        }
    }

    /// Periods pushed, missing (non-finite) ones included.
    #[must_use]
    pub const fn periods(&self) -> u64 {
        self.periods
    }

    /// Finite returns pushed.
    #[must_use]
    pub const fn observations(&self) -> u64 {
        self.moments.count()
    }

    /// Σr over the observations.
    #[must_use]
    pub const fn sum(&self) -> f64 {
        self.sum
    }

    /// Σr² over the observations.
    #[must_use]
    pub const fn sum_squares(&self) -> f64 {
        self.sum_squares
    }

    /// Σmin(r, 0)² over the observations (the Sortino target-0 sum).
    #[must_use]
    pub const fn downside_sum_squares(&self) -> f64 {
        self.downside_sum_squares
    }

    /// The running mean and variance of the observations.
    #[must_use]
    pub const fn moments(&self) -> &RunningMoments {
        &self.moments
    }

    /// Mean return per period; `None` with no observations.
    #[must_use]
    pub const fn mean(&self) -> Option<f64> {
        self.moments.mean()
    }

    /// Whether a return ≤ −1 has been seen.
    #[must_use]
    pub const fn is_ruined(&self) -> bool {
        self.ruined
    }

    /// Annualised Sharpe ratio `mean / std · √periods_per_year` (std with
    /// ddof = 1). `None` with fewer than two observations. A zero standard
    /// deviation gives `+∞` for a positive mean, `−∞` for a negative mean
    /// (empyrical's flat-line convention) and `None` for a zero mean.
    #[must_use]
    pub fn sharpe(&self, periods_per_year: f64) -> Option<f64> {
        let ann = sqrt_annualisation(periods_per_year)?;
        let mean = self.mean()?;
        let std = self.moments.sample_std()?;
        if std > 0.0 {
            Some(mean / std * ann)
        } else if mean > 0.0 {
            Some(f64::INFINITY)
        } else if mean < 0.0 {
            Some(f64::NEG_INFINITY)
        } else {
            None
        }
    }

    /// Annualised downside deviation `√(Σmin(r, 0)² / n) · √periods_per_year`,
    /// with `n` the number of observations (all of them, not only the
    /// negative ones). `None` with no observations.
    #[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
    #[must_use]
    pub fn downside_risk(&self, periods_per_year: f64) -> Option<f64> {
        let ann = sqrt_annualisation(periods_per_year)?;
        let n = self.observations();
        (n > 0).then(|| (self.downside_sum_squares / n as f64).sqrt() * ann)
    }

    /// Annualised Sortino ratio `mean / DD · √periods_per_year`, where
    /// `DD = √(Σmin(r, 0)² / n)` (empyrical's `mean·ann / downside_risk`).
    /// `None` with fewer than two observations. A zero downside deviation
    /// gives `+∞` for a positive mean and `None` otherwise.
    #[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
    #[must_use]
    pub fn sortino(&self, periods_per_year: f64) -> Option<f64> {
        let ann = sqrt_annualisation(periods_per_year)?;
        let n = self.observations();
        if n < 2 {
            return None;
        }
        let mean = self.mean()?;
        let dd = (self.downside_sum_squares / n as f64).sqrt();
        if dd > 0.0 {
            Some(mean / dd * ann)
        } else {
            (mean > 0.0).then_some(f64::INFINITY)
        }
    }

    /// Annualised volatility `std · √periods_per_year` (ddof = 1); `None`
    /// with fewer than two observations.
    #[must_use]
    pub fn annual_volatility(&self, periods_per_year: f64) -> Option<f64> {
        let ann = sqrt_annualisation(periods_per_year)?;
        Some(self.moments.sample_std()? * ann)
    }

    /// Compounded return `Π(1 + r) − 1` over the observations; −1 once ruined,
    /// `None` with no observations.
    #[must_use]
    pub fn cumulative_return(&self) -> Option<f64> {
        if self.observations() == 0 {
            None
        } else if self.ruined {
            Some(-1.0)
        } else {
            Some(self.log_growth.exp_m1())
        }
    }

    /// Compound annual growth rate `Π(1 + r)^(periods_per_year / periods) − 1`,
    /// where `periods` includes missing ones (empyrical's `annual_return`).
    /// `None` with no observations or once ruined.
    #[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
    #[must_use]
    pub fn cagr(&self, periods_per_year: f64) -> Option<f64> {
        sqrt_annualisation(periods_per_year)?;
        if self.observations() == 0 || self.ruined {
            return None;
        }
        Some((self.log_growth * (periods_per_year / self.periods as f64)).exp_m1())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: [f64; 8] = [0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10];

    fn of(rs: &[f64]) -> ReturnStats {
        let mut s = ReturnStats::new();
        for &r in rs {
            s.push(r);
        }
        s
    }

    fn pct(xs: &[f64]) -> Vec<f64> {
        xs.iter().map(|x| x / 100.0).collect()
    }

    #[track_caller]
    fn near(got: Option<f64>, want: f64, tol: f64) {
        let got = got.expect("value");
        assert!((got - want).abs() <= tol, "got {got:.17}, want {want:.17}");
    }

    /// statistics.md publishes 0.03893, rounded to 5 digits: assert that at
    /// its precision and the exact product at 1e-12.
    fn assert_v1_cumulative(s: &ReturnStats) {
        near(s.cumulative_return(), 0.03893, 5e-6);
        let exact = V1.iter().map(|r| 1.0 + r).product::<f64>() - 1.0;
        near(s.cumulative_return(), exact, 1e-12);
    }

    #[test]
    fn v1_mixed_returns_without_nan() {
        let s = of(&V1);
        assert_eq!((s.periods(), s.observations()), (8, 8));
        near(s.sharpe(252.0), 1.723_861_396_170_686_6, 1e-9);
        near(s.sortino(252.0), 2.605_531_251_673_693, 1e-9);
        near(s.cagr(252.0), 2.330_292_797_300_439, 1e-9);
        assert_v1_cumulative(&s);
    }

    #[test]
    fn v1_mixed_returns_with_leading_nan() {
        let mut s = ReturnStats::new();
        s.push(f64::NAN);
        for r in V1 {
            s.push(r);
        }
        assert_eq!((s.periods(), s.observations()), (9, 8));
        near(s.sharpe(252.0), 1.723_861_396_170_686_6, 1e-9);
        near(s.sortino(252.0), 2.605_531_251_673_693, 1e-9);
        near(s.cagr(252.0), 1.913_592_537_319_423_1, 1e-9);
        near(s.downside_risk(252.0), 0.604_483_250_388_296_5, 1e-9);
        near(s.annual_volatility(252.0), 0.913_646_539_970_463_7, 1e-9);
        assert_v1_cumulative(&s);
    }

    #[test]
    fn v2_negative_and_positive_returns() {
        let s = of(&pct(&[0.0, -6.0, -7.0, -1.0, -9.0, -2.0, -6.0, -8.0, -5.0]));
        near(s.sharpe(252.0), -24.406_808_633_910_085, 1e-9);
        near(s.sortino(252.0), -13.532_743_075_043_4, 1e-9);
        let s = of(&pct(&[1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]));
        near(s.sharpe(252.0), 52.915_026_221_291_804, 1e-9);
        assert_eq!(s.sortino(252.0), Some(f64::INFINITY));
    }

    #[test]
    fn v3_nautilus() {
        let s = of(&[0.01, -0.02, 0.015, -0.005, 0.025]);
        near(s.sharpe(252.0), 4.489_988_864_128_73, 1e-9);
        let s = of(&[-0.01, 0.02, -0.015, 0.005, -0.02]);
        near(s.sortino(252.0), -5.273_224_492_824_493, 1e-9);
    }

    #[test]
    fn raw_sums() {
        let s = of(&[0.02, -0.01, f64::INFINITY, -0.03]);
        assert_eq!((s.periods(), s.observations()), (4, 3));
        assert!((s.sum() - (-0.02)).abs() < 1e-15);
        assert!((s.sum_squares() - 0.0014).abs() < 1e-15);
        assert!((s.downside_sum_squares() - 0.0010).abs() < 1e-15);
    }

    #[test]
    fn flat_lines() {
        let s = of(&[0.01; 5]);
        assert_eq!(s.sharpe(252.0), Some(f64::INFINITY));
        assert_eq!(s.sortino(252.0), Some(f64::INFINITY));
        let s = of(&[-0.01; 5]);
        assert_eq!(s.sharpe(252.0), Some(f64::NEG_INFINITY));
        assert!(s.sortino(252.0).unwrap() < 0.0);
        let s = of(&[0.0; 5]);
        assert_eq!(s.sharpe(252.0), None);
        assert_eq!(s.sortino(252.0), None);
        assert_eq!(s.downside_risk(252.0), Some(0.0));
        assert_eq!(s.cagr(252.0), Some(0.0));
    }

    #[test]
    fn too_little_data() {
        let s = ReturnStats::new();
        assert_eq!(s.mean(), None);
        assert_eq!(s.cumulative_return(), None);
        assert_eq!(s.cagr(252.0), None);
        assert_eq!(s.downside_risk(252.0), None);
        let s = of(&[0.01, f64::NAN]);
        assert_eq!(s.sharpe(252.0), None);
        assert_eq!(s.sortino(252.0), None);
        assert_eq!(s.annual_volatility(252.0), None);
        near(s.cagr(1.0), 1.01_f64.sqrt() - 1.0, 1e-15);
        let s = of(&[f64::NAN, f64::NEG_INFINITY]);
        assert_eq!((s.periods(), s.observations()), (2, 0));
        assert_eq!(s.cagr(252.0), None);
    }

    #[test]
    fn bad_periods_per_year() {
        let s = of(&V1);
        for ann in [0.0, -252.0, f64::NAN, f64::INFINITY] {
            assert_eq!(s.sharpe(ann), None);
            assert_eq!(s.sortino(ann), None);
            assert_eq!(s.downside_risk(ann), None);
            assert_eq!(s.annual_volatility(ann), None);
            assert_eq!(s.cagr(ann), None);
        }
    }

    #[test]
    fn ruin() {
        let s = of(&[0.1, -1.0, 0.5]);
        assert!(s.is_ruined());
        assert_eq!(s.cumulative_return(), Some(-1.0));
        assert_eq!(s.cagr(252.0), None);
        assert!(s.sharpe(252.0).is_some_and(f64::is_finite));
        let s = of(&[-1.5]);
        assert_eq!(s.cumulative_return(), Some(-1.0));
    }
}

//! Ratios combined from already-computed statistics.
//!
//! Each function returns `None` where the ratio is undefined (the libraries
//! return NaN or a sentinel there) and never a non-finite value unless the
//! docs say so.

/// Calmar ratio `cagr / max_drawdown_fraction`, with the drawdown as a
/// positive fraction (for example [`DrawdownTracker::max`]), over the whole
/// series passed in (quantstats/empyrical; not Young's trailing 36 months).
///
/// `None` when the drawdown is ≤ 0 or either input or the result is not
/// finite (empyrical returns NaN in those cases).
///
/// [`DrawdownTracker::max`]: super::DrawdownTracker::max
///
/// ```
/// use velocity_metrics::stats::calmar;
///
/// assert_eq!(calmar(0.5, 0.25), Some(2.0));
/// assert_eq!(calmar(0.5, 0.0), None);
/// ```
#[must_use]
pub fn calmar(cagr: f64, max_drawdown_fraction: f64) -> Option<f64> {
    finite_ratio(cagr, max_drawdown_fraction)
}

/// Recovery factor `net_profit / max_drawdown_abs`, both in account
/// currency, with the profit **signed** (a losing strategy gets a negative
/// factor; quantstats' return-based version takes the absolute value).
///
/// `None` when the drawdown is ≤ 0 or either input or the result is not
/// finite.
///
/// ```
/// use velocity_metrics::stats::recovery_factor;
///
/// assert_eq!(recovery_factor(-300.0, 150.0), Some(-2.0));
/// ```
#[must_use]
pub fn recovery_factor(net_profit: f64, max_drawdown_abs: f64) -> Option<f64> {
    finite_ratio(net_profit, max_drawdown_abs)
}

/// Kelly fraction `W − (1 − W) / R` for win rate `W ∈ [0, 1]` and payoff
/// ratio `R` (average win / average loss), as quantstats'
/// `kelly_criterion`. Negative means the edge is negative.
///
/// With `R = +∞` (no losing trades) the fraction is `W`. `None` when `R ≤ 0`
/// or is NaN, or when `W` is outside `[0, 1]` or NaN.
///
/// ```
/// use velocity_metrics::stats::kelly_fraction;
///
/// assert_eq!(kelly_fraction(0.75, 1.0), Some(0.5));
/// assert_eq!(kelly_fraction(0.6, f64::INFINITY), Some(0.6));
/// ```
#[must_use]
pub fn kelly_fraction(win_rate: f64, payoff: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&win_rate) || payoff.is_nan() || payoff <= 0.0 {
        return None;
    }
    let kelly = win_rate - (1.0 - win_rate) / payoff;
    kelly.is_finite().then_some(kelly)
}

/// `num / den` for a finite `num` and a finite positive `den`, if finite.
fn finite_ratio(num: f64, den: f64) -> Option<f64> {
    if !num.is_finite() || !den.is_finite() || den <= 0.0 {
        return None;
    }
    let ratio = num / den;
    ratio.is_finite().then_some(ratio)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{DrawdownTracker, ReturnStats};

    /// CAGR and max drawdown of `returns` (base 1.0), as a caller combines them.
    fn cagr_and_mdd(returns: &[f64]) -> (f64, f64) {
        let mut stats = ReturnStats::new();
        let mut dd = DrawdownTracker::with_initial_peak(1.0);
        let mut wealth = 1.0;
        for &r in returns {
            stats.push(r);
            if r.is_finite() {
                wealth *= 1.0 + r;
            }
            dd.update(wealth);
        }
        (stats.cagr(252.0).unwrap(), dd.max().unwrap())
    }

    #[test]
    fn calmar_v1_mixed_returns() {
        let v1 = [0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10];
        let (cagr, mdd) = cagr_and_mdd(&v1);
        let got = calmar(cagr, mdd).unwrap();
        assert!((got - 23.302_927_973_004_39).abs() < 1e-9, "{got}");

        let mut with_nan = vec![f64::NAN];
        with_nan.extend_from_slice(&v1);
        let (cagr, mdd) = cagr_and_mdd(&with_nan);
        let got = calmar(cagr, mdd).unwrap();
        assert!((got - 19.135_925_373_194_233).abs() < 1e-9, "{got}");
    }

    #[test]
    fn calmar_undefined() {
        assert_eq!(calmar(0.2, 0.0), None);
        assert_eq!(calmar(0.2, -0.1), None);
        assert_eq!(calmar(0.2, f64::NAN), None);
        assert_eq!(calmar(f64::NAN, 0.1), None);
        assert_eq!(calmar(f64::INFINITY, 0.1), None);
        assert_eq!(calmar(0.2, f64::INFINITY), None);
        assert_eq!(calmar(1e300, 1e-300), None);
        assert_eq!(calmar(-0.2, 0.4), Some(-0.5));
    }

    #[test]
    fn recovery_factor_cases() {
        assert_eq!(recovery_factor(500.0, 250.0), Some(2.0));
        assert_eq!(recovery_factor(-500.0, 250.0), Some(-2.0));
        assert_eq!(recovery_factor(0.0, 250.0), Some(0.0));
        assert_eq!(recovery_factor(500.0, 0.0), None);
        assert_eq!(recovery_factor(f64::NAN, 1.0), None);
    }

    #[test]
    fn kelly_cases() {
        assert!((kelly_fraction(0.55, 1.5).unwrap() - (0.55 - 0.45 / 1.5)).abs() < 1e-15);
        assert_eq!(kelly_fraction(0.5, 1.0), Some(0.0));
        assert_eq!(kelly_fraction(0.0, 2.0), Some(-0.5));
        assert_eq!(kelly_fraction(1.0, f64::INFINITY), Some(1.0));
        assert_eq!(kelly_fraction(0.5, 0.0), None);
        assert_eq!(kelly_fraction(0.5, -1.0), None);
        assert_eq!(kelly_fraction(0.5, f64::NAN), None);
        assert_eq!(kelly_fraction(f64::NAN, 1.0), None);
        assert_eq!(kelly_fraction(1.5, 1.0), None);
        assert_eq!(kelly_fraction(0.0, 1e-320), None);
    }
}

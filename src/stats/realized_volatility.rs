//! Rolling realised volatility of log close-to-close returns.

use super::BarError;
use super::bar_error::finite;

/// Realised volatility: the sample standard deviation (ddof = 1) of the last
/// `window` log close-to-close returns `ln(Cₜ / Cₜ₋₁)`, pandas'
/// `np.log(close).diff().rolling(window).std()`. Default window 20.
///
/// **Unit**: a per-bar fraction in log-return terms (0.001 ≈ 0.1 % per bar of
/// the bars' timeframe). It is **not annualised**; multiply by
/// `√(bars per year)` for that, e.g. √252 for daily bars.
///
/// **Exactness**: the last `window` returns are kept in a ring buffer that is
/// allocated once, and every [`push`](Self::push) recomputes the mean and the
/// corrected two-pass sum of squared deviations over it, oldest first: O(window)
/// (20 by default), no allocation, and no error carried from one window to the
/// next, where an add/remove update (pandas' rolling kernel) lets a jump's
/// cancellation error linger. Each return is `ln_1p((Cₜ − Cₜ₋₁) / Cₜ₋₁)`, which
/// keeps full relative precision for small moves at any price level, unlike
/// `ln Cₜ − ln Cₜ₋₁`. A window of identical returns (a flat stretch) gives
/// exactly 0.
///
/// **Refusals**: [`push`](Self::push) refuses a close that is NaN, ±∞ or ≤ 0
/// ([`BarError`]) and changes nothing, so the next accepted close's return is
/// measured from the last accepted close (it spans the refused bar).
///
/// ```
/// use velocity_metrics::stats::RealizedVolatility;
///
/// let mut rv = RealizedVolatility::with_window(3);
/// for close in [100.0, 101.0, 99.0, 100.0] {
///     rv.push(close)?;
/// }
/// let r = [(101.0_f64 / 100.0).ln(), (99.0_f64 / 101.0).ln(), (100.0_f64 / 99.0).ln()];
/// let mean = r.iter().sum::<f64>() / 3.0;
/// let std = (r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
/// assert!((rv.value().unwrap() - std).abs() < 1e-15);
/// # Ok::<(), velocity_metrics::stats::BarError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RealizedVolatility {
    returns: Vec<f64>,
    window: usize,
    next: usize,
    previous_close: Option<f64>,
    value: Option<f64>,
}

impl Default for RealizedVolatility {
    fn default() -> Self {
        Self::new()
    }
}

/// `ln(close / previous)` for positive finite prices, always finite.
fn log_return(previous: f64, close: f64) -> f64 {
    let r = ((close - previous) / previous).ln_1p();
    if r.is_finite() {
        r
    } else {
        // Only for ratios beyond f64's range (near 0 or ∞).
        close.ln() - previous.ln()
    }
}

impl RealizedVolatility {
    /// The default window: 20 returns.
    pub const DEFAULT_WINDOW: usize = 20;

    /// An empty realised volatility over 20 returns.
    #[must_use]
    pub fn new() -> Self {
        Self::with_window(Self::DEFAULT_WINDOW)
    }

    /// An empty realised volatility over `window` returns (values below 2
    /// are taken as 2: a sample standard deviation needs two). This is the
    /// only allocation it makes.
    #[must_use]
    pub fn with_window(window: usize) -> Self {
        let window = window.max(2);
        Self {
            returns: Vec::with_capacity(window),
            window,
            next: 0,
            previous_close: None,
            value: None,
        }
    }

    /// Adds one bar's close and returns the volatility after it: `Ok(None)`
    /// until `window` returns (`window + 1` closes) have been accepted.
    /// O(window), no allocation.
    ///
    /// # Errors
    ///
    /// [`BarError::NonFinite`] or [`BarError::NonPositiveClose`]; the refused
    /// close leaves the statistic unchanged.
    pub fn push(&mut self, close: f64) -> Result<Option<f64>, BarError> {
        let close = finite("close", close)?;
        if close <= 0.0 {
            return Err(BarError::NonPositiveClose { close });
        }
        let Some(previous) = self.previous_close.replace(close) else {
            return Ok(None);
        };
        let r = log_return(previous, close);
        if self.returns.len() < self.window {
            self.returns.push(r);
        } else {
            self.returns[self.next] = r;
            self.next = (self.next + 1) % self.window;
        }
        if self.returns.len() == self.window {
            self.value = Some(self.sample_std());
        }
        Ok(self.value)
    }

    /// Sample standard deviation of the full window, oldest return first, so
    /// the result depends only on the window's contents.
    #[allow(clippy::cast_precision_loss, reason = "windows stay far below 2^53")]
    #[allow(
        clippy::float_cmp,
        reason = "identical returns, exactly, give exactly 0"
    )]
    fn sample_std(&self) -> f64 {
        let (newer, older) = self.returns.split_at(self.next);
        let chronological = || older.iter().chain(newer);
        let first = self.returns[0];
        if self.returns.iter().all(|&r| r == first) {
            return 0.0;
        }
        let n = self.window as f64;
        let mean = chronological().sum::<f64>() / n;
        let (mut sum_squares, mut sum) = (0.0, 0.0);
        for &r in chronological() {
            let d = r - mean;
            sum_squares += d * d;
            sum += d;
        }
        ((sum_squares - sum * sum / n) / (n - 1.0)).max(0.0).sqrt()
    }

    /// The current volatility (per bar, not annualised); `None` until the
    /// window is full.
    #[must_use]
    pub const fn value(&self) -> Option<f64> {
        self.value
    }

    /// The window length in returns (at least 2).
    #[must_use]
    pub const fn window(&self) -> usize {
        self.window
    }

    /// Number of returns held (at most [`window`](Self::window)).
    #[must_use]
    pub fn len(&self) -> usize {
        self.returns.len()
    }

    /// Whether no return is held yet (fewer than two closes accepted).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.returns.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::super::bar_reference::{CLOSE, RV_20_EXACT, RV_20_PANDAS};
    use super::*;
    use crate::stats::test_support::close_to;

    fn run(rv: &mut RealizedVolatility, closes: &[f64]) -> Vec<Option<f64>> {
        closes
            .iter()
            .map(|&c| rv.push(c).expect("valid close"))
            .collect()
    }

    #[test]
    fn matches_pandas_rolling_std_of_log_returns() {
        let mut rv = RealizedVolatility::new();
        let got = run(&mut rv, &CLOSE);
        // pandas' own error here reaches 3.8e-14 (see the generated
        // header); against the exact values this stays within a few ulp.
        close_to(&got, &RV_20_PANDAS, 1e-12);
        close_to(&got, &RV_20_EXACT, 2e-15);
        assert_eq!(got.iter().position(Option::is_some), Some(20));
        // The flat stretch: windows of 20 zero returns are exactly 0.
        assert_eq!(got[65..69], [Some(0.0); 4]);
        assert_eq!(rv.len(), 20);
    }

    #[test]
    fn first_close_and_warm_up() {
        let mut rv = RealizedVolatility::with_window(2);
        assert!(rv.is_empty());
        assert_eq!(rv.push(100.0), Ok(None));
        assert!(rv.is_empty());
        assert_eq!(rv.push(110.0), Ok(None));
        assert_eq!(rv.len(), 1);
        let got = rv.push(99.0).unwrap().unwrap();
        // Two returns: std = |r₁ − r₂| / √2.
        let (r1, r2) = ((110.0_f64 / 100.0).ln(), (99.0_f64 / 110.0).ln());
        assert!((got - (r1 - r2).abs() / 2.0_f64.sqrt()).abs() < 1e-15);
        assert_eq!(rv.value(), Some(got));
    }

    #[test]
    fn window_below_two_is_two() {
        assert_eq!(RealizedVolatility::with_window(0).window(), 2);
        assert_eq!(RealizedVolatility::with_window(1).window(), 2);
        assert_eq!(RealizedVolatility::default().window(), 20);
    }

    #[test]
    fn constant_prices_give_exactly_zero() {
        let mut rv = RealizedVolatility::with_window(5);
        let got = run(&mut rv, &[1.2345; 8]);
        assert_eq!(got[..5], [None; 5]);
        assert_eq!(got[5..], [Some(0.0); 3]);
    }

    #[test]
    fn refuses_bad_closes_without_changing_state() {
        let mut rv = RealizedVolatility::with_window(2);
        run(&mut rv, &[100.0, 101.0, 102.0]);
        let before = (rv.returns.clone(), rv.next, rv.previous_close, rv.value);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(
                rv.push(bad),
                Err(BarError::NonFinite { field: "close", .. })
            ));
        }
        for bad in [0.0, -0.0, -5.0] {
            assert_eq!(rv.push(bad), Err(BarError::NonPositiveClose { close: bad }));
        }
        assert_eq!(
            before,
            (rv.returns.clone(), rv.next, rv.previous_close, rv.value)
        );
        // The next return spans the refused bars: 102 → 104.
        let mut twin = RealizedVolatility::with_window(2);
        run(&mut twin, &[100.0, 101.0, 102.0, 104.0]);
        assert_eq!(rv.push(104.0), Ok(twin.value()));
    }

    #[test]
    fn value_depends_only_on_the_window() {
        // Same last 4 closes, different histories and ring positions.
        let tail = [1.1012, 1.0987, 1.1033, 1.1001];
        let mut a = RealizedVolatility::with_window(3);
        let mut b = RealizedVolatility::with_window(3);
        run(&mut a, &[1.2, 0.9, 1.5, 1.3, 1.0]);
        run(&mut b, &[1.05, 1.07]);
        assert_ne!(a.next, b.next);
        assert_eq!(run(&mut a, &tail)[3], run(&mut b, &tail)[3]);
    }

    #[test]
    fn extreme_ratios_stay_finite() {
        let mut rv = RealizedVolatility::with_window(2);
        let got = run(&mut rv, &[f64::MIN_POSITIVE / 4.0, f64::MAX, 1.0]);
        assert!(got[2].is_some_and(f64::is_finite));
    }

    #[test]
    fn push_does_not_reallocate() {
        let mut rv = RealizedVolatility::new();
        let ptr = rv.returns.as_ptr();
        run(&mut rv, &CLOSE);
        assert_eq!(rv.returns.as_ptr(), ptr);
    }
}

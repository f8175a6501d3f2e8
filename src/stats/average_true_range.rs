//! Wilder's average true range, as TA-Lib computes it.

use super::BarError;
use super::bar_error::finite;

/// Wilder's average true range (ATR) over a stream of bars, computed exactly
/// as TA-Lib's `ATR` (and pandas-ta's `atr`, which calls TA-Lib when it is
/// installed).
///
/// With period `N` and `C₋₁` the previous bar's close:
///
/// - the **true range** of a bar is `max(H − L, |H − C₋₁|, |L − C₋₁|)`;
/// - the **first bar has no true range**: it has no previous close and only
///   supplies `C₋₁` for the second bar (TA-Lib's `TRANGE` lookback of 1; it does
///   *not* fall back to `H − L`);
/// - the first ATR is the simple mean of the first `N` true ranges, those of
///   bars 2 to `N + 1`, so it appears on the `N + 1`-th bar (TA-Lib's lookback
///   of `N`: index 14 for ATR(14));
/// - after that `ATRₜ = (ATRₜ₋₁ · (N − 1) + TRₜ) / N`, evaluated in that
///   order, the order of TA-Lib's C source.
///
/// pandas-ta's own fallback (`talib=False`) differs on the first bar: it takes
/// `H − L` as the first true range and seeds one bar earlier.
///
/// The ATR is in price units. [`push`](Self::push) is O(1) and allocation-free.
/// It refuses a bar with a NaN or infinite price, a high below its low or a
/// close outside `[low, high]` ([`BarError`]); a refused bar changes nothing,
/// so the next accepted bar's true range is measured from the last accepted
/// close. Negative prices (spreads, some futures) are accepted.
///
/// ```
/// use velocity_metrics::stats::AverageTrueRange;
///
/// let mut atr = AverageTrueRange::with_period(3);
/// let bars = [(11.0, 9.0, 10.0), (12.0, 10.0, 11.0), (15.0, 12.0, 14.0), (14.5, 13.5, 14.0), (14.0, 13.0, 13.5)];
/// let out: Vec<_> = bars.iter().map(|&(h, l, c)| atr.push(h, l, c).unwrap()).collect();
/// // True ranges from the second bar on: 2, 4, 1, 1. First ATR = (2 + 4 + 1) / 3.
/// assert_eq!(out[..3], [None, None, None]);
/// assert_eq!(out[3], Some(7.0 / 3.0));
/// assert_eq!(out[4], Some((7.0 / 3.0 * 2.0 + 1.0) / 3.0));
/// assert_eq!(atr.true_range(), Some(1.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AverageTrueRange {
    period: usize,
    bars: u64,
    previous_close: Option<f64>,
    true_range: Option<f64>,
    seed_sum: f64,
    seed_count: usize,
    average: Option<f64>,
}

impl Default for AverageTrueRange {
    fn default() -> Self {
        Self::new()
    }
}

impl AverageTrueRange {
    /// Wilder's and TA-Lib's default period.
    pub const DEFAULT_PERIOD: usize = 14;

    /// An empty ATR(14).
    #[must_use]
    pub const fn new() -> Self {
        Self::with_period(Self::DEFAULT_PERIOD)
    }

    /// An empty ATR over `period` bars (0 is taken as 1). With period 1 the
    /// ATR is each bar's true range (TA-Lib returns `TRANGE` for it).
    #[must_use]
    pub const fn with_period(period: usize) -> Self {
        Self {
            period: if period == 0 { 1 } else { period },
            bars: 0,
            previous_close: None,
            true_range: None,
            seed_sum: 0.0,
            seed_count: 0,
            average: None,
        }
    }

    /// Adds one bar and returns the ATR after it: `Ok(None)` until `period + 1`
    /// bars have been accepted. O(1), no allocation.
    ///
    /// # Errors
    ///
    /// [`BarError::NonFinite`], [`BarError::HighBelowLow`] or
    /// [`BarError::CloseOutsideRange`]; the refused bar leaves the ATR
    /// unchanged.
    #[allow(clippy::cast_precision_loss, reason = "periods stay far below 2^53")]
    pub fn push(&mut self, high: f64, low: f64, close: f64) -> Result<Option<f64>, BarError> {
        let (high, low, close) = (
            finite("high", high)?,
            finite("low", low)?,
            finite("close", close)?,
        );
        if high < low {
            return Err(BarError::HighBelowLow { high, low });
        }
        if !(low..=high).contains(&close) {
            return Err(BarError::CloseOutsideRange { close, low, high });
        }
        self.bars += 1;
        let previous_close = self.previous_close.replace(close);
        let Some(previous_close) = previous_close else {
            return Ok(None);
        };
        let tr = (high - low)
            .max((high - previous_close).abs())
            .max((low - previous_close).abs());
        self.true_range = Some(tr);
        let n = self.period as f64;
        self.average = if let Some(atr) = self.average {
            Some((atr * (n - 1.0) + tr) / n)
        } else {
            self.seed_sum += tr;
            self.seed_count += 1;
            (self.seed_count == self.period).then(|| self.seed_sum / n)
        };
        Ok(self.average)
    }

    /// The current ATR in price units; `None` until `period + 1` bars.
    #[must_use]
    pub const fn value(&self) -> Option<f64> {
        self.average
    }

    /// The true range of the last accepted bar; `None` until the second bar.
    #[must_use]
    pub const fn true_range(&self) -> Option<f64> {
        self.true_range
    }

    /// The period `N` (at least 1).
    #[must_use]
    pub const fn period(&self) -> usize {
        self.period
    }

    /// Number of bars accepted.
    #[must_use]
    pub const fn bars(&self) -> u64 {
        self.bars
    }
}

#[cfg(test)]
mod tests {
    use super::super::bar_reference::{ATR_14, ATR_14_EXACT, CLOSE, HIGH, LOW};
    use super::*;
    use crate::stats::test_support::close_to;

    fn run(atr: &mut AverageTrueRange, bars: &[(f64, f64, f64)]) -> Vec<Option<f64>> {
        bars.iter()
            .map(|&(h, l, c)| atr.push(h, l, c).expect("valid bar"))
            .collect()
    }

    fn reference_bars() -> Vec<(f64, f64, f64)> {
        (0..CLOSE.len())
            .map(|i| (HIGH[i], LOW[i], CLOSE[i]))
            .collect()
    }

    #[test]
    fn matches_ta_lib_atr_14() {
        let mut atr = AverageTrueRange::new();
        let got = run(&mut atr, &reference_bars());
        // TA-Lib's compiled wheel rounds ~1 ulp differently per step (see
        // the generated file's header); the exact values bound both.
        close_to(&got, &ATR_14, 1e-12);
        close_to(&got, &ATR_14_EXACT, 2e-15);
        assert_eq!(got.iter().position(Option::is_some), Some(14));
        assert_eq!(atr.value(), *ATR_14.last().unwrap());
        assert_eq!(atr.bars(), 80);
    }

    #[test]
    fn first_bar_only_supplies_the_previous_close() {
        // Bar 0's huge range must not enter the seed.
        let mut atr = AverageTrueRange::with_period(2);
        assert_eq!(atr.push(200.0, 0.0, 100.0), Ok(None));
        assert_eq!(atr.true_range(), None);
        assert_eq!(atr.push(101.0, 99.0, 100.0), Ok(None));
        assert_eq!(atr.true_range(), Some(2.0));
        // Gap up: |H − C₋₁| = 10 beats H − L = 1.
        assert_eq!(atr.push(110.0, 109.0, 109.5), Ok(Some(6.0)));
        // Gap down: |L − C₋₁| = 9.5 beats H − L = 1.
        assert_eq!(atr.push(101.0, 100.0, 100.5), Ok(Some(7.75))); // (6 + 9.5) / 2
    }

    #[test]
    fn period_one_is_the_true_range() {
        for period in [0, 1] {
            let mut atr = AverageTrueRange::with_period(period);
            assert_eq!(atr.period(), 1);
            let bars = reference_bars();
            let got = run(&mut atr, &bars);
            assert_eq!(got[0], None);
            for t in 1..bars.len() {
                let (h, l, c1) = (bars[t].0, bars[t].1, bars[t - 1].2);
                let tr = (h - l).max((h - c1).abs()).max((l - c1).abs());
                assert_eq!(got[t], Some(tr), "bar {t}");
            }
        }
    }

    #[test]
    fn constant_prices_give_zero() {
        let mut atr = AverageTrueRange::with_period(3);
        let got = run(&mut atr, &[(1.2345, 1.2345, 1.2345); 6]);
        assert_eq!(got, [None, None, None, Some(0.0), Some(0.0), Some(0.0)]);
    }

    #[test]
    fn refuses_bad_bars_without_changing_state() {
        let mut atr = AverageTrueRange::with_period(2);
        run(&mut atr, &[(11.0, 9.0, 10.0), (12.0, 10.0, 11.0)]);
        let before = atr;
        let nan = f64::NAN;
        for (h, l, c, field) in [
            (nan, 9.0, 10.0, "high"),
            (11.0, f64::NEG_INFINITY, 10.0, "low"),
            (11.0, 9.0, f64::INFINITY, "close"),
        ] {
            match atr.push(h, l, c) {
                Err(BarError::NonFinite { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            atr.push(9.0, 11.0, 10.0),
            Err(BarError::HighBelowLow {
                high: 9.0,
                low: 11.0
            })
        );
        assert_eq!(
            atr.push(11.0, 9.0, 12.0),
            Err(BarError::CloseOutsideRange {
                close: 12.0,
                low: 9.0,
                high: 11.0
            })
        );
        assert_eq!(atr, before);
        // The next true range is measured from the last accepted close, 11.
        assert_eq!(atr.push(11.5, 10.5, 11.0), Ok(Some(1.5)));
    }

    #[test]
    fn negative_prices_are_accepted() {
        let mut atr = AverageTrueRange::with_period(1);
        run(&mut atr, &[(-35.0, -40.0, -37.0)]);
        assert_eq!(atr.push(-30.0, -38.0, -31.0), Ok(Some(8.0)));
    }
}

//! Why a bar statistic refused a bar.

use thiserror::Error;

/// A bar (or a close) that [`AverageTrueRange`](super::AverageTrueRange) or
/// [`RealizedVolatility`](super::RealizedVolatility) refused. A refused bar
/// changes nothing: the statistic is exactly as before the call.
///
/// ```
/// use velocity_metrics::stats::{AverageTrueRange, BarError};
///
/// let mut atr = AverageTrueRange::new();
/// let err = atr.push(1.0950, 1.0990, 1.0970).unwrap_err();
/// assert_eq!(err, BarError::HighBelowLow { high: 1.0950, low: 1.0990 });
/// assert_eq!(err.to_string(), "bar high 1.095 is below its low 1.099");
/// assert_eq!(atr.bars(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Error)]
#[non_exhaustive]
pub enum BarError {
    /// A price was NaN or ±∞.
    #[error("bar {field} {value} is not a finite number")]
    NonFinite {
        /// Which price: `high`, `low` or `close`.
        field: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// The high is below the low (often high and low passed the wrong way
    /// round).
    #[error("bar high {high} is below its low {low}")]
    HighBelowLow {
        /// The bar's high.
        high: f64,
        /// The bar's low.
        low: f64,
    },
    /// The close lies outside `[low, high]`.
    #[error("bar close {close} is outside its range [{low}, {high}]")]
    CloseOutsideRange {
        /// The bar's close.
        close: f64,
        /// The bar's low.
        low: f64,
        /// The bar's high.
        high: f64,
    },
    /// A close ≤ 0, which has no logarithm and so no log return.
    #[error("close {close} is not positive, so it has no log return")]
    NonPositiveClose {
        /// The rejected close.
        close: f64,
    },
}

/// `Ok(value)` if `value` is finite, else [`BarError::NonFinite`].
pub(super) fn finite(field: &'static str, value: f64) -> Result<f64, BarError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(BarError::NonFinite { field, value })
    }
}

//! An OHLC bar of one symbol and timeframe.

use serde::{Deserialize, Serialize};

use crate::error::{RecordError, finite, in_range, non_negative};

/// One completed bar as the engine's data feed delivers it.
///
/// [`Bar::validate`] (called by `record_bar`) refuses NaN/±Inf prices, a high
/// below the low, an open or close outside `[low, high]`, a close ≤ 0 (the
/// realised volatility is of log returns) and a negative volume.
///
/// ```
/// use velocity_metrics::model::Bar;
/// let bar = Bar { open: 1.1000, high: 1.1012, low: 1.0995, close: 1.1008, volume: Some(1_250.0) };
/// assert!(bar.validate().is_ok());
/// assert!(Bar { high: 1.0990, ..bar }.validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// First price of the bar.
    pub open: f64,
    /// Highest price.
    pub high: f64,
    /// Lowest price.
    pub low: f64,
    /// Last price.
    pub close: f64,
    /// Tick or real volume, when the feed has one.
    pub volume: Option<f64>,
}

impl Bar {
    /// Checks every field.
    ///
    /// # Errors
    /// [`RecordError`] naming the first field that is not finite, out of
    /// the bar's range, or negative (volume).
    pub fn validate(&self) -> Result<(), RecordError> {
        finite("open", self.open)?;
        finite("high", self.high)?;
        finite("low", self.low)?;
        finite("close", self.close)?;
        in_range("high", self.high, self.low, f64::MAX)?;
        in_range("open", self.open, self.low, self.high)?;
        in_range("close", self.close, self.low, self.high)?;
        in_range("close", self.close, f64::MIN_POSITIVE, f64::MAX)?;
        if let Some(volume) = self.volume {
            non_negative("volume", volume)?;
        }
        Ok(())
    }
}

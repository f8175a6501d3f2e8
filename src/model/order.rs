//! A fill of an order, as the execution layer reports it.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{MAX_ABS_AMOUNT, RecordError, in_range, non_negative};

/// One fill of an order (complete or partial).
///
/// ```
/// use std::time::Duration;
/// use velocity_metrics::model::Fill;
/// let fill = Fill { latency: Duration::from_millis(42), slippage: 0.00002, spread: 0.00008, partial: false };
/// assert!(fill.validate().is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fill {
    /// Time from submitting the order to this fill.
    pub latency: Duration,
    /// Fill price minus expected price, signed so that a positive value is
    /// worse for the trader (paid more on a buy, received less on a sell),
    /// in price units.
    pub slippage: f64,
    /// Spread (ask − bid) at the fill, in price units (≥ 0).
    pub spread: f64,
    /// `true` for a partial fill (the order stays open), `false` for the
    /// fill that completes the order.
    pub partial: bool,
}

impl Fill {
    /// Checks the numbers.
    ///
    /// # Errors
    /// [`RecordError`] for a NaN/±Inf slippage or spread, a slippage beyond
    /// ±[`MAX_ABS_AMOUNT`], or a negative spread.
    pub fn validate(&self) -> Result<(), RecordError> {
        in_range("slippage", self.slippage, -MAX_ABS_AMOUNT, MAX_ABS_AMOUNT)?;
        non_negative("spread", self.spread)?;
        Ok(())
    }
}

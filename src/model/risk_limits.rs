//! The risk engine's limits, as one configuration.

use serde::{Deserialize, Serialize};

use crate::error::{MAX_ABS_AMOUNT, RecordError, in_range, non_negative, positive};

/// The limits the risk engine enforces. `None` means the engine has no such
/// limit: its series then has no sample (`NaN` once it had one), and
/// `velocitytrader_daily_loss_limit_used` has none without a daily loss
/// limit.
///
/// ```
/// use velocity_metrics::model::RiskLimits;
/// let limits = RiskLimits {
///     daily_loss_limit: Some(500.0),
///     daily_drawdown_limit_percent: Some(5.0),
///     max_positions: Some(6),
///     max_position_size: Some(1.0),
///     consecutive_losses_limit: Some(4),
/// };
/// assert!(limits.validate().is_ok());
/// assert!(RiskLimits { daily_loss_limit: Some(0.0), ..limits }.validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskLimits {
    /// Largest loss allowed in one trading day, account currency (> 0).
    pub daily_loss_limit: Option<f64>,
    /// Largest drawdown allowed within one trading day, percent (0–100].
    pub daily_drawdown_limit_percent: Option<f64>,
    /// Most positions open at once.
    pub max_positions: Option<u64>,
    /// Largest position size, lots (≥ 0).
    pub max_position_size: Option<f64>,
    /// Losing streak at which trading stops.
    pub consecutive_losses_limit: Option<u64>,
}

impl RiskLimits {
    /// Checks every limit that is set.
    ///
    /// # Errors
    /// [`RecordError`] naming the first limit that is not finite, not
    /// positive (daily loss), outside (0, 100] (daily drawdown) or negative
    /// (position size).
    pub fn validate(&self) -> Result<(), RecordError> {
        if let Some(limit) = self.daily_loss_limit {
            positive("daily_loss_limit", limit)?;
            in_range("daily_loss_limit", limit, 0.0, MAX_ABS_AMOUNT)?;
        }
        if let Some(percent) = self.daily_drawdown_limit_percent {
            positive("daily_drawdown_limit_percent", percent)?;
            in_range("daily_drawdown_limit_percent", percent, 0.0, 100.0)?;
        }
        if let Some(size) = self.max_position_size {
            non_negative("max_position_size", size)?;
        }
        Ok(())
    }
}

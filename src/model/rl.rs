//! One training step of a reinforcement-learning agent.

use serde::{Deserialize, Serialize};

use crate::error::{RecordError, finite, non_negative};

/// What one model update reports: its loss and the Q-value estimate.
///
/// ```
/// use velocity_metrics::model::RlTraining;
/// assert!(RlTraining { loss: 0.012, q_value: -0.4 }.validate().is_ok());
/// assert!(RlTraining { loss: -1.0, q_value: 0.0 }.validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RlTraining {
    /// Training loss (≥ 0, e.g. the mean squared TD error).
    pub loss: f64,
    /// Q-value estimate (signed).
    pub q_value: f64,
}

impl RlTraining {
    /// Checks both numbers.
    ///
    /// # Errors
    /// [`RecordError`] for a NaN/±Inf value or a negative loss.
    pub fn validate(&self) -> Result<(), RecordError> {
        non_negative("loss", self.loss)?;
        finite("q_value", self.q_value)?;
        Ok(())
    }
}

//! A closed trade, the unit of all trade-level statistics.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::{Agent, Regime, Side, Symbol, Timeframe};
use crate::error::{RecordError, finite, in_range, non_negative};

/// A closed trade as the engine reports it.
///
/// Plain data: build it with a struct literal or [`Trade::closed`] and the
/// `with_*` helpers. [`Trade::validate`] (called by every recorder) rejects
/// NaN/±Inf P&L, negative or non-finite durations and confidences outside
/// 0..=1, so an invalid trade never reaches a statistic.
///
/// ```
/// use velocity_metrics::{Agent, Regime, Symbol, Timeframe, Trade};
/// let trade = Trade::closed(Agent::SNIPER, Symbol::new("EURUSD+")?, Timeframe::M5, 42.5)
///     .with_regime(Regime::Underdamped)
///     .with_duration_secs(310.0)
///     .with_confidence(0.82);
/// assert!(trade.validate().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    /// Agent that opened the trade.
    pub agent: Agent,
    /// Instrument, verbatim (`EURUSD+`).
    pub symbol: Symbol,
    /// Timeframe the agent traded on.
    pub timeframe: Timeframe,
    /// Regime at entry; `None` when unknown (the trade then counts in no
    /// per-regime series).
    pub regime: Option<Regime>,
    /// Direction, when known.
    pub side: Option<Side>,
    /// Realised profit or loss in account currency. Zero is a breakeven.
    pub pnl: f64,
    /// Holding time in seconds (≥ 0).
    pub duration_secs: f64,
    /// Signal confidence at entry, a probability in 0..=1, when known.
    pub confidence: Option<f64>,
    /// Close time, Unix epoch seconds.
    pub closed_at: f64,
}

impl Trade {
    /// A trade closed now with the given P&L; other fields unknown or zero.
    #[must_use]
    pub fn closed(agent: Agent, symbol: Symbol, timeframe: Timeframe, pnl: f64) -> Self {
        let closed_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        Self {
            agent,
            symbol,
            timeframe,
            regime: None,
            side: None,
            pnl,
            duration_secs: 0.0,
            confidence: None,
            closed_at,
        }
    }

    /// Sets the regime at entry.
    #[must_use]
    pub fn with_regime(mut self, regime: Regime) -> Self {
        self.regime = Some(regime);
        self
    }

    /// Sets the direction.
    #[must_use]
    pub fn with_side(mut self, side: Side) -> Self {
        self.side = Some(side);
        self
    }

    /// Sets the holding time in seconds.
    #[must_use]
    pub fn with_duration_secs(mut self, duration_secs: f64) -> Self {
        self.duration_secs = duration_secs;
        self
    }

    /// Sets the signal confidence (0..=1).
    #[must_use]
    pub fn with_confidence(mut self, confidence: f64) -> Self {
        self.confidence = Some(confidence);
        self
    }

    /// Sets the close time (Unix epoch seconds).
    #[must_use]
    pub fn with_closed_at(mut self, closed_at: f64) -> Self {
        self.closed_at = closed_at;
        self
    }

    /// Checks every numeric field.
    ///
    /// # Errors
    /// [`RecordError`] naming the first invalid field.
    pub fn validate(&self) -> Result<(), RecordError> {
        finite("pnl", self.pnl)?;
        non_negative("duration_secs", self.duration_secs)?;
        finite("closed_at", self.closed_at)?;
        if let Some(confidence) = self.confidence {
            in_range("confidence", confidence, 0.0, 1.0)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trade(pnl: f64) -> Trade {
        Trade::closed(
            Agent::BERSERKER,
            Symbol::new("GBPUSD+").unwrap(),
            Timeframe::M5,
            pnl,
        )
    }

    #[test]
    fn validate_rejects_bad_numbers() {
        assert!(trade(1.0).validate().is_ok());
        assert!(matches!(
            trade(f64::NAN).validate(),
            Err(RecordError::NotFinite { field: "pnl", .. })
        ));
        assert!(matches!(
            trade(1.0).with_duration_secs(-1.0).validate(),
            Err(RecordError::Negative {
                field: "duration_secs",
                ..
            })
        ));
        assert!(matches!(
            trade(1.0).with_confidence(1.5).validate(),
            Err(RecordError::OutOfRange {
                field: "confidence",
                ..
            })
        ));
    }

    #[test]
    fn serde_round_trip() {
        let t = trade(-3.25)
            .with_regime(Regime::Chaotic)
            .with_confidence(0.5);
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"CHAOTIC\""), "{json}");
        let back: Trade = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
    }
}

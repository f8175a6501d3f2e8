//! A closed trade, the unit of all trade-level statistics.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::event_time::{DEFAULT_FUTURE_TOLERANCE, check_time};
use super::{Agent, Regime, Side, Symbol, Timeframe};
use crate::error::{RecordError, amount, finite, in_range, non_negative};

/// The wall clock in Unix seconds (0 before 1970, which no real clock is).
pub(crate) fn unix_now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A closed trade as the engine reports it.
///
/// Plain data: build it with a struct literal or [`Trade::closed`] and the
/// `with_*` helpers. [`Trade::validate`] (called by every recorder) rejects
/// NaN/±Inf P&L or a P&L beyond ±[`MAX_ABS_AMOUNT`](crate::error::MAX_ABS_AMOUNT), negative or non-finite
/// durations, confidences outside 0..=1 and close times that are not
/// seconds since the Unix epoch (negative, in milliseconds by mistake, or
/// further ahead of the clock than the telemetry's
/// [`future_tolerance`](crate::TelemetryConfig::future_tolerance)), so an
/// invalid trade never reaches a statistic.
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
    /// Holding time in seconds (≥ 0), when known. Trades without one count
    /// in every statistic except the average duration.
    pub duration_secs: Option<f64>,
    /// Signal confidence at entry, a probability in 0..=1, when known.
    pub confidence: Option<f64>,
    /// Close time in seconds since the Unix epoch (UTC): any time since 1970
    /// (backtests record past dates), at most the telemetry's
    /// [`future_tolerance`](crate::TelemetryConfig::future_tolerance) ahead
    /// of the wall clock. Not milliseconds.
    pub closed_at: f64,
}

impl Trade {
    /// A trade closed now with the given P&L; other fields unknown.
    #[must_use]
    pub fn closed(agent: Agent, symbol: Symbol, timeframe: Timeframe, pnl: f64) -> Self {
        let closed_at = unix_now_secs();
        Self {
            agent,
            symbol,
            timeframe,
            regime: None,
            side: None,
            pnl,
            duration_secs: None,
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
        self.duration_secs = Some(duration_secs);
        self
    }

    /// Sets the signal confidence (0..=1).
    #[must_use]
    pub fn with_confidence(mut self, confidence: f64) -> Self {
        self.confidence = Some(confidence);
        self
    }

    /// Sets the close time (seconds since the Unix epoch, see
    /// [`closed_at`](Self::closed_at)).
    #[must_use]
    pub fn with_closed_at(mut self, closed_at: f64) -> Self {
        self.closed_at = closed_at;
        self
    }

    /// Checks every numeric field, the close time against the wall clock
    /// and [`DEFAULT_FUTURE_TOLERANCE`] (a telemetry checks it against its
    /// own [`future_tolerance`](crate::TelemetryConfig::future_tolerance)).
    ///
    /// # Errors
    /// [`RecordError`] naming the first invalid field; a close time in
    /// milliseconds is [`RecordError::TimeUnit`] ("looks like
    /// milliseconds"), one too far ahead [`RecordError::InFuture`].
    ///
    /// ```
    /// use velocity_metrics::{Agent, RecordError, Symbol, Timeframe, Trade};
    /// let trade = Trade::closed(Agent::SNIPER, Symbol::new("EURUSD+")?, Timeframe::M5, 1.0);
    /// let in_ms = trade.with_closed_at(trade.closed_at * 1000.0);
    /// assert!(matches!(in_ms.validate(), Err(RecordError::TimeUnit { unit: "milliseconds", .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(&self) -> Result<(), RecordError> {
        self.validate_values()?;
        check_time(
            "closed_at",
            self.closed_at,
            unix_now_secs(),
            DEFAULT_FUTURE_TOLERANCE.as_secs_f64(),
        )?;
        Ok(())
    }

    /// Checks every field but the close time (which a telemetry checks
    /// against its own clock and tolerance).
    pub(crate) fn validate_values(&self) -> Result<(), RecordError> {
        finite("pnl", self.pnl)?;
        amount("pnl", self.pnl)?;
        if let Some(duration) = self.duration_secs {
            non_negative("duration_secs", duration)?;
        }
        if let Some(confidence) = self.confidence {
            in_range("confidence", confidence, 0.0, 1.0)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::MAX_ABS_AMOUNT;

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
    fn amounts_beyond_the_bound_are_refused() {
        assert!(trade(MAX_ABS_AMOUNT).validate().is_ok());
        assert!(matches!(
            trade(1e308).validate(),
            Err(RecordError::OutOfRange { field: "pnl", .. })
        ));
        assert!(trade(-1e16).validate().is_err());
    }

    #[test]
    fn serde_round_trip_is_exact() {
        // Deterministic values covering the awkward f64 cases: many digits,
        // subnormal-ish magnitudes, negative zero, large exponents.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..1000_usize {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            #[allow(clippy::cast_precision_loss)]
            let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
            let exponent = i32::try_from(i % 12).unwrap_or(0) - 3;
            let pnl = (unit - 0.5) * 10f64.powi(exponent);
            let t = trade(pnl)
                .with_regime(Regime::ALL[i % 4])
                .with_confidence(unit)
                .with_duration_secs(unit * 1e5)
                .with_closed_at(1_790_000_000.0 + unit);
            let json = serde_json::to_string(&t).unwrap();
            let back: Trade = serde_json::from_str(&json).unwrap();
            assert_eq!(back.pnl.to_bits(), t.pnl.to_bits(), "{json}");
            assert_eq!(back.closed_at.to_bits(), t.closed_at.to_bits(), "{json}");
            assert_eq!(back, t, "{json}");
        }
        let zero = trade(-0.0);
        let back: Trade = serde_json::from_str(&serde_json::to_string(&zero).unwrap()).unwrap();
        assert_eq!(back.pnl.to_bits(), (-0.0f64).to_bits());
        let json = serde_json::to_string(&trade(1.0).with_regime(Regime::Chaotic)).unwrap();
        assert!(json.contains("\"CHAOTIC\""), "{json}");
    }
}

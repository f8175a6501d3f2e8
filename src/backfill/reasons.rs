//! Why a row was skipped ([`SkipReason`]) or a value in it replaced
//! ([`Adjustment`]).

use std::fmt;

/// Why a row was left out. Skipped rows are counted, never recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SkipReason {
    /// NULL in a column the event needs.
    Missing {
        /// The column.
        column: &'static str,
    },
    /// A value of the wrong storage class (text in `pnl`, a blob…).
    WrongType {
        /// The column.
        column: &'static str,
    },
    /// ±inf where a finite number is needed.
    NotFinite {
        /// The column.
        column: &'static str,
    },
    /// A number outside its domain (a timestamp before 1970, after 9999 or
    /// — for a trade — further ahead of the clock than the telemetry's
    /// [`future_tolerance`](crate::TelemetryConfig::future_tolerance), a
    /// P&L or reward beyond ±[`MAX_ABS_AMOUNT`](crate::MAX_ABS_AMOUNT)).
    OutOfRange {
        /// The column.
        column: &'static str,
    },
    /// An agent or instrument the label rules reject (empty, control
    /// characters, longer than 64 bytes, invalid UTF-8).
    InvalidLabel {
        /// The column.
        column: &'static str,
    },
    /// `ALL` or a timeframe that is not an MT5 timeframe.
    UnknownTimeframe,
    /// A severity other than CRITICAL, HIGH, MEDIUM or LOW.
    UnknownSeverity,
    /// The recorder refused the event (cannot happen for validated rows;
    /// kept so that nothing is ever lost silently).
    Rejected,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { column } => write!(f, "NULL `{column}`"),
            Self::WrongType { column } => write!(f, "wrong type in `{column}`"),
            Self::NotFinite { column } => write!(f, "infinite `{column}`"),
            Self::OutOfRange { column } => write!(f, "`{column}` out of range"),
            Self::InvalidLabel { column } => write!(f, "invalid label in `{column}`"),
            Self::UnknownTimeframe => f.write_str("unknown timeframe"),
            Self::UnknownSeverity => f.write_str("unknown severity"),
            Self::Rejected => f.write_str("rejected by the recorder"),
        }
    }
}

/// A value replaced while the row itself was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Adjustment {
    /// NULL `trade_duration`: the trade is recorded without a duration (it
    /// counts in everything but the average duration).
    DurationMissing,
    /// Negative, infinite or non-numeric `trade_duration`: recorded without
    /// a duration.
    DurationInvalid,
    /// `confidence_score` exactly 0.0, the engine's constant on close rows:
    /// recorded as unknown.
    ConfidencePlaceholder,
    /// `confidence_score` outside 0..=1 (the engine's unbounded open-row
    /// value) or not a number: recorded as unknown.
    ConfidenceOutOfRange,
    /// Follow mode: a trade closed earlier than the previous one; its equity
    /// sample is taken at the previous time so the curve stays ordered.
    EquityTimeClamped,
    /// The telemetry refused the rebuilt equity sample (it already held a
    /// later one); the trade itself was recorded.
    EquityRejected,
    /// `reward_logs.q_values` NULL (or JSON `null`): the reward is recorded,
    /// the Q-value left alone.
    QValuesMissing,
    /// `q_values` not a flat JSON list of numbers: the reward is recorded,
    /// the Q-value left alone.
    QValuesMalformed,
    /// `q_values` an empty list: the reward is recorded, the Q-value left
    /// alone.
    QValuesEmpty,
    /// `q_values` with a `NaN`, `Infinity` or `-Infinity` entry: the reward
    /// is recorded, the Q-value left alone.
    QValuesNotFinite,
    /// `reward_logs.epsilon` NULL: the reward is recorded, the exploration
    /// rate left alone.
    EpsilonMissing,
    /// `epsilon` outside 0..=1, infinite or not a number: the reward is
    /// recorded, the exploration rate left alone.
    EpsilonOutOfRange,
    /// A logged trade's regime (see [`LogRecorder`](super::LogRecorder)) is
    /// not one of the four regimes or their codes 1–4: the trade is recorded
    /// without a regime.
    RegimeUnknown,
}

impl fmt::Display for Adjustment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DurationMissing => "NULL duration read as unknown",
            Self::DurationInvalid => "invalid duration read as unknown",
            Self::ConfidencePlaceholder => "placeholder confidence 0.0 read as unknown",
            Self::ConfidenceOutOfRange => "confidence outside 0..=1 read as unknown",
            Self::EquityTimeClamped => "equity sample moved to the previous time",
            Self::EquityRejected => "equity sample refused by the telemetry",
            Self::QValuesMissing => "NULL q_values: no Q-value",
            Self::QValuesMalformed => "q_values not a JSON list of numbers: no Q-value",
            Self::QValuesEmpty => "empty q_values: no Q-value",
            Self::QValuesNotFinite => "non-finite q_values entry: no Q-value",
            Self::EpsilonMissing => "NULL epsilon: no exploration rate",
            Self::EpsilonOutOfRange => "epsilon outside 0..=1: no exploration rate",
            Self::RegimeUnknown => "unknown regime read as none",
        })
    }
}

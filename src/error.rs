//! Errors returned at the crate's boundaries.
//!
//! One enum per boundary: [`RecordError`] for bad input handed to a recorder,
//! [`LabelError`] for label values that cannot become a Prometheus label,
//! [`ParseError`] for the engine's string spellings, and (feature `exporter`)
//! [`crate::exporter::ExporterError`] for starting the HTTP endpoint.
//! Numbers in every message are printed with [`Readable`] (`1e308`, never
//! 309 digits).

mod readable;

use thiserror::Error;

pub use readable::Readable;

/// A label value (agent, symbol) was rejected before it reached Prometheus.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LabelError {
    /// The value is empty (or only whitespace).
    #[error("empty {kind} label value")]
    Empty {
        /// Which label: `agent` or `symbol`.
        kind: &'static str,
    },
    /// The value is longer than [`crate::model::MAX_LABEL_BYTES`].
    #[error("{kind} label value is {len} bytes, longer than the limit of {max}")]
    TooLong {
        /// Which label: `agent` or `symbol`.
        kind: &'static str,
        /// Length of the rejected value in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The value contains a control character (newline, NUL, ...).
    #[error("{kind} label value {value:?} contains a control character")]
    ControlCharacter {
        /// Which label: `agent` or `symbol`.
        kind: &'static str,
        /// The rejected value, escaped by `Debug`.
        value: String,
    },
    /// A constant label's name is not a valid Prometheus label name
    /// (`[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`).
    #[error("invalid label name {name:?}: expected [a-zA-Z_][a-zA-Z0-9_]* not starting with __")]
    InvalidName {
        /// The rejected name.
        name: String,
    },
    /// A constant label's name is reserved: Prometheus sets it (`job`,
    /// `instance`), the exposition format uses it (`le`, `quantile`), or a
    /// catalogue series already carries it (`agent`, `symbol`, …).
    #[error("label name {name:?} is reserved ({why})")]
    ReservedName {
        /// The rejected name.
        name: String,
        /// Who owns the name.
        why: &'static str,
    },
    /// The same constant label name was given twice.
    #[error("label name {name:?} is given twice")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
}

/// One of the engine's string spellings could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Not one of the four regimes (or their legacy spellings).
    #[error(
        "unknown market regime {0:?} (expected CHAOTIC, UNDERDAMPED, CRITICALLY_DAMPED or OVERDAMPED)"
    )]
    Regime(String),
    /// Not a known MT5 timeframe.
    #[error("unknown timeframe {0:?} (expected one of M1, M5, M15, M30, H1, H4, D1, W1, MN1)")]
    Timeframe(String),
    /// Not `BUY` or `SELL`.
    #[error("unknown trade side {0:?} (expected BUY or SELL)")]
    Side(String),
    /// Not `CRITICAL`, `HIGH`, `MEDIUM` or `LOW`.
    #[error("unknown error severity {0:?} (expected CRITICAL, HIGH, MEDIUM or LOW)")]
    Severity(String),
    /// Not `live`, `paper` or `backtest`.
    #[error("unknown mode {0:?} (expected live, paper or backtest)")]
    Mode(String),
    /// A regime code outside 1..=4.
    #[error("regime code {0} is outside 1..=4")]
    RegimeCode(i64),
    /// Not a known circuit-breaker reason.
    #[error(
        "unknown circuit-breaker reason {0:?} (expected daily_loss, drawdown, consecutive_losses, volatility, spread, vpin, manual or other)"
    )]
    BreakerReason(String),
    /// Not a known risk decision.
    #[error("unknown risk decision {0:?} (expected approve, reduce_size, reject or halt)")]
    RiskDecision(String),
    /// Not a known order rejection reason.
    #[error(
        "unknown order rejection reason {0:?} (expected insufficient_margin, invalid_price, market_closed, risk_limit, broker, timeout or other)"
    )]
    OrderRejectReason(String),
}

/// A recorder refused an event. Nothing was recorded: statistics stay exact.
///
/// Every refusal is also counted in
/// `velocitytrader_rejected_events_total{reason}` (the values are
/// [`RecordError::REASONS`]) so that bad input is visible in Prometheus even
/// when the caller ignores the `Result`.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RecordError {
    /// A value that must be a finite number was NaN or infinite.
    #[error("{field} must be a finite number, got {}", Readable(*.value))]
    NotFinite {
        /// The offending field, e.g. `pnl` or `price`.
        field: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// A value that must not be negative was negative.
    #[error("{field} must not be negative, got {}", Readable(*.value))]
    Negative {
        /// The offending field, e.g. `duration_secs`.
        field: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// A value that must lie in a closed range did not.
    #[error("{field} must be within {}..={}, got {}", Readable(*.min), Readable(*.max), Readable(*.value))]
    OutOfRange {
        /// The offending field, e.g. `confidence`.
        field: &'static str,
        /// The rejected value.
        value: f64,
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Equity samples must arrive in time order.
    #[error(
        "equity sample at {} is older than the previous sample at {}; stamp samples in order or use record_equity_now",
        Readable(*.at),
        Readable(*.previous)
    )]
    OutOfOrder {
        /// Timestamp of the rejected sample (Unix seconds).
        at: f64,
        /// Timestamp of the latest accepted sample.
        previous: f64,
    },
    /// A bounded table of the telemetry is full, e.g. the runs remembered
    /// for `velocitytrader_run_info`.
    #[error("{what}: at most {limit} per telemetry")]
    LimitReached {
        /// What is bounded, e.g. `runs`.
        what: &'static str,
        /// The bound.
        limit: usize,
    },
    /// A time that must be seconds since the Unix epoch is far beyond the
    /// clock but reads as a present-day time in a smaller unit: the engine
    /// passed milliseconds (or micro-, nanoseconds) by mistake.
    #[error(
        "{field} {} looks like {unit} since the Unix epoch, not seconds; divide it by {divisor}",
        Readable(*.value)
    )]
    TimeUnit {
        /// The offending field, e.g. `closed_at`.
        field: &'static str,
        /// The rejected value.
        value: f64,
        /// The unit it reads as: `milliseconds`, `microseconds` or
        /// `nanoseconds`.
        unit: &'static str,
        /// What to divide it by to get seconds.
        divisor: u64,
    },
    /// A time further in the future than the telemetry's tolerance
    /// ([`TelemetryConfig::future_tolerance`](crate::TelemetryConfig::future_tolerance)).
    #[error(
        "{field} {} is {} s ahead of the clock ({}), more than the {} s allowed (TelemetryBuilder::future_tolerance); pass UTC seconds since the epoch from a synchronised clock, not a broker's server time",
        Readable(*.value),
        Readable(*.value - *.clock),
        Readable(*.clock),
        Readable(*.tolerance_secs)
    )]
    InFuture {
        /// The offending field, e.g. `closed_at`.
        field: &'static str,
        /// The rejected value (Unix seconds).
        value: f64,
        /// The wall clock when it was checked (Unix seconds).
        clock: f64,
        /// How far ahead of the clock a time may be, in seconds.
        tolerance_secs: f64,
    },
}

impl From<crate::stats::BarError> for RecordError {
    /// A refused bar, under the existing reasons: a NaN/±Inf price is
    /// `NotFinite`; a high below the low, a close outside `[low, high]` and a
    /// close ≤ 0 are `OutOfRange` naming the field and the bounds it broke.
    fn from(error: crate::stats::BarError) -> Self {
        use crate::stats::BarError;
        match error {
            BarError::NonFinite { field, value } => Self::NotFinite { field, value },
            BarError::HighBelowLow { high, low } => Self::OutOfRange {
                field: "high",
                value: high,
                min: low,
                max: f64::INFINITY,
            },
            BarError::CloseOutsideRange { close, low, high } => Self::OutOfRange {
                field: "close",
                value: close,
                min: low,
                max: high,
            },
            BarError::NonPositiveClose { close } => Self::OutOfRange {
                field: "close",
                value: close,
                min: f64::MIN_POSITIVE,
                max: f64::INFINITY,
            },
        }
    }
}

impl RecordError {
    /// Every `reason` label value of `velocitytrader_rejected_events_total`,
    /// in the order of the variants; each exists at 0 from a telemetry's
    /// start.
    pub const REASONS: &'static [&'static str] = &[
        "not_finite",
        "negative",
        "out_of_range",
        "out_of_order",
        "limit_reached",
        "time_unit",
        "in_future",
    ];

    /// The `reason` label value this error is counted under (one of
    /// [`REASONS`](Self::REASONS)).
    #[must_use]
    pub fn reason(&self) -> &'static str {
        Self::REASONS[self.reason_index()]
    }

    /// Position of [`reason`](Self::reason) in [`REASONS`](Self::REASONS).
    pub(crate) fn reason_index(&self) -> usize {
        match self {
            Self::NotFinite { .. } => 0,
            Self::Negative { .. } => 1,
            Self::OutOfRange { .. } => 2,
            Self::OutOfOrder { .. } => 3,
            Self::LimitReached { .. } => 4,
            Self::TimeUnit { .. } => 5,
            Self::InFuture { .. } => 6,
        }
    }
}

/// Checks that `value` is finite.
pub(crate) fn finite(field: &'static str, value: f64) -> Result<f64, RecordError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(RecordError::NotFinite { field, value })
    }
}

/// Checks that `value` is finite and not negative.
pub(crate) fn non_negative(field: &'static str, value: f64) -> Result<f64, RecordError> {
    let value = finite(field, value)?;
    if value < 0.0 {
        Err(RecordError::Negative { field, value })
    } else {
        Ok(value)
    }
}

/// Largest magnitude accepted for an amount of money (P&L, balance,
/// equity, exposure in currency): 10^15 account-currency units. Sums of up
/// to 2^64 such amounts stay finite, so no accumulator can become infinite.
pub const MAX_ABS_AMOUNT: f64 = 1e15;

/// Checks that `value` is a finite amount within ±[`MAX_ABS_AMOUNT`].
pub(crate) fn amount(field: &'static str, value: f64) -> Result<f64, RecordError> {
    in_range(field, value, -MAX_ABS_AMOUNT, MAX_ABS_AMOUNT)
}

/// Checks that `value` is finite and strictly positive (a limit or a price
/// that divides).
pub(crate) fn positive(field: &'static str, value: f64) -> Result<f64, RecordError> {
    in_range(field, value, f64::MIN_POSITIVE, f64::MAX)
}

/// Checks that `value` lies in `min..=max`.
pub(crate) fn in_range(
    field: &'static str,
    value: f64,
    min: f64,
    max: f64,
) -> Result<f64, RecordError> {
    let value = finite(field, value)?;
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(RecordError::OutOfRange {
            field,
            value,
            min,
            max,
        })
    }
}

/// A process-wide default was installed already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("a process-wide velocity_metrics telemetry is installed already")]
pub struct AlreadyInstalled;

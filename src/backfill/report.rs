//! What a read did: rows per table, skips by reason, adjustments, progress.

use std::collections::BTreeMap;
use std::fmt;

/// Most skipped rows kept as examples in [`ReplayReport::examples`].
pub(crate) const MAX_EXAMPLES: usize = 16;

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
    /// A number outside its domain (a timestamp before 1970 or after 9999,
    /// a P&L beyond ±[`MAX_ABS_AMOUNT`](crate::MAX_ABS_AMOUNT)).
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
        })
    }
}

/// One skipped row, kept as an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// `trade_logs` or `error_logs`.
    pub table: &'static str,
    /// The row's `id`.
    pub id: i64,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// Counts for one table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableReport {
    /// Rows read: `open + recorded + skipped_total()`.
    pub rows: u64,
    /// Open positions (`trade_logs` rows with NULL `pnl`), not trades yet.
    pub open: u64,
    /// Rows recorded as events.
    pub recorded: u64,
    /// Rows skipped, by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
}

impl TableReport {
    /// Rows skipped for any reason.
    #[must_use]
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// The highest row id read from each table: where follow mode resumes.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Watermark {
    /// Highest `trade_logs.id` read (0: none).
    pub trade_logs: i64,
    /// Highest `error_logs.id` read (0: none).
    pub error_logs: i64,
}

/// What a replay (or one follow-mode poll) read and recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayReport {
    /// `trade_logs`.
    pub trade_logs: TableReport,
    /// `error_logs` (all zero when errors are not read).
    pub error_logs: TableReport,
    /// Equity samples recorded (only with a starting balance).
    pub equity_samples: u64,
    /// Values replaced in recorded rows, by kind.
    pub adjusted: BTreeMap<Adjustment, u64>,
    /// The first [`SkippedRow`]s (at most 16), to find them in the file.
    pub examples: Vec<SkippedRow>,
    /// Where a [`Follower`](super::Follower) resumes after this read.
    pub watermark: Watermark,
}

impl ReplayReport {
    /// Closed trades recorded.
    #[must_use]
    pub fn trades_recorded(&self) -> u64 {
        self.trade_logs.recorded
    }

    /// Engine errors recorded.
    #[must_use]
    pub fn errors_recorded(&self) -> u64 {
        self.error_logs.recorded
    }

    /// Rows skipped in both tables.
    #[must_use]
    pub fn skipped_total(&self) -> u64 {
        self.trade_logs.skipped_total() + self.error_logs.skipped_total()
    }

    pub(crate) fn skip(&mut self, table: &'static str, id: i64, reason: SkipReason) {
        let counts = if table == "error_logs" {
            &mut self.error_logs
        } else {
            &mut self.trade_logs
        };
        *counts.skipped.entry(reason).or_default() += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(SkippedRow { table, id, reason });
        }
    }

    pub(crate) fn adjust(&mut self, adjustment: Adjustment) {
        *self.adjusted.entry(adjustment).or_default() += 1;
    }
}

impl fmt::Display for ReplayReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, t) in [
            ("trade_logs", &self.trade_logs),
            ("error_logs", &self.error_logs),
        ] {
            write!(
                f,
                "{name}: {} rows, {} recorded, {} open, {} skipped",
                t.rows,
                t.recorded,
                t.open,
                t.skipped_total()
            )?;
            for (reason, n) in &t.skipped {
                write!(f, "; {reason}: {n}")?;
            }
            writeln!(f)?;
        }
        write!(f, "equity samples: {}", self.equity_samples)?;
        for (adjustment, n) in &self.adjusted {
            write!(f, "; {adjustment}: {n}")?;
        }
        if !self.examples.is_empty() {
            write!(f, "\nskipped rows, e.g.:")?;
            for row in &self.examples {
                write!(f, " {}#{} ({})", row.table, row.id, row.reason)?;
            }
        }
        Ok(())
    }
}

/// Progress of a long read, handed to the callback of
/// [`ReplayOptions::progress`](super::ReplayOptions::progress).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Rows done so far: closed trades and errors as they are read; the
    /// open positions, which need no work, are added in the final call.
    pub rows_done: u64,
    /// Rows in the tables read (`trade_logs`, `error_logs`) when the
    /// snapshot was taken; the final call has `rows_done == rows_total`.
    pub rows_total: u64,
}

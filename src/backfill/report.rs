//! What a read did: rows per table, skips by reason, adjustments, progress.

use std::collections::BTreeMap;
use std::fmt;

use super::reasons::{Adjustment, SkipReason};

/// Most skipped rows kept as examples in [`ReplayReport::examples`].
pub(crate) const MAX_EXAMPLES: usize = 16;

/// One skipped row, kept as an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// `trade_logs`, `error_logs` or `reward_logs`.
    pub table: &'static str,
    /// The row's `id`.
    pub id: i64,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// Counts for one table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableReport {
    /// The table does not exist in the database, which is legal for
    /// `reward_logs` (engines older than the table): nothing was read.
    pub absent: bool,
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
    /// Highest `reward_logs.id` read (0: none, or no such table). Missing in
    /// a watermark saved before reward rows were read: 0.
    #[serde(default)]
    pub reward_logs: i64,
}

/// What a replay (or one follow-mode poll) read and recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayReport {
    /// `trade_logs`.
    pub trade_logs: TableReport,
    /// `error_logs` (all zero when errors are not read).
    pub error_logs: TableReport,
    /// `reward_logs` (all zero when rewards are not read;
    /// [`TableReport::absent`] when the database has no such table).
    pub reward_logs: TableReport,
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

    /// Learner rewards recorded (`reward_logs` rows).
    #[must_use]
    pub fn rewards_recorded(&self) -> u64 {
        self.reward_logs.recorded
    }

    /// Rows read from all tables, open positions and skipped rows included.
    #[must_use]
    pub fn rows_read(&self) -> u64 {
        self.trade_logs.rows + self.error_logs.rows + self.reward_logs.rows
    }

    /// Rows skipped in all tables.
    #[must_use]
    pub fn skipped_total(&self) -> u64 {
        self.trade_logs.skipped_total()
            + self.error_logs.skipped_total()
            + self.reward_logs.skipped_total()
    }

    pub(crate) fn skip(&mut self, table: &'static str, id: i64, reason: SkipReason) {
        let counts = match table {
            "error_logs" => &mut self.error_logs,
            "reward_logs" => &mut self.reward_logs,
            _ => &mut self.trade_logs,
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
            ("reward_logs", &self.reward_logs),
        ] {
            if t.absent {
                writeln!(
                    f,
                    "{name}: absent (an engine older than the table), nothing read"
                )?;
                continue;
            }
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
    /// Rows done so far: closed trades, errors and rewards as they are read;
    /// the open positions, which need no work, are added in the final call.
    pub rows_done: u64,
    /// Rows in the tables read (`trade_logs`, `error_logs`, `reward_logs`)
    /// when the snapshot was taken; the final call has
    /// `rows_done == rows_total`.
    pub rows_total: u64,
}

//! Reading the engine's `trading_logs.db` (feature `sqlite`): restore state
//! on start-up, export history for Prometheus, follow a live database.
//!
//! ```no_run
//! use std::path::Path;
//! use std::time::Duration;
//! use velocity_metrics::Telemetry;
//! use velocity_metrics::backfill::{self, Follower, OpenMetricsOptions, ReplayOptions};
//!
//! let db = Path::new("trading_logs.db");
//! // 1. Restore: every closed trade and error goes through the live recorders.
//! let telemetry = Telemetry::builder().build();
//! let report = backfill::replay(db, &telemetry)?;
//! println!("{report}");
//! // 2. History: an OpenMetrics file for `promtool tsdb create-blocks-from openmetrics`.
//! backfill::write_openmetrics_file(db, Path::new("history.om"),
//!     &OpenMetricsOptions::new(Duration::from_secs(60)))?;
//! // 3. Follow: record rows the engine appends, polling by row id.
//! let (mut follower, _) = Follower::start(db, &Telemetry::builder().build(), ReplayOptions::new())?;
//! let new_rows = follower.poll()?;
//! # drop(new_rows);
//! # Ok::<(), backfill::BackfillError>(())
//! ```
//!
//! # What is read, and how
//!
//! - The file is opened **read-only** (`SQLITE_OPEN_READONLY`, no create
//!   flag, `PRAGMA query_only`, no checkpoint on close): a missing file is a
//!   [`BackfillError::NotFound`], never created; nothing is ever written to
//!   the database or its `-wal` file and no write lock is ever taken. A
//!   writer's lock is waited for up to a busy timeout (default 5 s), then
//!   reported as [`BackfillError::Busy`]. In WAL mode SQLite itself creates
//!   the `-wal`/`-shm` side files if the writer is not running (documented
//!   SQLite behaviour for read-only WAL readers; the database is unchanged).
//!   In rollback-journal mode (Python's default) a reader holds a shared lock
//!   while it reads, so the engine's next commit waits for the end of a
//!   replay; WAL mode has no such wait.
//! - Every operation reads one consistent snapshot (one read transaction).
//! - The schema is checked first, columns are read **by name**, and a missing
//!   table or column is a typed error naming it ([`BackfillError::MissingColumn`]
//!   for the original exporter's `confidence` instead of `confidence_score`).
//! - `trade_logs` rows with a P&L are closed trades, replayed in time order
//!   (`timestamp`, then `id`); rows with NULL P&L are open positions, counted
//!   in [`TableReport::open`]. `error_logs` rows become
//!   [`Telemetry::record_error`](crate::Telemetry::record_error).
//!   `performance_logs` is not read: every statistic is recomputed from the
//!   trades (its rows mix units and have the defects A2, A3 and J3), and
//!   `reward_logs` is never written by the engine.
//!
//! # Row by row: documented skips and adjustments
//!
//! A row that cannot become an exact event is **skipped and counted** by
//! [`SkipReason`] (with a bounded sample of row ids in
//! [`ReplayReport::examples`]); it never aborts the read and never reaches a
//! statistic:
//!
//! | Column | Value | Outcome |
//! |---|---|---|
//! | `timestamp` | NULL, text, ±inf, outside year 1970–9999 | skip |
//! | `agent_id` | any case (`BERSERKER`, `SYSTEM`…) | agent `berserker`, `system`… |
//! | `agent_id`, `instrument` | NULL, empty, control characters | skip |
//! | `instrument` | `EURUSD+` | symbol kept verbatim |
//! | `timeframe` | `ALL`, NULL, unknown | skip ([`SkipReason::UnknownTimeframe`]) |
//! | `pnl` | NULL | open position, not a trade |
//! | `pnl` | text or blob; ±inf | skip (SQLite stores NaN as NULL) |
//! | `trade_duration` | NULL | 0 s, counted in [`Adjustment::DurationMissing`] |
//! | `trade_duration` | negative, ±inf, text | 0 s, counted in [`Adjustment::DurationInvalid`] |
//! | `confidence_score` | within 0..=1 (not 0.0) | passed on |
//! | `confidence_score` | exactly 0.0 | unknown: the engine writes a constant 0.0 on close rows (A5) |
//! | `confidence_score` | outside 0..=1 (the engine's unbounded value), text | unknown, counted |
//! | `severity` | any case of CRITICAL/HIGH/MEDIUM/LOW | counted; otherwise skip |
//!
//! Rows are validated before they reach the recorders, so a skipped row is
//! counted once, in the report, and not also in
//! `velocitytrader_rejected_events_total`. There is no regime column, so
//! replayed trades have no regime.
//!
//! With [`ReplayOptions::starting_balance`], an equity curve is rebuilt from
//! closed P&L (balance = start + cumulative P&L, sampled at each close) so
//! drawdown, Sharpe, Sortino, Calmar and VaR are restored too; without it no
//! equity sample is recorded.

mod apply;
mod error;
mod follow;
mod history;
mod open;
mod openmetrics;
mod replay;
mod report;
mod rows;
mod schema;
mod snapshot;
mod stream;

pub use error::BackfillError;
pub use follow::Follower;
pub use openmetrics::{
    HistoryReport, OpenMetricsOptions, write_openmetrics, write_openmetrics_file,
};
pub use replay::{ReplayOptions, replay, replay_with};
pub use report::{
    Adjustment, Progress, ReplayReport, SkipReason, SkippedRow, TableReport, Watermark,
};
pub use schema::{ERROR_LOGS_COLUMNS, TRADE_LOGS_COLUMNS, check_schema};

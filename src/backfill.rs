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
//! // 1. Restore: every closed trade, error and learner reward goes through
//! //    the live recorders.
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
//! An engine can also skip the database: a [`LogRecorder`] takes the values
//! it hands its `ComprehensiveLogger` (`log_trade`, `log_error`,
//! `log_reward_shaping`) as it hands them, decoded by the rules below.
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
//!   `reward_logs` is optional: a database without it (engines older than the
//!   table) is read all the same and the report marks the table
//!   [`TableReport::absent`]; a `reward_logs` that exists but lacks a column
//!   the reader needs is a [`BackfillError::MissingColumn`].
//! - Rows of all tables are replayed as **one stream in time order**
//!   (`timestamp`, then `id`; at equal times trades, then errors, then
//!   rewards), so agents take their label slots in the order a live engine
//!   would have seen them; follow mode reads each table in `id` order.
//!
//! # The four tables
//!
//! | Table | Read | Becomes | Not read, and why |
//! |---|---|---|---|
//! | `trade_logs` | `id`, `timestamp`, `agent_id`, `instrument`, `timeframe`, `pnl`, `trade_duration`, `confidence_score` ([`TRADE_LOGS_COLUMNS`]) | a row with a P&L is a closed trade, [`Telemetry::record_trade`](crate::Telemetry::record_trade); NULL P&L is an open position, counted in [`TableReport::open`] | prices, sizes, MAE/MFE, spread, `market_conditions`, `win_loss` (derived again from the P&L), `trade_id`: no series takes them |
//! | `error_logs` | `id`, `timestamp`, `severity` ([`ERROR_LOGS_COLUMNS`]) | [`Telemetry::record_error`](crate::Telemetry::record_error) | `error_type` (always the string `type`, J2), message, component, context: no series takes them |
//! | `reward_logs` (optional) | `id`, `timestamp`, `agent_id`, `immediate_reward`, `q_values`, `epsilon` ([`REWARD_LOGS_COLUMNS`]) | [`record_rl_reward`](crate::Telemetry::record_rl_reward) of the immediate reward, [`set_rl_q_value`](crate::Telemetry::set_rl_q_value) of the largest `q_values` entry, [`set_rl_exploration_rate`](crate::Telemetry::set_rl_exploration_rate) of `epsilon` | `shaped_reward`, `exploration_bonus`, `risk_penalty`, `reward_components` (shaping terms, not the reward; see below), `state_vector`, `action_taken`, `instrument`, `market_regime` (no RL series is per symbol or regime), `learning_rate` (no series) |
//! | `performance_logs` | nothing | – | every column is the engine's own summary of the trades, and every series it could feed is recomputed exactly from `trade_logs` (see below) |
//!
//! **Rewards.** Each `reward_logs` row is what the engine's learner reported
//! at that moment, and nothing more is made of it:
//!
//! - the **immediate** reward is added to the agent's cumulative reward
//!   (`velocitytrader_agent_cumulative_reward`). It is the environment's
//!   reward for the action; `shaped_reward` adds the learner's own shaping
//!   terms (`exploration_bonus`, `risk_penalty`, `reward_components`), which
//!   exist to speed up training and change with its configuration, so their
//!   running sum would measure the shaping as much as the agent. A live
//!   engine calls `record_rl_reward` with the reward it received, the
//!   immediate one.
//! - the **greedy Q-value**, the largest entry of the `q_values` list (the
//!   value of the action a greedy policy takes, the learner's own estimate of
//!   the state's value), sets `velocitytrader_rl_q_value`. The table holds no
//!   loss and no model update, so
//!   [`record_rl_training`](crate::Telemetry::record_rl_training) is **not**
//!   called: it would need a made-up loss and would count an update that
//!   never happened. `velocitytrader_rl_loss` and
//!   `velocitytrader_rl_model_updates_total` are left alone.
//! - `epsilon` sets the exploration rate (`velocitytrader_rl_exploration_rate`)
//!   alone; learning progress, buffer size and confidence are not in the
//!   table and stay without a sample.
//!
//! **Why `performance_logs` is not read.** It holds the engine's own
//! statistics, written by two writers with different meanings (§2.2 of the
//! reference): the logger's rows per agent and instrument (`max_drawdown` a
//! USD amount ≤ 0 computed on a time-reversed P&L series, streaks counted
//! from the wrong end, Sharpe per trade, Calmar ×252 on per-trade values,
//! `+inf` profit factors and Calmar ratios: defects J3) and the engine's
//! `SYSTEM` rows every ~60 s (profit factor a constant 1.5, Sharpe 0,
//! `max_drawdown` a fraction). Win rate, profit factor, average win and
//! loss, average duration, trade counts and streaks are recomputed exactly
//! from `trade_logs`; Sharpe, Sortino, Calmar and drawdowns from the equity
//! curve (rebuilt from closed P&L when the telemetry has a
//! [`starting_balance`](crate::TelemetryBuilder::starting_balance)). `kelly_criterion`, `hit_ratio` and
//! `volatility_adjusted_return` have no series of their own. The `SYSTEM` rows'
//! `max_drawdown` (a fraction of the engine's in-memory equity) is the only
//! value not in `trade_logs`, but no series takes it: the library's drawdowns
//! are derived from equity samples, which the table does not hold, and a
//! drawdown cannot be turned back into them; writing it into
//! `velocitytrader_max_drawdown` would contradict the current drawdown and
//! Calmar ratio of the same scrape. Reading the table by position is how the
//! original exporter exported Kelly as Calmar (A2) and mixed the two writers'
//! units (A3); reading nothing from it, a database whose `performance_logs`
//! holds `+inf`, `SYSTEM` rows or negative USD drawdowns replays exactly
//! like one without them (a test checks it), and the table need not exist.
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
//! | `trade_duration` | NULL | unknown (left out of the average duration), counted in [`Adjustment::DurationMissing`] |
//! | `trade_duration` | negative, ±inf, text | unknown, counted in [`Adjustment::DurationInvalid`] |
//! | `confidence_score` | within 0..=1 (not 0.0) | passed on |
//! | `confidence_score` | exactly 0.0 | unknown: the engine writes a constant 0.0 on close rows (A5) |
//! | `confidence_score` | outside 0..=1 (the engine's unbounded value), text | unknown, counted |
//! | `severity` | any case of CRITICAL/HIGH/MEDIUM/LOW | counted; otherwise skip |
//! | `immediate_reward` | NULL (SQLite stores NaN as NULL), text or blob, ±inf, beyond ±[`MAX_ABS_AMOUNT`](crate::MAX_ABS_AMOUNT) | skip the reward row |
//! | `q_values` | a JSON list of finite numbers | Q-value = the largest entry |
//! | `q_values` | NULL or `null` | no Q-value, counted in [`Adjustment::QValuesMissing`] |
//! | `q_values` | `[]` | no Q-value, counted in [`Adjustment::QValuesEmpty`] |
//! | `q_values` | an entry `NaN`, `Infinity`, `-Infinity` (Python's `json.dumps`) | no Q-value, counted in [`Adjustment::QValuesNotFinite`] |
//! | `q_values` | not a flat JSON list of numbers | no Q-value, counted in [`Adjustment::QValuesMalformed`] |
//! | `epsilon` | within 0..=1 | exploration rate |
//! | `epsilon` | NULL | none, counted in [`Adjustment::EpsilonMissing`] |
//! | `epsilon` | outside 0..=1, ±inf, text | none, counted in [`Adjustment::EpsilonOutOfRange`] |
//!
//! The label rules (any case, `SYSTEM`, unknown agents, NULL or invalid ids)
//! are the same for `reward_logs.agent_id` as for trades; agents beyond the
//! telemetry's agent limit are dropped from the learner series and counted
//! in `velocitytrader_label_overflow_total`, as in live recording. A reward
//! row whose Q-value or ε is unusable still counts its reward; a skipped
//! reward row records nothing.
//!
//! Rows are validated before they reach the recorders, so a skipped row is
//! counted once, in the report, and not also in
//! `velocitytrader_rejected_events_total`. There is no regime column, so
//! replayed trades have no regime.
//!
//! **The starting balance lives in one place, the telemetry**
//! ([`TelemetryBuilder::starting_balance`](crate::TelemetryBuilder::starting_balance)):
//! it is the first equity peak, and a telemetry with one gets an equity
//! curve rebuilt from closed P&L (balance = start + cumulative P&L, sampled
//! at each close) so drawdown, Sharpe, Sortino, Calmar and VaR are restored
//! too; without one no equity sample is recorded.
//! [`ReplayOptions::starting_balance`] only asserts it: a different value
//! is refused with [`BackfillError::StartingBalanceMismatch`] before any row
//! is read.

mod apply;
mod engine_log;
mod error;
mod follow;
mod history;
mod open;
mod openmetrics;
mod q_values;
mod reasons;
mod replay;
mod report;
mod reward_rows;
mod rows;
mod schema;
mod snapshot;
mod stream;

pub use engine_log::{LogRecorder, LogValue, Logged, RewardLogEntry, TradeLogEntry};
pub use error::BackfillError;
pub use follow::Follower;
pub use openmetrics::{
    HistoryReport, OpenMetricsOptions, write_openmetrics, write_openmetrics_file,
};
pub use reasons::{Adjustment, SkipReason};
pub use replay::{ReplayOptions, replay, replay_with};
pub use report::{Progress, ReplayReport, SkippedRow, TableReport, Watermark};
pub use schema::{ERROR_LOGS_COLUMNS, REWARD_LOGS_COLUMNS, TRADE_LOGS_COLUMNS, check_schema};

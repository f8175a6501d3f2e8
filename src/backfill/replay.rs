//! Restore on start-up: [`replay`] the database through the live recorders.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use super::apply::Applier;
use super::error::BackfillError;
use super::open::{DEFAULT_BUSY_TIMEOUT, Database};
use super::report::{Progress, ReplayReport};
use super::stream::{self, StreamOptions};
use crate::telemetry::Telemetry;

/// How to replay. Build with [`ReplayOptions::new`] and the `with`-style
/// setters.
///
/// ```no_run
/// use velocity_metrics::Telemetry;
/// use velocity_metrics::backfill::{ReplayOptions, replay_with};
///
/// // The telemetry holds the starting balance: the equity curve is rebuilt from it.
/// let telemetry = Telemetry::builder().starting_balance(10_000.0).build();
/// let mut show = |p: velocity_metrics::backfill::Progress| {
///     eprintln!("{}/{} rows", p.rows_done, p.rows_total);
/// };
/// let options = ReplayOptions::new().progress(&mut show).every_rows(250_000);
/// let report = replay_with("trading_logs.db".as_ref(), &telemetry, options)?;
/// # drop(report);
/// # Ok::<(), velocity_metrics::backfill::BackfillError>(())
/// ```
#[must_use]
pub struct ReplayOptions<'a> {
    pub(crate) progress: Option<&'a mut dyn FnMut(Progress)>,
    pub(crate) every_rows: u64,
    pub(crate) starting_balance: Option<f64>,
    pub(crate) resume_balance: Option<f64>,
    pub(crate) busy_timeout: Duration,
    pub(crate) errors: bool,
    pub(crate) rewards: bool,
}

impl Default for ReplayOptions<'_> {
    fn default() -> Self {
        Self {
            progress: None,
            every_rows: 100_000,
            starting_balance: None,
            resume_balance: None,
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            errors: true,
            rewards: true,
        }
    }
}

impl fmt::Debug for ReplayOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayOptions")
            .field("progress", &self.progress.is_some())
            .field("every_rows", &self.every_rows)
            .field("starting_balance", &self.starting_balance)
            .field("resume_balance", &self.resume_balance)
            .field("busy_timeout", &self.busy_timeout)
            .field("errors", &self.errors)
            .field("rewards", &self.rewards)
            .finish()
    }
}

impl<'a> ReplayOptions<'a> {
    /// Defaults: no progress callback, 5 s busy timeout, errors and rewards
    /// read; an equity curve exactly when the telemetry has a starting
    /// balance.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `callback` every [`every_rows`](Self::every_rows) rows and once
    /// at the end, with rows done and the total counted up front.
    pub fn progress(mut self, callback: &'a mut dyn FnMut(Progress)) -> Self {
        self.progress = Some(callback);
        self
    }

    /// Rows between two progress calls (default 100,000; at least 1).
    pub fn every_rows(mut self, rows: u64) -> Self {
        self.every_rows = rows.max(1);
        self
    }

    /// Asserts the starting balance. The telemetry holds it
    /// ([`TelemetryBuilder::starting_balance`](crate::TelemetryBuilder::starting_balance),
    /// the first equity peak), and a telemetry with one gets its equity
    /// curve rebuilt from closed P&L without this option: after each
    /// trade, balance = equity = starting balance + cumulative P&L, at the
    /// trade's close time. Given here, it must equal the telemetry's, or the
    /// replay refuses with [`BackfillError::StartingBalanceMismatch`] before
    /// reading a row (a balance set here alone would lose the first peak:
    /// a first losing trade would be no drawdown).
    pub fn starting_balance(mut self, balance: f64) -> Self {
        self.starting_balance = Some(balance);
        self
    }

    /// For [`Follower::resume`](super::Follower::resume): the balance at the
    /// watermark, where the rebuilt equity curve continues (default: the
    /// telemetry's starting balance). Ignored unless finite, and unless the
    /// telemetry has a starting balance (no equity curve otherwise).
    pub fn resume_balance(mut self, balance: f64) -> Self {
        self.resume_balance = balance.is_finite().then_some(balance);
        self
    }

    /// The balance the rebuilt equity curve starts from: the telemetry's
    /// starting balance, or none.
    ///
    /// # Errors
    /// [`BackfillError::StartingBalanceMismatch`] when
    /// [`starting_balance`](Self::starting_balance) says otherwise.
    pub(crate) fn equity_start(&self, telemetry: &Telemetry) -> Result<Option<f64>, BackfillError> {
        let configured = telemetry.config().starting_balance;
        match self.starting_balance {
            Some(asked) if Some(asked) != configured => {
                Err(BackfillError::StartingBalanceMismatch {
                    options: asked,
                    telemetry: configured,
                })
            }
            _ => Ok(configured),
        }
    }

    /// How long to wait for a writer's lock before
    /// [`BackfillError::Busy`] (default 5 s).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Whether to read `error_logs` (default `true`). When `false` the
    /// table need not exist.
    pub fn include_errors(mut self, errors: bool) -> Self {
        self.errors = errors;
        self
    }

    /// Whether to read `reward_logs` (default `true`). When `true` and the
    /// database has no such table (engines older than it), nothing is read
    /// and the report says so ([`TableReport::absent`](super::TableReport::absent)).
    pub fn include_rewards(mut self, rewards: bool) -> Self {
        self.rewards = rewards;
        self
    }

    pub(crate) fn stream(&mut self) -> StreamOptions<'_> {
        StreamOptions {
            errors: self.errors,
            rewards: self.rewards,
            progress: match self.progress.as_mut() {
                Some(p) => Some(&mut **p),
                None => None,
            },
            every: self.every_rows,
        }
    }
}

/// Replays every closed trade, error and learner reward of the database at
/// `path` into `telemetry`, in time order, as [`replay_with`] with default
/// options. Replay into a fresh telemetry: events already recorded are not
/// recognised, so replaying twice counts twice.
///
/// ```no_run
/// let telemetry = velocity_metrics::Telemetry::builder().build();
/// let report = velocity_metrics::backfill::replay("trading_logs.db".as_ref(), &telemetry)?;
/// assert_eq!(report.skipped_total(), 0, "{report}");
/// # Ok::<(), velocity_metrics::backfill::BackfillError>(())
/// ```
///
/// # Errors
/// See [`BackfillError`]: the file is missing, not a database, corrupt,
/// locked past the busy timeout, or lacks a table or column. Bad rows are
/// not errors; they are counted in the report.
pub fn replay(path: &Path, telemetry: &Telemetry) -> Result<ReplayReport, BackfillError> {
    replay_with(path, telemetry, ReplayOptions::new())
}

/// [`replay`] with options: progress callback, busy timeout, whether to
/// read errors and rewards. The equity curve is rebuilt from the
/// telemetry's starting balance, if it has one.
///
/// # Errors
/// As [`replay`], and [`BackfillError::StartingBalanceMismatch`] when the
/// options' starting balance is not the telemetry's.
pub fn replay_with(
    path: &Path,
    telemetry: &Telemetry,
    mut options: ReplayOptions<'_>,
) -> Result<ReplayReport, BackfillError> {
    let balance = options.equity_start(telemetry)?;
    let db = Database::open(path, options.busy_timeout)?;
    let mut applier = Applier::new(telemetry, balance, options.errors);
    replay_into(&db, &mut applier, &mut options)
}

/// Replays one snapshot of `db` through `applier`.
pub(crate) fn replay_into(
    db: &Database,
    applier: &mut Applier,
    options: &mut ReplayOptions<'_>,
) -> Result<ReplayReport, BackfillError> {
    let mut report = ReplayReport::default();
    db.snapshot(|conn| {
        stream::by_time(db, conn, options.stream(), &mut report, |event, report| {
            applier.event(event, report);
            Ok(())
        })
    })?;
    Ok(report)
}

//! History for Prometheus: the statistics' evolution as an OpenMetrics file
//! for `promtool tsdb create-blocks-from openmetrics`.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::apply::Applier;
use super::error::BackfillError;
use super::history::{Filter, History};
use super::open::{DEFAULT_BUSY_TIMEOUT, Database};
use super::report::ReplayReport;
use super::snapshot::SnapshotRecorder;
use super::stream::{self, StreamOptions};
use crate::telemetry::{Telemetry, TelemetryConfig};

/// How to write history. Build with [`OpenMetricsOptions::new`].
///
/// ```
/// use std::time::Duration;
/// use velocity_metrics::backfill::OpenMetricsOptions;
/// let options = OpenMetricsOptions::new(Duration::from_secs(60)).starting_balance(10_000.0);
/// # drop(options);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct OpenMetricsOptions {
    step: Duration,
    config: TelemetryConfig,
    max_steps: u64,
    busy_timeout: Duration,
    errors: bool,
    rewards: bool,
}

impl OpenMetricsOptions {
    /// One sample of every series per `step` (whole milliseconds, at least
    /// 1 ms). Prometheus treats a series as stale 5 minutes after its last
    /// sample, so a step of at most 5 minutes draws continuous lines.
    pub fn new(step: Duration) -> Self {
        Self {
            step,
            config: TelemetryConfig::default(),
            max_steps: 100_000,
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            errors: true,
            rewards: true,
        }
    }

    /// Rebuilds the equity curve from closed P&L starting at `balance`, which
    /// adds balance, equity, drawdowns, Sharpe, Sortino, Calmar, VaR and the
    /// recovery factor to the history. Ignored unless finite and positive.
    pub fn starting_balance(mut self, balance: f64) -> Self {
        if balance.is_finite() && balance > 0.0 {
            self.config.starting_balance = Some(balance);
        }
        self
    }

    /// Statistics settings (return period, annualisation, VaR window, label
    /// limits) of the telemetry the history is computed with.
    pub fn telemetry_config(mut self, config: TelemetryConfig) -> Self {
        self.config = config;
        self
    }

    /// Most steps written (default 100,000). Memory grows with steps × series
    /// (8 bytes each), so a long history needs a longer step.
    pub fn max_steps(mut self, steps: u64) -> Self {
        self.max_steps = steps.max(1);
        self
    }

    /// How long to wait for a writer's lock (default 5 s).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Whether to read `error_logs` (default `true`).
    pub fn include_errors(mut self, errors: bool) -> Self {
        self.errors = errors;
        self
    }

    /// Whether to read `reward_logs` (default `true`; a database without the
    /// table is written without learner series, and the report says so).
    pub fn include_rewards(mut self, rewards: bool) -> Self {
        self.rewards = rewards;
        self
    }
}

/// What a history export read and wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryReport {
    /// Rows read, recorded and skipped, as for a replay.
    pub replay: ReplayReport,
    /// Steps (timestamps) written.
    pub steps: u64,
    /// Series written.
    pub series: u64,
    /// Samples written.
    pub samples: u64,
    /// First and last timestamp written (Unix seconds); `None` when the
    /// database held no event.
    pub span: Option<(f64, f64)>,
}

/// Replays the database at `db` in time order into a private
/// [`Telemetry`] and writes, once per step, every series the database
/// informs (trade statistics and breakdowns, error counters, the learners'
/// cumulative reward, Q-value and exploration rate, and with a starting
/// balance the equity and risk series) as OpenMetrics text to `out`.
///
/// Names, types and help are the catalogue's; counters are `counter`
/// families whose samples end in `_total`; all samples of a family are
/// contiguous, one series at a time with increasing timestamps (seconds);
/// the last line is `# EOF`. The first timestamp is the first step boundary
/// (a multiple of the step since the epoch) at or after the first event, the
/// last is the one at or after the last event; a sample at `t` counts every
/// event with timestamp ≤ `t`.
///
/// # Errors
/// As [`replay`](super::replay), plus [`BackfillError::InvalidOption`] for a
/// step under 1 ms, [`BackfillError::TooManySteps`], and
/// [`BackfillError::Write`].
pub fn write_openmetrics(
    db: &Path,
    mut out: impl Write,
    options: &OpenMetricsOptions,
) -> Result<HistoryReport, BackfillError> {
    let step_ms = i64::try_from(options.step.as_millis()).unwrap_or(i64::MAX);
    if step_ms < 1 {
        return Err(BackfillError::InvalidOption {
            option: "step",
            reason: format!("{:?} is shorter than one millisecond", options.step),
        });
    }
    let database = Database::open(db, options.busy_timeout)?;
    let recorder = Arc::new(SnapshotRecorder::default());
    let telemetry = Telemetry::builder()
        .config(options.config.clone())
        .role(crate::Role::DatabaseReader)
        .build_with_recorder(Arc::clone(&recorder) as Arc<dyn metrics::Recorder + Send + Sync>);
    let mut applier = Applier::new(&telemetry, options.config.starting_balance, options.errors);
    let filter = Filter {
        equity: options.config.starting_balance.is_some(),
        errors: options.errors,
        rewards: options.rewards,
    };
    let mut history = History::new(filter, step_ms);
    let mut report = ReplayReport::default();
    let mut next_boundary: Option<i64> = None;
    let mut changed = false;
    let take = |history: &mut History, boundary: i64, changed: bool| {
        if history.steps() >= options.max_steps {
            return Err(BackfillError::TooManySteps {
                step: options.step,
                max: options.max_steps,
            });
        }
        if changed {
            telemetry.publish();
        }
        history.take(boundary, changed, &recorder);
        Ok(())
    };
    let stream_options = StreamOptions {
        errors: options.errors,
        rewards: options.rewards,
        progress: None,
        every: u64::MAX,
    };
    database.snapshot(|conn| {
        stream::by_time(
            &database,
            conn,
            stream_options,
            &mut report,
            |event, report| {
                if let Some(at) = event.at() {
                    let at_ms = at * 1000.0;
                    let boundary = next_boundary.get_or_insert_with(|| ceil_to(at_ms, step_ms));
                    while at_ms > ms_f64(*boundary) {
                        take(&mut history, *boundary, changed)?;
                        changed = false;
                        *boundary = boundary.saturating_add(step_ms);
                    }
                    changed = true;
                }
                applier.event(event, report);
                Ok(())
            },
        )
    })?;
    if let Some(boundary) = next_boundary {
        take(&mut history, boundary, changed)?;
    }
    let write_error = |source| BackfillError::Write {
        path: PathBuf::from("-"),
        source,
    };
    let (series, samples) = history.write(&mut out).map_err(write_error)?;
    out.flush().map_err(write_error)?;
    Ok(HistoryReport {
        replay: report,
        steps: history.steps(),
        series,
        samples,
        span: history.span_secs(),
    })
}

/// [`write_openmetrics`] to the file `out`, replaced atomically (written to
/// a temporary file beside it, then renamed) so a failed export leaves no
/// half-written history.
///
/// # Errors
/// As [`write_openmetrics`], plus [`BackfillError::OutputIsDatabase`] when
/// `out` names the database.
pub fn write_openmetrics_file(
    db: &Path,
    out: &Path,
    options: &OpenMetricsOptions,
) -> Result<HistoryReport, BackfillError> {
    if same_file(db, out) {
        return Err(BackfillError::OutputIsDatabase {
            path: out.to_path_buf(),
        });
    }
    let write_error = |source| BackfillError::Write {
        path: out.to_path_buf(),
        source,
    };
    let mut temp = out.as_os_str().to_owned();
    temp.push(format!(".{}.partial", std::process::id()));
    let temp = PathBuf::from(temp);
    let result = std::fs::File::create(&temp)
        .map_err(write_error)
        .and_then(|file| {
            let mut writer = BufWriter::with_capacity(1 << 16, file);
            let report = write_openmetrics(db, &mut writer, options).map_err(|e| match e {
                BackfillError::Write { source, .. } => write_error(source),
                other => other,
            })?;
            let file = writer
                .into_inner()
                .map_err(|e| write_error(e.into_error()))?;
            file.sync_all().map_err(write_error)?;
            std::fs::rename(&temp, out).map_err(write_error)?;
            Ok(report)
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[allow(
    clippy::cast_possible_truncation,
    reason = "a validated epoch timestamp in ms fits i64"
)]
fn ceil_to(at_ms: f64, step_ms: i64) -> i64 {
    let steps = (at_ms / ms_f64(step_ms)).ceil() as i64;
    steps.saturating_mul(step_ms)
}

#[allow(
    clippy::cast_precision_loss,
    reason = "epoch milliseconds up to year 9999 stay below 2^53"
)]
fn ms_f64(ms: i64) -> f64 {
    ms as f64
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

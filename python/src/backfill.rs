//! `trading_logs.db`: `replay` (restore on start-up), `write_history`
//! (OpenMetrics for `promtool tsdb create-blocks-from openmetrics`),
//! `Follower` (rows appended since the last poll), and their reports. The
//! database is only ever opened read-only; every read releases the GIL.

use std::path::PathBuf;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use velocity_metrics::Telemetry;
use velocity_metrics::backfill::{
    self, Follower, HistoryReport, OpenMetricsOptions, ReplayOptions, ReplayReport, TableReport,
};

use crate::convert::seconds;
use crate::errors::{self, guarded};
use crate::telemetry::PyTelemetry;

/// What a replay, a follower's poll or the logger instrumentation read,
/// recorded and skipped. `str(report)` is a readable summary.
#[pyclass(name = "ReplayReport", module = "velocity_metrics", frozen)]
pub(crate) struct PyReplayReport(pub(crate) ReplayReport);

fn table<'py>(py: Python<'py>, t: &TableReport) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("absent", t.absent)?;
    dict.set_item("rows", t.rows)?;
    dict.set_item("open", t.open)?;
    dict.set_item("recorded", t.recorded)?;
    let skipped = PyDict::new(py);
    for (reason, n) in &t.skipped {
        skipped.set_item(reason.to_string(), n)?;
    }
    dict.set_item("skipped", skipped)?;
    Ok(dict)
}

#[pymethods]
impl PyReplayReport {
    /// Closed trades recorded.
    #[getter]
    fn trades_recorded(&self) -> u64 {
        self.0.trades_recorded()
    }

    /// Engine errors recorded.
    #[getter]
    fn errors_recorded(&self) -> u64 {
        self.0.errors_recorded()
    }

    /// Learner rewards recorded.
    #[getter]
    fn rewards_recorded(&self) -> u64 {
        self.0.rewards_recorded()
    }

    /// Rows read from all tables (open positions and skipped rows included).
    #[getter]
    fn rows_read(&self) -> u64 {
        self.0.rows_read()
    }

    /// Rows skipped in all tables.
    #[getter]
    fn skipped_total(&self) -> u64 {
        self.0.skipped_total()
    }

    /// Equity samples recorded (only with a starting balance).
    #[getter]
    fn equity_samples(&self) -> u64 {
        self.0.equity_samples
    }

    /// Per table (`trade_logs`, `error_logs`, `reward_logs`): `absent`,
    /// `rows`, `open`, `recorded` and `skipped` (reason → count).
    #[getter]
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("trade_logs", table(py, &self.0.trade_logs)?)?;
        dict.set_item("error_logs", table(py, &self.0.error_logs)?)?;
        dict.set_item("reward_logs", table(py, &self.0.reward_logs)?)?;
        Ok(dict)
    }

    /// Values replaced in recorded rows: adjustment → count.
    #[getter]
    fn adjusted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (adjustment, n) in &self.0.adjusted {
            dict.set_item(adjustment.to_string(), n)?;
        }
        Ok(dict)
    }

    /// The first skipped rows (at most 16) as `(table, id, reason)`.
    #[getter]
    fn examples(&self) -> Vec<(&'static str, i64, String)> {
        self.0
            .examples
            .iter()
            .map(|row| (row.table, row.id, row.reason.to_string()))
            .collect()
    }

    /// The highest row id read per table: `{"trade_logs": …, "error_logs":
    /// …, "reward_logs": …}`.
    #[getter]
    fn watermark<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("trade_logs", self.0.watermark.trade_logs)?;
        dict.set_item("error_logs", self.0.watermark.error_logs)?;
        dict.set_item("reward_logs", self.0.watermark.reward_logs)?;
        Ok(dict)
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "<ReplayReport trades={} errors={} rewards={} skipped={}>",
            self.0.trades_recorded(),
            self.0.errors_recorded(),
            self.0.rewards_recorded(),
            self.0.skipped_total()
        )
    }
}

/// What `write_history` read and wrote.
#[pyclass(name = "HistoryReport", module = "velocity_metrics", frozen)]
pub(crate) struct PyHistoryReport(HistoryReport);

#[pymethods]
impl PyHistoryReport {
    /// Rows read, recorded and skipped, as for a replay.
    #[getter]
    fn replay(&self) -> PyReplayReport {
        PyReplayReport(self.0.replay.clone())
    }

    /// Steps (timestamps) written.
    #[getter]
    fn steps(&self) -> u64 {
        self.0.steps
    }

    /// Series written.
    #[getter]
    fn series(&self) -> u64 {
        self.0.series
    }

    /// Samples written.
    #[getter]
    fn samples(&self) -> u64 {
        self.0.samples
    }

    /// First and last timestamp written (Unix seconds), or `None`.
    #[getter]
    fn span(&self) -> Option<(f64, f64)> {
        self.0.span
    }

    fn __repr__(&self) -> String {
        format!(
            "<HistoryReport steps={} series={} samples={}>",
            self.0.steps, self.0.series, self.0.samples
        )
    }
}

/// The options of a read, as keywords.
struct ReadOptions {
    starting_balance: Option<f64>,
    busy_timeout: Duration,
    include_errors: bool,
    include_rewards: bool,
}

impl ReadOptions {
    fn new(
        starting_balance: Option<f64>,
        busy_timeout: f64,
        include_errors: bool,
        include_rewards: bool,
    ) -> PyResult<Self> {
        Ok(Self {
            starting_balance,
            busy_timeout: seconds("busy_timeout", busy_timeout)?,
            include_errors,
            include_rewards,
        })
    }

    fn replay(&self) -> ReplayOptions<'static> {
        let options = ReplayOptions::new()
            .busy_timeout(self.busy_timeout)
            .include_errors(self.include_errors)
            .include_rewards(self.include_rewards);
        match self.starting_balance {
            Some(balance) => options.starting_balance(balance),
            None => options,
        }
    }
}

fn target(telemetry: Option<&PyTelemetry>) -> Telemetry {
    telemetry.map_or_else(|| velocity_metrics::global().clone(), |t| t.get().clone())
}

/// Replays every closed trade, error and learner reward of the database at
/// `path` into `telemetry` (default: the process-wide one), in time order,
/// through the live recorders. With `starting_balance`, also rebuilds the
/// equity curve from closed P&L. Replay into a fresh telemetry (replaying
/// twice counts twice), before `set_ready()`. Raises `BackfillError` for a
/// missing, locked, corrupt or wrong-schema file; bad rows are skipped and
/// counted in the report. Releases the GIL.
#[pyfunction]
#[pyo3(signature = (path, telemetry=None, *, starting_balance=None, busy_timeout=5.0, include_errors=true, include_rewards=true))]
pub(crate) fn replay(
    py: Python<'_>,
    path: PathBuf,
    telemetry: Option<&PyTelemetry>,
    starting_balance: Option<f64>,
    busy_timeout: f64,
    include_errors: bool,
    include_rewards: bool,
) -> PyResult<PyReplayReport> {
    guarded(|| {
        let options = ReadOptions::new(
            starting_balance,
            busy_timeout,
            include_errors,
            include_rewards,
        )?;
        let telemetry = target(telemetry);
        py.detach(|| backfill::replay_with(&path, &telemetry, options.replay()))
            .map(PyReplayReport)
            .map_err(|e| errors::backfill(&e))
    })
}

/// Writes the statistics' history of the database at `db` to `out` as
/// OpenMetrics text, one sample of every series per `step` seconds, for
/// `promtool tsdb create-blocks-from openmetrics` (or VictoriaMetrics'
/// import). Raises `BackfillError`. Releases the GIL.
#[pyfunction]
#[pyo3(signature = (db, out, *, step, starting_balance=None, max_steps=100_000, busy_timeout=5.0, include_errors=true, include_rewards=true))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_history(
    py: Python<'_>,
    db: PathBuf,
    out: PathBuf,
    step: f64,
    starting_balance: Option<f64>,
    max_steps: u64,
    busy_timeout: f64,
    include_errors: bool,
    include_rewards: bool,
) -> PyResult<PyHistoryReport> {
    guarded(|| {
        let mut options = OpenMetricsOptions::new(seconds("step", step)?)
            .max_steps(max_steps)
            .busy_timeout(seconds("busy_timeout", busy_timeout)?)
            .include_errors(include_errors)
            .include_rewards(include_rewards);
        if let Some(balance) = starting_balance {
            options = options.starting_balance(balance);
        }
        py.detach(|| backfill::write_openmetrics_file(&db, &out, &options))
            .map(PyHistoryReport)
            .map_err(|e| errors::backfill(&e))
    })
}

/// Follows a live `trading_logs.db` from a separate process: `Follower(db,
/// telemetry)` replays it, then `poll()` records the rows appended since.
/// Use a telemetry with `role="database_reader"`.
#[pyclass(name = "Follower", module = "velocity_metrics", frozen)]
pub(crate) struct PyFollower {
    follower: std::sync::Mutex<Follower>,
    first: ReplayReport,
}

#[pymethods]
impl PyFollower {
    /// Replays the whole database into `telemetry` (default: the
    /// process-wide one); `initial_report` says what. Raises `BackfillError`.
    /// Releases the GIL.
    #[new]
    #[pyo3(signature = (db, telemetry=None, *, starting_balance=None, busy_timeout=5.0, include_errors=true, include_rewards=true))]
    fn new(
        py: Python<'_>,
        db: PathBuf,
        telemetry: Option<&PyTelemetry>,
        starting_balance: Option<f64>,
        busy_timeout: f64,
        include_errors: bool,
        include_rewards: bool,
    ) -> PyResult<Self> {
        guarded(|| {
            let options = ReadOptions::new(
                starting_balance,
                busy_timeout,
                include_errors,
                include_rewards,
            )?;
            let telemetry = target(telemetry);
            let (follower, first) = py
                .detach(|| Follower::start(&db, &telemetry, options.replay()))
                .map_err(|e| errors::backfill(&e))?;
            Ok(Self {
                follower: std::sync::Mutex::new(follower),
                first,
            })
        })
    }

    /// What the initial replay read.
    #[getter]
    fn initial_report(&self) -> PyReplayReport {
        PyReplayReport(self.first.clone())
    }

    /// Records the rows appended since the last poll and reports them.
    /// Raises `BackfillError`. Releases the GIL.
    fn poll(&self, py: Python<'_>) -> PyResult<PyReplayReport> {
        guarded(|| {
            py.detach(|| {
                self.follower
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .poll()
            })
            .map(PyReplayReport)
            .map_err(|e| errors::backfill(&e))
        })
    }
}

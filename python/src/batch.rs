//! Batch mode for backtests: `batch(push=..., import_=...)` starts a
//! `BatchRun` (the crate's `ExporterBuilder::build_push`); the backtest
//! records into `run.telemetry`, calls `run.checkpoint(simulated_time)`
//! after each step and `run.finish()` (or leaves its `with` block) at the
//! end, which sends what is left and pushes the final state.
//!
//! Every call that can send or render releases the GIL (a periodic push on
//! the run's own thread may run a Python `on_publish` hook); so does
//! finishing a run that is collected unfinished.

use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use velocity_metrics::exporter::{BatchRun, BatchTargets, Exporter, PushReport};

use crate::batch_targets::{PyImportTarget, PyPushTarget};
use crate::errors::{self, guarded};
use crate::exporter::{ExporterRef, PyExporter};
use crate::options::{ExporterOptions, PyEngineIdentity};
use crate::telemetry::PyTelemetry;

/// What a finished run pushed and imported.
#[pyclass(name = "PushReport", module = "velocity_metrics", frozen)]
pub(crate) struct PyPushReport(PushReport);

#[pymethods]
impl PyPushReport {
    /// Successful pushes, the final one included.
    #[getter]
    fn pushes(&self) -> u64 {
        self.0.pushes
    }

    /// Failed pushes and imports (each also counted in
    /// `velocitytrader_push_failures_total{reason}`).
    #[getter]
    fn failures(&self) -> u64 {
        self.0.failures
    }

    /// Whether the group was deleted after the final push.
    #[getter]
    fn deleted(&self) -> bool {
        self.0.deleted
    }

    /// Successful import requests.
    #[getter]
    fn imports(&self) -> u64 {
        self.0.imports
    }

    /// Samples imported (each a series at one checkpoint's simulated time).
    #[getter]
    fn imported_samples(&self) -> u64 {
        self.0.imported_samples
    }

    fn __repr__(&self) -> String {
        let r = &self.0;
        format!(
            "<PushReport pushes={} failures={} deleted={} imports={} imported_samples={}>",
            r.pushes, r.failures, r.deleted, r.imports, r.imported_samples
        )
    }
}

/// A backtest's telemetry, carried to a Pushgateway (its final state) and/or
/// VictoriaMetrics (its whole curve at its simulated times). From
/// `batch(...)`; a context manager that finishes the run at the end of the
/// `with` block.
#[pyclass(name = "BatchRun", module = "velocity_metrics", frozen)]
pub(crate) struct PyBatchRun {
    /// `None` once finished.
    run: Mutex<Option<BatchRun>>,
    exporter: Arc<Exporter>,
}

impl PyBatchRun {
    /// Runs `f` on the unfinished run, with the GIL released.
    fn with_run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&BatchRun) -> Result<T, velocity_metrics::exporter::PushError> + Send,
    ) -> PyResult<T> {
        let outcome = py.detach(|| {
            let run = self.run.lock().unwrap_or_else(PoisonError::into_inner);
            run.as_ref().map(f)
        });
        match outcome {
            Some(result) => result.map_err(|e| errors::push(&e)),
            None => Err(finished()),
        }
    }
}

fn finished() -> PyErr {
    errors::py::PushError::new_err((
        "the batch run has finished; start another with velocity_metrics.batch(...)",
        "finished",
        "config",
    ))
}

#[pymethods]
impl PyBatchRun {
    /// The telemetry the run records into.
    #[getter]
    fn telemetry(&self) -> PyTelemetry {
        PyTelemetry::own(
            self.exporter.telemetry().clone(),
            ExporterRef::Batch(Arc::clone(&self.exporter)),
        )
    }

    /// The exporter behind the run (render, scrape, add telemetries); it
    /// still renders the final state after `finish()`.
    #[getter]
    fn exporter(&self) -> PyExporter {
        PyExporter {
            exporter: ExporterRef::Batch(Arc::clone(&self.exporter)),
        }
    }

    /// Marks simulated time `simulated_at` (seconds since the Unix epoch):
    /// call it after recording each step. The telemetry then publishes as of
    /// that time, and with an `ImportTarget` the run's state is stamped with
    /// it for the store; a checkpoint at the time of the previous one
    /// replaces it. Raises `PushConfigError` (kind `checkpoint`) for a time
    /// in milliseconds, negative, too far ahead or earlier than the previous
    /// checkpoint; kind `grouping_conflict` when a series carries a `run_id`
    /// other than the import's; `PushError` for a batch that could not be
    /// sent (counted). Releases the GIL.
    fn checkpoint(&self, py: Python<'_>, simulated_at: f64) -> PyResult<()> {
        guarded(|| self.with_run(py, |run| run.checkpoint(simulated_at)))
    }

    /// Pushes the current state to the Pushgateway now (nothing without
    /// one). Raises `PushError`. Releases the GIL.
    fn push_now(&self, py: Python<'_>) -> PyResult<()> {
        guarded(|| self.with_run(py, BatchRun::push_now))
    }

    /// Stops periodic pushing, sends the pending checkpoints, pushes the
    /// final state (deleting the group if the target says so) and returns
    /// the `PushReport`. Raises the first `PushError` (each step is
    /// attempted), and `PushError` kind `finished` when called again.
    /// Releases the GIL.
    fn finish(&self, py: Python<'_>) -> PyResult<PyPushReport> {
        guarded(|| {
            let run = py.detach(|| {
                self.run
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take()
            });
            let run = run.ok_or_else(finished)?;
            py.detach(|| run.finish())
                .map(PyPushReport)
                .map_err(|e| errors::push(&e))
        })
    }

    /// Whether `finish()` was called.
    #[getter]
    fn is_finished(&self, py: Python<'_>) -> bool {
        py.detach(|| {
            self.run
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_none()
        })
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Finishes the run (unless the block did). After an exception in the
    /// block the run still sends and pushes what it has (a failure is
    /// counted in `velocitytrader_push_failures_total`) and the block's
    /// exception propagates; otherwise a failure raises here.
    #[pyo3(signature = (exc_type, _exc_value, _traceback))]
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: &Bound<'_, PyAny>,
        _exc_value: &Bound<'_, PyAny>,
        _traceback: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        if self.is_finished(py) {
            return Ok(false); // finished inside the block
        }
        let finished = self.finish(py);
        if exc_type.is_none() {
            finished?;
        }
        Ok(false)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "<velocity_metrics.BatchRun labels={:?} finished={}>",
            self.exporter.telemetry().constant_labels(),
            self.is_finished(py)
        )
    }
}

impl Drop for PyBatchRun {
    /// A run collected without `finish()` still sends and pushes what it
    /// has, as the Rust `BatchRun` does when dropped, with the GIL released
    /// (its periodic thread may be waiting for it in a hook).
    fn drop(&mut self) {
        let run = self
            .run
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(run) = run {
            Python::attach(|py| py.detach(move || drop(run)));
        }
    }
}

/// Starts a batch run for a backtest: `push` (a `PushTarget`: the run's
/// final state, and its state every `every` seconds), `import_` (an
/// `ImportTarget`: the whole curve at the simulated time of each
/// `checkpoint`), or both (their `run_id`s must agree). `global_labels`,
/// `identity`, `buckets` and `upkeep_interval` as for `install`; other
/// keywords are telemetry options. Raises `TypeError` without a target,
/// `PushConfigError` (kind `grouping_conflict`) when the push groups by
/// another `run_id` than the import's, `ExporterError` (kind `label_clash`)
/// when a grouping label is also a global or constant label.
#[pyfunction]
#[pyo3(signature = (*, push=None, import_=None, global_labels=None, identity=None, buckets=None, upkeep_interval=None, **telemetry))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn batch(
    py: Python<'_>,
    push: Option<&Bound<'_, PyPushTarget>>,
    import_: Option<&Bound<'_, PyImportTarget>>,
    global_labels: Option<Bound<'_, PyDict>>,
    identity: Option<Bound<'_, PyEngineIdentity>>,
    buckets: Option<Bound<'_, PyDict>>,
    upkeep_interval: Option<f64>,
    telemetry: Option<&Bound<'_, PyDict>>,
) -> PyResult<PyBatchRun> {
    guarded(|| {
        let targets: BatchTargets = match (push, import_) {
            (Some(push), Some(import)) => push
                .get()
                .0
                .clone()
                .and_import(import.get().0.clone())
                .map_err(|e| errors::push(&e))?,
            (Some(push), None) => push.get().0.clone().into(),
            (None, Some(import)) => import.get().0.clone().into(),
            (None, None) => {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "batch() needs push=PushTarget(...), import_=ImportTarget(...) or both",
                ));
            }
        };
        let builder =
            ExporterOptions::new(global_labels, identity, buckets, upkeep_interval, false)
                .with_telemetry(telemetry)?;
        let run = py
            .detach(move || builder.build_push(targets))
            .map_err(|e| errors::exporter(&e))?;
        Ok(PyBatchRun {
            exporter: Arc::clone(run.exporter()),
            run: Mutex::new(Some(run)),
        })
    })
}

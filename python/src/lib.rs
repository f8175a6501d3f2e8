//! `velocity_metrics._native`: the PyO3 binding of the velocity_metrics
//! crate behind the `velocity_metrics` Python package. Wrappers only — every
//! statistic, check and exposition is the crate's; this crate converts
//! Python values in and errors out, and decides where the GIL is released
//! (publishing, rendering, scraping, binding, pushing, reading a database;
//! never on a recorder, which is cheaper than a release).
//!
//! The Python package (`python/velocity_metrics/`) re-exports this module,
//! defines the exception classes and the enums, and instruments the
//! engine's `ComprehensiveLogger`.

mod backfill;
mod batch;
mod batch_targets;
mod convert;
mod engine_log;
mod errors;
mod exporter;
mod listener;
mod options;
mod recorders_engine;
mod recorders_trading;
mod scrape;
mod serving;
mod telemetry;

use pyo3::prelude::*;

/// Panics inside the binding's panic guard, for the test that proves a Rust
/// panic reaches Python as `velocity_metrics.InternalError`.
#[pyfunction]
fn _panic_for_tests() -> PyResult<()> {
    errors::guarded(|| panic!("a deliberate panic from _panic_for_tests"))
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("CONTENT_TYPE", velocity_metrics::exporter::CONTENT_TYPE)?;
    module.add(
        "OPENMETRICS_CONTENT_TYPE",
        velocity_metrics::exporter::OPENMETRICS_CONTENT_TYPE,
    )?;
    module.add(
        "PROTOBUF_CONTENT_TYPE",
        velocity_metrics::exporter::PROTOBUF_CONTENT_TYPE,
    )?;
    module.add(
        "DEFAULT_PUSH_JOB",
        velocity_metrics::exporter::DEFAULT_PUSH_JOB,
    )?;
    module.add("MAX_ABS_AMOUNT", velocity_metrics::MAX_ABS_AMOUNT)?;
    module.add("MAX_LABEL_BYTES", velocity_metrics::model::MAX_LABEL_BYTES)?;
    module.add("MAX_RUNS", velocity_metrics::MAX_RUNS)?;
    module.add(
        "OVERFLOW_LABEL",
        velocity_metrics::telemetry::OVERFLOW_LABEL,
    )?;
    module.add(
        "TELEMETRY_OPTIONS",
        pyo3::types::PyTuple::new(module.py(), options::TELEMETRY_OPTIONS)?,
    )?;
    module.add_class::<telemetry::PyTelemetry>()?;
    module.add_class::<exporter::PyExporter>()?;
    module.add_class::<convert::PyAgent>()?;
    module.add_class::<convert::PySymbol>()?;
    module.add_class::<options::PyEngineIdentity>()?;
    module.add_class::<backfill::PyReplayReport>()?;
    module.add_class::<backfill::PyHistoryReport>()?;
    module.add_class::<backfill::PyFollower>()?;
    module.add_class::<engine_log::PyLogRecorder>()?;
    module.add_class::<batch_targets::PyPushTarget>()?;
    module.add_class::<batch_targets::PyImportTarget>()?;
    module.add_class::<batch::PyBatchRun>()?;
    module.add_class::<batch::PyPushReport>()?;
    module.add_function(wrap_pyfunction!(telemetry::_default_telemetry, module)?)?;
    module.add_function(wrap_pyfunction!(serving::install, module)?)?;
    module.add_function(wrap_pyfunction!(serving::serve, module)?)?;
    module.add_function(wrap_pyfunction!(serving::embedded, module)?)?;
    module.add_function(wrap_pyfunction!(serving::shutdown, module)?)?;
    module.add_function(wrap_pyfunction!(serving::installed, module)?)?;
    module.add_function(wrap_pyfunction!(serving::set_default, module)?)?;
    module.add_function(wrap_pyfunction!(serving::render, module)?)?;
    module.add_function(wrap_pyfunction!(serving::scrape_module, module)?)?;
    module.add_function(wrap_pyfunction!(batch::batch, module)?)?;
    module.add_function(wrap_pyfunction!(backfill::replay, module)?)?;
    module.add_function(wrap_pyfunction!(backfill::write_history, module)?)?;
    module.add_function(wrap_pyfunction!(_panic_for_tests, module)?)?;
    Ok(())
}

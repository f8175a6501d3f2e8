//! `velocity_metrics._native`: the PyO3 binding of the velocity_metrics
//! crate behind the `velocity_metrics` Python package. Wrappers only — every
//! statistic, check and exposition is the crate's; this crate converts
//! Python values in and errors out, and decides where the GIL is released
//! (publishing, rendering, scraping, binding, reading a database; never on a
//! recorder, which is cheaper than a release).
//!
//! The Python package (`python/velocity_metrics/`) re-exports this module,
//! defines the exception classes and the enums, and instruments the
//! engine's `ComprehensiveLogger`.

mod backfill;
mod convert;
mod engine_log;
mod errors;
mod exporter;
mod options;
mod recorders_engine;
mod recorders_trading;
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
    module.add_function(wrap_pyfunction!(telemetry::_default_telemetry, module)?)?;
    module.add_function(wrap_pyfunction!(exporter::install, module)?)?;
    module.add_function(wrap_pyfunction!(exporter::serve, module)?)?;
    module.add_function(wrap_pyfunction!(exporter::embedded, module)?)?;
    module.add_function(wrap_pyfunction!(exporter::shutdown, module)?)?;
    module.add_function(wrap_pyfunction!(exporter::installed, module)?)?;
    module.add_function(wrap_pyfunction!(exporter::set_default, module)?)?;
    module.add_function(wrap_pyfunction!(exporter::render, module)?)?;
    module.add_function(wrap_pyfunction!(exporter::scrape_module, module)?)?;
    module.add_function(wrap_pyfunction!(backfill::replay, module)?)?;
    module.add_function(wrap_pyfunction!(backfill::write_history, module)?)?;
    module.add_function(wrap_pyfunction!(_panic_for_tests, module)?)?;
    Ok(())
}

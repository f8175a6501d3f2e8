//! `velocity_metrics.Exporter`: a running endpoint — the installed one, an
//! owned one from `serve`/`embedded`, or a batch run's — with its
//! telemetries, readiness, render, scrape and shutdown. Starting one is in
//! `serving.rs`.
//!
//! Everything that publishes, renders or joins the worker thread releases
//! the GIL: a scrape on the exporter's thread may run a Python `on_publish`
//! hook, which needs it.

use std::ops::Deref;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use velocity_metrics::exporter::Exporter;

use crate::errors::{self, guarded};
use crate::options;
use crate::telemetry::PyTelemetry;

/// An exporter a Python object can hold: the installed one (static), an
/// owned one, stopped when the last holder is collected, or a batch run's
/// (shared with the run, which stops it).
#[derive(Clone)]
pub(crate) enum ExporterRef {
    Installed(&'static Exporter),
    Owned(Arc<OwnedExporter>),
    Batch(Arc<Exporter>),
}

impl Deref for ExporterRef {
    type Target = Exporter;
    fn deref(&self) -> &Exporter {
        match self {
            Self::Installed(exporter) => exporter,
            Self::Owned(owned) => &owned.0,
            Self::Batch(exporter) => exporter,
        }
    }
}

/// An owned exporter; dropping the last reference stops it with the GIL
/// released (its thread may be waiting for the GIL in a hook).
pub(crate) struct OwnedExporter(Exporter);

impl OwnedExporter {
    pub(crate) fn shared(exporter: Exporter) -> ExporterRef {
        ExporterRef::Owned(Arc::new(Self(exporter)))
    }
}

impl Drop for OwnedExporter {
    fn drop(&mut self) {
        Python::attach(|py| py.detach(|| self.0.shutdown()));
    }
}

/// A running endpoint and the telemetries it serves.
///
/// From `install(...)` (process-wide, serves until `shutdown()`),
/// `serve(...)` (owned: stops when shut down, closed as a context manager,
/// or collected), `embedded(...)` (no listener: answer `scrape()` from
/// your own web framework) or a `BatchRun`. Every scrape publishes first.
#[pyclass(name = "Exporter", module = "velocity_metrics", frozen)]
pub(crate) struct PyExporter {
    pub(crate) exporter: ExporterRef,
}

#[pymethods]
impl PyExporter {
    /// The telemetry this endpoint was built with.
    #[getter]
    fn telemetry(&self) -> PyTelemetry {
        PyTelemetry::own(self.exporter.telemetry().clone(), self.exporter.clone())
    }

    /// Another telemetry served by this endpoint — another account or
    /// strategy in the same process — with the telemetry options of
    /// `Telemetry(...)`. Its constant `labels` must differ from those of
    /// every telemetry already served (`ExporterError`, kind
    /// `duplicate_telemetry`).
    #[pyo3(signature = (**options))]
    fn add_telemetry(&self, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyTelemetry> {
        guarded(|| {
            let builder = options::telemetry_builder(options)?;
            let telemetry = self
                .exporter
                .add_telemetry(builder)
                .map_err(|e| errors::exporter(&e))?;
            Ok(PyTelemetry::own(telemetry, self.exporter.clone()))
        })
    }

    /// `(host, port)` as bound (port 0 asked: the port chosen), or `None`
    /// for an embedded exporter.
    #[getter]
    fn listen_address(&self) -> Option<(String, u16)> {
        self.exporter
            .listen_address()
            .map(|a| (a.ip().to_string(), a.port()))
    }

    /// Publishes every telemetry, then returns the exposition text exactly
    /// as a scrape sees it (whether ready or not). Releases the GIL.
    fn render(&self, py: Python<'_>) -> PyResult<String> {
        guarded(|| Ok(py.detach(|| self.exporter.render())))
    }

    /// What the built-in listener answers a `GET /metrics` whose `Accept`
    /// and `Accept-Encoding` headers are `accept` and `accept_encoding`
    /// (`None`: absent): a `ScrapeResponse`, the tuple `(status, headers,
    /// body)` — send all three as they are. The format is the one `accept`
    /// asks for (Prometheus text, or OpenMetrics 1.0), gzip-compressed when
    /// `accept_encoding` allows it; 503 while not ready. Releases the GIL.
    #[pyo3(signature = (accept=None, accept_encoding=None))]
    fn scrape(
        &self,
        py: Python<'_>,
        accept: Option<String>,
        accept_encoding: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        guarded(|| crate::scrape::negotiated(py, &self.exporter, accept, accept_encoding))
    }

    /// Marks the endpoint ready: scrapes are answered from now on (after a
    /// restore with `replay`, so no scrape sees counters lower than the
    /// restored ones).
    fn set_ready(&self) {
        self.exporter.set_ready();
    }

    /// Whether scrapes are answered (see `start_unready`).
    #[getter]
    fn is_ready(&self) -> bool {
        self.exporter.is_ready()
    }

    /// Stops serving and background work and frees the port; idempotent.
    /// Recording and `render()` still work afterwards. Releases the GIL.
    fn shutdown(&self, py: Python<'_>) -> PyResult<()> {
        guarded(|| {
            py.detach(|| self.exporter.shutdown());
            Ok(())
        })
    }

    /// Whether the listener and background work are running.
    #[getter]
    fn is_running(&self) -> bool {
        self.exporter.is_running()
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.shutdown(py)?;
        Ok(false)
    }

    fn __repr__(&self) -> String {
        format!("<velocity_metrics.Exporter {:?}>", *self.exporter)
    }
}

//! Serving: `install` (the process-wide endpoint), `serve` (an owned one),
//! `embedded` (no listener: answer `scrape()` from the engine's own web
//! framework), `shutdown`, readiness, and the module-level `render`/`scrape`.
//!
//! Everything that publishes, renders, binds or joins the worker thread
//! releases the GIL: a scrape on the exporter's thread may run a Python
//! `on_publish` hook, which needs it.

use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use velocity_metrics::exporter::{CONTENT_TYPE, Exporter};

use crate::errors::{self, guarded};
use crate::options::{self, ExporterOptions, PyEngineIdentity};
use crate::telemetry::{PyTelemetry, Target};

/// What a scrape answers: `(status, content_type, body)`.
pub(crate) type Scraped = (u16, &'static str, String);

/// An exporter a Python object can hold: the installed one (static), or an
/// owned one, stopped when the last holder is collected.
#[derive(Clone)]
pub(crate) enum ExporterRef {
    Installed(&'static Exporter),
    Owned(Arc<OwnedExporter>),
}

impl Deref for ExporterRef {
    type Target = Exporter;
    fn deref(&self) -> &Exporter {
        match self {
            Self::Installed(exporter) => exporter,
            Self::Owned(owned) => &owned.0,
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

/// The exporter `install` started.
static INSTALLED: OnceLock<&'static Exporter> = OnceLock::new();
/// The endpoint of a telemetry made the default with `set_default`.
static DEFAULT_ENDPOINT: OnceLock<ExporterRef> = OnceLock::new();

/// A running endpoint and the telemetries it serves.
///
/// From `install(...)` (process-wide, serves until `shutdown()`),
/// `serve(...)` (owned: stops when shut down, closed as a context manager,
/// or collected) or `embedded(...)` (no listener: answer `scrape()` from
/// your own web framework). Every scrape publishes first.
#[pyclass(name = "Exporter", module = "velocity_metrics", frozen)]
pub(crate) struct PyExporter {
    exporter: ExporterRef,
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

    /// What a scrape of `/metrics` answers now: `(status, content_type,
    /// body)`; 503 while not ready. Serve it from your own web framework.
    /// Releases the GIL.
    fn scrape(&self, py: Python<'_>) -> PyResult<Scraped> {
        guarded(|| Ok(scrape(py, &self.exporter)))
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

/// A scrape of `exporter`, with the GIL released.
pub(crate) fn scrape(py: Python<'_>, exporter: &Exporter) -> Scraped {
    let scrape = py.detach(|| exporter.scrape());
    (scrape.status, scrape.content_type, scrape.body)
}

/// The module-level `render()`: the default telemetry's endpoint.
pub(crate) fn render_default(py: Python<'_>) -> PyResult<String> {
    if let Some(endpoint) = DEFAULT_ENDPOINT.get() {
        return Ok(py.detach(|| endpoint.render()));
    }
    py.detach(velocity_metrics::render).ok_or_else(|| {
        errors::py::ExporterError::new_err((
            "the process-wide telemetry has no endpoint of velocity_metrics to render",
            "no_endpoint",
        ))
    })
}

/// The module-level `scrape()`: the installed exporter's answer, or that of
/// the default telemetry's endpoint (always ready before `install`).
pub(crate) fn scrape_default(py: Python<'_>) -> PyResult<Scraped> {
    if let Some(exporter) = INSTALLED.get() {
        return Ok(scrape(py, exporter));
    }
    if let Some(endpoint) = DEFAULT_ENDPOINT.get() {
        return Ok(scrape(py, endpoint));
    }
    Ok((200, CONTENT_TYPE, render_default(py)?))
}

/// The options every way of starting an endpoint takes.
macro_rules! start_signature {
    ($name:ident, $doc:literal, $start:expr) => {
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(signature = (*, listen=None, port=None, allow_clients=None, global_labels=None, identity=None, buckets=None, upkeep_interval=None, start_unready=false, **telemetry))]
        #[allow(clippy::too_many_arguments)]
        pub(crate) fn $name(
            py: Python<'_>,
            listen: Option<Bound<'_, PyString>>,
            port: Option<u16>,
            allow_clients: Option<Vec<String>>,
            global_labels: Option<Bound<'_, PyDict>>,
            identity: Option<Bound<'_, PyEngineIdentity>>,
            buckets: Option<Bound<'_, PyDict>>,
            upkeep_interval: Option<f64>,
            start_unready: bool,
            telemetry: Option<&Bound<'_, PyDict>>,
        ) -> PyResult<PyExporter> {
            guarded(|| {
                let options = ExporterOptions {
                    listen,
                    port,
                    allow_clients,
                    global_labels,
                    identity: identity.map(|i| i.get().0.clone()),
                    buckets,
                    upkeep_interval,
                    start_unready,
                };
                let builder = options.builder(options::telemetry_builder(telemetry)?)?;
                let start = $start;
                let exporter = py.detach(move || start(builder))?;
                Ok(PyExporter { exporter })
            })
        }
    };
}

start_signature!(
    install,
    "Starts the process-wide endpoint: it serves and publishes until `shutdown()`, and the \
     module-level functions record into its telemetry (what they recorded before is kept, \
     unless these options change the configuration: `ExporterError` kind \
     `default_created_early`). `listen` is `host:port` (the crate's default address unless \
     given; port 0 picks a free port), `port` changes only the port; `allow_clients` lists \
     the networks that may scrape; `global_labels` and `identity` label every series; \
     `buckets` maps a catalogue histogram name to its bounds; `start_unready` answers 503 \
     until `set_ready()`. Other keywords are telemetry options, as for `Telemetry(...)`. \
     A busy port is `ExporterError` kind `address_in_use`. Releases the GIL.",
    |builder: velocity_metrics::exporter::ExporterBuilder| -> PyResult<ExporterRef> {
        let exporter = builder.install().map_err(|e| errors::exporter(&e))?;
        let _ = INSTALLED.set(exporter);
        Ok(ExporterRef::Installed(exporter))
    }
);

start_signature!(
    serve,
    "Starts an owned endpoint with a listener, leaving the process-wide default alone: \
     record through `exporter.telemetry`. It stops on `shutdown()`, at the end of a `with` \
     block, or when collected. Options as for `install`. Releases the GIL.",
    |builder: velocity_metrics::exporter::ExporterBuilder| -> PyResult<ExporterRef> {
        builder
            .build()
            .map(OwnedExporter::shared)
            .map_err(|e| errors::exporter(&e))
    }
);

start_signature!(
    embedded,
    "An endpoint without a listener, for engines that serve `/metrics` from their own web \
     framework: answer each request with `exporter.scrape()` (`(status, content_type, \
     body)`, the built-in listener's exact answer). Options as for `install` (`listen`, \
     `port` and `allow_clients` are not used). Releases the GIL.",
    |builder: velocity_metrics::exporter::ExporterBuilder| -> PyResult<ExporterRef> {
        builder
            .build_embedded()
            .map(OwnedExporter::shared)
            .map_err(|e| errors::exporter(&e))
    }
);

/// Stops the exporter `install` started (serving, background work, the
/// port); idempotent, and a no-op when none was installed. Recording and
/// `render()` still work. Releases the GIL.
#[pyfunction]
pub(crate) fn shutdown(py: Python<'_>) -> PyResult<()> {
    guarded(|| {
        if let Some(exporter) = INSTALLED.get() {
            py.detach(|| exporter.shutdown());
        }
        Ok(())
    })
}

/// The exporter `install` started, or `None`.
#[pyfunction]
pub(crate) fn installed() -> Option<PyExporter> {
    INSTALLED.get().map(|exporter| PyExporter {
        exporter: ExporterRef::Installed(exporter),
    })
}

/// Makes `telemetry` (one of an `embedded()` or `serve()` exporter, or a
/// standalone `Telemetry`) the process-wide default that the module-level
/// functions record into. Raises `ExporterError` (kind `already_installed`)
/// when a default exists already: set it before any module-level call.
#[pyfunction]
pub(crate) fn set_default(telemetry: &PyTelemetry) -> PyResult<()> {
    let Target::Own {
        telemetry,
        endpoint,
    } = &telemetry.target
    else {
        return Ok(());
    };
    velocity_metrics::set_global(telemetry.clone()).map_err(errors::already_installed)?;
    let _ = DEFAULT_ENDPOINT.set(endpoint.clone());
    Ok(())
}

/// Publishes the process-wide default and returns the exposition text of
/// its endpoint (the installed exporter's, the one created on first use, or
/// the one of the telemetry given to `set_default`). Releases the GIL.
#[pyfunction]
pub(crate) fn render(py: Python<'_>) -> PyResult<String> {
    guarded(|| render_default(py))
}

/// What a scrape of the process-wide default answers now:
/// `(status, content_type, body)`. Releases the GIL.
#[pyfunction(name = "scrape")]
pub(crate) fn scrape_module(py: Python<'_>) -> PyResult<Scraped> {
    guarded(|| scrape_default(py))
}

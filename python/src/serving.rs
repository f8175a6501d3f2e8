//! Starting endpoints: `install` (the process-wide one), `serve` (an owned
//! one), `embedded` (no listener: answer `scrape()` from the engine's own
//! web framework); `shutdown`, `installed`, `set_default`, and the
//! module-level `render`/`scrape` of the process-wide default.
//!
//! Everything that binds, publishes, renders or joins the worker thread
//! releases the GIL: the exporter's thread may run a Python `on_publish`
//! hook, which needs it.

use std::path::PathBuf;
use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use velocity_metrics::exporter::{Exporter, ExporterBuilder};

use crate::errors::{self, guarded};
use crate::exporter::{ExporterRef, OwnedExporter, PyExporter};
use crate::listener::ListenerOptions;
use crate::options::{ExporterOptions, PyEngineIdentity};
use crate::telemetry::{PyTelemetry, Target};

/// The exporter `install` started.
static INSTALLED: OnceLock<&'static Exporter> = OnceLock::new();
/// The endpoint of a telemetry made the default with `set_default`.
static DEFAULT_ENDPOINT: OnceLock<ExporterRef> = OnceLock::new();

/// The endpoint the module-level `render`/`scrape` answer from: the
/// installed exporter, or that of the telemetry given to `set_default`.
pub(crate) fn default_endpoint() -> Option<&'static Exporter> {
    INSTALLED
        .get()
        .copied()
        .or_else(|| DEFAULT_ENDPOINT.get().map(|endpoint| &**endpoint))
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

/// An endpoint with a listener: `install` and `serve`.
macro_rules! listening {
    ($name:ident, $doc:literal, $start:expr) => {
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(signature = (*, listen=None, port=None, allow_clients=None, web_config_file=None, tls_cert_file=None, tls_key_file=None, client_ca_file=None, client_auth=None, tls_min_version=None, basic_auth_users=None, max_connections=None, header_read_timeout=None, keep_alive_timeout=None, max_header_bytes=None, scrape_timeout=None, global_labels=None, identity=None, buckets=None, upkeep_interval=None, start_unready=false, **telemetry))]
        #[allow(clippy::too_many_arguments)]
        pub(crate) fn $name(
            py: Python<'_>,
            listen: Option<String>,
            port: Option<u16>,
            allow_clients: Option<Vec<String>>,
            web_config_file: Option<PathBuf>,
            tls_cert_file: Option<PathBuf>,
            tls_key_file: Option<PathBuf>,
            client_ca_file: Option<PathBuf>,
            client_auth: Option<String>,
            tls_min_version: Option<String>,
            basic_auth_users: Option<Bound<'_, PyDict>>,
            max_connections: Option<usize>,
            header_read_timeout: Option<f64>,
            keep_alive_timeout: Option<f64>,
            max_header_bytes: Option<usize>,
            scrape_timeout: Option<f64>,
            global_labels: Option<Bound<'_, PyDict>>,
            identity: Option<Bound<'_, PyEngineIdentity>>,
            buckets: Option<Bound<'_, PyDict>>,
            upkeep_interval: Option<f64>,
            start_unready: bool,
            telemetry: Option<&Bound<'_, PyDict>>,
        ) -> PyResult<PyExporter> {
            guarded(|| {
                let listener = ListenerOptions {
                    listen,
                    port,
                    allow_clients,
                    web_config_file,
                    tls_cert_file,
                    tls_key_file,
                    client_ca_file,
                    client_auth,
                    tls_min_version,
                    basic_auth_users,
                    max_connections,
                    header_read_timeout,
                    keep_alive_timeout,
                    max_header_bytes,
                    scrape_timeout,
                };
                let builder = ExporterOptions::new(
                    global_labels,
                    identity,
                    buckets,
                    upkeep_interval,
                    start_unready,
                )
                .with_telemetry(telemetry)?;
                let builder = listener.apply(builder)?;
                let start = $start;
                let exporter = py.detach(move || start(builder))?;
                Ok(PyExporter { exporter })
            })
        }
    };
}

listening!(
    install,
    "Starts the process-wide endpoint: it serves and publishes until `shutdown()`, and the \
     module-level functions record into its telemetry (what they recorded before is kept, \
     unless these options change the configuration: `ExporterError` kind \
     `default_created_early`). `listen` is `host:port` (127.0.0.1:9090, loopback, unless \
     given; port 0 picks a free port), `port` changes only the port; `allow_clients` lists \
     the networks that may scrape. Beyond loopback, serve HTTPS with basic auth: \
     `web_config_file` (the exporter-toolkit web configuration of node_exporter), or \
     `tls_cert_file` + `tls_key_file` (PEM), `client_ca_file` + `client_auth` for mutual TLS \
     (`RequireAndVerifyClientCert` by default), `tls_min_version` (`TLS12`, `TLS13`), \
     `basic_auth_users` (user → bcrypt hash). Connection limits: `max_connections`, \
     `header_read_timeout`, `keep_alive_timeout`, `max_header_bytes`, `scrape_timeout` \
     (seconds). `global_labels` and `identity` label every series; `buckets` maps a catalogue \
     histogram name to its bounds; `start_unready` answers 503 until `set_ready()`. Other \
     keywords are telemetry options, as for `Telemetry(...)`. A busy port is `ExporterError` \
     kind `address_in_use`; a refused TLS or auth setting `WebConfigError`. Releases the GIL.",
    |builder: ExporterBuilder| -> PyResult<ExporterRef> {
        let exporter = builder.install().map_err(|e| errors::exporter(&e))?;
        let _ = INSTALLED.set(exporter);
        Ok(ExporterRef::Installed(exporter))
    }
);

listening!(
    serve,
    "Starts an owned endpoint with a listener, leaving the process-wide default alone: \
     record through `exporter.telemetry`. It stops on `shutdown()`, at the end of a `with` \
     block, or when collected. Options as for `install`. Releases the GIL.",
    |builder: ExporterBuilder| -> PyResult<ExporterRef> {
        builder
            .build()
            .map(OwnedExporter::shared)
            .map_err(|e| errors::exporter(&e))
    }
);

/// An endpoint without a listener, for engines that serve `/metrics` from
/// their own web framework: answer each request with
/// `exporter.scrape(accept, accept_encoding)`, the built-in listener's exact
/// answer (protect the route there: the listener's TLS, auth and limit
/// options do not apply, and are refused). Options as for `install`
/// otherwise. Releases the GIL.
#[pyfunction]
#[pyo3(signature = (*, global_labels=None, identity=None, buckets=None, upkeep_interval=None, start_unready=false, **telemetry))]
pub(crate) fn embedded(
    py: Python<'_>,
    global_labels: Option<Bound<'_, PyDict>>,
    identity: Option<Bound<'_, PyEngineIdentity>>,
    buckets: Option<Bound<'_, PyDict>>,
    upkeep_interval: Option<f64>,
    start_unready: bool,
    telemetry: Option<&Bound<'_, PyDict>>,
) -> PyResult<PyExporter> {
    guarded(|| {
        let builder = ExporterOptions::new(
            global_labels,
            identity,
            buckets,
            upkeep_interval,
            start_unready,
        )
        .with_telemetry(telemetry)?;
        let exporter = py
            .detach(move || builder.build_embedded())
            .map_err(|e| errors::exporter(&e))?;
        Ok(PyExporter {
            exporter: OwnedExporter::shared(exporter),
        })
    })
}

/// Stops the exporter `install` started (serving, background work, the
/// port); idempotent, and a no-op when none was installed. Recording and
/// `render()` still work; `install()` cannot start it again (`ExporterError`
/// kind `installed_shut_down`: use `serve()` for an endpoint that stops and
/// starts). Releases the GIL.
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

/// What a scrape of the process-wide default answers now, negotiated as
/// `Exporter.scrape` does: a `ScrapeResponse` `(status, headers, body)`.
/// Before `install()` or `set_default()` there is no endpoint to negotiate
/// with: the answer is Prometheus text, uncompressed (which every scraper
/// accepts). Releases the GIL.
#[pyfunction(name = "scrape")]
#[pyo3(signature = (accept=None, accept_encoding=None))]
pub(crate) fn scrape_module(
    py: Python<'_>,
    accept: Option<String>,
    accept_encoding: Option<String>,
) -> PyResult<Py<PyAny>> {
    guarded(|| crate::scrape::default(py, accept, accept_encoding))
}

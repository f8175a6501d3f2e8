//! `velocity_metrics.Telemetry`: one set of statistics, the process-wide
//! default or one of its own, with its publish and render steps. The
//! recorders are in `recorders_*.rs`.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use velocity_metrics::Telemetry;
use velocity_metrics::exporter::ExporterBuilder;

use crate::errors::{self, guarded};
use crate::exporter::{ExporterRef, OwnedExporter};
use crate::options;

/// Which telemetry a Python object stands for.
pub(crate) enum Target {
    /// The process-wide default, resolved at each call (created on first
    /// use, as the Rust free functions do, so that `install` can adopt it).
    Default,
    /// A telemetry and the endpoint that renders it.
    Own {
        telemetry: Telemetry,
        endpoint: ExporterRef,
    },
}

/// Live trading telemetry: exact running statistics published as
/// Prometheus series.
///
/// `Telemetry(**options)` has a recorder of its own (nothing process-wide is
/// touched): record into it, then `render()`. Options: `starting_balance`,
/// `max_agents`, `max_symbols`, `return_period` (seconds), `periods_per_year`,
/// `var_window`, `equity_clock_tolerance` (seconds), `future_tolerance`
/// (seconds a trade's or equity sample's time may be ahead of the clock;
/// default 300, at most 86,400), `trading_day_start` (seconds after 00:00
/// UTC), `role` (`"engine"` or `"database_reader"`),
/// `labels` (constant labels, e.g. `{"account": "live-1"}`), `identity`
/// (an `EngineIdentity`), `engine_version`. The module-level functions
/// (`velocity_metrics.record_trade` …) are the methods of the process-wide
/// default telemetry. Every method is safe from any number of threads.
#[pyclass(name = "Telemetry", module = "velocity_metrics", frozen)]
pub(crate) struct PyTelemetry {
    pub(crate) target: Target,
}

impl PyTelemetry {
    /// The telemetry calls go to.
    #[inline]
    pub(crate) fn get(&self) -> &Telemetry {
        match &self.target {
            Target::Default => velocity_metrics::global(),
            Target::Own { telemetry, .. } => telemetry,
        }
    }

    /// A Python object for `telemetry`, rendered by `endpoint`.
    pub(crate) fn own(telemetry: Telemetry, endpoint: ExporterRef) -> Self {
        Self {
            target: Target::Own {
                telemetry,
                endpoint,
            },
        }
    }
}

#[pymethods]
impl PyTelemetry {
    #[new]
    #[pyo3(signature = (**options))]
    fn new(options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        guarded(|| {
            let builder = options::telemetry_builder(options)?;
            let exporter = ExporterBuilder::new()
                .telemetry(builder)
                .build_embedded()
                .map_err(|e| errors::exporter(&e))?;
            let telemetry = exporter.telemetry().clone();
            Ok(Self::own(telemetry, OwnedExporter::shared(exporter)))
        })
    }

    /// Writes every derived series (ratios, drawdowns, uptime …) to its
    /// metric; returns the number of publish stages that failed (0
    /// normally). `render()` and every scrape publish first, so this is
    /// needed only before reading a recorder some other way. Releases the GIL.
    fn publish(&self, py: Python<'_>) -> PyResult<usize> {
        guarded(|| Ok(py.detach(|| self.get().publish())))
    }

    /// Publishes, then returns the Prometheus text exposition of the
    /// endpoint this telemetry records into (with every telemetry it
    /// serves), exactly as a scrape sees it. Releases the GIL.
    fn render(&self, py: Python<'_>) -> PyResult<String> {
        guarded(|| match &self.target {
            Target::Default => crate::serving::render_default(py),
            Target::Own { endpoint, .. } => Ok(py.detach(|| endpoint.render())),
        })
    }

    /// What a scrape of this telemetry's endpoint answers now, negotiated
    /// from the request's `Accept` and `Accept-Encoding` values as
    /// `Exporter.scrape` does: a `ScrapeResponse` `(status, headers, body)`,
    /// status 503 while the endpoint is not ready. Releases the GIL.
    #[pyo3(signature = (accept=None, accept_encoding=None))]
    fn scrape(
        &self,
        py: Python<'_>,
        accept: Option<String>,
        accept_encoding: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        guarded(|| match &self.target {
            Target::Default => crate::scrape::default(py, accept, accept_encoding),
            Target::Own { endpoint, .. } => {
                crate::scrape::negotiated(py, endpoint, accept, accept_encoding)
            }
        })
    }

    /// Calls `hook()` (no arguments) at the start of every publish (every
    /// scrape), e.g. to copy values the engine keeps elsewhere into this
    /// telemetry. An exception in the hook is reported through
    /// `sys.unraisablehook` and counted in
    /// `velocitytrader_publish_failures_total{stage="hook"}`; the publish
    /// goes on.
    fn on_publish(&self, hook: Py<PyAny>) {
        self.get().on_publish(move |_| {
            let failed = Python::attach(|py| match hook.call0(py) {
                Ok(_) => false,
                Err(error) => {
                    error.write_unraisable(py, Some(hook.bind(py)));
                    true
                }
            });
            if failed {
                // The crate catches and counts a hook that unwinds;
                // `resume_unwind` prints no panic message.
                std::panic::resume_unwind(Box::new("on_publish hook raised"));
            }
        });
    }

    /// The constant labels on every series of this telemetry, as pairs.
    #[getter]
    fn constant_labels(&self) -> Vec<(String, String)> {
        self.get().constant_labels().to_vec()
    }

    /// The settings this telemetry was built with, as a dict (seconds for
    /// durations).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let config = self.get().config();
        let dict = PyDict::new(py);
        dict.set_item("max_agents", config.max_agents)?;
        dict.set_item("max_symbols", config.max_symbols)?;
        dict.set_item("return_period", config.return_period.as_secs_f64())?;
        dict.set_item("periods_per_year", config.periods_per_year)?;
        dict.set_item("starting_balance", config.starting_balance)?;
        dict.set_item("var_window", config.var_window)?;
        dict.set_item(
            "equity_clock_tolerance",
            config.equity_clock_tolerance.as_secs_f64(),
        )?;
        dict.set_item("future_tolerance", config.future_tolerance.as_secs_f64())?;
        dict.set_item("trading_day_start", config.trading_day_start.as_secs_f64())?;
        let role = match config.role {
            velocity_metrics::Role::DatabaseReader => "database_reader",
            _ => "engine",
        };
        dict.set_item("role", role)?;
        dict.set_item("engine_version", config.engine_version.clone())?;
        dict.set_item("labels", config.constant_labels.to_vec())?;
        Ok(dict)
    }

    /// Whether `other` records into the same statistics.
    fn same_as(&self, other: &PyTelemetry) -> bool {
        self.get().same_as(other.get())
    }

    fn __repr__(&self) -> String {
        match &self.target {
            Target::Default => "<velocity_metrics.Telemetry (process-wide default)>".to_owned(),
            Target::Own { telemetry, .. } => format!(
                "<velocity_metrics.Telemetry labels={:?}>",
                telemetry.constant_labels()
            ),
        }
    }
}

/// The process-wide default telemetry, resolved at each call (the
/// module-level functions are its bound methods).
#[pyfunction]
pub(crate) fn _default_telemetry() -> PyTelemetry {
    PyTelemetry {
        target: Target::Default,
    }
}

//! Keyword options into the crate's builders: the telemetry settings shared
//! by `Telemetry(...)`, `install(...)`, `serve(...)`, `embedded(...)` and
//! `Exporter.add_telemetry(...)`, and the exporter's own. New builder
//! options are one entry here each.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use velocity_metrics::exporter::ExporterBuilder;
use velocity_metrics::{EngineIdentity, Mode, Role, Telemetry, TelemetryBuilder, catalogue};

use crate::convert::{self, seconds};
use crate::errors;

/// The telemetry settings, by their keyword names.
pub(crate) const TELEMETRY_OPTIONS: &[&str] = &[
    "starting_balance",
    "max_agents",
    "max_symbols",
    "return_period",
    "periods_per_year",
    "var_window",
    "equity_clock_tolerance",
    "future_tolerance",
    "trading_day_start",
    "role",
    "labels",
    "identity",
    "engine_version",
];

/// A telemetry builder from keyword options (`None` values are defaults).
/// Out-of-range numbers are replaced as the Rust builder documents (e.g. a
/// starting balance that is not finite and positive is ignored).
pub(crate) fn telemetry_builder(options: Option<&Bound<'_, PyDict>>) -> PyResult<TelemetryBuilder> {
    let mut builder = Telemetry::builder();
    let Some(options) = options else {
        return Ok(builder);
    };
    for (key, value) in options.iter() {
        let key = convert::text(&key, "option name")?;
        if value.is_none() {
            continue;
        }
        builder = match &*key {
            "starting_balance" => builder.starting_balance(value.extract()?),
            "max_agents" => builder.max_agents(value.extract()?),
            "max_symbols" => builder.max_symbols(value.extract()?),
            "return_period" => builder.return_period(seconds("return_period", value.extract()?)?),
            "periods_per_year" => builder.periods_per_year(value.extract()?),
            "var_window" => builder.var_window(value.extract()?),
            "equity_clock_tolerance" => {
                builder.equity_clock_tolerance(seconds("equity_clock_tolerance", value.extract()?)?)
            }
            "future_tolerance" => {
                builder.future_tolerance(seconds("future_tolerance", value.extract()?)?)
            }
            "trading_day_start" => {
                builder.trading_day_start(seconds("trading_day_start", value.extract()?)?)
            }
            "role" => builder.role(role(&value)?),
            "labels" => {
                let labels = value.cast::<PyDict>()?;
                for (name, label) in labels.iter() {
                    builder = builder
                        .label(
                            &convert::text(&name, "label name")?,
                            &convert::text(&label, "label value")?,
                        )
                        .map_err(|e| errors::label(&e))?;
                }
                builder
            }
            "identity" => {
                let identity = value.cast::<PyEngineIdentity>()?;
                builder
                    .identity(&identity.get().0)
                    .map_err(|e| errors::label(&e))?
            }
            "engine_version" => {
                builder.engine_version(Some(&convert::text(&value, "engine_version")?))
            }
            other if crate::listener::LISTENER_OPTIONS.contains(&other) => {
                return Err(PyTypeError::new_err(format!(
                    "unexpected keyword argument {other:?}: it configures the built-in listener of install() and serve(); embedded() and batch() have none (protect /metrics in your own web framework)"
                )));
            }
            other => {
                return Err(PyTypeError::new_err(format!(
                    "unexpected keyword argument {other:?}; telemetry options are {}",
                    TELEMETRY_OPTIONS.join(", ")
                )));
            }
        };
    }
    Ok(builder)
}

fn role(value: &Bound<'_, PyAny>) -> PyResult<Role> {
    match &*convert::text(value, "role")?.to_ascii_lowercase() {
        "engine" => Ok(Role::Engine),
        "database_reader" => Ok(Role::DatabaseReader),
        other => Err(errors::config(format!(
            "unknown role {other:?} (expected engine or database_reader)"
        ))),
    }
}

/// The exporter's options besides the listener's (see `listener.rs`):
/// labels, buckets, upkeep, readiness; `None` keeps the builder's default.
#[derive(Default)]
pub(crate) struct ExporterOptions<'py> {
    pub(crate) global_labels: Option<Bound<'py, PyDict>>,
    pub(crate) identity: Option<EngineIdentity>,
    pub(crate) buckets: Option<Bound<'py, PyDict>>,
    pub(crate) upkeep_interval: Option<f64>,
    pub(crate) start_unready: bool,
}

impl<'py> ExporterOptions<'py> {
    /// The options as the keyword arguments of `install`, `serve`,
    /// `embedded` and `batch` give them.
    pub(crate) fn new(
        global_labels: Option<Bound<'py, PyDict>>,
        identity: Option<Bound<'py, PyEngineIdentity>>,
        buckets: Option<Bound<'py, PyDict>>,
        upkeep_interval: Option<f64>,
        start_unready: bool,
    ) -> Self {
        Self {
            global_labels,
            identity: identity.map(|i| i.get().0.clone()),
            buckets,
            upkeep_interval,
            start_unready,
        }
    }

    /// The builder these options and the telemetry keywords describe.
    pub(crate) fn with_telemetry(
        &self,
        telemetry: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<ExporterBuilder> {
        self.builder(telemetry_builder(telemetry)?)
    }

    /// The builder these options and the telemetry settings describe.
    pub(crate) fn builder(&self, telemetry: TelemetryBuilder) -> PyResult<ExporterBuilder> {
        let mut builder = ExporterBuilder::new().telemetry(telemetry);
        if let Some(labels) = &self.global_labels {
            for (name, value) in labels.iter() {
                builder = builder
                    .global_label(
                        &convert::text(&name, "label name")?,
                        &convert::text(&value, "label value")?,
                    )
                    .map_err(|e| errors::exporter(&e))?;
            }
        }
        if let Some(identity) = &self.identity {
            builder = builder
                .identity(identity)
                .map_err(|e| errors::exporter(&e))?;
        }
        if let Some(buckets) = &self.buckets {
            for (name, bounds) in buckets.iter() {
                let name = convert::text(&name, "histogram name")?;
                let metric = catalogue::find(&name).ok_or_else(|| {
                    errors::config(format!("no catalogue histogram named {name:?}"))
                })?;
                let bounds: Vec<f64> = bounds.extract()?;
                builder = builder
                    .buckets(metric, &bounds)
                    .map_err(|e| errors::exporter(&e))?;
            }
        }
        if let Some(interval) = self.upkeep_interval {
            builder = builder.upkeep_interval(seconds("upkeep_interval", interval)?);
        }
        if self.start_unready {
            builder = builder.start_unready();
        }
        Ok(builder)
    }
}

/// Who an engine is in a fleet: `engine`, `account` and `mode` labels on
/// every series, and its build on `velocitytrader_build_info`.
#[pyclass(name = "EngineIdentity", module = "velocity_metrics", frozen)]
#[derive(Clone)]
pub(crate) struct PyEngineIdentity(pub(crate) EngineIdentity);

#[pymethods]
impl PyEngineIdentity {
    /// `engine`: unique in the fleet (host, strategy instance); `account`:
    /// the trading account; `mode`: `live`, `paper` or `backtest`;
    /// `engine_version`: the engine's build. Raises `LabelError` for a value
    /// that cannot be a label, `ParseError` for an unknown mode.
    #[new]
    #[pyo3(signature = (engine, *, account=None, mode=None, engine_version=None))]
    fn new(
        engine: &Bound<'_, PyAny>,
        account: Option<&Bound<'_, PyAny>>,
        mode: Option<&Bound<'_, PyAny>>,
        engine_version: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let label = |e: velocity_metrics::LabelError| errors::label(&e);
        let mut identity = EngineIdentity::new(&convert::text(engine, "engine")?).map_err(label)?;
        if let Some(account) = account.filter(|a| !a.is_none()) {
            identity = identity
                .account(&convert::text(account, "account")?)
                .map_err(label)?;
        }
        if let Some(mode) = convert::parsed_opt::<Mode>(mode, "mode")? {
            identity = identity.mode(mode);
        }
        if let Some(version) = engine_version.filter(|v| !v.is_none()) {
            identity = identity
                .engine_version(&convert::text(version, "engine_version")?)
                .map_err(label)?;
        }
        Ok(Self(identity))
    }

    /// The identity's labels, in order: `engine`, then `account` and `mode`
    /// when set.
    #[getter]
    fn labels(&self) -> Vec<(String, String)> {
        self.0.labels()
    }

    /// The engine's build, if given.
    #[getter]
    fn engine_version(&self) -> Option<String> {
        self.0.version().map(str::to_owned)
    }

    fn __repr__(&self) -> String {
        format!("EngineIdentity({:?})", self.0.labels())
    }
}

//! `velocity_metrics._native.LogRecorder`: the engine logger's calls, recorded
//! by the crate's `backfill::LogRecorder` (the rules a replay applies to the
//! rows they write). `velocity_metrics.instrument_logger` reads the
//! attributes of the logged objects and hands their values here.

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};
use velocity_metrics::backfill::{LogRecorder, LogValue, Logged, RewardLogEntry, TradeLogEntry};

use crate::backfill::PyReplayReport;
use crate::errors::guarded;
use crate::telemetry::PyTelemetry;

/// A Python value as the engine hands it to its logger. Strings are copied
/// out first (`Owned`), then borrowed as `LogValue::Text`.
enum Owned {
    Value(LogValue<'static>),
    Text(String),
}

impl Owned {
    fn of(value: &Bound<'_, PyAny>) -> Self {
        if value.is_none() {
            return Self::Value(LogValue::Null);
        }
        if let Ok(flag) = value.cast::<PyBool>() {
            return Self::Value(LogValue::Integer(i64::from(flag.is_true())));
        }
        if value.is_instance_of::<PyInt>() {
            // An integer beyond i64, as SQLite would refuse it, is the wrong type.
            return Self::Value(
                value
                    .extract::<i64>()
                    .map_or(LogValue::Other, LogValue::Integer),
            );
        }
        if let Ok(float) = value.cast::<PyFloat>() {
            return Self::Value(LogValue::Real(float.value()));
        }
        if let Ok(text) = value.cast::<PyString>() {
            return text
                .to_cow()
                .map_or(Self::Value(LogValue::Other), |t| Self::Text(t.into_owned()));
        }
        // numpy scalars, Decimal …: numbers if Python can make a float of them.
        value
            .extract::<f64>()
            .map_or(Self::Value(LogValue::Other), |x| {
                Self::Value(LogValue::Real(x))
            })
    }

    fn get(&self) -> LogValue<'_> {
        match self {
            Self::Value(value) => *value,
            Self::Text(text) => LogValue::Text(text),
        }
    }
}

fn outcome(logged: Logged) -> String {
    match logged {
        Logged::Recorded => "recorded".to_owned(),
        Logged::Open => "open".to_owned(),
        Logged::Skipped(reason) => format!("skipped: {reason}"),
        _ => "other".to_owned(),
    }
}

/// Records the calls of an engine's `ComprehensiveLogger` into a telemetry.
/// Each method returns `"recorded"`, `"open"` (a trade row without P&L) or
/// `"skipped: <reason>"`; `report()` counts them all. Never raises for bad
/// values: they are skipped or adjusted and counted.
#[pyclass(name = "LogRecorder", module = "velocity_metrics._native", frozen)]
pub(crate) struct PyLogRecorder(Mutex<LogRecorder>);

impl PyLogRecorder {
    fn with<T>(&self, body: impl FnOnce(&mut LogRecorder) -> T) -> T {
        body(
            &mut self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

#[pymethods]
impl PyLogRecorder {
    /// Records into `telemetry` (default: the process-wide one).
    #[new]
    #[pyo3(signature = (telemetry=None))]
    fn new(telemetry: Option<&PyTelemetry>) -> Self {
        let telemetry =
            telemetry.map_or_else(|| velocity_metrics::global().clone(), |t| t.get().clone());
        Self(Mutex::new(LogRecorder::new(&telemetry)))
    }

    /// A `log_trade(TradeLog)` call's values, and the regime of its
    /// `market_conditions` (`None` without one).
    #[allow(clippy::too_many_arguments)]
    fn trade(
        &self,
        timestamp: &Bound<'_, PyAny>,
        agent_id: &Bound<'_, PyAny>,
        instrument: &Bound<'_, PyAny>,
        timeframe: &Bound<'_, PyAny>,
        pnl: &Bound<'_, PyAny>,
        trade_duration: &Bound<'_, PyAny>,
        confidence_score: &Bound<'_, PyAny>,
        regime: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let values = [
            timestamp,
            agent_id,
            instrument,
            timeframe,
            pnl,
            trade_duration,
            confidence_score,
            regime,
        ]
        .map(Owned::of);
        guarded(|| {
            let entry = TradeLogEntry {
                timestamp: values[0].get(),
                agent_id: values[1].get(),
                instrument: values[2].get(),
                timeframe: values[3].get(),
                pnl: values[4].get(),
                trade_duration: values[5].get(),
                confidence_score: values[6].get(),
                regime: values[7].get(),
            };
            Ok(outcome(self.with(|log| log.trade(&entry))))
        })
    }

    /// A `log_error(component, message, severity, context)` call's severity.
    fn error(&self, severity: &Bound<'_, PyAny>) -> PyResult<String> {
        let severity = Owned::of(severity);
        guarded(|| Ok(outcome(self.with(|log| log.error(severity.get())))))
    }

    /// A `log_reward_shaping(RewardShapingLog)` call's values; `q_values`
    /// as the JSON text the logger stores.
    fn reward(
        &self,
        timestamp: &Bound<'_, PyAny>,
        agent_id: &Bound<'_, PyAny>,
        immediate_reward: &Bound<'_, PyAny>,
        q_values: &Bound<'_, PyAny>,
        epsilon: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let values = [timestamp, agent_id, immediate_reward, q_values, epsilon].map(Owned::of);
        guarded(|| {
            let entry = RewardLogEntry {
                timestamp: values[0].get(),
                agent_id: values[1].get(),
                immediate_reward: values[2].get(),
                q_values: values[3].get(),
                epsilon: values[4].get(),
            };
            Ok(outcome(self.with(|log| log.reward(&entry))))
        })
    }

    /// Everything recorded, counted and skipped so far.
    fn report(&self) -> PyReplayReport {
        PyReplayReport(self.with(|log| log.report().clone()))
    }
}

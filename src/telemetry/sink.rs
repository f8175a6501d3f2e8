//! Where handles come from: the process-wide `metrics` recorder or an
//! explicit one, plus lazily registered gauges for values that may be
//! undefined.

use std::fmt;
use std::sync::{Arc, OnceLock};

use metrics::{Counter, Gauge, Histogram, Key, Recorder};

use crate::catalogue::{MetricDef, metadata};

/// The recorder a [`crate::Telemetry`] registers its handles with.
#[derive(Clone)]
pub(crate) enum Sink {
    /// Whatever `metrics` has installed globally when a handle is registered.
    Global,
    /// An explicit recorder owned by this telemetry.
    Local(Arc<dyn Recorder + Send + Sync>),
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sink::Global => f.write_str("Sink::Global"),
            Sink::Local(_) => f.write_str("Sink::Local"),
        }
    }
}

impl Sink {
    fn with<T>(&self, f: impl FnOnce(&dyn Recorder) -> T) -> T {
        match self {
            Sink::Global => metrics::with_recorder(f),
            Sink::Local(recorder) => f(recorder.as_ref()),
        }
    }

    /// Registers `# HELP` text for the whole catalogue.
    pub(crate) fn describe_all(&self) {
        self.with(crate::catalogue::describe_all);
    }

    pub(crate) fn counter(&self, def: &MetricDef, labels: &[&'static str]) -> Counter {
        let key = def.key(labels);
        self.with(|r| r.register_counter(&key, &metadata()))
    }

    pub(crate) fn gauge(&self, def: &MetricDef, labels: &[&'static str]) -> Gauge {
        let key = def.key(labels);
        self.with(|r| r.register_gauge(&key, &metadata()))
    }

    pub(crate) fn histogram(&self, def: &MetricDef, labels: &[&'static str]) -> Histogram {
        let key = def.key(labels);
        self.with(|r| r.register_histogram(&key, &metadata()))
    }

    fn gauge_for_key(&self, key: &Key) -> Gauge {
        self.with(|r| r.register_gauge(key, &metadata()))
    }
}

/// A gauge that is registered only when it first gets a defined value, so an
/// undefined statistic has no sample at all; once the series exists, a value
/// that becomes undefined again is exported as `NaN` rather than a stale or
/// fake number.
pub(crate) struct LazyGauge {
    key: Key,
    gauge: OnceLock<Gauge>,
}

impl LazyGauge {
    pub(crate) fn new(def: &MetricDef, labels: &[&'static str]) -> Self {
        Self {
            key: def.key(labels),
            gauge: OnceLock::new(),
        }
    }

    /// Sets the value; `None` means undefined.
    pub(crate) fn set(&self, sink: &Sink, value: Option<f64>) {
        match (value, self.gauge.get()) {
            (Some(v), Some(gauge)) => gauge.set(v),
            (Some(v), None) => self
                .gauge
                .get_or_init(|| sink.gauge_for_key(&self.key))
                .set(v),
            (None, Some(gauge)) => gauge.set(f64::NAN),
            (None, None) => {}
        }
    }
}

/// Converts a count to the `f64` a gauge carries (exact below 2^53).
#[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
pub(crate) fn count_f64(n: u64) -> f64 {
    n as f64
}

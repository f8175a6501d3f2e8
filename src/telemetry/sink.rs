//! Where handles come from: the process-wide `metrics` recorder or an
//! explicit one, with the telemetry's constant labels on every key; plus
//! lazily registered handles for series that must not exist before their
//! first value.

use std::fmt;
use std::sync::{Arc, OnceLock};

use metrics::{Counter, Gauge, Histogram, Key, Label, Recorder};

use crate::catalogue::{MetricDef, metadata};

/// The recorder a [`crate::Telemetry`] registers its handles with.
#[derive(Clone)]
pub(crate) enum SinkTarget {
    /// Whatever `metrics` has installed globally when a handle is registered.
    Global,
    /// An explicit recorder.
    Local(Arc<dyn Recorder + Send + Sync>),
}

/// A recorder plus the constant labels added to every series.
#[derive(Clone)]
pub(crate) struct Sink {
    target: SinkTarget,
    constant_labels: Arc<[(String, String)]>,
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match self.target {
            SinkTarget::Global => "global",
            SinkTarget::Local(_) => "local",
        };
        f.debug_struct("Sink")
            .field("target", &target)
            .field("constant_labels", &self.constant_labels)
            .finish()
    }
}

impl Sink {
    pub(crate) fn new(target: SinkTarget, constant_labels: Vec<(String, String)>) -> Self {
        Self {
            target,
            constant_labels: constant_labels.into(),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&dyn Recorder) -> T) -> T {
        match &self.target {
            SinkTarget::Global => metrics::with_recorder(f),
            SinkTarget::Local(recorder) => f(recorder.as_ref()),
        }
    }

    /// Registers `# HELP` text for the whole catalogue.
    pub(crate) fn describe_all(&self) {
        self.with(crate::catalogue::describe_all);
    }

    /// The key of `def` for the given label values (in `def.labels` order),
    /// followed by the constant labels.
    pub(crate) fn key(&self, def: &MetricDef, values: &[&str]) -> Key {
        debug_assert_eq!(values.len(), def.labels.len(), "{}", def.name);
        let mut labels: Vec<Label> = def
            .labels
            .iter()
            .zip(values)
            .map(|(k, v)| Label::new(*k, (*v).to_owned()))
            .collect();
        labels.extend(
            self.constant_labels
                .iter()
                .map(|(k, v)| Label::new(k.clone(), v.clone())),
        );
        Key::from_parts(def.name, labels)
    }

    pub(crate) fn counter(&self, def: &MetricDef, labels: &[&str]) -> Counter {
        let key = self.key(def, labels);
        self.counter_for_key(&key)
    }

    pub(crate) fn gauge(&self, def: &MetricDef, labels: &[&str]) -> Gauge {
        let key = self.key(def, labels);
        self.gauge_for_key(&key)
    }

    fn counter_for_key(&self, key: &Key) -> Counter {
        self.with(|r| r.register_counter(key, &metadata()))
    }

    fn gauge_for_key(&self, key: &Key) -> Gauge {
        self.with(|r| r.register_gauge(key, &metadata()))
    }

    fn histogram_for_key(&self, key: &Key) -> Histogram {
        self.with(|r| r.register_histogram(key, &metadata()))
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
    pub(crate) fn new(sink: &Sink, def: &MetricDef, labels: &[&str]) -> Self {
        Self {
            key: sink.key(def, labels),
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

    /// Adds `delta` (the series starts at 0 on first use): one atomic
    /// read-modify-write of the handle, so concurrent additions are exact in
    /// the order they take effect.
    pub(crate) fn increment(&self, sink: &Sink, delta: f64) {
        self.gauge
            .get_or_init(|| sink.gauge_for_key(&self.key))
            .increment(delta);
    }
}

/// A counter registered on first use (or up front with [`Self::register`]),
/// for series only some processes can supply: a database reader never
/// counts ticks, so it must not export a fabricated `0`.
pub(crate) struct LazyCounter {
    key: Key,
    counter: OnceLock<Counter>,
}

impl LazyCounter {
    pub(crate) fn new(sink: &Sink, def: &MetricDef, labels: &[&str]) -> Self {
        Self {
            key: sink.key(def, labels),
            counter: OnceLock::new(),
        }
    }

    /// Registers the series now, at 0 (engines do, so that `increase()` sees
    /// the first event).
    pub(crate) fn register(&self, sink: &Sink) {
        self.counter.get_or_init(|| sink.counter_for_key(&self.key));
    }

    pub(crate) fn increment(&self, sink: &Sink, n: u64) {
        self.counter
            .get_or_init(|| sink.counter_for_key(&self.key))
            .increment(n);
    }
}

/// A histogram registered on first use, so an empty one is never exported.
pub(crate) struct LazyHistogram {
    key: Key,
    histogram: OnceLock<Histogram>,
}

impl LazyHistogram {
    pub(crate) fn new(sink: &Sink, def: &MetricDef, labels: &[&str]) -> Self {
        Self {
            key: sink.key(def, labels),
            histogram: OnceLock::new(),
        }
    }

    pub(crate) fn record(&self, sink: &Sink, value: f64) {
        self.histogram
            .get_or_init(|| sink.histogram_for_key(&self.key))
            .record(value);
    }
}

/// Converts a count to the `f64` a gauge carries (exact below 2^53).
#[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
pub(crate) fn count_f64(n: u64) -> f64 {
    n as f64
}

//! A `metrics` recorder that keeps every counter and gauge in memory, so the
//! history writer can read a [`Telemetry`](crate::Telemetry)'s published
//! values at each step: the same recorders, the same numbers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};

use crate::catalogue::MetricKind;

/// One registered series.
pub(crate) struct Registered {
    pub(crate) key: Key,
    pub(crate) kind: MetricKind,
    cell: Arc<AtomicU64>,
}

impl Registered {
    /// Current value (a counter's count or a gauge's float).
    #[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
    pub(crate) fn value(&self) -> f64 {
        let raw = self.cell.load(Ordering::Acquire);
        match self.kind {
            MetricKind::Counter => raw as f64,
            _ => f64::from_bits(raw),
        }
    }
}

#[derive(Default)]
struct Registry {
    index: HashMap<Key, usize>,
    series: Vec<Registered>,
}

/// In-memory recorder; histograms are discarded.
#[derive(Default)]
pub(crate) struct SnapshotRecorder {
    registry: Mutex<Registry>,
}

impl SnapshotRecorder {
    fn cell(&self, key: &Key, kind: MetricKind) -> Arc<AtomicU64> {
        let mut registry = crate::telemetry::lock(&self.registry);
        if let Some(&i) = registry.index.get(key) {
            return Arc::clone(&registry.series[i].cell);
        }
        let cell = Arc::new(AtomicU64::new(0));
        let i = registry.series.len();
        registry.index.insert(key.clone(), i);
        registry.series.push(Registered {
            key: key.clone(),
            kind,
            cell: Arc::clone(&cell),
        });
        cell
    }

    /// Visits every series in registration order (new series come last).
    pub(crate) fn visit(&self, mut f: impl FnMut(usize, &Registered)) {
        let registry = crate::telemetry::lock(&self.registry);
        for (i, series) in registry.series.iter().enumerate() {
            f(i, series);
        }
    }
}

impl Recorder for SnapshotRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(self.cell(key, MetricKind::Counter))
    }

    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(self.cell(key, MetricKind::Gauge))
    }

    fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::noop()
    }
}

//! Native histograms for the two latency histograms (feature `protobuf`),
//! kept beside their classic buckets.
//!
//! Text scrapers (`VictoriaMetrics`, `vmagent`, the shipped rules'
//! `_bucket{le="0.5"}`) need the classic buckets, which the endpoint's
//! recorder keeps. Each sample of the two latency histograms also goes to a
//! [`NativeHistogram`] of its series, here: the hot path only appends the
//! value to a lock-free buffer (as the recorder does for the classic
//! buckets), and the buffer is folded in at upkeep and before each protobuf
//! render. A protobuf scrape then carries one message per series with both
//! the classic buckets and the native spans, as `client_golang` writes a
//! histogram that has both.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use metrics::{Histogram, HistogramFn, Key};
use metrics_exporter_prometheus::formatting::{sanitize_label_key, sanitize_label_value};
use metrics_util::storage::AtomicBucket;

use super::native_histogram::NativeHistogram;
use super::protobuf::unescape_label_value;
use crate::catalogue;
use crate::telemetry::lock;

/// The histograms served natively too.
pub(crate) const NATIVE_HISTOGRAMS: [&str; 2] = [
    catalogue::ORDER_FILL_DURATION_SECONDS.name,
    catalogue::RISK_DECISION_DURATION_SECONDS.name,
];

/// A series as a scrape names it: family name and its labels — global
/// labels and the key's, as the text exposition spells them once parsed —
/// sorted by label name.
pub(crate) type SeriesId = (String, Vec<(String, String)>);

/// The native copies of the latency histograms, one per series.
#[derive(Debug, Default)]
pub(crate) struct NativeHistograms {
    global_labels: Vec<(String, String)>,
    series: Mutex<HashMap<SeriesId, Arc<NativeSeries>>>,
}

/// One series: samples not yet folded in, and the histogram.
#[derive(Debug, Default)]
struct NativeSeries {
    pending: AtomicBucket<f64>,
    histogram: Mutex<NativeHistogram>,
}

impl NativeSeries {
    /// Folds the pending samples into the histogram.
    fn fold(&self) -> NativeHistogram {
        let mut histogram = lock(&self.histogram);
        self.pending.clear_with(|samples| {
            for &value in samples {
                histogram.observe(value);
            }
        });
        histogram.clone()
    }
}

impl NativeHistograms {
    pub(crate) fn new(global_labels: &[(String, String)]) -> Self {
        Self {
            global_labels: global_labels.to_vec(),
            series: Mutex::default(),
        }
    }

    /// `classic`, or — for the two latency histograms — a handle feeding
    /// both `classic` and the native histogram of `key`'s series.
    pub(crate) fn fan_out(&self, key: &Key, classic: Histogram) -> Histogram {
        if !NATIVE_HISTOGRAMS.contains(&key.name()) {
            return classic;
        }
        let native = Arc::clone(lock(&self.series).entry(self.series_id(key)).or_default());
        Histogram::from_arc(Arc::new(Both { classic, native }))
    }

    /// Folds every series' pending samples in, bounding their memory.
    pub(crate) fn run_upkeep(&self) {
        for series in self.all() {
            series.fold();
        }
    }

    /// Every series' histogram, pending samples folded in.
    pub(crate) fn snapshot(&self) -> HashMap<SeriesId, NativeHistogram> {
        let series: Vec<(SeriesId, Arc<NativeSeries>)> = lock(&self.series)
            .iter()
            .map(|(id, series)| (id.clone(), Arc::clone(series)))
            .collect();
        series
            .into_iter()
            .map(|(id, series)| (id, series.fold()))
            .collect()
    }

    fn all(&self) -> Vec<Arc<NativeSeries>> {
        lock(&self.series).values().cloned().collect()
    }

    /// The labels the recorder renders for `key` (the global labels, each
    /// replaced by a key label of the same name, then the key's other
    /// labels), sanitized as it sanitizes them and read back as a text
    /// parser reads them: so the id equals what a protobuf render parses
    /// from the text.
    fn series_id(&self, key: &Key) -> SeriesId {
        let mut labels = self.global_labels.clone();
        for label in key.labels() {
            match labels.iter_mut().find(|(name, _)| name == label.key()) {
                Some((_, value)) => label.value().clone_into(value),
                None => labels.push((label.key().to_owned(), label.value().to_owned())),
            }
        }
        let mut labels: Vec<(String, String)> = labels
            .into_iter()
            .map(|(name, value)| {
                (
                    sanitize_label_key(&name),
                    unescape_label_value(&sanitize_label_value(&value)),
                )
            })
            .collect();
        labels.sort();
        (key.name().to_owned(), labels)
    }
}

/// One sample to both histograms.
struct Both {
    classic: Histogram,
    native: Arc<NativeSeries>,
}

impl HistogramFn for Both {
    fn record(&self, value: f64) {
        self.classic.record(value);
        self.native.pending.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics::{Label, Recorder};

    #[test]
    fn only_the_latency_histograms_get_a_native_copy() {
        let natives = NativeHistograms::new(&[("account".into(), "a-1".into())]);
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let metadata = catalogue::metadata();
        let fill = Key::from_parts(NATIVE_HISTOGRAMS[0], vec![Label::new("symbol", "EURUSD+")]);
        let other = Key::from_name("velocitytrader_db_query_duration_seconds");
        for (key, value) in [(&fill, 0.04), (&other, 0.5)] {
            let histogram = natives.fan_out(key, recorder.register_histogram(key, &metadata));
            histogram.record(value);
            histogram.record(value);
        }
        // The same key again shares the series.
        natives
            .fan_out(&fill, recorder.register_histogram(&fill, &metadata))
            .record(0.08);
        let snapshot = natives.snapshot();
        assert_eq!(snapshot.len(), 1);
        let id = (
            NATIVE_HISTOGRAMS[0].to_owned(),
            vec![
                ("account".to_owned(), "a-1".to_owned()),
                ("symbol".to_owned(), "EURUSD+".to_owned()),
            ],
        );
        assert_eq!(snapshot[&id].count(), 3);
        // Classic samples still reach the recorder.
        assert!(
            recorder
                .handle()
                .render()
                .contains("velocitytrader_db_query_duration_seconds_count 2")
        );
    }

    #[test]
    fn series_ids_read_labels_as_the_text_spells_them() {
        let natives = NativeHistograms::new(&[
            ("engine".into(), "global".into()),
            ("bad-name".into(), "x".into()),
        ]);
        let key = Key::from_parts(
            NATIVE_HISTOGRAMS[1],
            vec![
                Label::new("engine", "own"),
                Label::new("decision", "a\"b\\c\nd €"),
            ],
        );
        let (_, labels) = natives.series_id(&key);
        assert_eq!(
            labels,
            [
                ("bad_name".to_owned(), "x".to_owned()),
                ("decision".to_owned(), "a\"b\\c\nd €".to_owned()),
                ("engine".to_owned(), "own".to_owned()),
            ]
        );
    }

    #[test]
    fn upkeep_folds_pending_samples() {
        let natives = NativeHistograms::new(&[]);
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let key = Key::from_name(NATIVE_HISTOGRAMS[1]);
        let histogram = natives.fan_out(
            &key,
            recorder.register_histogram(&key, &catalogue::metadata()),
        );
        for _ in 0..1_000 {
            histogram.record(0.000_09);
        }
        natives.run_upkeep();
        let series = natives.all();
        assert!(series[0].pending.is_empty());
        assert_eq!(lock(&series[0].histogram).count(), 1_000);
    }
}

//! Native histograms for the two latency histograms (feature `protobuf`),
//! beside their classic buckets.
//!
//! `metrics-exporter-prometheus` keeps a histogram either classic or native,
//! and leaves native ones out of text. Text scrapers (`VictoriaMetrics`,
//! `vmagent`, the shipped rules' `_bucket{le="0.5"}`) need the classic buckets,
//! so every sample of those two histograms goes to both: the classic
//! histogram in the endpoint's recorder and a native one in a second
//! recorder of their own. A protobuf scrape then carries one message per
//! series with both the classic buckets and the native spans, as
//! `client_golang` writes a histogram that has both.

use std::collections::HashMap;
use std::sync::Arc;

use metrics::{Histogram, HistogramFn, Key, Metadata, Recorder};
use metrics_exporter_prometheus::{
    Matcher, NativeHistogramConfig, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use prost::Message;

use crate::catalogue;

/// The histograms served natively too.
pub(crate) const NATIVE_HISTOGRAMS: [&str; 2] = [
    catalogue::ORDER_FILL_DURATION_SECONDS.name,
    catalogue::RISK_DECISION_DURATION_SECONDS.name,
];

/// Bucket growth factor: schema 3 (each bucket 2^(1/8) ≈ 9 % wider than
/// the last), Prometheus' own default resolution.
const BUCKET_FACTOR: f64 = 1.090_507_732_665_257_7;
/// Bucket limit per series; the schema coarsens beyond it.
const MAX_BUCKETS: u32 = 160;
/// Observations at or below 1 ns count as zero.
const ZERO_THRESHOLD: f64 = 1e-9;

/// The second recorder, holding the native copies.
#[derive(Debug)]
pub(crate) struct NativeHistograms {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl NativeHistograms {
    pub(crate) fn new(global_labels: &[(String, String)]) -> Self {
        let config = NativeHistogramConfig::new(BUCKET_FACTOR, MAX_BUCKETS, ZERO_THRESHOLD)
            .expect("constant native histogram configuration is valid");
        let mut builder = PrometheusBuilder::new();
        for name in NATIVE_HISTOGRAMS {
            builder =
                builder.set_native_histogram_for_metric(Matcher::Full(name.into()), config.clone());
        }
        for (key, value) in global_labels {
            builder = builder.add_global_label(key, value);
        }
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        Self { recorder, handle }
    }

    /// `classic`, or — for the two latency histograms — a handle feeding
    /// both `classic` and its native copy.
    pub(crate) fn fan_out(
        &self,
        key: &Key,
        metadata: &Metadata<'_>,
        classic: Histogram,
    ) -> Histogram {
        if !NATIVE_HISTOGRAMS.contains(&key.name()) {
            return classic;
        }
        let native = self.recorder.register_histogram(key, metadata);
        Histogram::from_arc(Arc::new(Both { classic, native }))
    }

    /// Copies a histogram's help text to the native recorder.
    pub(crate) fn describe(&self, key: metrics::KeyName, description: metrics::SharedString) {
        if NATIVE_HISTOGRAMS.contains(&key.as_str()) {
            self.recorder.describe_histogram(key, None, description);
        }
    }

    pub(crate) fn run_upkeep(&self) {
        self.handle.run_upkeep();
    }

    /// The protobuf exposition of `main`, the two latency histograms
    /// carrying their native spans beside the classic buckets.
    pub(crate) fn render_protobuf(&self, main: &PrometheusHandle) -> Vec<u8> {
        let mut natives: HashMap<String, MetricFamily> = HashMap::new();
        for raw in delimited(&self.handle.render_protobuf()) {
            if let Ok(family) = MetricFamily::decode(raw) {
                natives.insert(family.name.clone().unwrap_or_default(), family);
            }
        }
        let classic = main.render_protobuf();
        let mut out = Vec::with_capacity(classic.len() + 4096);
        for raw in delimited(&classic) {
            let name = FamilyName::decode(raw).ok().and_then(|f| f.name);
            let native = name.as_ref().and_then(|name| natives.remove(name));
            if let (Some(native), Ok(classic)) = (native, MetricFamily::decode(raw)) {
                // Encoding into a Vec cannot fail.
                let _ = merge(&classic, native).encode_length_delimited(&mut out);
            } else {
                prost::encoding::encode_varint(raw.len() as u64, &mut out);
                out.extend_from_slice(raw);
            }
        }
        for family in natives.into_values() {
            let _ = family.encode_length_delimited(&mut out);
        }
        out
    }
}

/// One sample to both histograms.
struct Both {
    classic: Histogram,
    native: Histogram,
}

impl HistogramFn for Both {
    fn record(&self, value: f64) {
        self.classic.record(value);
        self.native.record(value);
    }
}

/// The messages of a length-delimited stream.
fn delimited(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut messages = Vec::new();
    while !bytes.is_empty() {
        let Ok(length) = prost::decode_length_delimiter(&mut bytes) else {
            break;
        };
        let Some((message, rest)) = bytes.split_at_checked(length) else {
            break;
        };
        messages.push(message);
        bytes = rest;
    }
    messages
}

fn sorted_labels(metric: &Metric) -> Vec<(Option<&str>, Option<&str>)> {
    let mut labels: Vec<_> = metric
        .label
        .iter()
        .map(|l| (l.name.as_deref(), l.value.as_deref()))
        .collect();
    labels.sort_unstable();
    labels
}

/// The native family with each series' classic buckets added. The native
/// count and sum are the message's (a native histogram must agree with its
/// own buckets); a classic bucket recorded after the native copy was read is
/// capped at that count, and the `+Inf` bucket is left to the scraper (it is
/// the count by definition).
fn merge(classic: &MetricFamily, mut native: MetricFamily) -> MetricFamily {
    for metric in &mut native.metric {
        let labels = sorted_labels(metric);
        let Some(classic_histogram) = classic
            .metric
            .iter()
            .find(|c| sorted_labels(c) == labels)
            .and_then(|c| c.histogram.as_ref())
        else {
            continue;
        };
        if let Some(histogram) = metric.histogram.as_mut() {
            let count = histogram.sample_count.unwrap_or(0);
            histogram.bucket = classic_histogram
                .bucket
                .iter()
                .filter(|b| b.upper_bound.is_some_and(f64::is_finite))
                .map(|b| Bucket {
                    cumulative_count: Some(b.cumulative_count.unwrap_or(0).min(count)),
                    upper_bound: b.upper_bound,
                })
                .collect();
        }
    }
    native
}

// The subset of `io.prometheus.client` (client_model's metrics.proto) that
// the two histogram families use, for decoding and re-encoding them.

#[derive(Clone, PartialEq, Message)]
struct FamilyName {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
}

#[derive(Clone, PartialEq, Message)]
struct MetricFamily {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
    #[prost(string, optional, tag = "2")]
    help: Option<String>,
    #[prost(int32, optional, tag = "3")]
    r#type: Option<i32>,
    #[prost(message, repeated, tag = "4")]
    metric: Vec<Metric>,
    #[prost(string, optional, tag = "5")]
    unit: Option<String>,
}

#[derive(Clone, PartialEq, Message)]
struct Metric {
    #[prost(message, repeated, tag = "1")]
    label: Vec<LabelPair>,
    #[prost(message, optional, tag = "7")]
    histogram: Option<HistogramMessage>,
    #[prost(int64, optional, tag = "6")]
    timestamp_ms: Option<i64>,
}

#[derive(Clone, PartialEq, Message)]
struct LabelPair {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
    #[prost(string, optional, tag = "2")]
    value: Option<String>,
}

#[derive(Clone, PartialEq, Message)]
struct HistogramMessage {
    #[prost(uint64, optional, tag = "1")]
    sample_count: Option<u64>,
    #[prost(double, optional, tag = "2")]
    sample_sum: Option<f64>,
    #[prost(message, repeated, tag = "3")]
    bucket: Vec<Bucket>,
    #[prost(sint32, optional, tag = "5")]
    schema: Option<i32>,
    #[prost(double, optional, tag = "6")]
    zero_threshold: Option<f64>,
    #[prost(uint64, optional, tag = "7")]
    zero_count: Option<u64>,
    #[prost(message, repeated, tag = "9")]
    negative_span: Vec<BucketSpan>,
    #[prost(sint64, repeated, packed = "false", tag = "10")]
    negative_delta: Vec<i64>,
    #[prost(message, repeated, tag = "12")]
    positive_span: Vec<BucketSpan>,
    #[prost(sint64, repeated, packed = "false", tag = "13")]
    positive_delta: Vec<i64>,
}

#[derive(Clone, PartialEq, Message)]
struct Bucket {
    #[prost(uint64, optional, tag = "1")]
    cumulative_count: Option<u64>,
    #[prost(double, optional, tag = "2")]
    upper_bound: Option<f64>,
}

#[derive(Clone, PartialEq, Message)]
struct BucketSpan {
    #[prost(sint32, optional, tag = "1")]
    offset: Option<i32>,
    #[prost(uint32, optional, tag = "2")]
    length: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics::Unit;

    fn family(bytes: &[u8], name: &str) -> Option<MetricFamily> {
        delimited(bytes)
            .into_iter()
            .filter_map(|raw| MetricFamily::decode(raw).ok())
            .find(|f| f.name.as_deref() == Some(name))
    }

    #[test]
    fn latency_histograms_carry_both_bucket_kinds() {
        let mut builder = PrometheusBuilder::new();
        builder = builder
            .set_buckets_for_metric(
                Matcher::Full(NATIVE_HISTOGRAMS[0].into()),
                catalogue::ORDER_FILL_BUCKETS,
            )
            .unwrap();
        let main = builder.build_recorder();
        let natives = NativeHistograms::new(&[]);
        let key = Key::from_parts(
            NATIVE_HISTOGRAMS[0],
            vec![metrics::Label::new("symbol", "EURUSD+")],
        );
        let metadata = catalogue::metadata();
        main.describe_histogram(
            NATIVE_HISTOGRAMS[0].into(),
            Some(Unit::Seconds),
            "fills".into(),
        );
        let histogram = natives.fan_out(&key, &metadata, main.register_histogram(&key, &metadata));
        for value in [0.02, 0.03, 0.3, 2.0] {
            histogram.record(value);
        }
        main.register_counter(&Key::from_name("other_total"), &metadata)
            .increment(1);

        let bytes = natives.render_protobuf(&main.handle());
        let merged = family(&bytes, NATIVE_HISTOGRAMS[0]).expect("fill family");
        assert!(
            family(&bytes, "other_total").is_some(),
            "other families pass through"
        );
        let h = merged.metric[0].histogram.clone().unwrap();
        assert_eq!(h.sample_count, Some(4));
        assert_eq!(h.schema, Some(3));
        let le_half = h
            .bucket
            .iter()
            .find(|b| b.upper_bound == Some(0.5))
            .unwrap();
        assert_eq!(le_half.cumulative_count, Some(3));
        assert!(
            h.bucket
                .iter()
                .all(|b| b.upper_bound.is_some_and(f64::is_finite))
        );
        assert!(!h.positive_span.is_empty());
        // Text keeps the classic histogram.
        assert!(main.handle().render().contains(
            "velocitytrader_order_fill_duration_seconds_bucket{symbol=\"EURUSD+\",le=\"0.5\"} 3"
        ));
    }
}

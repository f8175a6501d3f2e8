//! A telemetry recording into its own Prometheus recorder, with the
//! catalogue's default histogram buckets, and parsed scrapes of it.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::sync::Arc;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use velocity_metrics::catalogue;
use velocity_metrics::{Telemetry, TelemetryBuilder};

use super::exposition::{self, Exposition};

/// `builder` built with a recorder of its own that renders every catalogue
/// histogram with its default buckets.
pub fn telemetry_with(builder: TelemetryBuilder) -> (Telemetry, PrometheusHandle) {
    let mut prometheus = PrometheusBuilder::new();
    for def in catalogue::METRICS {
        let bounds = catalogue::default_buckets(def);
        if !bounds.is_empty() {
            prometheus = prometheus
                .set_buckets_for_metric(Matcher::Full(def.name.to_owned()), bounds)
                .unwrap();
        }
    }
    let recorder = Arc::new(prometheus.build_recorder());
    let handle = recorder.handle();
    (builder.build_with_recorder(recorder), handle)
}

/// Publishes and parses a scrape.
pub fn scrape(telemetry: &Telemetry, handle: &PrometheusHandle) -> Exposition {
    telemetry.publish();
    exposition::parse(&handle.render()).expect("scrape must parse")
}

/// Unix time now, seconds.
pub fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

//! A telemetry recording into its own Prometheus recorder, with the
//! catalogue's default histogram buckets, and parsed scrapes of it.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use velocity_metrics::{Telemetry, TelemetryBuilder};

use super::exposition::{self, Exposition};

/// `builder` built with a recorder of its own that renders every catalogue
/// histogram with its default buckets.
pub fn telemetry_with(builder: TelemetryBuilder) -> (Telemetry, PrometheusHandle) {
    let recorder = Arc::new(velocity_metrics::exporter::prometheus_builder().build_recorder());
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

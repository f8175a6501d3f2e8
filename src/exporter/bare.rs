//! A bare Prometheus recorder with the catalogue's histogram buckets, for
//! code that renders a recorder of its own instead of running an
//! [`Exporter`](super::Exporter).

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

use crate::catalogue::{self, MetricKind};

/// A [`PrometheusBuilder`] with the catalogue's buckets for every histogram
/// (fill latency, risk-decision latency, slippage, database latency), so
/// they render as histograms — `_bucket` series that the shipped alert
/// rules and dashboards query — and not as summaries.
///
/// `PrometheusBuilder::new()` alone knows no buckets: on a recorder built
/// from it every histogram of the catalogue silently becomes a summary
/// (quantiles, no `_bucket`), and the fill-latency burn-rate alerts find
/// nothing. Build bare recorders from this function, or let
/// [`TelemetryBuilder::build_prometheus`](crate::TelemetryBuilder::build_prometheus)
/// do it; help texts are registered by the telemetry built on the
/// recorder.
///
/// # Panics
/// Never: `PrometheusBuilder` refuses only empty buckets, and every
/// catalogue histogram has some (a catalogue test checks it).
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use velocity_metrics::{Fill, Symbol, Telemetry};
///
/// let recorder = Arc::new(velocity_metrics::exporter::prometheus_builder().build_recorder());
/// let scrape = recorder.handle();
/// let telemetry = Telemetry::builder().build_with_recorder(recorder);
/// telemetry.record_order_filled(Symbol::new("EURUSD+")?, &Fill {
///     latency: Duration::from_millis(40), slippage: 0.0, spread: 0.0001, partial: false,
/// })?;
/// assert!(scrape.render().contains("velocitytrader_order_fill_duration_seconds_bucket{le=\"0.05\"} 1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn prometheus_builder() -> PrometheusBuilder {
    let mut builder = PrometheusBuilder::new();
    for def in catalogue::METRICS
        .iter()
        .filter(|d| d.kind == MetricKind::Histogram)
    {
        let bounds = catalogue::default_buckets(def);
        if bounds.is_empty() {
            continue;
        }
        builder = builder
            .set_buckets_for_metric(Matcher::Full(def.name.to_owned()), bounds)
            .expect("non-empty buckets are accepted");
    }
    builder
}

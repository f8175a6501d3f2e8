//! A telemetry with its own Prometheus recorder, and its scrape parsed with
//! the strict exposition parser of `tests/common` into comparable values.
#![allow(dead_code, reason = "each test crate uses a different part")]

use std::collections::BTreeMap;
use std::sync::Arc;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use velocity_metrics::{Telemetry, TelemetryBuilder};

/// A telemetry recording into a private Prometheus recorder.
pub fn telemetry(builder: TelemetryBuilder) -> (Telemetry, PrometheusHandle) {
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    (builder.build_with_recorder(recorder), handle)
}

/// Series that measure the process and the clock, not the data: uptime,
/// CPU time and resident memory differ between any two scrapes.
const CLOCK_SERIES: &[&str] = &[
    "velocitytrader_uptime_seconds",
    "velocitytrader_process_cpu_seconds",
    "velocitytrader_process_resident_memory_bytes",
];

/// Publishes, renders and parses: `name{k="v",…}` → value, for every
/// `velocitytrader_` sample except those of the process and the clock.
pub fn scrape(telemetry: &Telemetry, handle: &PrometheusHandle) -> BTreeMap<String, f64> {
    telemetry.publish();
    let text = handle.render();
    let parsed = super::exposition::parse(&text).expect("exposition parses");
    let mut out = BTreeMap::new();
    for sample in parsed.samples {
        if !sample.name.starts_with("velocitytrader_")
            || CLOCK_SERIES.contains(&sample.name.as_str())
        {
            continue;
        }
        let labels: Vec<String> = sample
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        out.insert(
            format!("{}{{{}}}", sample.name, labels.join(",")),
            sample.value,
        );
    }
    out
}

/// Equal keys, and equal values (NaN equals NaN).
pub fn assert_same_series(restored: &BTreeMap<String, f64>, live: &BTreeMap<String, f64>) {
    let only_restored: Vec<_> = restored.keys().filter(|k| !live.contains_key(*k)).collect();
    let only_live: Vec<_> = live.keys().filter(|k| !restored.contains_key(*k)).collect();
    assert!(
        only_restored.is_empty() && only_live.is_empty(),
        "series differ: only restored {only_restored:?}, only live {only_live:?}"
    );
    for (key, a) in restored {
        let b = live[key];
        assert!(
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            "{key}: restored {a} != live {b}"
        );
    }
}

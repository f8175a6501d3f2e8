//! End to end: the example exporter, scraped by a real Prometheus started
//! from the shipped host files (`deploy/host/`: its flags and configuration,
//! the shipped rules), answers every dashboard query, every template
//! variable query and every recording rule with data.
//!
//! `cargo test --test end_to_end -- --include-ignored` (needs the `prometheus`
//! binary, Debian package `prometheus`; builds and runs
//! `cargo run --example exporter`).

#[path = "common/example_engines.rs"]
mod example_engines;
#[path = "support/fleet_queries.rs"]
mod fleet_queries;
#[path = "common/host_prometheus.rs"]
mod host_prometheus;
#[path = "common/net.rs"]
mod net;

use std::time::{Duration, Instant};

use example_engines::query;
use fleet_queries::{Check, Subject, all_checks};
use net::{free_port, get, spawn_example};

/// Panels empty by design in a healthy single-engine setup: (dashboard, panel).
const EMPTY_WHEN_HEALTHY: [(&str, &str); 1] =
    [("dashboards/velocitytrader-fleet.json", "Missing engines")];

/// Every dashboard query, template variable and recording rule that a
/// serving engine answers, with every variable at "All". Batch-only queries
/// (fed by a Pushgateway) and panels empty by design while all is well are
/// left to tests/end_to_end_fleet.rs.
fn queries() -> Vec<Check> {
    let serving = Subject::all();
    all_checks()
        .into_iter()
        .filter(|c| c.applies_to(&serving))
        .filter(|c| !EMPTY_WHEN_HEALTHY.contains(&(c.dashboard.as_str(), c.panel.as_str())))
        .collect()
}

#[test]
#[ignore = "needs prometheus"]
fn every_dashboard_query_and_recording_rule_has_data_in_a_real_prometheus() {
    let exporter_port = free_port();
    let prometheus_port = free_port();
    let dir = tempfile::tempdir().unwrap();

    let port_arg = exporter_port.to_string();
    // The fleet identity comes from the engine itself.
    let mut exporter = spawn_example(
        "exporter",
        &[
            "--port",
            &port_arg,
            "--duration",
            "300",
            "--engine",
            "sim-1",
            "--account",
            "demo",
            "--mode",
            "paper",
        ],
    );

    let _prometheus = host_prometheus::start(
        dir.path(),
        &host_prometheus::Wiring {
            port: prometheus_port,
            engines: &[exporter_port],
            alertmanager: None,
            interval: "1s",
        },
    );

    // The exporter may need a build first.
    exporter
        .wait_ready("the example exporter", Duration::from_secs(900), || {
            matches!(get(exporter_port, "/metrics"), Ok((200, _)))
        })
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while query(prometheus_port, "up{job=\"velocitytrader\"} == 1").is_err() {
        assert!(
            Instant::now() < deadline,
            "Prometheus never scraped the exporter:\n{}",
            std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    // Let rates, increases and the rules' windows fill, then require data.
    let all = Subject::all();
    let mut pending = queries();
    assert!(pending.len() > 350, "only {} queries", pending.len());
    // All ten dashboards and the Fleet Overview are among them.
    let dashboards: std::collections::BTreeSet<&str> = pending
        .iter()
        .filter(|c| c.dashboard.ends_with(".json"))
        .map(|c| c.dashboard.as_str())
        .collect();
    assert_eq!(dashboards.len(), 11, "{dashboards:?}");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        pending.retain(|c| match query(prometheus_port, &all.substitute(&c.expr)) {
            Ok(result) => c
                .label
                .as_ref()
                .is_some_and(|l| !result.iter().any(|r| r["metric"][l.as_str()].is_string())),
            Err(_) => true,
        });
        if pending.is_empty() || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    let report: Vec<String> = pending
        .iter()
        .map(|c| {
            let promql = all.substitute(&c.expr);
            format!(
                "{}: {promql}\n    -> {:?}",
                c.what(),
                query(prometheus_port, &promql).err()
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "{} queries without data:\n{}",
        report.len(),
        report.join("\n")
    );
}

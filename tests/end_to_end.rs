//! End to end: the example exporter, scraped by a real Prometheus started
//! from the shipped host files (`deploy/host/`: its flags and configuration,
//! the shipped rules), answers every dashboard query, every template
//! variable query and every recording rule with data.
//!
//! `cargo test --test end_to_end -- --include-ignored` (needs the `prometheus`
//! binary, Debian package `prometheus`; builds and runs
//! `cargo run --example exporter`).

#[path = "common/host_prometheus.rs"]
mod host_prometheus;
#[path = "common/net.rs"]
mod net;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use net::{ChildGroup, free_port, get, url_encode};
use serde_json::Value as Json;
use velocity_metrics::assets;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The instant-query result vector, or why there is none.
fn query(port: u16, promql: &str) -> Result<Vec<Json>, String> {
    let (status, body) = get(port, &format!("/api/v1/query?query={}", url_encode(promql)))
        .map_err(|e| e.to_string())?;
    let json: Json =
        serde_json::from_str(&body).map_err(|e| format!("HTTP {status}: {e}: {body}"))?;
    if json["status"] != "success" {
        return Err(format!("HTTP {status}: {}", json["error"]));
    }
    match &json["data"]["result"] {
        Json::Array(v) if !v.is_empty() => Ok(v.clone()),
        Json::Array(_) => Err("empty result".into()),
        other => Ok(vec![other.clone()]), // scalar
    }
}

/// Grafana variables replaced as Grafana does for "All" and a short range.
fn substitute(expr: &str) -> String {
    let mut out = expr
        .replace("$__rate_interval", "10s")
        .replace("$__interval", "2s")
        .replace("$__range", "1m");
    // "All" as each variable's allValue: `.+` for the target labels, `.*`
    // for labels a series may lack (fleet identity, breakdowns).
    for (var, all) in [
        ("job", ".+"),
        ("instance", ".+"),
        ("engine", ".*"),
        ("account", ".*"),
        ("mode", ".*"),
        ("agent", ".*"),
        ("symbol", ".*"),
        ("timeframe", ".*"),
    ] {
        out = out
            .replace(&format!("${{{var}}}"), all)
            .replace(&format!("${var}"), all);
    }
    out
}

/// Panels empty by design in a healthy single-engine setup: (dashboard, panel).
const EMPTY_WHEN_HEALTHY: [(&str, &str); 1] =
    [("dashboards/velocitytrader-fleet.json", "Missing engines")];

/// Series only batch runs (pushed backtests) have: a serving engine never
/// pushes, so it exports no push failures.
const BATCH_ONLY: [&str; 2] = ["mode=\"backtest\"", "velocitytrader_push_failures_total"];

/// (what, `PromQL`, label that must be present) for everything to check.
/// Batch-only queries (fed by a Pushgateway) and panels empty by design
/// while all is well are left to tests/end_to_end_fleet.rs.
fn queries() -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for asset in assets::ALL.iter().filter(|a| a.path.ends_with(".json")) {
        let dash: Json = serde_json::from_str(asset.contents).unwrap();
        let mut panels: Vec<&Json> = Vec::new();
        for p in dash["panels"].as_array().unwrap() {
            panels.push(p);
            panels.extend(p["panels"].as_array().into_iter().flatten());
        }
        for p in panels {
            let title = p["title"].as_str().unwrap_or_default();
            if EMPTY_WHEN_HEALTHY.contains(&(asset.path, title)) {
                continue;
            }
            for t in p["targets"].as_array().into_iter().flatten() {
                let expr = t["expr"].as_str().unwrap();
                if BATCH_ONLY.iter().any(|needle| expr.contains(needle)) {
                    continue;
                }
                let what = format!(
                    "{} `{}` {}",
                    asset.path,
                    p["title"].as_str().unwrap_or_default(),
                    t["refId"]
                );
                out.push((what, substitute(t["expr"].as_str().unwrap()), None));
            }
        }
        for v in dash["templating"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["type"] == "query")
        {
            let q = v["query"]["query"]
                .as_str()
                .or_else(|| v["query"].as_str())
                .unwrap();
            let inner = q
                .strip_prefix("label_values(")
                .and_then(|q| q.strip_suffix(')'))
                .unwrap();
            let (selector, label) = inner.rsplit_once(',').unwrap();
            out.push((
                format!("{} variable {}", asset.path, v["name"]),
                substitute(selector.trim()),
                Some(label.trim().to_owned()),
            ));
        }
    }
    let rules: serde_yaml::Value = serde_yaml::from_str(
        assets::find("alerts/velocitytrader.rules.yml")
            .unwrap()
            .contents,
    )
    .unwrap();
    for group in rules["groups"].as_sequence().unwrap() {
        for rule in group["rules"].as_sequence().unwrap() {
            if let Some(name) = rule["record"].as_str() {
                out.push((format!("recording rule {name}"), name.to_owned(), None));
            }
        }
    }
    out
}

#[test]
#[ignore = "needs prometheus"]
fn every_dashboard_query_and_recording_rule_has_data_in_a_real_prometheus() {
    let exporter_port = free_port();
    let prometheus_port = free_port();
    let dir = tempfile::tempdir().unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let port_arg = exporter_port.to_string();
    // Same features as this test build, so cargo reuses the library it built.
    let features = match (cfg!(feature = "push"), cfg!(feature = "sqlite")) {
        (true, true) => "exporter,push,sqlite",
        (true, false) => "exporter,push",
        (false, true) => "exporter,sqlite",
        (false, false) => "exporter",
    };
    let mut exporter = ChildGroup::spawn(
        Command::new(cargo)
            .args([
                "run",
                "--quiet",
                "--features",
                features,
                "--example",
                "exporter",
            ])
            .args(["--", "--port", &port_arg, "--duration", "300"])
            // The fleet identity comes from the engine itself.
            .args(["--engine", "sim-1", "--account", "demo", "--mode", "paper"])
            .current_dir(root())
            .stdout(Stdio::null()),
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
    let deadline = Instant::now() + Duration::from_secs(900);
    while !matches!(get(exporter_port, "/metrics"), Ok((200, _))) {
        assert!(
            exporter.exited().is_none(),
            "the example exporter exited: {:?}",
            exporter.exited()
        );
        assert!(
            Instant::now() < deadline,
            "the example exporter did not serve /metrics"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
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
    let mut pending = queries();
    assert!(pending.len() > 350, "only {} queries", pending.len());
    // All ten dashboards and the Fleet Overview are among them.
    let dashboards: std::collections::BTreeSet<&str> = pending
        .iter()
        .filter_map(|(what, _, _)| what.split_once(".json").map(|(path, _)| path))
        .collect();
    assert_eq!(dashboards.len(), 11, "{dashboards:?}");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        pending.retain(|(_, promql, label)| match query(prometheus_port, promql) {
            Ok(result) => label
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
        .map(|(what, promql, _)| {
            format!(
                "{what}: {promql}\n    -> {:?}",
                query(prometheus_port, promql).err()
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

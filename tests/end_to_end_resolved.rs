//! End to end, the resolved side: an engine whose warning is firing (and
//! was delivered) goes down; its warning resolves in Prometheus (windowed
//! alerts require `up == 1`) and the `resolved` notification reaches the
//! receiver within a minute — no inhibition mutes it, although
//! `VelocityTraderTargetDown` fires for the same target. Prometheus is
//! started from the shipped host files (`deploy/host/`), Alertmanager by
//! `deploy/alertmanager-start.sh` with the shipped configuration.
//!
//! `cargo test --test end_to_end_resolved -- --include-ignored` (Debian
//! packages `prometheus` and `prometheus-alertmanager`; builds the
//! example). About three minutes: the warning route's `group_wait` (1 min)
//! and `TargetDown`'s `for: 1m` are kept.

#[path = "common/alertmanager.rs"]
mod alertmanager;
#[path = "common/host_prometheus.rs"]
mod host_prometheus;
#[path = "common/net.rs"]
mod net;
#[path = "common/webhook.rs"]
mod webhook;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use net::{ChildGroup, free_port, get};
use serde_json::Value as Json;
use webhook::Webhook;

/// (status, alertname, instance) of every alert of every notification.
fn notified(hook: &Webhook) -> Vec<(String, String, String)> {
    hook.received()
        .iter()
        .flat_map(|r| {
            let body: Json = serde_json::from_str(&r.body).unwrap();
            body["alerts"].as_array().cloned().unwrap_or_default()
        })
        .map(|a| {
            let text = |v: &Json| v.as_str().unwrap_or_default().to_owned();
            (
                text(&a["status"]),
                text(&a["labels"]["alertname"]),
                text(&a["labels"]["instance"]),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs prometheus and prometheus-alertmanager"]
fn a_down_engines_warning_resolves_at_the_receiver_within_a_minute() {
    let dir = tempfile::tempdir().unwrap();
    let binary = net::build_example("exporter");
    let (engine_port, prometheus_port, alertmanager_port) = (free_port(), free_port(), free_port());
    let hook = Webhook::start();
    let am_log = std::fs::File::create(dir.path().join("alertmanager.log")).unwrap();
    let _alertmanager = alertmanager::start_shipped(
        dir.path(),
        alertmanager_port,
        &format!("http://127.0.0.1:{}/velocitytrader", hook.port),
        am_log.into(),
    );
    let _prometheus = host_prometheus::start(
        dir.path(),
        &host_prometheus::Wiring {
            port: prometheus_port,
            engines: &[engine_port],
            alertmanager: Some(alertmanager_port),
            interval: "1s",
        },
    );
    // `--scenario overflow`: VelocityTraderLabelOverflow (a windowed
    // warning) fires at once.
    let mut engine = ChildGroup::spawn(
        Command::new(&binary)
            .args(["--port", &engine_port.to_string(), "--duration", "600"])
            .args(["--scenario", "overflow"])
            .stdout(Stdio::null()),
    );
    let instance = format!("127.0.0.1:{engine_port}");
    let logs = || {
        ["alertmanager.log", "prometheus.log"]
            .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap_or_default())
            .join("\n")
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !matches!(get(engine_port, "/metrics"), Ok((200, _))) {
        assert!(engine.exited().is_none(), "the exporter exited");
        assert!(Instant::now() < deadline, "the exporter did not serve");
        std::thread::sleep(Duration::from_millis(250));
    }
    let has = |status: &str, name: &str| {
        notified(&hook)
            .iter()
            .any(|(s, n, i)| s == status && n == name && *i == instance)
    };
    let deadline = Instant::now() + Duration::from_secs(150);
    while !has("firing", "VelocityTraderLabelOverflow") {
        assert!(
            Instant::now() < deadline,
            "no LabelOverflow notification: {:?}\n{}",
            notified(&hook),
            logs()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // The engine dies (by its process id, as a crash would end it).
    engine.kill();
    let killed = Instant::now();
    while !has("resolved", "VelocityTraderLabelOverflow") {
        assert!(
            killed.elapsed() < Duration::from_secs(60),
            "LabelOverflow not resolved at the receiver within a minute of the engine going down: {:?}\n{}",
            notified(&hook),
            logs()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let resolved_after = killed.elapsed();
    // TargetDown speaks for the engine meanwhile (1 min `for:`).
    let deadline = killed + Duration::from_secs(120);
    while !has("firing", "VelocityTraderTargetDown") {
        assert!(
            Instant::now() < deadline,
            "no TargetDown: {:?}",
            notified(&hook)
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(
        !has("firing", "VelocityTraderEngineMissing"),
        "an engine whose target is down is not reported missing"
    );
    eprintln!(
        "LabelOverflow resolved at the receiver {resolved_after:?} after the engine went down"
    );
}

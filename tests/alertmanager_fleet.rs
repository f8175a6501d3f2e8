//! A real Alertmanager with the shipped configuration (receivers supplied by
//! `deploy/alertmanager-start.sh`, as the stacks do) handles a fleet: a
//! critical alert inhibits only its own engine's warning, a down target
//! only its own engine's, and backtests reach no receiver at all.
//!
//! `cargo test --test alertmanager_fleet -- --include-ignored` (Debian package
//! `prometheus-alertmanager`). About 45 s: it waits out the backtest route's
//! `group_wait` to show nothing is delivered.

#[path = "common/alertmanager.rs"]
mod alertmanager;
#[path = "common/net.rs"]
mod net;
#[path = "common/webhook.rs"]
mod webhook;

use std::process::Stdio;
use std::time::{Duration, Instant};

use net::{free_port, http};
use serde_json::{Value as Json, json};
use webhook::Webhook;

fn alert(name: &str, severity: &str, group: &str, labels: &[(&str, &str)]) -> Json {
    let mut all = json!({
        "alertname": name, "severity": severity, "alertgroup": group, "job": "velocitytrader"
    });
    for (k, v) in labels {
        all[*k] = json!(v);
    }
    json!({"labels": all, "annotations": {"summary": "test"}})
}

/// (state, receivers) of the alert with these labels, as Alertmanager lists it.
fn status(listed: &Json, name: &str, key: (&str, &str)) -> (String, Vec<String>) {
    listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["labels"]["alertname"] == name && a["labels"][key.0] == key.1)
        .map(|a| {
            (
                a["status"]["state"].as_str().unwrap_or_default().to_owned(),
                a["receivers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r["name"].as_str().map(str::to_owned))
                    .collect(),
            )
        })
        .unwrap_or_default()
}

#[test]
#[ignore = "needs prometheus-alertmanager"]
fn inhibition_is_per_engine_and_backtests_reach_no_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let hook = Webhook::start();
    let port = free_port();
    let _alertmanager = alertmanager::start_shipped(
        dir.path(),
        port,
        &format!("http://127.0.0.1:{}/velocitytrader", hook.port),
        Stdio::null(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !matches!(http(port, "GET", "/-/ready", ""), Ok((200, _))) {
        assert!(
            Instant::now() < deadline,
            "alertmanager did not become ready"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // One process serving two accounts on host-a; engines on host-b and host-c.
    let acc_1 = [
        ("instance", "host-a:9090"),
        ("engine", "ams-01"),
        ("account", "acc-1"),
        ("mode", "live"),
    ];
    let acc_2 = [
        ("instance", "host-a:9090"),
        ("engine", "ams-01"),
        ("account", "acc-2"),
        ("mode", "live"),
    ];
    let engine_b = [
        ("instance", "host-b:9090"),
        ("engine", "ams-02"),
        ("account", "acc-3"),
        ("mode", "paper"),
    ];
    let engine_c = [
        ("instance", "host-c:9090"),
        ("engine", "ams-03"),
        ("account", "acc-4"),
        ("mode", "paper"),
    ];
    let backtest = [
        ("instance", "r-1"),
        ("engine", "bt-1"),
        ("mode", "backtest"),
        ("run_id", "r-1"),
    ];
    let alerts = json!([
        alert(
            "VelocityTraderDrawdownCritical",
            "critical",
            "drawdown",
            &acc_1
        ),
        alert("VelocityTraderDrawdownHigh", "warning", "drawdown", &acc_1),
        alert("VelocityTraderDrawdownHigh", "warning", "drawdown", &acc_2),
        alert(
            "VelocityTraderTargetDown",
            "critical",
            "liveness",
            &[("instance", "host-b:9090")]
        ),
        alert(
            "VelocityTraderEngineMissing",
            "warning",
            "liveness",
            &engine_b
        ),
        alert(
            "VelocityTraderEngineMissing",
            "warning",
            "liveness",
            &engine_c
        ),
        alert(
            "VelocityTraderDrawdownCritical",
            "critical",
            "drawdown",
            &backtest
        ),
    ]);
    let posted = Instant::now();
    let (code, body) = http(port, "POST", "/api/v2/alerts", &alerts.to_string()).unwrap();
    assert_eq!(code, 200, "{body}");

    let expected = [
        (
            "VelocityTraderDrawdownCritical",
            ("account", "acc-1"),
            "active",
            "critical",
        ),
        (
            "VelocityTraderDrawdownHigh",
            ("account", "acc-1"),
            "suppressed",
            "warning",
        ),
        (
            "VelocityTraderDrawdownHigh",
            ("account", "acc-2"),
            "active",
            "warning",
        ),
        (
            "VelocityTraderTargetDown",
            ("instance", "host-b:9090"),
            "active",
            "critical",
        ),
        (
            "VelocityTraderEngineMissing",
            ("engine", "ams-02"),
            "suppressed",
            "warning",
        ),
        (
            "VelocityTraderEngineMissing",
            ("engine", "ams-03"),
            "active",
            "warning",
        ),
        (
            "VelocityTraderDrawdownCritical",
            ("mode", "backtest"),
            "active",
            "backtest",
        ),
    ];
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, body) = http(port, "GET", "/api/v2/alerts", "").unwrap();
        let listed: Json = serde_json::from_str(&body).unwrap();
        let wrong: Vec<String> = expected
            .iter()
            .filter_map(|(name, key, state, receiver)| {
                let got = status(&listed, name, *key);
                (got != ((*state).to_owned(), vec![(*receiver).to_owned()]))
                    .then(|| format!("{name} {key:?}: {got:?}, expected {state} via {receiver}"))
            })
            .collect();
        if wrong.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "{}", wrong.join("\n"));
        std::thread::sleep(Duration::from_millis(500));
    }

    // The live critical alerts arrive (group_wait 10 s); once the backtest
    // route's group_wait (30 s) has passed too, still nothing of the backtest.
    let deadline = posted + Duration::from_secs(40);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
    }
    let received: Vec<Json> = hook
        .received()
        .iter()
        .flat_map(|r| {
            let body: Json = serde_json::from_str(&r.body).unwrap();
            body["alerts"].as_array().cloned().unwrap_or_default()
        })
        .collect();
    let delivered = |name: &str, key: (&str, &str)| {
        received
            .iter()
            .any(|a| a["labels"]["alertname"] == name && a["labels"][key.0] == key.1)
    };
    assert!(delivered(
        "VelocityTraderDrawdownCritical",
        ("account", "acc-1")
    ));
    assert!(delivered(
        "VelocityTraderTargetDown",
        ("instance", "host-b:9090")
    ));
    assert!(
        !received.iter().any(|a| a["labels"]["mode"] == "backtest"),
        "a backtest alert was delivered: {received:?}"
    );
}

//! A real Alertmanager with the shipped configuration (receivers supplied by
//! `deploy/alertmanager-start.sh`, as the stacks do) handles a fleet: a
//! critical alert inhibits only its own engine's warning, a down target
//! inhibits nothing (so a warning that resolves while its engine is down
//! reaches the receiver as resolved, within a minute), and backtests reach
//! no receiver at all.
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

/// The shipped Alertmanager, ready, delivering to a webhook in this test:
/// (its directory, the webhook, its port, the process).
fn shipped_alertmanager() -> (tempfile::TempDir, Webhook, u16, net::ChildGroup) {
    let dir = tempfile::tempdir().unwrap();
    let hook = Webhook::start();
    let port = free_port();
    let child = alertmanager::start_shipped(
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
    (dir, hook, port, child)
}

#[test]
#[ignore = "needs prometheus-alertmanager"]
fn inhibition_is_per_engine_and_backtests_reach_no_receiver() {
    let (_dir, hook, port, _alertmanager) = shipped_alertmanager();

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
            "active",
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

fn post(port: u16, alerts: &Json) {
    let (code, body) = http(port, "POST", "/api/v2/alerts", &alerts.to_string()).unwrap();
    assert_eq!(code, 200, "{body}");
}

/// (status, alertname) of every alert of every notification so far.
fn delivered(hook: &Webhook) -> Vec<(String, String, String)> {
    hook.received()
        .iter()
        .flat_map(|r| {
            let body: Json = serde_json::from_str(&r.body).unwrap();
            body["alerts"].as_array().cloned().unwrap_or_default()
        })
        .map(|a| {
            (
                a["status"].as_str().unwrap_or_default().to_owned(),
                a["labels"]["alertname"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                a["labels"]["instance"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs prometheus-alertmanager"]
fn warnings_of_an_engine_that_goes_down_resolve_at_the_receiver_within_a_minute() {
    let (_dir, hook, port, _alertmanager) = shipped_alertmanager();
    let engine = [
        ("instance", "host-a:9090"),
        ("engine", "ams-01"),
        ("account", "acc-1"),
        ("mode", "live"),
    ];
    // Two warnings fire, as Prometheus would send them, and are delivered.
    let warnings = || {
        vec![
            alert(
                "VelocityTraderLabelOverflow",
                "warning",
                "telemetry",
                &engine,
            ),
            alert("VelocityTraderDrawdownHigh", "warning", "drawdown", &engine),
        ]
    };
    post(port, &Json::from(warnings()));
    let deadline = Instant::now() + Duration::from_secs(90);
    while delivered(&hook)
        .iter()
        .filter(|(s, _, _)| s == "firing")
        .count()
        < 2
    {
        assert!(
            Instant::now() < deadline,
            "warnings not delivered: {:?}",
            delivered(&hook)
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // The engine goes down: Prometheus resolves both warnings (their series
    // are stale, windowed ones require up == 1) and fires TargetDown.
    let now = Instant::now();
    let ended = {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        // RFC 3339 in UTC, computed without a date library.
        let (days, secs) = (t / 86_400, t % 86_400);
        let (y, m, d) = civil_from_days(i64::try_from(days).unwrap());
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
    };
    let mut resolved = warnings();
    for a in &mut resolved {
        a["endsAt"] = Json::from(ended.clone());
    }
    resolved.push(alert(
        "VelocityTraderTargetDown",
        "critical",
        "liveness",
        &[("instance", "host-a:9090")],
    ));
    post(port, &Json::from(resolved));
    let deadline = now + Duration::from_secs(60);
    loop {
        let got = delivered(&hook);
        let resolved: Vec<&(String, String, String)> =
            got.iter().filter(|(s, _, _)| s == "resolved").collect();
        if resolved.len() >= 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "warnings not resolved at the receiver within a minute of the engine going down: {got:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    eprintln!(
        "warnings resolved at the receiver {:?} after the engine went down",
        now.elapsed()
    );
}

/// Days since 1970-01-01 → (year, month, day) (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

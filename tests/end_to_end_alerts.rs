//! End to end, as an operator would wire it: two example exporters (one
//! calm, one demonstrating `--scenario drawdown`), a real Prometheus with the
//! shipped rules, a real Alertmanager with the shipped routing whose receiver
//! URL is supplied the way the compose stack supplies it
//! (`deploy/alertmanager-start.sh` with `ALERT_WEBHOOK_URL`), and a webhook
//! receiver in this test. The drawdown alert arrives with a runbook link that
//! resolves; the calm engine causes nothing; the watchdog arrives.
//!
//! `cargo test --test end_to_end_alerts -- --include-ignored` (Debian packages
//! `prometheus` and `prometheus-alertmanager`; builds the example). About two
//! minutes: the shipped `for: 1m` of `VelocityTraderDrawdownCritical` is kept,
//! only Prometheus's scrape and evaluation intervals are shortened (1 s, in
//! the test's own prometheus.yml).

#[path = "common/alertmanager.rs"]
mod alertmanager;
#[path = "common/net.rs"]
mod net;
#[path = "common/webhook.rs"]
mod webhook;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use net::{ChildGroup, free_port, get, url_encode};
use serde_json::Value as Json;
use webhook::Webhook;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Builds the example with this test's features; returns its path.
fn example_binary() -> PathBuf {
    net::build_example("exporter")
}

fn exporter(binary: &Path, port: u16, scenario: &str) -> ChildGroup {
    ChildGroup::spawn(
        Command::new(binary)
            .args(["--port", &port.to_string(), "--duration", "600"])
            .args(["--scenario", scenario])
            .stdout(Stdio::null()),
    )
}

/// Every alert in every notification received: (receiver, alert JSON).
fn notified(hook: &Webhook) -> Vec<(String, Json)> {
    let mut out = Vec::new();
    for request in hook.received() {
        let body: Json = serde_json::from_str(&request.body)
            .unwrap_or_else(|e| panic!("webhook body is not JSON ({e}): {}", request.body));
        let receiver = body["receiver"].as_str().unwrap_or_default().to_owned();
        for alert in body["alerts"].as_array().into_iter().flatten() {
            out.push((receiver.clone(), alert.clone()));
        }
    }
    out
}

fn alertname(alert: &Json) -> &str {
    alert["labels"]["alertname"].as_str().unwrap_or_default()
}

#[test]
#[ignore = "needs prometheus and prometheus-alertmanager"]
fn induced_alert_reaches_the_webhook_with_its_runbook_and_the_calm_engine_stays_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let binary = example_binary();
    let (calm_port, demo_port) = (free_port(), free_port());
    let (prometheus_port, alertmanager_port) = (free_port(), free_port());
    let hook = Webhook::start();

    // Alertmanager, started as the compose stack starts it.
    let am_log = std::fs::File::create(dir.path().join("alertmanager.log")).unwrap();
    let _alertmanager = alertmanager::start_shipped(
        dir.path(),
        alertmanager_port,
        &format!("http://127.0.0.1:{}/velocitytrader", hook.port),
        am_log.into(),
    );

    // Prometheus with the shipped rules, serving the runbooks as the stack does.
    let prometheus_yml = dir.path().join("prometheus.yml");
    std::fs::write(
        &prometheus_yml,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - {rules}\n\
             alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:{alertmanager_port}']\n\
             scrape_configs:\n\
             \x20 - job_name: velocitytrader\n    static_configs:\n      - targets: ['127.0.0.1:{calm_port}', '127.0.0.1:{demo_port}']\n\
             \x20 - job_name: prometheus\n    static_configs:\n      - targets: ['127.0.0.1:{prometheus_port}']\n\
             \x20 - job_name: alertmanager\n    static_configs:\n      - targets: ['127.0.0.1:{alertmanager_port}']\n",
            rules = root().join("alerts/velocitytrader.rules.yml").display()
        ),
    )
    .unwrap();
    let prom_log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
    let _prometheus = ChildGroup::spawn(
        Command::new("prometheus")
            .arg(format!("--config.file={}", prometheus_yml.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{prometheus_port}"))
            .arg(format!(
                "--web.external-url=http://127.0.0.1:{prometheus_port}"
            ))
            .arg(format!(
                "--web.user-assets={}",
                root().join("alerts/runbooks").display()
            ))
            .stdout(Stdio::null())
            .stderr(prom_log),
    );
    let logs = || {
        ["alertmanager.log", "prometheus.log"]
            .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap_or_default())
            .join("\n")
    };

    let mut calm = exporter(&binary, calm_port, "calm");
    let mut demo = exporter(&binary, demo_port, "drawdown");
    let started = Instant::now();
    wait_until("both exporters", Duration::from_secs(30), || {
        assert!(
            calm.exited().is_none() && demo.exited().is_none(),
            "an exporter exited"
        );
        matches!(get(calm_port, "/metrics"), Ok((200, _)))
            && matches!(get(demo_port, "/metrics"), Ok((200, _)))
    });

    // The drawdown alert: 5 s healthy, 1 min `for:`, 10 s group_wait.
    let critical = |n: &[(String, Json)]| {
        n.iter()
            .find(|(_, a)| {
                alertname(a) == "VelocityTraderDrawdownCritical" && a["status"] == "firing"
            })
            .cloned()
    };
    let deadline = Instant::now() + Duration::from_secs(180);
    let (receiver, alert) = loop {
        if let Some(found) = critical(&notified(&hook)) {
            break found;
        }
        assert!(
            Instant::now() < deadline,
            "no DrawdownCritical notification; got {:?}\n{}",
            notified(&hook),
            logs()
        );
        std::thread::sleep(Duration::from_secs(1));
    };
    let elapsed = started.elapsed();
    assert_eq!(receiver, "critical");
    assert_eq!(
        alert["labels"]["instance"],
        format!("127.0.0.1:{demo_port}")
    );
    assert_eq!(alert["labels"]["severity"], "critical");
    assert!(
        elapsed >= Duration::from_secs(60),
        "fired after {elapsed:?}, before its 1 min `for:`"
    );

    // Its runbook link resolves to the alert's section.
    let url = alert["annotations"]["runbook_url"].as_str().unwrap();
    let expected = format!(
        "http://127.0.0.1:{prometheus_port}/user/velocitytrader.md#velocitytraderdrawdowncritical"
    );
    assert_eq!(url, expected);
    let (status, page) = get(prometheus_port, "/user/velocitytrader.md").unwrap();
    assert_eq!(status, 200);
    assert!(
        page.contains("\n## VelocityTraderDrawdownCritical\n"),
        "{page}"
    );

    // The pipeline heartbeat arrived on its own receiver.
    let all = notified(&hook);
    assert!(
        all.iter()
            .any(|(r, a)| r == "watchdog" && alertname(a) == "VelocityTraderWatchdog"),
        "no watchdog: {all:?}"
    );
    // Nothing else: no alert about the calm engine, the demo engine's only
    // alert is the induced one, and no meta alert (failed deliveries …).
    let unexpected: Vec<String> = all
        .iter()
        .filter(|(_, a)| {
            !matches!(
                alertname(a),
                "VelocityTraderWatchdog" | "VelocityTraderDrawdownCritical"
            ) || a["labels"]["instance"] == format!("127.0.0.1:{calm_port}")
        })
        .map(|(r, a)| format!("{r}: {} {}", alertname(a), a["labels"]))
        .collect();
    assert!(
        unexpected.is_empty(),
        "unexpected notifications: {unexpected:?}"
    );
    // Prometheus agrees: for the calm engine nothing is even pending.
    let query = format!("ALERTS{{instance=\"127.0.0.1:{calm_port}\"}}");
    let (_, body) = get(
        prometheus_port,
        &format!("/api/v1/query?query={}", url_encode(&query)),
    )
    .unwrap();
    let result: Json = serde_json::from_str(&body).unwrap();
    assert_eq!(result["status"], "success", "{body}");
    assert_eq!(result["data"]["result"], serde_json::json!([]), "{body}");
    assert!(calm.exited().is_none() && demo.exited().is_none());
    eprintln!("DrawdownCritical reached the webhook {elapsed:?} after the exporters started");
}

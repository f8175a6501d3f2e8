//! End to end, as an operator would wire it: three example exporters (one
//! calm, one demonstrating `--scenario drawdown`, one `--scenario
//! slow-fills`), a real Prometheus started from the shipped host files
//! (`deploy/host/`) with the shipped rules, a real Alertmanager with the
//! shipped routing whose receiver URL is supplied the way the stacks supply
//! it (`deploy/alertmanager-start.sh` with `ALERT_WEBHOOK_URL`), and a
//! webhook receiver in this test. The drawdown alert and the fill-latency
//! objective's fast burn arrive, each with a runbook link that opens the
//! HTML runbook page (text/html) at the alert's section; the calm engine
//! causes nothing; the watchdog arrives.
//!
//! `cargo test --test end_to_end_alerts -- --include-ignored` (Debian packages
//! `prometheus` and `prometheus-alertmanager`; builds the example). About
//! three minutes: the shipped `for:` durations are kept (1 min for the
//! drawdown, 2 min for the fast burn), only Prometheus's scrape and
//! evaluation intervals are shortened (1 s).

#[path = "common/alertmanager.rs"]
mod alertmanager;
#[path = "common/host_prometheus.rs"]
mod host_prometheus;
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
    let (calm_port, demo_port, fills_port) = (free_port(), free_port(), free_port());
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

    // Prometheus as deploy/host/ ships it, serving the runbook pages.
    let _prometheus = host_prometheus::start(
        dir.path(),
        &host_prometheus::Wiring {
            port: prometheus_port,
            engines: &[calm_port, demo_port, fills_port],
            alertmanager: Some(alertmanager_port),
            interval: "1s",
        },
    );
    let logs = || {
        ["alertmanager.log", "prometheus.log"]
            .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap_or_default())
            .join("\n")
    };

    let mut calm = exporter(&binary, calm_port, "calm");
    let mut demo = exporter(&binary, demo_port, "drawdown");
    let mut fills = exporter(&binary, fills_port, "slow-fills");
    let started = Instant::now();
    wait_until("both exporters", Duration::from_secs(30), || {
        assert!(
            calm.exited().is_none() && demo.exited().is_none() && fills.exited().is_none(),
            "an exporter exited"
        );
        [calm_port, demo_port, fills_port]
            .iter()
            .all(|p| matches!(get(*p, "/metrics"), Ok((200, _))))
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

    // Its runbook link opens the HTML runbook page at the alert's section.
    let url = alert["annotations"]["runbook_url"].as_str().unwrap();
    let expected = format!(
        "http://127.0.0.1:{prometheus_port}/user/velocitytrader.html#velocitytraderdrawdowncritical"
    );
    assert_eq!(url, expected);
    let (content_type, page) = fetch(prometheus_port, "/user/velocitytrader.html");
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(
        page.contains(
            "<h2 id=\"velocitytraderdrawdowncritical\">VelocityTraderDrawdownCritical</h2>"
        ),
        "{page}"
    );

    // The fill-latency objective's fast burn pages too (2 min `for:`, from
    // the slow-fills engine), with its own runbook section.
    let burn = |n: &[(String, Json)]| {
        n.iter()
            .find(|(_, a)| {
                alertname(a) == "VelocityTraderFillLatencyBudgetBurnFast" && a["status"] == "firing"
            })
            .cloned()
    };
    let deadline = Instant::now() + Duration::from_secs(240);
    let (receiver, burn_alert) = loop {
        if let Some(found) = burn(&notified(&hook)) {
            break found;
        }
        assert!(
            Instant::now() < deadline,
            "no FillLatencyBudgetBurnFast notification; got {:?}\n{}",
            notified(&hook),
            logs()
        );
        std::thread::sleep(Duration::from_secs(1));
    };
    assert_eq!(receiver, "critical");
    assert_eq!(
        burn_alert["labels"]["instance"],
        format!("127.0.0.1:{fills_port}")
    );
    let anchor = burn_alert["annotations"]["runbook_url"]
        .as_str()
        .unwrap()
        .rsplit_once('#')
        .unwrap()
        .1
        .to_owned();
    assert!(
        page.contains(&format!("<h2 id=\"{anchor}\">")),
        "#{anchor} not on the page"
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
            let expected = match alertname(a) {
                "VelocityTraderWatchdog" => true,
                "VelocityTraderDrawdownCritical" => {
                    a["labels"]["instance"] == format!("127.0.0.1:{demo_port}")
                }
                "VelocityTraderFillLatencyBudgetBurnFast" => {
                    a["labels"]["instance"] == format!("127.0.0.1:{fills_port}")
                }
                _ => false,
            };
            !expected
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
    assert!(calm.exited().is_none() && demo.exited().is_none() && fills.exited().is_none());
    eprintln!("DrawdownCritical reached the webhook {elapsed:?} after the exporters started");
}

/// `GET path` on 127.0.0.1:`port`: (Content-Type, body).
fn fetch(port: u16, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let content_type = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    (content_type, body.to_owned())
}

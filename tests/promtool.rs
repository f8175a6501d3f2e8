//! The shipped rules and configs, checked by the Prometheus and Alertmanager
//! tools themselves (Debian packages `prometheus` and
//! `prometheus-alertmanager`; CI installs them). Run with
//! `cargo test --test promtool -- --include-ignored`. A missing tool fails the
//! test: it never passes silently.

#[path = "common/net.rs"]
mod net;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use net::{ChildGroup, free_port, http};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `tool args…` in `dir`; panics (naming the package) when the tool is
/// missing and shows its output when it fails.
fn run(tool: &str, package: &str, dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(tool)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{tool}` ({e}): install the Debian package `{package}`")
        });
    assert!(
        output.status.success(),
        "`{tool} {}` failed:\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn promtool(dir: &Path, args: &[&str]) -> Output {
    run("promtool", "prometheus", dir, args)
}

fn amtool(args: &[&str]) -> String {
    let out = run(
        "amtool",
        "prometheus-alertmanager",
        &root().join("alerts"),
        args,
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[ignore = "needs promtool (Debian package prometheus)"]
fn rules_pass_promtool_check() {
    let out = promtool(
        &root().join("alerts"),
        &["check", "rules", "velocitytrader.rules.yml"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("SUCCESS"), "{text}");
}

#[test]
#[ignore = "needs promtool (Debian package prometheus)"]
fn rule_unit_tests_pass() {
    let out = promtool(
        &root().join("alerts"),
        &["test", "rules", "velocitytrader.test.yml"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("SUCCESS"), "{text}");
}

#[test]
#[ignore = "needs promtool (Debian package prometheus)"]
fn deploy_prometheus_config_passes_promtool_check() {
    // Rule paths in deploy/prometheus.yml are relative to the file, so they
    // resolve in a checkout exactly as in the container.
    let out = promtool(&root(), &["check", "config", "deploy/prometheus.yml"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1 rule files found") && text.contains("SUCCESS"),
        "{text}"
    );
}

#[test]
#[ignore = "needs amtool (Debian package prometheus-alertmanager)"]
fn alertmanager_config_passes_amtool_check() {
    let out = amtool(&["check-config", "alertmanager.yml"]);
    assert!(
        out.contains("SUCCESS") && out.contains("1 inhibit rules"),
        "{out}"
    );
}

#[test]
#[ignore = "needs amtool (Debian package prometheus-alertmanager)"]
fn alertmanager_routes_by_severity() {
    for (labels, receiver) in [
        (
            &["severity=critical", "alertgroup=drawdown"][..],
            "critical",
        ),
        (&["severity=Critical"][..], "critical"),
        (&["severity=warning", "alertgroup=drawdown"][..], "warning"),
        (&["severity=WARNING"][..], "warning"),
        // Nothing falls through the tree: unknown or missing severities reach
        // the default receiver, which delivers like the others.
        (&["alertname=Other"][..], "default"),
        (&["severity=info"][..], "default"),
        (
            &["alertname=VelocityTraderWatchdog", "severity=none"][..],
            "watchdog",
        ),
        // Backtests page nobody, whatever their severity.
        (&["severity=critical", "mode=backtest"][..], "backtest"),
        (&["severity=warning", "mode=backtest"][..], "backtest"),
        (&["severity=critical", "mode=live"][..], "critical"),
    ] {
        let mut args = vec!["config", "routes", "test", "--config.file=alertmanager.yml"];
        args.extend_from_slice(labels);
        assert_eq!(amtool(&args).trim(), receiver, "{labels:?}");
    }
}

#[test]
#[ignore = "needs amtool (Debian package prometheus-alertmanager)"]
fn alertmanager_config_with_supplied_urls_passes_amtool_check() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("alertmanager.yml");
    let status = Command::new("sh")
        .arg(root().join("deploy/alertmanager-start.sh"))
        .env(
            "ALERTMANAGER_TEMPLATE",
            root().join("alerts/alertmanager.yml"),
        )
        .env("ALERTMANAGER_CONFIG", &config)
        .env("ALERT_WEBHOOK_URL", "https://hooks.example.com/a?b=c&d=e")
        .env("ALERT_WATCHDOG_URL", "https://hc.example.com/ping/1")
        .status()
        .unwrap();
    assert!(status.success());
    let out = amtool(&["check-config", config.to_str().unwrap()]);
    assert!(
        out.contains("SUCCESS") && out.contains("5 receivers"),
        "{out}"
    );
}

#[test]
#[ignore = "needs amtool (Debian package prometheus-alertmanager)"]
fn commented_receiver_templates_are_valid_once_uncommented() {
    // Uncomment the Slack / PagerDuty / e-mail sketches (and their global
    // settings) and let amtool judge them: a user enabling one gets a valid file.
    let text = std::fs::read_to_string(root().join("alerts/alertmanager.yml")).unwrap();
    let mut enabled = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let sketch = [
            "smtp_",
            "slack_api_url_file",
            "pagerduty_configs",
            "slack_configs",
            "email_configs",
            "- ",
            "routing_key",
            "severity",
            "description",
            "links",
            "href",
            "text",
            "channel",
            "send_resolved",
            "title",
            "to:",
            "headers",
            "Subject",
        ];
        match trimmed.strip_prefix("# ") {
            Some(rest)
                if indent.len() >= 2 && sketch.iter().any(|s| rest.trim_start().starts_with(s)) =>
            {
                enabled.push_str(indent);
                enabled.push_str(rest);
            }
            _ => enabled.push_str(line),
        }
        enabled.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("enabled.yml");
    std::fs::write(&path, &enabled).unwrap();
    let out = amtool(&["check-config", path.to_str().unwrap()]);
    assert!(out.contains("SUCCESS"), "{out}\n{enabled}");
    for integration in ["slack_configs:", "pagerduty_configs:", "email_configs:"] {
        assert!(
            enabled.lines().any(|l| l.trim_start() == integration),
            "{integration} not enabled:\n{enabled}"
        );
    }
}

// ── a real Alertmanager proves the inhibit rule ────────────────────────────

fn alertmanager_binary() -> &'static str {
    for candidate in ["alertmanager", "prometheus-alertmanager"] {
        if Command::new(candidate).arg("--version").output().is_ok() {
            return candidate;
        }
    }
    panic!("no alertmanager binary: install the Debian package `prometheus-alertmanager`");
}

#[test]
#[ignore = "needs alertmanager (Debian package prometheus-alertmanager)"]
fn critical_alert_inhibits_the_matching_warning_only() {
    let port = free_port();
    let storage = tempfile::tempdir().unwrap();
    let _am = ChildGroup::spawn(
        Command::new(alertmanager_binary())
            .arg(format!(
                "--config.file={}",
                root().join("alerts/alertmanager.yml").display()
            ))
            .arg(format!("--storage.path={}", storage.path().display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !matches!(http(port, "GET", "/-/ready", ""), Ok((200, _))) {
        assert!(
            Instant::now() < deadline,
            "alertmanager did not become ready"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let alert = |name: &str, severity: &str, instance: &str| {
        format!(
            r#"{{"labels":{{"alertname":"{name}","severity":"{severity}","alertgroup":"drawdown","instance":"{instance}","job":"velocitytrader"}},"annotations":{{"summary":"test"}}}}"#
        )
    };
    let alerts = [
        alert(
            "VelocityTraderDrawdownCritical",
            "critical",
            "engine-a:9090",
        ),
        alert("VelocityTraderDrawdownHigh", "warning", "engine-a:9090"),
        alert("VelocityTraderDrawdownHigh", "warning", "engine-b:9090"),
    ];
    let (status, body) = http(
        port,
        "POST",
        "/api/v2/alerts",
        &format!("[{}]", alerts.join(",")),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");

    let state_of = |alerts: &serde_json::Value, name: &str, instance: &str| -> String {
        alerts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["labels"]["alertname"] == name && a["labels"]["instance"] == instance)
            .map(|a| a["status"]["state"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, body) = http(port, "GET", "/api/v2/alerts", "").unwrap();
        let listed: serde_json::Value = serde_json::from_str(&body).unwrap();
        let states = (
            state_of(&listed, "VelocityTraderDrawdownCritical", "engine-a:9090"),
            state_of(&listed, "VelocityTraderDrawdownHigh", "engine-a:9090"),
            state_of(&listed, "VelocityTraderDrawdownHigh", "engine-b:9090"),
        );
        if states == ("active".into(), "suppressed".into(), "active".into()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "expected critical active, same-instance warning suppressed, other instance active; got {states:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

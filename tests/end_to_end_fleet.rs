//! End to end, the fleet as `deploy/fleet/host/` ships it for a Debian host
//! (tests/common/fleet.rs starts the shipped flags and configuration on
//! loopback; the compose file carries the same flags, generated from one
//! definition): three example engines with
//! distinct identities and a short backtest pushing to a Pushgateway →
//! vmagent → VictoriaMetrics; vmalert evaluates the shipped rules there and
//! sends to a real Alertmanager, which delivers to a webhook in this test.
//!
//! - Every query of every dashboard, every variable and every recording rule
//!   returns data from VictoriaMetrics for each engine and for the backtest,
//!   with the dashboards' variables set to that engine (queries about live
//!   engines only, or backtests only, are checked for those; the few a
//!   backtest cannot answer are listed below with the reason).
//! - A one-second backtest's final state is in the Pushgateway and, after
//!   the scrape, in VictoriaMetrics; with `--delete` its group is gone.
//! - vmalert evaluates every rule without error; only the watchdog fires.
//! - Killing one engine (its process, by id) makes
//!   `VelocityTraderTargetDown` fire for that engine only, delivered through
//!   Alertmanager, and the fleet dashboard shows it down and missing.
//!
//! `cargo test --test end_to_end_fleet -- --include-ignored`. About two
//! minutes: 1 s scrape and evaluation intervals in the test's own copies of
//! the configuration, but the shipped `for: 1m` of TargetDown and the
//! critical route's 10 s group_wait are kept.

#[path = "common/alertmanager.rs"]
mod alertmanager;
#[path = "common/example_engines.rs"]
mod example_engines;
#[path = "common/fleet.rs"]
mod fleet;
#[path = "common/fleet_config.rs"]
mod fleet_config;
#[path = "support/fleet_queries.rs"]
mod fleet_queries;
#[path = "common/net.rs"]
mod net;
#[path = "common/webhook.rs"]
mod webhook;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use example_engines::{engine, example_binary, wait_until};
use fleet::{Settings, Stack};
use fleet_queries::{Check, Subject, all_checks};
use webhook::Webhook;

/// Queries a pushed backtest cannot answer, and why.
const NOT_FOR_BACKTESTS: [(&str, &str); 3] = [
    (
        "Scrape target",
        "a pushed run is not a scrape target: no `up` of its own",
    ),
    (
        "Endpoint: dropped connections and rejected requests",
        "a pushed run has no listener: the endpoint's own counters belong to serving engines",
    ),
    (
        "Rejects by reason",
        "a rejection reason's counter appears with its first rejection, and a four-second backtest (about 25 orders, 2 % rejected) may have none",
    ),
];

/// Panels empty by design while every engine reports.
const EMPTY_WHEN_HEALTHY: [&str; 1] = ["Missing engines"];

/// Runs a batch backtest to completion; returns the trades it reports.
fn backtest(binary: &Path, pushgateway: u16, run_id: &str, extra: &[&str]) -> f64 {
    let output = Command::new(binary)
        .args(["--engine", "bt-1", "--account", "acc-bt"])
        .args([
            "--push",
            &format!("http://127.0.0.1:{pushgateway}"),
            "--run-id",
            run_id,
        ])
        .args(extra)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "backtest {run_id} failed: {text}");
    // "backtest <id>: <n> trades, …"
    text.split(": ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no trade count in {text:?}"))
}

/// The value of the one sample of `series` in a Pushgateway exposition.
fn exposed(text: &str, series: &str, run_id: &str) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{series}{{")))
        .find(|l| l.contains(&format!("run_id=\"{run_id}\"")))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// The checks that have no data for `subject` now.
fn failing(stack: &Stack, checks: &[Check], subject: &Subject) -> Vec<String> {
    checks
        .iter()
        .filter(|c| c.applies_to(subject))
        .filter(|c| !EMPTY_WHEN_HEALTHY.contains(&c.panel.as_str()))
        .filter(|c| !(subject.backtest() && NOT_FOR_BACKTESTS.iter().any(|(p, _)| *p == c.panel)))
        .filter_map(|c| {
            let promql = subject.substitute(&c.expr);
            let result = match subject.at {
                Some(at) => stack.query_at(&promql, at),
                None => stack.query(&promql),
            };
            let ok = match result {
                Ok(result) => c
                    .label
                    .as_ref()
                    .is_none_or(|l| result.iter().any(|r| r["metric"][l.as_str()].is_string())),
                Err(_) => false,
            };
            (!ok).then(|| format!("{} for {}: {promql}", c.what(), subject.engine))
        })
        .collect()
}

fn alerts_named<'a>(alerts: &'a [Json], name: &str) -> Vec<&'a Json> {
    alerts
        .iter()
        .filter(|a| a["labels"]["alertname"] == name)
        .collect()
}

/// Every alert of every notification the webhook received.
fn notified(hook: &Webhook) -> Vec<(String, Json)> {
    let mut out = Vec::new();
    for request in hook.received() {
        let body: Json = serde_json::from_str(&request.body).unwrap();
        let receiver = body["receiver"].as_str().unwrap_or_default().to_owned();
        for alert in body["alerts"].as_array().into_iter().flatten() {
            out.push((receiver.clone(), alert.clone()));
        }
    }
    out
}

#[test]
#[ignore = "needs victoria-metrics, vmagent, vmalert, prometheus-pushgateway and prometheus-alertmanager"]
fn a_fleet_and_its_backtests_flow_through_vmagent_victoriametrics_and_vmalert() {
    let started = Instant::now();
    let binary = example_binary();
    let hook = Webhook::start();
    let identities = [
        ("ams-01", "acc-1", "live", "2.4.1"),
        ("ams-02", "acc-2", "paper", "2.4.1"),
        ("lon-01", "acc-3", "live", "2.5.0"),
    ];
    let stack = Stack::start(&Settings {
        interval: "1s",
        engines: identities.len(),
        webhook: Some(format!("http://127.0.0.1:{}/velocitytrader", hook.port)),
    });
    let ports = stack.engine_ports.clone();
    let mut engines: Vec<_> = identities
        .iter()
        .zip(&ports)
        .map(|((name, account, mode, version), port)| {
            let args = [
                "--engine",
                name,
                "--account",
                account,
                "--mode",
                mode,
                "--engine-version",
                version,
            ];
            engine(&binary, *port, &args)
        })
        .collect();
    let mut subjects: Vec<Subject> = identities
        .iter()
        .zip(&ports)
        .map(|((name, account, mode, _), port)| Subject {
            engine: (*name).into(),
            account: (*account).into(),
            mode,
            job: "velocitytrader",
            instance: format!("127.0.0.1:{port}"),
            at: None,
        })
        .collect();
    wait_until(
        "three engines in VictoriaMetrics",
        Duration::from_secs(60),
        || {
            stack
                .query("count(velocitytrader_build_info{job=\"velocitytrader\"})")
                .is_ok_and(|r| r[0]["value"][1] == "3")
        },
    );

    // A short backtest pushing every second, for the dashboards.
    let pushgateway = stack.ports.pushgateway;
    backtest(
        &binary,
        pushgateway,
        "bt-run-1",
        &["--duration", "4", "--push-every", "1"],
    );
    let run_ended = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    subjects.push(Subject {
        engine: "bt-1".into(),
        account: "acc-bt".into(),
        mode: "backtest",
        job: "velocitytrader_backtest",
        instance: "bt-run-1".into(),
        // Its pushes scraped and recorded by vmalert, while the 30 s rate
        // windows still span the run.
        at: Some((run_ended + 10.0).round()),
    });

    // A one-second backtest: its final state in the Pushgateway, then in
    // VictoriaMetrics after the scrape.
    let trades = backtest(&binary, pushgateway, "bt-final", &[]);
    let exposition = stack.pushgateway("/metrics");
    assert_eq!(
        exposed(&exposition, "velocitytrader_trades_total", "bt-final"),
        Some(trades),
        "{exposition}"
    );
    let stored = "velocitytrader_trades_total{job=\"velocitytrader_backtest\", run_id=\"bt-final\", instance=\"bt-final\", mode=\"backtest\"}";
    wait_until(
        "the final state in VictoriaMetrics",
        Duration::from_secs(30),
        || {
            stack.query(stored).is_ok_and(|r| {
                r[0]["value"][1].as_str().and_then(|v| v.parse().ok()) == Some(trades)
            })
        },
    );
    // With deletion, the group is gone once the run has exited.
    backtest(&binary, pushgateway, "bt-deleted", &["--delete"]);
    let exposition = stack.pushgateway("/metrics");
    assert!(
        !exposition.contains("run_id=\"bt-deleted\""),
        "{exposition}"
    );

    // Every query has data for every engine and for the backtest.
    let checks = all_checks();
    assert!(checks.len() > 200, "only {} checks", checks.len());
    let deadline = Instant::now() + Duration::from_secs(120);
    let report = loop {
        let report: Vec<String> = subjects
            .iter()
            .flat_map(|s| failing(&stack, &checks, s))
            .collect();
        if report.is_empty() || Instant::now() > deadline {
            break report;
        }
        std::thread::sleep(Duration::from_secs(2));
    };
    assert!(
        report.is_empty(),
        "{} queries without data:\n{}\n{}",
        report.len(),
        report.join("\n"),
        stack.logs()
    );
    let engines_listed: BTreeSet<String> = stack
        .query("velocitytrader_build_info")
        .unwrap()
        .iter()
        .filter_map(|r| r["metric"]["engine"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        engines_listed,
        ["ams-01", "ams-02", "bt-1", "lon-01"]
            .map(String::from)
            .into(),
        "the engine variable's values"
    );

    // vmalert evaluates every shipped rule without error; the watchdog
    // arrives through Alertmanager; nothing else fires.
    let rules = stack.vmalert_rules();
    let shipped: serde_yaml::Value = serde_yaml::from_str(
        velocity_metrics::assets::find("alerts/vmalert/velocitytrader.rules.yml")
            .unwrap()
            .contents,
    )
    .unwrap();
    let count: usize = shipped["groups"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|g| g["rules"].as_sequence().unwrap().len())
        .sum();
    assert_eq!(
        rules.len(),
        count,
        "vmalert loaded {} of {count} rules",
        rules.len()
    );
    let broken: Vec<String> = rules
        .iter()
        .filter(|r| r["lastError"].as_str().is_some_and(|e| !e.is_empty()))
        .map(|r| format!("{}: {}", r["name"], r["lastError"]))
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
    wait_until(
        "the watchdog at the webhook",
        Duration::from_secs(30),
        || {
            notified(&hook).iter().any(|(r, a)| {
                r == "watchdog" && a["labels"]["alertname"] == "VelocityTraderWatchdog"
            })
        },
    );
    let firing: Vec<String> = stack
        .vmalert_alerts()
        .iter()
        .filter(|a| a["state"] == "firing")
        .map(|a| format!("{} {}", a["labels"]["alertname"], a["labels"]))
        .collect();
    assert!(
        firing.len() == 1 && firing[0].contains("VelocityTraderWatchdog"),
        "{firing:?}"
    );
    let healthy_at = started.elapsed();

    // One engine dies.
    let victim = &subjects[1];
    engines[1].kill();
    let killed = Instant::now();
    let target_down = |n: &[(String, Json)]| -> Vec<Json> {
        n.iter()
            .filter(|(_, a)| {
                a["labels"]["alertname"] == "VelocityTraderTargetDown" && a["status"] == "firing"
            })
            .map(|(_, a)| a.clone())
            .collect()
    };
    wait_until(
        "TargetDown at the webhook",
        Duration::from_secs(150),
        || !target_down(&notified(&hook)).is_empty(),
    );
    let delivered_after = killed.elapsed();
    let down = target_down(&notified(&hook));
    for alert in &down {
        assert_eq!(
            alert["labels"]["instance"],
            victim.instance.as_str(),
            "{alert}"
        );
        let description = alert["annotations"]["description"].as_str().unwrap();
        assert!(
            description.contains("It served engine ams-02 (account acc-2, mode paper)."),
            "{description}"
        );
        // The fleet's texts name its scraper, and the runbook link's base
        // comes from vmalert's environment (the shipped unit's
        // RUNBOOK_BASE_URL), not from a label on the alert.
        assert!(
            description.starts_with("vmagent cannot scrape"),
            "{description}"
        );
        assert_eq!(
            alert["annotations"]["runbook_url"],
            "http://localhost:8081/user/velocitytrader.html#velocitytradertargetdown"
        );
        assert!(alert["labels"]["runbook_base_url"].is_null(), "{alert}");
    }
    let (receiver, _) = notified(&hook)
        .into_iter()
        .find(|(_, a)| a["labels"]["alertname"] == "VelocityTraderTargetDown")
        .unwrap();
    assert_eq!(receiver, "critical");
    // vmalert agrees: TargetDown for that target only, and no EngineMissing
    // (an engine whose target is down is not missing: TargetDown speaks for
    // it, and nothing needs inhibiting).
    let alerts = stack.vmalert_alerts();
    let instances: Vec<&Json> = alerts_named(&alerts, "VelocityTraderTargetDown")
        .iter()
        .map(|a| &a["labels"]["instance"])
        .collect();
    assert_eq!(instances, [&Json::from(victim.instance.as_str())]);
    let missing = alerts_named(&alerts, "VelocityTraderEngineMissing");
    assert!(missing.is_empty(), "{missing:?}");
    // The fleet dashboard shows it: down, missing, the others up.
    let fleet = |title: &str| {
        checks
            .iter()
            .find(|c| c.dashboard.ends_with("velocitytrader-fleet.json") && c.panel == title)
            .unwrap()
    };
    let all = Subject::all();
    let value = |title: &str| -> String {
        let result = stack.query(&all.substitute(&fleet(title).expr)).unwrap();
        result[0]["value"][1].as_str().unwrap().to_owned()
    };
    assert_eq!(value("Engines down"), "1");
    assert_eq!(value("Engines missing"), "1");
    assert_eq!(value("Engines reporting"), "2");
    let missing_rows = stack
        .query(&all.substitute(&fleet("Missing engines").expr))
        .unwrap();
    assert_eq!(missing_rows.len(), 1, "{missing_rows:?}");
    assert_eq!(missing_rows[0]["metric"]["engine"], "ams-02");
    for (i, engine) in engines.iter_mut().enumerate() {
        assert_eq!(engine.exited().is_none(), i != 1, "engine {i}");
    }
    eprintln!(
        "fleet healthy and every query answered {healthy_at:?} after start; TargetDown delivered {delivered_after:?} after the kill; total {:?}",
        started.elapsed()
    );
}

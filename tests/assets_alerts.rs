//! Alert rules carry what Alertmanager and on-call need; every promised
//! alert exists, is unit-tested, and routes and inhibits correctly.

#[path = "support/asset_files.rs"]
mod asset_files;
#[path = "support/promql_schema.rs"]
mod promql_schema;

use std::collections::BTreeSet;

use asset_files::*;
use promql_schema::*;

const WATCHDOG: &str = "VelocityTraderWatchdog";
/// The receiver backtests are routed to: it delivers nowhere.
const SILENT: &str = "backtest";
/// The configurable runbook base every `runbook_url` starts with: the
/// external label `runbook_base_url`, else the file Prometheus serves from
/// `--web.user-assets` (see alerts/runbooks/).
const RUNBOOK_BASE_TEMPLATE: &str =
    r#"{{ or $externalLabels.runbook_base_url (print $externalURL "/user/velocitytrader.html") }}"#;

#[test]
fn alerts_carry_severity_group_summary_description_and_runbook() {
    let schema = Schema::new();
    let mut errors = Vec::new();
    let all = rules();
    for rule in all.iter().filter(|r| r.alert.is_some()) {
        let name = rule.alert.as_deref().unwrap();
        let err = |errors: &mut Vec<String>, m: String| errors.push(format!("{name}: {m}"));
        let severity = rule.labels.get("severity").map(String::as_str);
        let allowed = if name == WATCHDOG {
            severity == Some("none")
        } else {
            matches!(severity, Some("critical" | "warning"))
        };
        if !allowed {
            err(
                &mut errors,
                format!("severity {severity:?}: critical or warning (none for the watchdog)"),
            );
        }
        if !rule.labels.contains_key("alertgroup") {
            err(&mut errors, "no alertgroup label".into());
        }
        for key in ["summary", "description", "runbook_url"] {
            if rule.annotations.get(key).is_none_or(String::is_empty) {
                err(&mut errors, format!("no {key}"));
            }
        }
        if !rule
            .annotations
            .get("description")
            .is_some_and(|d| d.contains("{{ $value"))
        {
            err(&mut errors, "description does not show {{ $value }}".into());
        }
        let url = rule
            .annotations
            .get("runbook_url")
            .cloned()
            .unwrap_or_default();
        if url != format!("{RUNBOOK_BASE_TEMPLATE}#{}", name.to_lowercase()) {
            err(
                &mut errors,
                format!("runbook_url `{url}` is not the shared base + `#{name}` in lower case"),
            );
        }
        // Every $labels.x a template uses exists on the alert.
        let mut available = schema
            .output_labels(&parse(&rule.expr).unwrap())
            .unwrap_or_default();
        available.extend(rule.labels.keys().cloned());
        for text in rule.annotations.values() {
            for part in text.split("$labels.").skip(1) {
                let label: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !available.contains(&label) {
                    err(
                        &mut errors,
                        format!("template uses $labels.{label}, which the alert does not have"),
                    );
                }
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_promised_alerts_exist_with_the_right_severity_and_source() {
    let all = rules();
    let expect = |name: &str, severity: &str, needles: &[&str]| {
        let r = alert(&all, name);
        assert_eq!(r.labels["severity"], severity, "{name}");
        let compact: String = r.expr.split_whitespace().collect();
        for n in needles {
            assert!(
                compact.contains(n),
                "{name}: `{}` does not contain `{n}`",
                r.expr
            );
        }
    };
    expect(
        "VelocityTraderDrawdownCritical",
        "critical",
        &["velocitytrader_current_drawdown{mode!=\"backtest\"}>25"],
    );
    expect(
        "VelocityTraderDrawdownHigh",
        "warning",
        &["velocitytrader_current_drawdown{mode!=\"backtest\"}>15"],
    );
    // The maximum never falls: an alert on it could never resolve.
    for name in [
        "VelocityTraderDrawdownCritical",
        "VelocityTraderDrawdownHigh",
    ] {
        assert!(
            !alert(&all, name).expr.contains("max_drawdown"),
            "{name} judges the maximum drawdown"
        );
    }
    expect(
        "VelocityTraderTargetDown",
        "critical",
        &["up{job=\"velocitytrader\"}==0"],
    );
    expect(
        "VelocityTraderTargetMissing",
        "critical",
        &["absent(up{job=\"velocitytrader\"})"],
    );
    expect(
        "VelocityTraderMT5Disconnected",
        "critical",
        &["velocitytrader_mt5_connection{mode!=\"backtest\"}==0"],
    );
    expect(
        "VelocityTraderLowWinRate",
        "warning",
        &[
            "velocitytrader:win_rate_1h:percent{mode!=\"backtest\"}<40",
            "velocitytrader:decided_trades_1h:count{mode!=\"backtest\"}>=20",
        ],
    );
    expect(
        "VelocityTraderHighErrorRate",
        "warning",
        &["velocitytrader:errors_high_or_critical:rate5m"],
    );
    expect(
        "VelocityTraderAgentUnderperforming",
        "warning",
        &[
            "velocitytrader:agent_win_rate_24h:percent{mode!=\"backtest\"}<35",
            "velocitytrader:agent_decided_trades_24h:count{mode!=\"backtest\"}>=20",
        ],
    );
    expect(WATCHDOG, "none", &["vector(1)"]);
    expect(
        "VelocityTraderPrometheusRuleFailures",
        "critical",
        &["prometheus_rule_evaluation_failures_total"],
    );
    expect(
        "VelocityTraderPrometheusNotificationsFailing",
        "critical",
        &["prometheus_notifications_errors_total"],
    );
    expect(
        "VelocityTraderPrometheusConfigReloadFailed",
        "warning",
        &["prometheus_config_last_reload_successful==0"],
    );
    expect(
        "VelocityTraderAlertmanagerNotificationsFailing",
        "critical",
        &["alertmanager_notifications_failed_total"],
    );
    expect(
        "VelocityTraderAlertmanagerConfigReloadFailed",
        "warning",
        &["alertmanager_config_last_reload_successful==0"],
    );
    expect(
        "VelocityTraderRLLowModelConfidence",
        "warning",
        &[
            "velocitytrader_rl_model_confidence{mode!=\"backtest\"}<0.3",
            "episodes",
        ],
    );
    expect(
        "VelocityTraderRLHighExploration",
        "warning",
        &[
            "velocitytrader_rl_exploration_rate{mode!=\"backtest\"}>0.5",
            "episodes",
        ],
    );
    expect(
        "VelocityTraderProfitFactorBelowOne",
        "warning",
        &["velocitytrader_profit_factor{mode!=\"backtest\"}<1"],
    );
    expect(
        "VelocityTraderCriticalErrors",
        "warning",
        &["velocitytrader_errors_critical_total"],
    );
    // Risk engine, execution and market stress (issue 12).
    expect(
        "VelocityTraderTradingHalted",
        "critical",
        &["velocitytrader_trading_halted{mode!=\"backtest\"}==1"],
    );
    expect(
        "VelocityTraderCircuitBreakerTripped",
        "warning",
        &["velocitytrader_circuit_breaker_active{mode!=\"backtest\"}==1"],
    );
    expect(
        "VelocityTraderDailyLossLimitReached",
        "critical",
        &["velocitytrader_daily_loss_limit_used{mode!=\"backtest\"}>=100"],
    );
    expect(
        "VelocityTraderDailyLossLimitNear",
        "warning",
        &["velocitytrader_daily_loss_limit_used{mode!=\"backtest\"}>=80"],
    );
    expect(
        "VelocityTraderOrderRejectRatioHigh",
        "warning",
        &[
            "velocitytrader:order_reject_ratio_15m:ratio{mode!=\"backtest\"}>0.1",
            "velocitytrader:orders_submitted_15m:count{mode!=\"backtest\"}>=20",
        ],
    );
    // Multi-window burn rates as in the SRE workbook against 99 % of fills
    // within 500 ms and 99 % of risk decisions within 25 ms: pages at 14.4x
    // over 1 h and 5 min and 6x over 6 h and 30 min, a ticket at 1x over
    // 3 d and 6 h.
    for (objective, slow) in [
        ("FillLatency", "order_fills_slow"),
        ("RiskDecisionLatency", "risk_decisions_slow"),
    ] {
        for (suffix, severity, long, short, rate) in [
            ("Fast", "critical", "1h", "5m", "14.4"),
            ("Slow", "critical", "6h", "30m", "6"),
            ("Ticket", "warning", "3d", "6h", "1"),
        ] {
            expect(
                &format!("VelocityTrader{objective}BudgetBurn{suffix}"),
                severity,
                &[
                    &format!(
                        "velocitytrader:{slow}_{long}:ratio{{mode!=\"backtest\"}}/0.01>{rate}"
                    ),
                    &format!(
                        "velocitytrader:{slow}_{short}:ratio{{mode!=\"backtest\"}}/0.01>{rate}"
                    ),
                ],
            );
        }
    }
    for (slow, le) in [
        ("order_fills_slow", "0.5"),
        ("risk_decisions_slow", "0.025"),
    ] {
        for window in ["5m", "30m", "1h", "6h", "3d", "30d"] {
            let record = all
                .iter()
                .find(|r| {
                    r.record.as_deref() == Some(&format!("velocitytrader:{slow}_{window}:ratio"))
                })
                .unwrap_or_else(|| panic!("no {slow} ratio over {window}"));
            let compact: String = record.expr.split_whitespace().collect();
            assert!(
                compact.contains(&format!("bucket{{le=\"{le}\"}}[{window}]"))
                    && compact.contains(&format!("_count[{window}])>0)")),
                "{window}: `{}` is not the share of events slower than the threshold",
                record.expr
            );
        }
    }
    expect(
        "VelocityTraderVpinAboveThreshold",
        "warning",
        &[
            "velocitytrader_vpin{mode!=\"backtest\"}>velocitytrader_vpin_threshold{mode!=\"backtest\"}",
        ],
    );
    // liveness never comes from a value the engine reports about itself:
    // from `up`, or from whether an engine's series arrive at all.
    for r in all
        .iter()
        .filter(|r| r.labels.get("alertgroup").is_some_and(|g| g == "liveness"))
    {
        let compact: String = r.expr.split_whitespace().collect();
        assert!(
            compact.contains("up{") || compact.contains("unlesson(engine,account,mode)"),
            "{:?} judges liveness without up or series presence",
            r.alert
        );
    }
    let rec = asset("alerts/velocitytrader.rules.yml");
    assert!(!rec.contains("agent=\""), "rules hard-code an agent");
    assert!(
        !rec.contains("$labels.velocitytrader_"),
        "a metric name used as a label"
    );
}

#[test]
fn every_alert_has_unit_tests_firing_and_not_firing() {
    let tests = yaml("alerts/velocitytrader.test.yml");
    assert_eq!(
        tests["rule_files"][0].as_str(),
        Some("velocitytrader.rules.yml")
    );
    let mut firing = BTreeSet::new();
    let mut quiet = BTreeSet::new();
    for case in tests["tests"].as_sequence().unwrap() {
        for check in case["alert_rule_test"].as_sequence().into_iter().flatten() {
            let name = check["alertname"].as_str().unwrap().to_owned();
            if check["exp_alerts"]
                .as_sequence()
                .is_some_and(|a| !a.is_empty())
            {
                firing.insert(name);
            } else {
                quiet.insert(name);
            }
        }
    }
    for rule in rules() {
        if let Some(name) = rule.alert {
            assert!(
                firing.contains(&name),
                "no promtool test shows {name} firing"
            );
            // The watchdog fires always: there is no quiet case to show.
            assert!(
                quiet.contains(&name) || name == WATCHDOG,
                "no promtool test shows {name} not firing"
            );
        }
    }
    assert!(
        !quiet.contains(WATCHDOG),
        "the watchdog must never be quiet"
    );
}

/// An alert judged over a window (a range function or a windowed recording
/// rule) keeps seeing the window's old samples after its target dies, so it
/// must also require the target to be up.
#[test]
fn windowed_engine_alerts_resolve_when_the_target_is_down() {
    let all = rules();
    // Recording rules over a range (rate, increase, a quantile of a rate).
    let windowed_records: Vec<String> = all
        .iter()
        .filter(|r| r.expr.contains('['))
        .filter_map(|r| r.record.clone())
        .collect();
    assert!(windowed_records.len() >= 15, "{windowed_records:?}");
    let mut checked = 0;
    for rule in all {
        let Some(name) = rule.alert else { continue };
        // Liveness alerts are about the target or its series being gone.
        if rule
            .labels
            .get("alertgroup")
            .is_some_and(|g| g == "liveness")
        {
            continue;
        }
        let compact: String = rule.expr.split_whitespace().collect();
        let engine = compact.contains("velocitytrader");
        let windowed = compact.contains('[')
            || windowed_records
                .iter()
                .any(|w| compact.contains(w.as_str()));
        if engine && windowed {
            checked += 1;
            assert!(
                compact.contains("andon(job,instance)up==1"),
                "{name}: `{}` does not require up == 1",
                rule.expr
            );
        }
    }
    assert!(checked >= 12, "only {checked} windowed alerts found");
}

#[test]
fn alertmanager_routes_with_matchers_and_inhibits_matching_warnings() {
    let am = yaml("alerts/alertmanager.yml");
    let text = asset("alerts/alertmanager.yml");
    let uncommented: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    for old in ["match:", "match_re:", "source_match:", "target_match:"] {
        assert!(!uncommented.contains(old), "deprecated `{old}`");
    }
    let receivers: BTreeSet<&str> = am["receivers"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(
        receivers.contains(am["route"]["receiver"].as_str().unwrap()),
        "default receiver undefined"
    );
    let routes = am["route"]["routes"].as_sequence().unwrap();
    // Severity is matched in any letter case (`Critical` must not fall through).
    for severity in ["critical", "warning"] {
        let route = routes
            .iter()
            .find(|r| {
                r["matchers"].as_sequence().is_some_and(|m| {
                    m.iter()
                        .any(|m| m.as_str() == Some(&format!("severity=~\"(?i){severity}\"")))
                })
            })
            .unwrap_or_else(|| panic!("no case-insensitive route for {severity}"));
        assert!(receivers.contains(route["receiver"].as_str().unwrap()));
    }
    // The watchdog has its own receiver and is matched first.
    assert_eq!(
        routes[0]["matchers"][0].as_str(),
        Some("alertname=\"VelocityTraderWatchdog\"")
    );
    assert_eq!(routes[0]["receiver"].as_str(), Some("watchdog"));
    // Backtests are matched next, before any severity, by a receiver that
    // delivers nowhere.
    assert_eq!(routes[1]["matchers"][0].as_str(), Some("mode=\"backtest\""));
    assert_eq!(routes[1]["receiver"].as_str(), Some(SILENT));
    let silent = am["receivers"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|r| r["name"] == SILENT)
        .expect("the silent backtest receiver");
    assert_eq!(silent.as_mapping().map(serde_yaml::Mapping::len), Some(1));
    // Every other receiver, the catch-all included, delivers somewhere: its
    // webhook URL is the placeholder deploy/alertmanager-start.sh replaces.
    for r in am["receivers"].as_sequence().unwrap() {
        let name = r["name"].as_str().unwrap();
        if name == SILENT {
            continue;
        }
        let urls: Vec<&str> = r["webhook_configs"]
            .as_sequence()
            .into_iter()
            .flatten()
            .filter_map(|w| w["url"].as_str())
            .collect();
        assert_eq!(
            urls,
            [format!("http://127.0.0.1:5001/velocitytrader/{name}")],
            "receiver {name} must deliver to its placeholder webhook"
        );
    }
    for template in ["slack_configs", "email_configs", "pagerduty_configs"] {
        assert!(
            text.contains(&format!("# {template}:")),
            "no commented {template} template"
        );
    }
    // The inhibit rules can match: each critical alert with a warning partner
    // in its alertgroup is paired by a rule whose source and target matchers
    // select them and whose `equal` labels exist on both.
    let inhibit = am["inhibit_rules"].as_sequence().unwrap();
    let first = &inhibit[0];
    assert_eq!(
        first["source_matchers"][0].as_str(),
        Some("severity=~\"(?i)critical\"")
    );
    assert_eq!(
        first["target_matchers"][0].as_str(),
        Some("severity=~\"(?i)warning\"")
    );
    let equal_of = |rule: &serde_yaml::Value| -> Vec<String> {
        rule["equal"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    // Per engine: target and identity labels, so one account's critical
    // alert never silences another account's warning.
    for label in ["alertgroup", "job", "instance", "engine", "account", "mode"] {
        assert!(equal_of(first).iter().any(|l| l == label), "{label}");
    }
    let schema = Schema::new();
    let all = rules();
    let labels_of = |r: &Rule| {
        let mut l = schema
            .output_labels(&parse(&r.expr).unwrap())
            .unwrap_or_default();
        l.extend(r.labels.keys().cloned());
        l
    };
    let selects = |matchers: &serde_yaml::Value, r: &Rule| {
        matchers.as_sequence().unwrap().iter().all(|m| {
            let m = m.as_str().unwrap();
            match m.split_once("=~") {
                Some(("severity", _)) => m.contains(r.labels["severity"].as_str()),
                _ => m == format!("alertname=\"{}\"", r.alert.as_deref().unwrap_or_default()),
            }
        })
    };
    let mut pairs = 0;
    for critical in all
        .iter()
        .filter(|r| r.labels.get("severity").is_some_and(|s| s == "critical"))
    {
        let group = &critical.labels["alertgroup"];
        for warning in all.iter().filter(|r| {
            r.labels.get("severity").is_some_and(|s| s == "warning")
                && &r.labels["alertgroup"] == group
        }) {
            let (c, w) = (labels_of(critical), labels_of(warning));
            let paired = inhibit.iter().any(|rule| {
                selects(&rule["source_matchers"], critical)
                    && selects(&rule["target_matchers"], warning)
                    && equal_of(rule)
                        .iter()
                        .all(|l| c.contains(l.as_str()) && w.contains(l.as_str()))
            });
            // Liveness: TargetDown and TargetMissing carry no engine identity,
            // so they can match no warning; a down target inhibits nothing.
            if paired {
                pairs += 1;
            } else {
                assert_eq!(
                    group, "liveness",
                    "{:?} / {:?}: no inhibit rule can match this pair",
                    critical.alert, warning.alert
                );
            }
        }
    }
    for rule in inhibit {
        assert!(
            !format!("{:?}", rule["source_matchers"]).contains("TargetDown"),
            "a down target must inhibit nothing: its engine's warnings resolve by themselves"
        );
    }
    assert!(pairs >= 2, "only {pairs} critical/warning pairs");
}

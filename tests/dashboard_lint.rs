//! The shipped dashboards pass every rule of grafana/dashboard-linter
//! (reimplemented in `support/dashboard_lint.rs`), except the few findings
//! `dashboards/.lint` excuses, each with its reason.

#[path = "support/asset_files.rs"]
mod asset_files;
#[path = "support/dashboard_lint.rs"]
mod dashboard_lint;

use serde_json::json;

use asset_files::*;
use dashboard_lint::*;

const EXCEPTIONS: &str = "dashboards/.lint";

#[test]
fn shipped_dashboards_pass_the_linter_rules_but_for_documented_exceptions() {
    let exceptions = exceptions(asset(EXCEPTIONS));
    let mut used = vec![false; exceptions.len()];
    let mut failures = Vec::new();
    let mut findings = 0;
    for (path, dash) in dashboards() {
        for f in lint(&dash) {
            findings += 1;
            match exceptions.iter().position(|e| e.matches(&f)) {
                Some(i) => used[i] = true,
                None => failures.push(format!(
                    "{path}: {} panel {:?} target {:?}: {}",
                    f.rule, f.panel, f.target, f.message
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let stale: Vec<_> = exceptions
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(e, _)| format!("{} {:?} {:?}", e.rule, e.dashboard, e.panel))
        .collect();
    assert!(
        stale.is_empty(),
        "exceptions that excuse nothing: {stale:?}"
    );
    assert!(
        exceptions.len() <= 10,
        "{} exceptions: not a small file",
        exceptions.len()
    );
    assert!(findings >= exceptions.len());
}

#[test]
fn no_dashboard_uses_loki_so_the_logql_rules_do_not_apply() {
    for (path, dash) in dashboards() {
        let text = serde_json::to_string(&dash).unwrap();
        assert!(
            !text.contains("\"loki\""),
            "{path} uses Loki: implement the LogQL rules"
        );
    }
}

// ── the rules catch what the linter catches ────────────────────────────────

fn ds() -> serde_json::Value {
    json!({"type": "prometheus", "uid": "${datasource}"})
}

fn variable(name: &str, all: &str) -> serde_json::Value {
    json!({
        "type": "query", "name": name, "label": name[..1].to_uppercase() + &name[1..],
        "datasource": ds(), "multi": true, "allValue": all, "refresh": 2,
        "query": {"query": format!("label_values(up{{job=~\"$job\"}}, {name})")}
    })
}

fn dashboard(panel: serde_json::Value) -> serde_json::Value {
    json!({
        "title": "fixture", "editable": false,
        "templating": {"list": [
            {"type": "datasource", "name": "datasource", "label": "Data source", "query": "prometheus"},
            variable("job", ".+"), variable("instance", ".+")
        ]},
        "panels": [panel]
    })
}

fn panel(expr: &str, unit: &str) -> serde_json::Value {
    json!({
        "type": "timeseries", "title": "p", "description": "d", "datasource": ds(),
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [{"refId": "A", "expr": expr}]
    })
}

fn rules_hit(dash: &serde_json::Value) -> Vec<&'static str> {
    let mut rules: Vec<_> = lint(dash).into_iter().map(|f| f.rule).collect();
    rules.dedup();
    rules
}

const GOOD: &str = r#"rate(x_total{job=~"$job", instance=~"$instance"}[$__rate_interval])"#;

#[test]
fn a_clean_fixture_passes_every_rule() {
    assert_eq!(
        rules_hit(&dashboard(panel(GOOD, "short"))),
        Vec::<&str>::new()
    );
}

#[test]
fn each_rule_catches_its_violation() {
    let cases: Vec<(&str, serde_json::Value)> = vec![
        (
            "target-rate-interval-rule",
            dashboard(panel(&GOOD.replace("$__rate_interval", "5m"), "short")),
        ),
        (
            "target-job-rule",
            dashboard(panel(&GOOD.replace(r#"job=~"$job", "#, ""), "short")),
        ),
        (
            "target-instance-rule",
            dashboard(panel(
                &GOOD.replace(r#"instance=~"$instance""#, r#"instance="a""#),
                "short",
            )),
        ),
        (
            "target-counter-agg-rule",
            dashboard(panel(
                r#"x_total{job=~"$job", instance=~"$instance"}"#,
                "short",
            )),
        ),
        ("target-promql-rule", dashboard(panel("rate(x{", "short"))),
        ("panel-units-rule", dashboard(panel(GOOD, "suffix: rad/s"))),
        ("panel-units-rule", dashboard(panel(GOOD, ""))),
        ("panel-datasource-rule", {
            let mut p = panel(GOOD, "short");
            p["datasource"] = json!({"type": "prometheus", "uid": "velocitytrader-prometheus"});
            dashboard(p)
        }),
        ("panel-title-description-rule", {
            let mut p = panel(GOOD, "short");
            p["description"] = json!("");
            dashboard(p)
        }),
        ("panel-no-targets-rule", {
            let mut p = panel(GOOD, "short");
            p["targets"] = json!([]);
            dashboard(p)
        }),
        ("uneditable-dashboard", {
            let mut d = dashboard(panel(GOOD, "short"));
            d["editable"] = json!(true);
            d
        }),
        ("template-instance-rule", {
            let mut d = dashboard(panel(GOOD, "short"));
            d["templating"]["list"][2]["allValue"] = json!(".*");
            d
        }),
        ("template-job-rule", {
            let mut d = dashboard(panel(GOOD, "short"));
            d["templating"]["list"].as_array_mut().unwrap().remove(1);
            d
        }),
        ("template-on-time-change-reload-rule", {
            let mut d = dashboard(panel(GOOD, "short"));
            d["templating"]["list"][1]["refresh"] = json!(1);
            d
        }),
        ("template-label-promql-rule", {
            let mut d = dashboard(panel(GOOD, "short"));
            d["templating"]["list"][1]["query"]["query"] = json!("label_values(up{, job)");
            d
        }),
        ("template-datasource-rule", {
            let mut d = dashboard(panel(GOOD, "short"));
            d["templating"]["list"][0]["name"] = json!("ds");
            d
        }),
    ];
    for (rule, dash) in cases {
        assert_eq!(rules_hit(&dash), [rule], "{dash}");
    }
}

#[test]
fn rate_interval_and_range_variables_expand_as_in_the_linter() {
    assert_eq!(
        expand_variables(r#"increase(x{job=~"$job"}[$__range]) / rate(y[${__rate_interval}])"#),
        r#"increase(x{job=~"$job"}[6069770s]) / rate(y[8869990s])"#
    );
    // increase() over the dashboard range is fine; rate() must use $__rate_interval.
    let ok = r#"increase(x_total{job=~"$job", instance=~"$instance"}[$__range])"#;
    assert_eq!(
        rules_hit(&dashboard(panel(ok, "short"))),
        Vec::<&str>::new()
    );
    let bad = ok.replace("increase", "rate");
    assert_eq!(
        rules_hit(&dashboard(panel(&bad, "short"))),
        ["target-rate-interval-rule"]
    );
}

#[test]
fn exceptions_match_by_rule_dashboard_panel_and_target() {
    let list = exceptions(
        "exclusions:\n  target-counter-agg-rule:\n    entries:\n      - panel: P\n        targetIdx: 1\n        reason: a gauge named _total\n",
    );
    let finding = |panel: &str, target| Finding {
        rule: "target-counter-agg-rule",
        dashboard: "D".into(),
        panel: Some(panel.into()),
        target: Some(target),
        message: String::new(),
    };
    assert!(list[0].matches(&finding("P", 1)));
    assert!(!list[0].matches(&finding("P", 0)));
    assert!(!list[0].matches(&finding("Q", 1)));
}

#[test]
#[should_panic(expected = "has no reason")]
fn an_exception_without_a_reason_is_refused() {
    exceptions("exclusions:\n  uneditable-dashboard:\n    entries:\n      - panel: P\n");
}

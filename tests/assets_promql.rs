//! Every PromQL expression in the dashboards and rules parses and names
//! catalogue series with labels they have; together they cover the catalogue.

#[path = "support/asset_files.rs"]
mod asset_files;
#[path = "support/promql_schema.rs"]
mod promql_schema;

use std::collections::BTreeSet;

use promql_parser::label::MatchOp;
use promql_parser::parser::Expr;
use velocity_metrics::catalogue::{self, MetricKind};

use asset_files::*;
use promql_schema::*;

#[test]
fn every_rule_expression_parses_and_uses_catalogue_series_and_labels() {
    let schema = Schema::new();
    let mut errors = Vec::new();
    for rule in rules() {
        let name = rule.record.clone().or(rule.alert.clone()).unwrap();
        match parse(&rule.expr) {
            Ok(expr) => {
                let mut e = Vec::new();
                schema.check(&expr, &mut e);
                errors.extend(e.into_iter().map(|e| format!("{name}: {e}")));
            }
            Err(e) => errors.push(format!("{name}: does not parse: {e}")),
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn every_dashboard_expression_parses_and_uses_catalogue_series_and_labels() {
    let schema = Schema::new();
    let mut errors = Vec::new();
    let mut count = 0;
    for (path, dash) in dashboards() {
        for t in targets(&dash) {
            count += 1;
            let title = t.panel["title"].as_str().unwrap_or_default();
            let expr = match parse(&substitute(t.expr)) {
                Ok(e) => e,
                Err(e) => {
                    errors.push(format!(
                        "{path} `{title}`: `{}` does not parse: {e}",
                        t.expr
                    ));
                    continue;
                }
            };
            let mut e = Vec::new();
            schema.check(&expr, &mut e);
            errors.extend(e.into_iter().map(|e| format!("{path} `{title}`: {e}")));
            // Every selector filters by $instance and by the variable of each
            // label the series has.
            let mut sels = Vec::new();
            selectors(&expr, false, &mut sels);
            for (vs, in_rate) in sels {
                let name = vs.name.as_deref().unwrap_or_default();
                let Some(series) = schema.get(name) else {
                    continue;
                };
                let has = |label: &str, var: &str| {
                    vs.matchers.matchers.iter().any(|m| {
                        m.name == label
                            && matches!(m.op, MatchOp::Re(_))
                            && m.value == format!("VAR_{var}")
                    })
                };
                for var in ["job", "instance"] {
                    if !has(var, var) {
                        errors.push(format!(
                            "{path} `{title}`: `{name}` not filtered by {var}=~\"${var}\""
                        ));
                    }
                }
                // Fleet identity labels on every engine series.
                if name.starts_with("velocitytrader") {
                    for var in FLEET_LABELS {
                        if !has(var, var) {
                            errors.push(format!(
                                "{path} `{title}`: `{name}` not filtered by {var}=~\"${var}\""
                            ));
                        }
                    }
                }
                for (var, label) in LABEL_VARS {
                    if series.labels.contains(label) && !has(label, var) {
                        errors.push(format!(
                            "{path} `{title}`: `{name}` not filtered by {label}=~\"${var}\""
                        ));
                    }
                }
                // A counter on a time axis must be a rate, never the raw total.
                let time_axis = matches!(
                    t.panel["type"].as_str(),
                    Some("timeseries" | "state-timeline" | "barchart")
                );
                if time_axis && series.kind == MetricKind::Counter && !in_rate {
                    errors.push(format!(
                        "{path} `{title}`: counter `{name}` plotted without rate()/increase()"
                    ));
                }
            }
            // Units follow the catalogue for series shown as they are.
            if let Some(name) = passthrough(&expr) {
                if let Some(unit) = schema.get(name).and_then(|s| s.unit) {
                    let grafana = unit_for(t.panel, t.target["refId"].as_str().unwrap_or_default());
                    if !grafana_units(unit).contains(&grafana.as_str())
                        && !grafana.starts_with("currency")
                    {
                        errors.push(format!(
                            "{path} `{title}`: `{name}` is {unit:?} but shown as `{grafana}`"
                        ));
                    }
                }
            }
        }
        for (var, query) in template_queries(&dash) {
            let (selector, label) = label_values(&substitute(&query));
            match parse(&selector) {
                Ok(expr) => {
                    let mut e = Vec::new();
                    schema.check(&expr, &mut e);
                    errors.extend(e.into_iter().map(|e| format!("{path} variable {var}: {e}")));
                    let labels = schema.output_labels(&expr).unwrap_or_default();
                    if !labels.contains(&label) {
                        errors.push(format!(
                            "{path} variable {var}: `{selector}` has no label `{label}`"
                        ));
                    }
                    if label != var {
                        errors.push(format!("{path} variable {var} lists values of `{label}`"));
                    }
                }
                Err(e) => errors.push(format!(
                    "{path} variable {var}: `{selector}` does not parse: {e}"
                )),
            }
        }
    }
    assert!(count >= 100, "only {count} dashboard queries found");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn dashboards_and_rules_cover_the_whole_catalogue() {
    let mut used = BTreeSet::new();
    let mut note = |expr: &Expr| {
        let mut sels = Vec::new();
        selectors(expr, false, &mut sels);
        for (vs, _) in sels {
            let name = vs.name.clone().unwrap_or_default();
            used.insert(name.trim_end_matches("_bucket").to_owned());
        }
    };
    for (_, dash) in dashboards() {
        for t in targets(&dash) {
            note(&parse(&substitute(t.expr)).unwrap());
        }
    }
    for rule in rules() {
        note(&parse(&rule.expr).unwrap());
    }
    let missing: Vec<_> = catalogue::METRICS
        .iter()
        .map(|m| m.name)
        .filter(|n| !used.contains(*n))
        .collect();
    assert!(missing.is_empty(), "series shown nowhere: {missing:?}");
}

#[test]
fn gauges_read_with_rate_are_documented_as_never_falling() {
    for name in MONOTONIC_GAUGES {
        let def = catalogue::METRICS
            .iter()
            .find(|m| m.name == *name)
            .unwrap_or_else(|| panic!("{name} is not in the catalogue"));
        assert_eq!(def.kind, MetricKind::Gauge, "{name}");
        assert!(
            def.help.contains("never falls") && def.help.contains("use rate()"),
            "{name}: its help does not say to read it with rate(): {}",
            def.help
        );
    }
}

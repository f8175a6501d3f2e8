//! The rules of grafana/dashboard-linter (`lint/rule_*.go`), reimplemented
//! over the dashboard JSON. Each finding names its rule as the linter does,
//! so `dashboards/.lint` (the linter's own exceptions format) applies to both.
//!
//! Differences from the Go linter, all stricter:
//! - `target-counter-agg-rule` judges the metric name (the Go rule tests the
//!   printed selector, which ends in `}` as soon as it has matchers, so it
//!   never fires on a filtered selector);
//! - `panel-units-rule` skips only panels with *non-empty* value mappings
//!   (the Go rule also skips `"mappings": []`);
//! - `template-label-promql-rule` parses the selector of `label_values(sel,
//!   label)` on its own (the Go rule accepts a partial parse);
//! - warnings (template labels `Job`, `Instance`, `Data source`) count as
//!   findings too.
#![allow(dead_code, reason = "each test crate uses a different part")]

use std::time::Duration;

#[path = "grafana_units.rs"]
mod grafana_units;
#[path = "lint_exceptions.rs"]
mod lint_exceptions;

pub use grafana_units::VALID_UNITS;
pub use lint_exceptions::exceptions;

use promql_parser::label::MatchOp;
use promql_parser::parser::{self, Expr, VectorSelector};
use serde_json::Value as Json;

/// One rule violation: where, and why.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static str,
    pub dashboard: String,
    pub panel: Option<String>,
    pub target: Option<usize>,
    pub message: String,
}

/// The linter's sample values for Grafana's global variables
/// (`lint/variables.go`), in whole seconds because promql-parser rejects the
/// linter's millisecond spellings (`8869990787ms`); `$__rate_interval` is
/// recognised by its value as in the linter.
const GLOBALS: [(&str, &str); 7] = [
    ("__rate_interval", "8869990s"),
    ("__interval", "4867856s"),
    ("__interval_ms", "7781188786"),
    ("__range_ms", "6737667980"),
    ("__range_s", "9397795485"),
    ("__range", "6069770s"),
    ("__auto", "12345s"),
];
const RATE_INTERVAL: Duration = Duration::from_secs(8_869_990);

/// Grafana variables outside double quotes replaced as the linter does:
/// globals by their sample values, anything else by its own name.
pub fn expand_variables(expr: &str) -> String {
    let mut out = String::new();
    for (i, part) in expr.split('"').enumerate() {
        if i > 0 {
            out.push('"');
        }
        if i % 2 == 1 {
            out.push_str(part);
            continue;
        }
        let mut rest = part;
        while let Some(start) = rest.find(['$', '[']) {
            out.push_str(&rest[..start]);
            let tail = &rest[start..];
            let (name, len) = if let Some(inner) = tail.strip_prefix("${") {
                match inner.find('}') {
                    Some(end) => (inner[..end].split(':').next().unwrap_or(""), end + 3),
                    None => ("", 0),
                }
            } else if let Some(inner) = tail.strip_prefix("[[") {
                match inner.find("]]") {
                    Some(end) => (inner[..end].split(':').next().unwrap_or(""), end + 4),
                    None => ("", 0),
                }
            } else if let Some(inner) = tail.strip_prefix('$') {
                let n = inner
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(inner.len());
                (&inner[..n], n + 1)
            } else {
                ("", 0)
            };
            if name.is_empty() {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
                continue;
            }
            let value = GLOBALS
                .iter()
                .find(|(g, _)| *g == name)
                .map_or(name, |(_, v)| v);
            out.push_str(value);
            rest = &tail[len..];
        }
        out.push_str(rest);
    }
    out
}

pub fn parse(expr: &str) -> Result<Expr, String> {
    parser::parse(&expand_variables(expr))
}

// ── PromQL walks ───────────────────────────────────────────────────────────

/// Calls `visit(selector, enclosing function if the selector is its direct
/// range argument)` for every selector.
fn selectors<'a>(expr: &'a Expr, visit: &mut dyn FnMut(&'a VectorSelector, Option<&'a str>)) {
    match expr {
        Expr::VectorSelector(vs) => visit(vs, None),
        Expr::MatrixSelector(ms) => visit(&ms.vs, None),
        Expr::Call(call) => {
            for arg in &call.args.args {
                match arg.as_ref() {
                    Expr::MatrixSelector(ms) => visit(&ms.vs, Some(call.func.name)),
                    other => selectors(other, visit),
                }
            }
        }
        Expr::Aggregate(a) => {
            selectors(&a.expr, visit);
            if let Some(p) = &a.param {
                selectors(p, visit);
            }
        }
        Expr::Binary(b) => {
            selectors(&b.lhs, visit);
            selectors(&b.rhs, visit);
        }
        Expr::Paren(p) => selectors(&p.expr, visit),
        Expr::Unary(u) => selectors(&u.expr, visit),
        Expr::Subquery(s) => selectors(&s.expr, visit),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// Every range selector with the function it is the direct argument of.
fn ranges<'a>(expr: &'a Expr, parent: Option<&'a str>, out: &mut Vec<(Duration, Option<&'a str>)>) {
    match expr {
        Expr::MatrixSelector(ms) => out.push((ms.range, parent)),
        Expr::Call(call) => {
            for arg in &call.args.args {
                ranges(arg, Some(call.func.name), out);
            }
        }
        Expr::Aggregate(a) => {
            ranges(&a.expr, None, out);
            if let Some(p) = &a.param {
                ranges(p, None, out);
            }
        }
        Expr::Binary(b) => {
            ranges(&b.lhs, None, out);
            ranges(&b.rhs, None, out);
        }
        Expr::Paren(p) => ranges(&p.expr, None, out),
        Expr::Unary(u) => ranges(&u.expr, None, out),
        Expr::Subquery(s) => ranges(&s.expr, None, out),
        Expr::VectorSelector(_)
        | Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::Extension(_) => {}
    }
}

// ── the rules ──────────────────────────────────────────────────────────────

fn title_case(name: &str) -> String {
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Panels in the order the linter walks them (rows' panels included).
pub fn panels(dash: &Json) -> Vec<&Json> {
    fn walk<'a>(list: &'a Json, out: &mut Vec<&'a Json>) {
        for p in list.as_array().into_iter().flatten() {
            out.push(p);
            walk(&p["panels"], out);
        }
    }
    let mut out = Vec::new();
    walk(&dash["panels"], &mut out);
    out
}

fn templated_uid(uid: &Json) -> bool {
    matches!(uid.as_str(), Some("$datasource" | "${datasource}"))
}

/// Every finding of every rule for one dashboard.
pub fn lint(dash: &Json) -> Vec<Finding> {
    let title = dash["title"].as_str().unwrap_or_default().to_owned();
    let mut found = Vec::new();
    let mut dash_finding = |rule, message: String| {
        found.push(Finding {
            rule,
            dashboard: title.clone(),
            panel: None,
            target: None,
            message,
        });
    };
    let templates: Vec<&Json> = dash["templating"]["list"]
        .as_array()
        .map(|l| l.iter().collect())
        .unwrap_or_default();
    let datasources: Vec<&&Json> = templates
        .iter()
        .filter(|t| t["type"] == "datasource")
        .collect();
    // template-datasource-rule
    if datasources.is_empty() {
        dash_finding(
            "template-datasource-rule",
            "no templated data source".into(),
        );
    }
    for ds in &datasources {
        if ds["name"] != "datasource" && ds["name"] != "prometheus_datasource" {
            dash_finding(
                "template-datasource-rule",
                format!("data source variable named {}", ds["name"]),
            );
        }
        if ds["label"] != "Data source" && ds["label"] != "Prometheus data source" {
            dash_finding(
                "template-datasource-rule",
                format!("data source variable labelled {}", ds["label"]),
            );
        }
    }
    let prometheus = datasources
        .first()
        .is_some_and(|d| d["query"] == "prometheus");
    // template-job-rule, template-instance-rule
    if prometheus {
        for (rule, name) in [
            ("template-job-rule", "job"),
            ("template-instance-rule", "instance"),
        ] {
            let Some(t) = templates.iter().find(|t| t["name"] == name) else {
                dash_finding(rule, format!("is missing the {name} template"));
                continue;
            };
            if !templated_uid(&t["datasource"]["uid"]) {
                dash_finding(
                    rule,
                    format!("{name} template datasource is {}", t["datasource"]),
                );
            }
            if t["type"] != "query" {
                dash_finding(rule, format!("{name} template is not a query"));
            }
            if t["label"] != title_case(name).as_str() {
                dash_finding(rule, format!("{name} template labelled {}", t["label"]));
            }
            if t["multi"] != true {
                dash_finding(rule, format!("{name} template is not multi-select"));
            }
            if t["allValue"] != ".+" {
                dash_finding(
                    rule,
                    format!("{name} template allValue is {}", t["allValue"]),
                );
            }
        }
    }
    for t in templates.iter().filter(|t| t["type"] == "query") {
        let name = &t["name"];
        // template-on-time-change-reload-rule
        if t["refresh"] != 2 {
            dash_finding(
                "template-on-time-change-reload-rule",
                format!("variable {name} refresh is {} instead of 2", t["refresh"]),
            );
        }
        // template-label-promql-rule
        if prometheus {
            let query = t["query"]["query"]
                .as_str()
                .or(t["query"].as_str())
                .unwrap_or_default();
            if let Err(e) = label_query(query) {
                dash_finding(
                    "template-label-promql-rule",
                    format!("variable {name}: `{query}`: {e}"),
                );
            }
        }
    }
    // uneditable-dashboard
    if dash["editable"] != false {
        dash_finding("uneditable-dashboard", "is editable".into());
    }
    for panel in panels(dash) {
        found.extend(lint_panel(&title, panel, prometheus));
    }
    found
}

/// `fn(inner)` with fn one of the linter's four and a parsable inner query.
fn label_query(query: &str) -> Result<(), String> {
    let (func, inner) = query
        .trim()
        .split_once('(')
        .and_then(|(f, rest)| Some((f, rest.strip_suffix(')')?)))
        .ok_or("not fn(query)")?;
    if !["label_names", "label_values", "metrics", "query_result"].contains(&func) {
        return Err(format!("invalid function {func}"));
    }
    let selector = match (func, inner.rsplit_once(',')) {
        ("label_values", Some((selector, label))) if !label.contains('}') => selector,
        _ => inner,
    };
    if func == "metrics" {
        return Ok(()); // a metric name regex, not PromQL
    }
    parse(selector).map(|_| ())
}

fn lint_panel(dashboard: &str, panel: &Json, prometheus: bool) -> Vec<Finding> {
    let kind = panel["type"].as_str().unwrap_or_default();
    let mut found = Vec::new();
    let mut add = |rule, target: Option<usize>, message: String| {
        found.push(Finding {
            rule,
            dashboard: dashboard.to_owned(),
            panel: panel["title"].as_str().map(str::to_owned),
            target,
            message,
        });
    };
    let classic = [
        "stat",
        "singlestat",
        "graph",
        "table",
        "timeseries",
        "gauge",
    ];
    // panel-datasource-rule
    if matches!(kind, "singlestat" | "graph" | "table" | "timeseries")
        && !templated_uid(&panel["datasource"]["uid"])
    {
        add(
            "panel-datasource-rule",
            None,
            format!("datasource {}", panel["datasource"]),
        );
    }
    if classic.contains(&kind) {
        // panel-title-description-rule
        if panel["title"].as_str().is_none_or(str::is_empty)
            || panel["description"].as_str().is_none_or(str::is_empty)
        {
            add(
                "panel-title-description-rule",
                None,
                "missing title or description".into(),
            );
        }
        // panel-no-targets-rule
        if panel["targets"].as_array().is_none_or(Vec::is_empty) {
            add("panel-no-targets-rule", None, "has no targets".into());
        }
        // panel-units-rule
        let fields = panel["options"]["reduceOptions"]["fields"]
            .as_str()
            .unwrap_or_default();
        let mappings = panel["fieldConfig"]["defaults"]["mappings"]
            .as_array()
            .is_some_and(|m| !m.is_empty());
        let skipped = (kind == "stat" && !fields.is_empty()) || mappings;
        if !skipped {
            let unit = configured_unit(panel);
            if !VALID_UNITS.contains(&unit.as_str()) {
                add(
                    "panel-units-rule",
                    None,
                    format!("no or invalid unit `{unit}`"),
                );
            }
        }
    }
    let queries = [
        "singlestat",
        "gauge",
        "table",
        "stat",
        "state-timeline",
        "timeseries",
    ];
    for (idx, target) in panel["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let expr = target["expr"].as_str().unwrap_or_default();
        let parsed = parse(expr);
        // target-promql-rule
        if let Err(e) = &parsed {
            if prometheus && queries.contains(&kind) {
                add("target-promql-rule", Some(idx), format!("`{expr}`: {e}"));
            }
        }
        let Ok(parsed) = parsed else { continue };
        // target-rate-interval-rule
        if prometheus && queries.contains(&kind) {
            let mut found_ranges = Vec::new();
            ranges(&parsed, None, &mut found_ranges);
            for (range, parent) in found_ranges {
                match parent {
                    _ if range == RATE_INTERVAL => {}
                    None => add(
                        "target-rate-interval-rule",
                        Some(idx),
                        format!("`{expr}`: range outside a function"),
                    ),
                    Some("rate" | "irate") => add(
                        "target-rate-interval-rule",
                        Some(idx),
                        format!("`{expr}`: should use $__rate_interval"),
                    ),
                    Some(_) => {}
                }
            }
        }
        selectors(&parsed, &mut |vs, func| {
            // target-job-rule, target-instance-rule
            if prometheus {
                for (rule, label) in [
                    ("target-job-rule", "job"),
                    ("target-instance-rule", "instance"),
                ] {
                    let ok = vs.matchers.matchers.iter().any(|m| {
                        m.name == label
                            && matches!(m.op, MatchOp::Re(_))
                            && m.value == format!("${label}")
                    });
                    if !ok {
                        add(
                            rule,
                            Some(idx),
                            format!("`{vs}` lacks {label}=~\"${label}\""),
                        );
                    }
                }
            }
            // target-counter-agg-rule
            let name = vs.name.as_deref().unwrap_or_default();
            if name.ends_with("_total") && !matches!(func, Some("rate" | "irate" | "increase")) {
                add(
                    "target-counter-agg-rule",
                    Some(idx),
                    format!("counter `{name}` not aggregated with rate, irate or increase"),
                );
            }
        });
    }
    found
}

/// The unit an override sets (the last one wins), else the default unit.
fn configured_unit(panel: &Json) -> String {
    let mut unit = String::new();
    for o in panel["fieldConfig"]["overrides"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for p in o["properties"].as_array().into_iter().flatten() {
            if p["id"] == "unit" {
                unit = p["value"].as_str().unwrap_or_default().to_owned();
            }
        }
    }
    if unit.is_empty() {
        unit = panel["fieldConfig"]["defaults"]["unit"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
    }
    unit
}

/// Every rule this module implements (the linter's LogQL rules apply to Loki
/// targets only; the test checks there are none).
pub const RULES: [&str; 15] = [
    "template-datasource-rule",
    "template-job-rule",
    "template-instance-rule",
    "template-label-promql-rule",
    "template-on-time-change-reload-rule",
    "panel-datasource-rule",
    "panel-title-description-rule",
    "panel-units-rule",
    "panel-no-targets-rule",
    "target-promql-rule",
    "target-rate-interval-rule",
    "target-job-rule",
    "target-instance-rule",
    "target-counter-agg-rule",
    "uneditable-dashboard",
];

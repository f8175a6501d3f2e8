//! The shipped asset files, parsed: dashboards, rules, variables, panels.
#![allow(dead_code, reason = "each test crate uses a different part")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;
use velocity_metrics::assets::{self};

pub const UIDS: [&str; 11] = [
    "velocitytrader-performance",
    "velocitytrader-agents",
    "velocitytrader-physics",
    "velocitytrader-risk",
    "velocitytrader-system",
    "velocitytrader-fleet",
    "portfolio-risk-overview",
    "instrument-physics-view",
    "agent-performance-rl",
    "risk-engine-circuit",
    "run-control-meta",
];
/// Labels Prometheus or the exporter's global labels add to every series:
/// the target's, and the fleet identity labels (`engine`, `account`, `mode`;
/// absent on single-engine setups, which is why the dashboards' "All" for
/// them is `.*`).
pub const TARGET_LABELS: [&str; 5] = ["instance", "job", "engine", "account", "mode"];
/// The grouping label of pushed batch runs (the Pushgateway's grouping key),
/// on series scraped from the Pushgateway with `honor_labels`.
pub const BATCH_LABELS: [&str; 1] = ["run_id"];
/// Fleet identity labels: a dashboard variable and matcher each.
pub const FLEET_LABELS: [&str; 3] = ["engine", "account", "mode"];
/// Template variables every dashboard defines, and the label each filters.
pub const LABEL_VARS: [(&str, &str); 3] = [
    ("agent", "agent"),
    ("symbol", "symbol"),
    ("timeframe", "timeframe"),
];
pub const DATASOURCE_UID: &str = "velocitytrader-prometheus";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn asset(path: &str) -> &'static str {
    assets::find(path)
        .unwrap_or_else(|| panic!("asset {path} is not embedded"))
        .contents
}

pub fn dashboards() -> Vec<(String, Json)> {
    UIDS.iter()
        .map(|uid| {
            let path = format!("dashboards/{uid}.json");
            let json = serde_json::from_str(asset(&path)).unwrap_or_else(|e| panic!("{path}: {e}"));
            (path, json)
        })
        .collect()
}

pub fn yaml(path: &str) -> Yaml {
    serde_yaml::from_str(asset(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ── Grafana variables ──────────────────────────────────────────────────────

/// Replaces Grafana's variables with values that keep the expression valid;
/// a label variable `$x` becomes the regex `VAR_x` so checks can see it.
pub fn substitute(expr: &str) -> String {
    let mut out = expr
        .replace("${datasource}", "VAR_datasource")
        .replace("$__rate_interval", "5m")
        .replace("$__interval", "1m")
        .replace("$__range", "1h");
    for var in [
        "job",
        "instance",
        "engine",
        "account",
        "mode",
        "agent",
        "symbol",
        "timeframe",
    ] {
        out = out
            .replace(&format!("${{{var}}}"), &format!("VAR_{var}"))
            .replace(&format!("${var}"), &format!("VAR_{var}"));
    }
    out
}

pub fn variables_used(text: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        let name: String = rest
            .trim_start_matches('{')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.starts_with("__") && !name.is_empty() {
            used.insert(name);
        }
    }
    used
}

// ── dashboard structure ────────────────────────────────────────────────────

pub fn all_panels(dash: &Json) -> Vec<&Json> {
    let mut out = Vec::new();
    for p in dash["panels"].as_array().expect("panels") {
        out.push(p);
        if let Some(inner) = p["panels"].as_array() {
            out.extend(inner);
        }
    }
    out
}

pub struct Target<'a> {
    pub panel: &'a Json,
    pub target: &'a Json,
    pub expr: &'a str,
}

pub fn targets(dash: &Json) -> Vec<Target<'_>> {
    let mut out = Vec::new();
    for panel in all_panels(dash) {
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = target["expr"]
                .as_str()
                .unwrap_or_else(|| panic!("target without expr in {}", panel["title"]));
            out.push(Target {
                panel,
                target,
                expr,
            });
        }
    }
    out
}

pub fn template_queries(dash: &Json) -> Vec<(&str, String)> {
    dash["templating"]["list"]
        .as_array()
        .expect("templating.list")
        .iter()
        .filter(|v| v["type"] == "query")
        .map(|v| {
            let q = v["query"]["query"]
                .as_str()
                .or_else(|| v["query"].as_str())
                .expect("variable query");
            (v["name"].as_str().expect("name"), q.to_owned())
        })
        .collect()
}

/// `label_values(selector, label)` → (selector, label).
pub fn label_values(query: &str) -> (String, String) {
    let inner = query
        .trim()
        .strip_prefix("label_values(")
        .and_then(|q| q.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not a label_values() query: {query}"));
    let (selector, label) = inner
        .rsplit_once(',')
        .unwrap_or_else(|| panic!("label_values without label: {query}"));
    (selector.trim().to_owned(), label.trim().to_owned())
}

pub fn unit_for(panel: &Json, ref_id: &str) -> String {
    for o in panel["fieldConfig"]["overrides"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let (id, opt) = (
            o["matcher"]["id"].as_str(),
            o["matcher"]["options"].as_str(),
        );
        let hit = match id {
            Some("byFrameRefID") => opt == Some(ref_id),
            Some("byName") => opt == Some(&format!("Value #{ref_id}")),
            _ => false,
        };
        if hit {
            for prop in o["properties"].as_array().into_iter().flatten() {
                if prop["id"] == "unit" {
                    return prop["value"].as_str().unwrap_or_default().to_owned();
                }
            }
        }
    }
    panel["fieldConfig"]["defaults"]["unit"]
        .as_str()
        .unwrap_or("none")
        .to_owned()
}

pub fn color_at(steps: &Json, value: f64) -> String {
    let mut color = String::new();
    for step in steps.as_array().expect("threshold steps") {
        if step["value"].is_null() || step["value"].as_f64().is_some_and(|v| value >= v) {
            color = step["color"].as_str().unwrap_or_default().to_owned();
        }
    }
    color
}

// ── rules ──────────────────────────────────────────────────────────────────

pub struct Rule {
    pub record: Option<String>,
    pub alert: Option<String>,
    pub expr: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

pub fn rules() -> Vec<Rule> {
    let doc = yaml("alerts/velocitytrader.rules.yml");
    let mut out = Vec::new();
    for group in doc["groups"].as_sequence().expect("groups") {
        for r in group["rules"].as_sequence().expect("rules") {
            let map = |key: &str| -> BTreeMap<String, String> {
                r[key]
                    .as_mapping()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| {
                        (
                            k.as_str().unwrap().to_owned(),
                            v.as_str().unwrap().to_owned(),
                        )
                    })
                    .collect()
            };
            out.push(Rule {
                record: r["record"].as_str().map(str::to_owned),
                alert: r["alert"].as_str().map(str::to_owned),
                expr: r["expr"].as_str().expect("expr").to_owned(),
                labels: map("labels"),
                annotations: map("annotations"),
            });
        }
    }
    out
}

pub fn alert<'a>(rules: &'a [Rule], name: &str) -> &'a Rule {
    rules
        .iter()
        .find(|r| r.alert.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no alert {name}"))
}

// ═══ tests ═════════════════════════════════════════════════════════════════

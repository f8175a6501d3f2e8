//! Every query of the shipped dashboards and recording rules, with Grafana's
//! variables set to one engine of a fleet (a "subject"), and which queries
//! apply to which kind of engine.
#![allow(dead_code, reason = "each test crate uses a different part")]

use serde_json::Value as Json;
use velocity_metrics::assets;

/// One engine of the fleet as the dashboards select it.
#[derive(Debug, Clone)]
pub struct Subject {
    pub engine: String,
    pub account: String,
    pub mode: &'static str,
    pub job: &'static str,
    /// `host:port` for a scraped engine, the run_id for a pushed backtest.
    pub instance: String,
    /// When to evaluate (Unix seconds): a backtest just after its run,
    /// while its rates are not yet zero; an engine now (`None`).
    pub at: Option<f64>,
}

impl Subject {
    /// Every engine, as Grafana's "All" selects them (each variable's
    /// `allValue`: `.+` for the target labels, `.*` for labels a series may
    /// lack); a serving engine's checks apply.
    pub fn all() -> Self {
        Subject {
            engine: ".*".into(),
            account: ".*".into(),
            mode: ".*",
            job: ".+",
            instance: ".+".into(),
            at: None,
        }
    }

    pub fn backtest(&self) -> bool {
        self.mode == "backtest"
    }

    /// Grafana's substitution of the variables, with this engine selected
    /// and "All" (`.*`) for the breakdown labels.
    pub fn substitute(&self, expr: &str) -> String {
        let mut out = expr
            .replace("$__rate_interval", "30s")
            .replace("$__interval", "2s")
            .replace("$__range", "1m");
        for (var, value) in [
            ("job", self.job),
            ("instance", self.instance.as_str()),
            ("engine", self.engine.as_str()),
            ("account", self.account.as_str()),
            ("mode", self.mode),
            ("agent", ".*"),
            ("symbol", ".*"),
            ("timeframe", ".*"),
        ] {
            out = out
                .replace(&format!("${{{var}}}"), value)
                .replace(&format!("${var}"), value);
        }
        out
    }
}

/// One query to check.
#[derive(Debug, Clone)]
pub struct Check {
    /// Dashboard file and panel title, or the recording rule.
    pub dashboard: String,
    pub panel: String,
    pub ref_id: String,
    pub expr: String,
    /// For `label_values` variables: the label the result must carry.
    pub label: Option<String>,
}

impl Check {
    pub fn what(&self) -> String {
        format!("{} `{}` {}", self.dashboard, self.panel, self.ref_id)
    }

    /// Whether the query can have data for this kind of engine: queries
    /// that select `mode="backtest"` (or push failures) are about backtests
    /// only, those with `mode!="backtest"` about live and paper engines only.
    pub fn applies_to(&self, subject: &Subject) -> bool {
        // Only batch runs push, so only they count push failures.
        if self.expr.contains("mode=\"backtest\"")
            || self.expr.contains("velocitytrader_push_failures_total")
        {
            subject.backtest()
        } else if self.expr.contains("mode!=\"backtest\"") {
            !subject.backtest()
        } else {
            true
        }
    }
}

/// Every panel target and template variable of every shipped dashboard, and
/// every recording rule (filtered by the engine's identity).
pub fn all_checks() -> Vec<Check> {
    let mut out = Vec::new();
    for asset in assets::ALL.iter().filter(|a| a.path.ends_with(".json")) {
        let dash: Json = serde_json::from_str(asset.contents).unwrap();
        let mut panels: Vec<&Json> = Vec::new();
        for p in dash["panels"].as_array().unwrap() {
            panels.push(p);
            panels.extend(p["panels"].as_array().into_iter().flatten());
        }
        for p in panels {
            for t in p["targets"].as_array().into_iter().flatten() {
                out.push(Check {
                    dashboard: asset.path.to_owned(),
                    panel: p["title"].as_str().unwrap_or_default().to_owned(),
                    ref_id: t["refId"].as_str().unwrap_or_default().to_owned(),
                    expr: t["expr"].as_str().unwrap().to_owned(),
                    label: None,
                });
            }
        }
        for v in dash["templating"]["list"].as_array().unwrap() {
            if v["type"] != "query" {
                continue;
            }
            let q = v["query"]["query"]
                .as_str()
                .or_else(|| v["query"].as_str())
                .unwrap();
            let inner = q
                .strip_prefix("label_values(")
                .and_then(|q| q.strip_suffix(')'))
                .unwrap();
            let (selector, label) = inner.rsplit_once(',').unwrap();
            out.push(Check {
                dashboard: asset.path.to_owned(),
                panel: format!("variable {}", v["name"].as_str().unwrap()),
                ref_id: String::new(),
                expr: selector.trim().to_owned(),
                label: Some(label.trim().to_owned()),
            });
        }
    }
    let rules: serde_yaml::Value = serde_yaml::from_str(
        assets::find("alerts/velocitytrader.rules.yml")
            .unwrap()
            .contents,
    )
    .unwrap();
    for group in rules["groups"].as_sequence().unwrap() {
        for rule in group["rules"].as_sequence().unwrap() {
            if let Some(name) = rule["record"].as_str() {
                out.push(Check {
                    dashboard: "alerts/velocitytrader.rules.yml".into(),
                    panel: format!("recording rule {name}"),
                    ref_id: String::new(),
                    expr: format!(
                        "{name}{{job=~\"$job\", instance=~\"$instance\", engine=~\"$engine\", account=~\"$account\", mode=~\"$mode\"}}"
                    ),
                    label: None,
                });
            }
        }
    }
    out
}

//! `promtool test rules` cases: input series, and when which alert fires
//! with which labels and texts. Severity, alertgroup and the runbook link of
//! an expected alert come from its definition.

use std::collections::BTreeMap;

use super::{Alert, RUNBOOK_PAGE};
use crate::yaml::{self, Item, Yaml, map, n, s, seq};

/// The external URL the cases run with (the compose stack's Prometheus).
pub const EXTERNAL_URL: &str = "http://localhost:9091";

/// An alert expected to fire: its labels beyond severity and alertgroup,
/// and its summary and description as rendered.
#[derive(Debug, Clone)]
pub struct Expected {
    labels: Vec<(String, String)>,
    summary: String,
    description: String,
}

#[derive(Debug, Clone)]
enum Check {
    Alert {
        at: String,
        name: &'static str,
        expected: Vec<Expected>,
    },
    Expr {
        at: String,
        expr: String,
        samples: Vec<(String, String)>,
    },
}

/// One test case.
#[derive(Debug, Clone)]
pub struct Case {
    name: String,
    external_labels: Vec<(String, String)>,
    series: Vec<(String, String)>,
    checks: Vec<Check>,
}

/// A case named `name` (what it shows).
#[must_use]
pub fn case(name: &str) -> Case {
    Case {
        name: name.to_owned(),
        external_labels: Vec::new(),
        series: Vec::new(),
        checks: Vec::new(),
    }
}

fn pairs(labels: &[(&str, &str)]) -> Vec<(String, String)> {
    labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

impl Case {
    /// An input series and its values (promtool's expanding notation).
    #[must_use]
    pub fn series(mut self, series: &str, values: &str) -> Self {
        self.series.push((series.to_owned(), values.to_owned()));
        self
    }

    /// Prometheus external labels for this case.
    #[must_use]
    pub fn external_labels(mut self, labels: &[(&str, &str)]) -> Self {
        self.external_labels = pairs(labels);
        self
    }

    /// `alert` does not fire at `at`.
    #[must_use]
    pub fn quiet(mut self, at: &str, alert: &'static str) -> Self {
        self.checks.push(Check::Alert {
            at: at.to_owned(),
            name: alert,
            expected: Vec::new(),
        });
        self
    }

    /// `alert` fires at `at` with these labels and texts (several calls for
    /// the same time and alert expect several alerts).
    #[must_use]
    pub fn fires(
        mut self,
        at: &str,
        alert: &'static str,
        labels: &[(&str, &str)],
        summary: &str,
        description: &str,
    ) -> Self {
        let expected = Expected {
            labels: pairs(labels),
            summary: summary.to_owned(),
            description: description.to_owned(),
        };
        if let Some(Check::Alert {
            at: last_at,
            name,
            expected: list,
        }) = self.checks.last_mut()
        {
            if last_at == at && *name == alert && !list.is_empty() {
                list.push(expected);
                return self;
            }
        }
        self.checks.push(Check::Alert {
            at: at.to_owned(),
            name: alert,
            expected: vec![expected],
        });
        self
    }

    /// `expr` evaluated at `at` gives exactly these samples (labels, value).
    #[must_use]
    pub fn expr(mut self, at: &str, expr: &str, samples: &[(&str, &str)]) -> Self {
        self.checks.push(Check::Expr {
            at: at.to_owned(),
            expr: expr.to_owned(),
            samples: pairs(samples),
        });
        self
    }

    /// The alerts this case shows firing, and those it shows quiet.
    #[must_use]
    pub fn alert_checks(&self) -> Vec<(&'static str, bool)> {
        self.checks
            .iter()
            .filter_map(|c| match c {
                Check::Alert { name, expected, .. } => Some((*name, !expected.is_empty())),
                Check::Expr { .. } => None,
            })
            .collect()
    }

    fn yaml(&self, alerts: &BTreeMap<&str, &Alert>) -> Yaml {
        let series = seq(self.series.iter().map(|(series, values)| {
            map()
                .kv("series", s(series))
                .kv("values", s(values))
                .build()
        }));
        let mut rule_tests = Vec::new();
        let mut expr_tests = Vec::new();
        for check in &self.checks {
            match check {
                Check::Alert { at, name, expected } => {
                    let alert = alerts
                        .get(name)
                        .unwrap_or_else(|| panic!("case `{}`: no alert {name}", self.name));
                    let exp = seq(expected.iter().map(|e| {
                        let mut labels = map();
                        for (k, v) in &e.labels {
                            labels = labels.kv(k, s(v));
                        }
                        let labels = labels
                            .kv("severity", s(alert.severity.label()))
                            .kv("alertgroup", s(alert.group));
                        let base = self
                            .external_labels
                            .iter()
                            .find(|(k, _)| k == "runbook_base_url")
                            .map_or_else(
                                || format!("{EXTERNAL_URL}/user/{RUNBOOK_PAGE}"),
                                |(_, b)| b.clone(),
                            );
                        let runbook = format!("{base}#{}", name.to_lowercase());
                        map()
                            .kv("exp_labels", labels.build())
                            .kv(
                                "exp_annotations",
                                map()
                                    .kv("summary", s(&e.summary))
                                    .kv("description", s(&e.description))
                                    .kv("runbook_url", s(runbook))
                                    .build(),
                            )
                            .build()
                    }));
                    rule_tests.push(
                        map()
                            .kv("eval_time", s(at))
                            .kv("alertname", s(*name))
                            .kv("exp_alerts", exp)
                            .build(),
                    );
                }
                Check::Expr { at, expr, samples } => expr_tests.push(
                    map()
                        .kv("expr", s(expr))
                        .kv("eval_time", s(at))
                        .kv(
                            "exp_samples",
                            seq(samples.iter().map(|(labels, value)| {
                                map().kv("labels", s(labels)).kv("value", n(value)).build()
                            })),
                        )
                        .build(),
                ),
            }
        }
        let mut external = map();
        for (k, v) in &self.external_labels {
            external = external.kv(k, s(v));
        }
        map()
            .kv("name", s(&self.name))
            .kv("interval", s("1m"))
            .kv("external_url", s(EXTERNAL_URL))
            .opt(
                "external_labels",
                (!self.external_labels.is_empty()).then(|| external.build()),
            )
            .kv("input_series", series)
            .opt(
                "alert_rule_test",
                (!rule_tests.is_empty()).then(|| seq(rule_tests)),
            )
            .opt(
                "promql_expr_test",
                (!expr_tests.is_empty()).then(|| seq(expr_tests)),
            )
            .build()
    }
}

/// The test file for the Prometheus rule file.
#[must_use]
pub fn test_file(header: &str, cases: &[Case], alerts: &[&Alert]) -> String {
    let by_name: BTreeMap<&str, &Alert> = alerts.iter().map(|a| (a.name, *a)).collect();
    let tests: Vec<Item> = cases
        .iter()
        .map(|c| yaml::item("", c.yaml(&by_name)))
        .collect();
    yaml::document(
        header,
        &map()
            .kv("rule_files", seq([s("velocitytrader.rules.yml")]))
            .kv("evaluation_interval", s("1m"))
            .kv("tests", Yaml::Seq(tests))
            .build(),
    )
}

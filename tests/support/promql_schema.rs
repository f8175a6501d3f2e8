//! What a series is: the catalogue, `up` and the recording rules as a schema
//! PromQL expressions are checked against.
#![allow(dead_code, reason = "each test crate uses a different part")]

use std::collections::{BTreeSet, HashMap};

use promql_parser::label::{MatchOp, Matchers};
use promql_parser::parser::{self, Expr, LabelModifier, VectorMatchCardinality, VectorSelector};
use velocity_metrics::catalogue::{self, MetricKind, Unit};

use super::asset_files::*;

// ── what a series is ───────────────────────────────────────────────────────

/// The allow-list of series outside the catalogue (besides `up`): name,
/// type, labels (target labels come on top).
pub const SELF_METRICS: &[(&str, MetricKind, &[&str])] = &[
    (
        "prometheus_rule_evaluation_failures_total",
        MetricKind::Counter,
        &["rule_group"],
    ),
    (
        "prometheus_notifications_errors_total",
        MetricKind::Counter,
        &["alertmanager"],
    ),
    (
        "prometheus_config_last_reload_successful",
        MetricKind::Gauge,
        &[],
    ),
    (
        "alertmanager_notifications_failed_total",
        MetricKind::Counter,
        &["integration", "reason"],
    ),
    (
        "alertmanager_config_last_reload_successful",
        MetricKind::Gauge,
        &[],
    ),
    // The Pushgateway's own series per pushed group (run_id is its
    // grouping label, on every series through BATCH_LABELS).
    ("push_time_seconds", MetricKind::Gauge, &[]),
    (
        "ALERTS",
        MetricKind::Gauge,
        &["alertname", "alertstate", "severity", "alertgroup"],
    ),
];

/// Gauges that never fall within a process, documented to be read with
/// `rate()` (their catalogue help says so): `rate()` of them is allowed.
pub const MONOTONIC_GAUGES: &[&str] = &["velocitytrader_process_cpu_seconds"];

#[derive(Debug, Clone)]
pub struct Series {
    pub kind: MetricKind,
    pub unit: Option<Unit>,
    pub labels: BTreeSet<String>,
}

/// Every series name an expression may use: catalogue (with histogram
/// suffixes), `up`, and the recording rules, whose labels are derived from
/// their expressions.
pub struct Schema {
    pub series: HashMap<String, Series>,
}

impl Schema {
    pub fn new() -> Self {
        let mut series = HashMap::new();
        let with_targets = |labels: &[&str]| -> BTreeSet<String> {
            labels
                .iter()
                .chain(TARGET_LABELS.iter())
                .chain(BATCH_LABELS.iter())
                .map(|s| (*s).to_owned())
                .collect()
        };
        for def in catalogue::METRICS {
            let labels = with_targets(def.labels);
            if def.kind == MetricKind::Histogram {
                let mut bucket = labels.clone();
                bucket.insert("le".into());
                series.insert(
                    format!("{}_bucket", def.name),
                    Series {
                        kind: MetricKind::Counter,
                        unit: None,
                        labels: bucket,
                    },
                );
                for suffix in ["_sum", "_count"] {
                    series.insert(
                        format!("{}{suffix}", def.name),
                        Series {
                            kind: MetricKind::Counter,
                            unit: None,
                            labels: labels.clone(),
                        },
                    );
                }
            } else {
                series.insert(
                    def.name.to_owned(),
                    Series {
                        kind: def.kind,
                        unit: Some(def.unit),
                        labels,
                    },
                );
            }
        }
        series.insert(
            "up".into(),
            Series {
                kind: MetricKind::Gauge,
                unit: None,
                labels: with_targets(&[]),
            },
        );
        // Prometheus's and Alertmanager's own series the meta alerts judge,
        // and the ALERTS series Prometheus writes for every alert.
        for (name, kind, labels) in SELF_METRICS {
            series.insert(
                (*name).to_owned(),
                Series {
                    kind: *kind,
                    unit: None,
                    labels: with_targets(labels),
                },
            );
        }
        let mut schema = Schema { series };
        for rule in rules() {
            if let Some(name) = rule.record {
                let expr = parse(&rule.expr).unwrap_or_else(|e| panic!("record {name}: {e}"));
                let labels = schema.output_labels(&expr).unwrap_or_default();
                let unit = match name.rsplit(':').next() {
                    Some("percent") => Some(Unit::Percent),
                    Some("ratio") => Some(Unit::Ratio),
                    Some("count") => Some(Unit::Count),
                    _ => None,
                };
                schema.series.insert(
                    name,
                    Series {
                        kind: MetricKind::Gauge,
                        unit,
                        labels,
                    },
                );
            }
        }
        schema
    }

    pub fn get(&self, name: &str) -> Option<&Series> {
        self.series.get(name)
    }

    /// Labels of an expression's result; `None` for a scalar.
    pub fn output_labels(&self, expr: &Expr) -> Option<BTreeSet<String>> {
        match expr {
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => None,
            Expr::VectorSelector(vs) => Some(self.selector_labels(vs)),
            Expr::MatrixSelector(ms) => Some(self.selector_labels(&ms.vs)),
            Expr::Paren(p) => self.output_labels(&p.expr),
            Expr::Unary(u) => self.output_labels(&u.expr),
            Expr::Subquery(s) => self.output_labels(&s.expr),
            Expr::Aggregate(agg) => {
                let inner = self.output_labels(&agg.expr).unwrap_or_default();
                let op = agg.op.to_string().to_lowercase();
                match &agg.modifier {
                    Some(LabelModifier::Include(l)) => Some(l.labels.iter().cloned().collect()),
                    Some(LabelModifier::Exclude(l)) => Some(
                        inner
                            .into_iter()
                            .filter(|x| !l.labels.contains(x))
                            .collect(),
                    ),
                    None if matches!(op.as_str(), "topk" | "bottomk" | "limitk") => Some(inner),
                    None => Some(BTreeSet::new()),
                }
            }
            Expr::Call(call) => match call.func.name {
                "time" | "scalar" | "pi" => None,
                "vector" => Some(BTreeSet::new()),
                "absent" | "absent_over_time" => Some(equality_labels(&call.args.args[0])),
                "histogram_quantile" => {
                    let mut labels = self.output_labels(&call.args.args[1]).unwrap_or_default();
                    labels.remove("le");
                    Some(labels)
                }
                _ => call.args.args.iter().find_map(|a| self.output_labels(a)),
            },
            Expr::Binary(b) => {
                let (lhs, rhs) = (self.output_labels(&b.lhs), self.output_labels(&b.rhs));
                let (lhs, rhs) = match (lhs, rhs) {
                    (None, r) => return r,
                    (l, None) => return l,
                    (Some(l), Some(r)) => (l, r),
                };
                let modifier = b.modifier.as_ref();
                if b.op.to_string() == "or" {
                    return Some(lhs.union(&rhs).cloned().collect());
                }
                if b.op.is_set_operator()
                    || b.op.is_comparison_operator() && !modifier.is_some_and(|m| m.return_bool)
                {
                    return Some(lhs);
                }
                match modifier.map(|m| (&m.card, &m.matching)) {
                    Some((VectorMatchCardinality::ManyToOne(extra), _)) => Some(
                        lhs.into_iter()
                            .chain(extra.labels.iter().cloned())
                            .collect(),
                    ),
                    Some((VectorMatchCardinality::OneToMany(extra), _)) => Some(
                        rhs.into_iter()
                            .chain(extra.labels.iter().cloned())
                            .collect(),
                    ),
                    Some((_, Some(LabelModifier::Include(on)))) => {
                        Some(on.labels.iter().cloned().collect())
                    }
                    Some((_, Some(LabelModifier::Exclude(ign)))) => Some(
                        lhs.into_iter()
                            .filter(|x| !ign.labels.contains(x))
                            .collect(),
                    ),
                    _ => Some(lhs),
                }
            }
        }
    }

    pub fn selector_labels(&self, vs: &VectorSelector) -> BTreeSet<String> {
        vs.name
            .as_deref()
            .and_then(|n| self.get(n))
            .map(|s| s.labels.clone())
            .unwrap_or_default()
    }

    /// Every problem with an expression's series, labels and functions.
    pub fn check(&self, expr: &Expr, errors: &mut Vec<String>) {
        match expr {
            Expr::VectorSelector(vs) => self.check_selector(vs, errors),
            Expr::MatrixSelector(ms) => self.check_selector(&ms.vs, errors),
            Expr::Paren(p) => self.check(&p.expr, errors),
            Expr::Unary(u) => self.check(&u.expr, errors),
            Expr::Subquery(s) => self.check(&s.expr, errors),
            Expr::Aggregate(agg) => {
                self.check(&agg.expr, errors);
                if let Some(p) = &agg.param {
                    self.check(p, errors);
                }
                if let Some(LabelModifier::Include(l) | LabelModifier::Exclude(l)) = &agg.modifier {
                    let inner = self.output_labels(&agg.expr).unwrap_or_default();
                    for label in &l.labels {
                        if !inner.contains(label) {
                            errors.push(format!(
                                "aggregation by/without `{label}`, which `{}` lacks",
                                agg.expr
                            ));
                        }
                    }
                }
            }
            Expr::Call(call) => {
                for arg in &call.args.args {
                    self.check(arg, errors);
                }
                if matches!(call.func.name, "rate" | "irate" | "increase" | "resets") {
                    match call.args.args.first().map(AsRef::as_ref) {
                        Some(Expr::MatrixSelector(ms)) => {
                            let name = ms.vs.name.as_deref().unwrap_or_default();
                            if self
                                .get(name)
                                .is_some_and(|s| s.kind != MetricKind::Counter)
                                && !MONOTONIC_GAUGES.contains(&name)
                            {
                                errors.push(format!(
                                    "{}() of `{name}`, which is not a counter",
                                    call.func.name
                                ));
                            }
                        }
                        _ => errors.push(format!("{}() without a range selector", call.func.name)),
                    }
                }
            }
            Expr::Binary(b) => {
                self.check(&b.lhs, errors);
                self.check(&b.rhs, errors);
                if let Some(Some(LabelModifier::Include(on))) =
                    b.modifier.as_ref().map(|m| &m.matching)
                {
                    for side in [&b.lhs, &b.rhs] {
                        let labels = self.output_labels(side).unwrap_or_default();
                        for label in &on.labels {
                            if !labels.contains(label) {
                                errors.push(format!("on({label}) but `{side}` has no such label"));
                            }
                        }
                    }
                }
            }
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
        }
    }

    pub fn check_selector(&self, vs: &VectorSelector, errors: &mut Vec<String>) {
        let Some(name) = vs.name.as_deref() else {
            errors.push(format!("selector `{vs}` has no metric name"));
            return;
        };
        let Some(series) = self.get(name) else {
            errors.push(format!(
                "`{name}` is not in the catalogue, a recording rule or `up`"
            ));
            return;
        };
        for m in all_matchers(&vs.matchers) {
            if m.name != "__name__" && !series.labels.contains(&m.name) {
                errors.push(format!("`{name}` has no label `{}`", m.name));
            }
        }
    }
}

pub fn all_matchers(m: &Matchers) -> impl Iterator<Item = &promql_parser::label::Matcher> {
    m.matchers.iter().chain(m.or_matchers.iter().flatten())
}

pub fn equality_labels(expr: &Expr) -> BTreeSet<String> {
    match expr {
        Expr::VectorSelector(vs) => all_matchers(&vs.matchers)
            .filter(|m| m.op == MatchOp::Equal && m.name != "__name__")
            .map(|m| m.name.clone())
            .collect(),
        Expr::MatrixSelector(ms) => equality_labels(&Expr::VectorSelector(ms.vs.clone())),
        _ => BTreeSet::new(),
    }
}

pub fn parse(expr: &str) -> Result<Expr, String> {
    parser::parse(expr)
}

/// Every vector selector in an expression, with whether it sits inside a
/// rate-like function.
pub fn selectors<'a>(expr: &'a Expr, in_rate: bool, out: &mut Vec<(&'a VectorSelector, bool)>) {
    match expr {
        Expr::VectorSelector(vs) => out.push((vs, in_rate)),
        Expr::MatrixSelector(ms) => out.push((&ms.vs, in_rate)),
        Expr::Paren(p) => selectors(&p.expr, in_rate, out),
        Expr::Unary(u) => selectors(&u.expr, in_rate, out),
        Expr::Subquery(s) => selectors(&s.expr, in_rate, out),
        Expr::Aggregate(a) => selectors(&a.expr, in_rate, out),
        Expr::Call(c) => {
            let rate = in_rate || matches!(c.func.name, "rate" | "irate" | "increase");
            for a in &c.args.args {
                selectors(a, rate, out);
            }
        }
        Expr::Binary(b) => {
            selectors(&b.lhs, in_rate, out);
            selectors(&b.rhs, in_rate, out);
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// The single series whose value (and so unit) an expression passes through,
/// if it is a selector possibly wrapped in parens, minus, or a value-preserving
/// aggregation.
pub fn passthrough(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::VectorSelector(vs) => vs.name.as_deref(),
        Expr::Paren(p) => passthrough(&p.expr),
        Expr::Unary(u) => passthrough(&u.expr),
        Expr::Aggregate(a)
            if matches!(a.op.to_string().as_str(), "sum" | "min" | "max" | "avg") =>
        {
            passthrough(&a.expr)
        }
        _ => None,
    }
}

/// Grafana units acceptable for a catalogue unit.
pub fn grafana_units(unit: Unit) -> &'static [&'static str] {
    match unit {
        Unit::Percent => &["percent"],
        Unit::Fraction => &["percentunit"],
        Unit::Currency => &["short", "none", "currency"],
        Unit::Seconds => &["s", "dtdurations"],
        Unit::Milliseconds => &["ms"],
        Unit::Count => &["short", "none"],
        Unit::RadiansPerSecond => &["rotrads"],
        Unit::Timestamp => &["dateTimeAsIso", "dateTimeFromNow"],
        Unit::Bytes => &["bytes", "decbytes"],
        _ => &["none", "short"],
    }
}

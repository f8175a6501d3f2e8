//! The shipped monitoring assets agree with the metric catalogue and with
//! themselves: every PromQL expression parses and names catalogue series with
//! labels they have; dashboards are structurally sound; alert rules carry what
//! Alertmanager and on-call need; the compose stack is wired consistently; and
//! `assets::write_to` round-trips.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use promql_parser::label::{MatchOp, Matchers};
use promql_parser::parser::{self, Expr, LabelModifier, VectorMatchCardinality, VectorSelector};
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;
use velocity_metrics::assets::{self, AssetError, Overwrite};
use velocity_metrics::catalogue::{self, MetricKind, Unit};

const UIDS: [&str; 5] = [
    "velocitytrader-performance",
    "velocitytrader-agents",
    "velocitytrader-physics",
    "velocitytrader-risk",
    "velocitytrader-system",
];
/// Labels Prometheus or the exporter's global labels add to every series.
const TARGET_LABELS: [&str; 3] = ["instance", "job", "account"];
/// Template variables every dashboard defines, and the label each filters.
const LABEL_VARS: [(&str, &str); 3] = [
    ("agent", "agent"),
    ("symbol", "symbol"),
    ("timeframe", "timeframe"),
];
const DATASOURCE_UID: &str = "velocitytrader-prometheus";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn asset(path: &str) -> &'static str {
    assets::find(path)
        .unwrap_or_else(|| panic!("asset {path} is not embedded"))
        .contents
}

fn dashboards() -> Vec<(String, Json)> {
    UIDS.iter()
        .map(|uid| {
            let path = format!("dashboards/{uid}.json");
            let json = serde_json::from_str(asset(&path)).unwrap_or_else(|e| panic!("{path}: {e}"));
            (path, json)
        })
        .collect()
}

fn yaml(path: &str) -> Yaml {
    serde_yaml::from_str(asset(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ── what a series is ───────────────────────────────────────────────────────

#[derive(Debug, Clone)]
struct Series {
    kind: MetricKind,
    unit: Option<Unit>,
    labels: BTreeSet<String>,
}

/// Every series name an expression may use: catalogue (with histogram
/// suffixes), `up`, and the recording rules, whose labels are derived from
/// their expressions.
struct Schema {
    series: HashMap<String, Series>,
}

impl Schema {
    fn new() -> Self {
        let mut series = HashMap::new();
        let with_targets = |labels: &[&str]| -> BTreeSet<String> {
            labels
                .iter()
                .chain(TARGET_LABELS.iter())
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

    fn get(&self, name: &str) -> Option<&Series> {
        self.series.get(name)
    }

    /// Labels of an expression's result; `None` for a scalar.
    fn output_labels(&self, expr: &Expr) -> Option<BTreeSet<String>> {
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

    fn selector_labels(&self, vs: &VectorSelector) -> BTreeSet<String> {
        vs.name
            .as_deref()
            .and_then(|n| self.get(n))
            .map(|s| s.labels.clone())
            .unwrap_or_default()
    }

    /// Every problem with an expression's series, labels and functions.
    fn check(&self, expr: &Expr, errors: &mut Vec<String>) {
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

    fn check_selector(&self, vs: &VectorSelector, errors: &mut Vec<String>) {
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

fn all_matchers(m: &Matchers) -> impl Iterator<Item = &promql_parser::label::Matcher> {
    m.matchers.iter().chain(m.or_matchers.iter().flatten())
}

fn equality_labels(expr: &Expr) -> BTreeSet<String> {
    match expr {
        Expr::VectorSelector(vs) => all_matchers(&vs.matchers)
            .filter(|m| m.op == MatchOp::Equal && m.name != "__name__")
            .map(|m| m.name.clone())
            .collect(),
        Expr::MatrixSelector(ms) => equality_labels(&Expr::VectorSelector(ms.vs.clone())),
        _ => BTreeSet::new(),
    }
}

fn parse(expr: &str) -> Result<Expr, String> {
    parser::parse(expr)
}

/// Every vector selector in an expression, with whether it sits inside a
/// rate-like function.
fn selectors<'a>(expr: &'a Expr, in_rate: bool, out: &mut Vec<(&'a VectorSelector, bool)>) {
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
fn passthrough(expr: &Expr) -> Option<&str> {
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
fn grafana_units(unit: Unit) -> &'static [&'static str] {
    match unit {
        Unit::Percent => &["percent"],
        Unit::Fraction => &["percentunit"],
        Unit::Currency => &["short", "none", "currency"],
        Unit::Seconds => &["s", "dtdurations"],
        Unit::Milliseconds => &["ms"],
        Unit::Count => &["short", "none"],
        Unit::RadiansPerSecond => &["suffix: rad/s"],
        Unit::Timestamp => &["dateTimeAsIso", "dateTimeFromNow"],
        _ => &["none", "short"],
    }
}

// ── Grafana variables ──────────────────────────────────────────────────────

/// Replaces Grafana's variables with values that keep the expression valid;
/// a label variable `$x` becomes the regex `VAR_x` so checks can see it.
fn substitute(expr: &str) -> String {
    let mut out = expr
        .replace("${datasource}", "VAR_datasource")
        .replace("$__rate_interval", "5m")
        .replace("$__interval", "1m")
        .replace("$__range", "1h");
    for var in ["instance", "agent", "symbol", "timeframe"] {
        out = out
            .replace(&format!("${{{var}}}"), &format!("VAR_{var}"))
            .replace(&format!("${var}"), &format!("VAR_{var}"));
    }
    out
}

fn variables_used(text: &str) -> BTreeSet<String> {
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

fn all_panels(dash: &Json) -> Vec<&Json> {
    let mut out = Vec::new();
    for p in dash["panels"].as_array().expect("panels") {
        out.push(p);
        if let Some(inner) = p["panels"].as_array() {
            out.extend(inner);
        }
    }
    out
}

struct Target<'a> {
    panel: &'a Json,
    target: &'a Json,
    expr: &'a str,
}

fn targets(dash: &Json) -> Vec<Target<'_>> {
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

fn template_queries(dash: &Json) -> Vec<(&str, String)> {
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
fn label_values(query: &str) -> (String, String) {
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

fn unit_for(panel: &Json, ref_id: &str) -> String {
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

fn color_at(steps: &Json, value: f64) -> String {
    let mut color = String::new();
    for step in steps.as_array().expect("threshold steps") {
        if step["value"].is_null() || step["value"].as_f64().is_some_and(|v| value >= v) {
            color = step["color"].as_str().unwrap_or_default().to_owned();
        }
    }
    color
}

// ── rules ──────────────────────────────────────────────────────────────────

struct Rule {
    record: Option<String>,
    alert: Option<String>,
    expr: String,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
}

fn rules() -> Vec<Rule> {
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

fn alert<'a>(rules: &'a [Rule], name: &str) -> &'a Rule {
    rules
        .iter()
        .find(|r| r.alert.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no alert {name}"))
}

// ═══ tests ═════════════════════════════════════════════════════════════════

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
                if !has("instance", "instance") {
                    errors.push(format!(
                        "{path} `{title}`: `{name}` not filtered by instance=~\"$instance\""
                    ));
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
fn dashboards_are_structurally_sound() {
    let mut errors = Vec::new();
    let ds = serde_json::json!({"type": "prometheus", "uid": "${datasource}"});
    let mut titles = BTreeSet::new();
    for ((path, dash), uid) in dashboards().iter().zip(UIDS) {
        let err = |errors: &mut Vec<String>, m: String| errors.push(format!("{path}: {m}"));
        if dash["uid"] != uid {
            err(&mut errors, format!("uid {} instead of {uid}", dash["uid"]));
        }
        if dash["schemaVersion"].as_u64().unwrap_or(0) < 38 {
            err(&mut errors, "schemaVersion below 38".into());
        }
        if !titles.insert(dash["title"].as_str().unwrap_or_default().to_owned()) {
            err(&mut errors, "duplicate title".into());
        }
        let text = serde_json::to_string(dash).unwrap();
        for banned in [
            "fillValue",
            "nullValueMode",
            "vector(0)",
            "\"Prometheus\"",
            "currencyUSD",
        ] {
            if text.contains(banned) {
                err(&mut errors, format!("contains `{banned}`"));
            }
        }
        // ids unique, grid within 24 columns, no overlap
        let panels = all_panels(dash);
        let mut ids = BTreeSet::new();
        let mut rects = Vec::new();
        for p in &panels {
            let title = p["title"].as_str().unwrap_or_default();
            let id = p["id"]
                .as_u64()
                .unwrap_or_else(|| panic!("{path}: panel `{title}` without id"));
            if !ids.insert(id) {
                err(&mut errors, format!("duplicate panel id {id}"));
            }
            let g = &p["gridPos"];
            let (x, y, w, h) = (
                g["x"].as_u64().unwrap(),
                g["y"].as_u64().unwrap(),
                g["w"].as_u64().unwrap(),
                g["h"].as_u64().unwrap(),
            );
            if w == 0 || h == 0 || x + w > 24 {
                err(&mut errors, format!("panel `{title}` has gridPos {g}"));
            }
            for (other, (ox, oy, ow, oh)) in &rects {
                if x < ox + ow && *ox < x + w && y < oy + oh && *oy < y + h {
                    err(
                        &mut errors,
                        format!("panels `{title}` and `{other}` overlap"),
                    );
                }
            }
            rects.push((title.to_owned(), (x, y, w, h)));
            if p["type"] == "row" {
                continue;
            }
            if p["datasource"] != ds {
                err(
                    &mut errors,
                    format!("panel `{title}` datasource is {}", p["datasource"]),
                );
            }
            let targets = p["targets"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            if targets.is_empty() {
                err(&mut errors, format!("panel `{title}` has no query"));
            }
            let mut refs = BTreeSet::new();
            for t in targets {
                if t["datasource"] != ds {
                    err(
                        &mut errors,
                        format!("panel `{title}` target datasource is {}", t["datasource"]),
                    );
                }
                if !refs.insert(t["refId"].as_str().unwrap_or_default()) {
                    err(&mut errors, format!("panel `{title}` repeats a refId"));
                }
            }
            if p["description"].as_str().is_none_or(str::is_empty) {
                err(&mut errors, format!("panel `{title}` has no description"));
            }
            // Single-value panels show the last real value, and "No data" when there is none.
            if matches!(
                p["type"].as_str(),
                Some("stat" | "gauge" | "bargauge" | "piechart")
            ) {
                if p["options"]["reduceOptions"]["calcs"] != serde_json::json!(["lastNotNull"]) {
                    err(
                        &mut errors,
                        format!("panel `{title}` does not reduce with lastNotNull"),
                    );
                }
                let no_value = &p["fieldConfig"]["defaults"]["noValue"];
                if !(no_value.is_null() || no_value == "No data") {
                    err(
                        &mut errors,
                        format!("panel `{title}` shows {no_value} for no data"),
                    );
                }
            }
            let exprs: Vec<&str> = targets.iter().filter_map(|t| t["expr"].as_str()).collect();
            if exprs
                .iter()
                .any(|e| e.contains("velocitytrader_regime_current"))
            {
                let maps = p["fieldConfig"]["defaults"]["mappings"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                for (code, name) in [
                    ("1", "CHAOTIC"),
                    ("2", "UNDERDAMPED"),
                    ("3", "CRITICALLY_DAMPED"),
                    ("4", "OVERDAMPED"),
                ] {
                    if !maps.iter().any(|m| m["options"][code]["text"] == name) {
                        err(
                            &mut errors,
                            format!("panel `{title}` does not map {code} to {name}"),
                        );
                    }
                }
            }
            // ζ colours follow physics and the regime colours.
            if exprs
                .iter()
                .any(|e| e.contains("velocitytrader_physics_damping_ratio"))
            {
                let steps = &p["fieldConfig"]["defaults"]["thresholds"]["steps"];
                let (under, critical, over) = (
                    color_at(steps, 0.5),
                    color_at(steps, 1.0),
                    color_at(steps, 1.5),
                );
                if (under.as_str(), critical.as_str(), over.as_str()) != ("orange", "green", "blue")
                {
                    err(
                        &mut errors,
                        format!("panel `{title}` colours ζ 0.5/1/1.5 as {under}/{critical}/{over}"),
                    );
                }
            }
            // No agent names hard-coded: agents come from the label.
            for e in &exprs {
                if e.contains("agent=\"") || e.contains("agent!=\"") {
                    err(
                        &mut errors,
                        format!("panel `{title}` hard-codes an agent: {e}"),
                    );
                }
            }
        }
        // Template variables.
        let vars = dash["templating"]["list"].as_array().expect("templating");
        let by_name: BTreeMap<&str, &Json> = vars
            .iter()
            .map(|v| (v["name"].as_str().unwrap(), v))
            .collect();
        let dsv = by_name.get("datasource").expect("datasource variable");
        if dsv["type"] != "datasource"
            || dsv["query"] != "prometheus"
            || dsv["current"]["value"] != DATASOURCE_UID
        {
            err(&mut errors, format!("datasource variable is {dsv}"));
        }
        let mut used = BTreeSet::new();
        for t in targets(dash) {
            used.extend(variables_used(t.expr));
        }
        for name in ["instance", "agent", "symbol", "timeframe"] {
            let Some(v) = by_name.get(name) else {
                err(&mut errors, format!("no `{name}` variable"));
                continue;
            };
            if v["type"] != "query"
                || v["multi"] != true
                || v["includeAll"] != true
                || v["datasource"] != ds
            {
                err(
                    &mut errors,
                    format!(
                        "variable `{name}` must be a multi-value query with All on ${{datasource}}"
                    ),
                );
            }
            let visible = v["hide"].as_u64() == Some(0);
            if visible != used.contains(name) {
                err(
                    &mut errors,
                    format!(
                        "variable `{name}` visible={visible} but used={}",
                        used.contains(name)
                    ),
                );
            }
        }
        for name in &used {
            if !by_name.contains_key(name.as_str()) {
                err(&mut errors, format!("uses undefined variable `${name}`"));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn alerts_carry_severity_group_summary_description_and_runbook() {
    let schema = Schema::new();
    let runbooks = std::fs::read_to_string(root().join("src/assets.rs")).unwrap();
    let mut errors = Vec::new();
    let all = rules();
    for rule in all.iter().filter(|r| r.alert.is_some()) {
        let name = rule.alert.as_deref().unwrap();
        let err = |errors: &mut Vec<String>, m: String| errors.push(format!("{name}: {m}"));
        if !matches!(
            rule.labels.get("severity").map(String::as_str),
            Some("critical" | "warning")
        ) {
            err(&mut errors, "severity must be critical or warning".into());
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
        if !url.ends_with(&format!("#{}", name.to_lowercase()))
            || !runbooks.contains(&format!("/// ### `{name}`\n"))
        {
            err(
                &mut errors,
                format!("runbook `{url}` has no matching heading in assets::runbooks"),
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
        &[
            "velocitytrader_current_drawdown>25",
            "velocitytrader_max_drawdown>25",
        ],
    );
    expect(
        "VelocityTraderDrawdownHigh",
        "warning",
        &[
            "velocitytrader_current_drawdown>15",
            "velocitytrader_max_drawdown>15",
        ],
    );
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
        &["velocitytrader_mt5_connection==0"],
    );
    expect(
        "VelocityTraderLowWinRate",
        "warning",
        &["velocitytrader_win_rate<40"],
    );
    expect(
        "VelocityTraderHighErrorRate",
        "warning",
        &["velocitytrader:errors:rate5m"],
    );
    expect(
        "VelocityTraderAgentUnderperforming",
        "warning",
        &["velocitytrader_agent_win_rate<35", "agent"],
    );
    expect(
        "VelocityTraderRLLowModelConfidence",
        "warning",
        &["velocitytrader_rl_model_confidence<0.3", "episodes"],
    );
    expect(
        "VelocityTraderRLHighExploration",
        "warning",
        &["velocitytrader_rl_exploration_rate>0.5", "episodes"],
    );
    expect(
        "VelocityTraderProfitFactorBelowOne",
        "warning",
        &["velocitytrader_profit_factor<1"],
    );
    expect(
        "VelocityTraderCriticalErrors",
        "warning",
        &["velocitytrader_errors_critical_total"],
    );
    // liveness never comes from a value the engine reports about itself
    for r in all
        .iter()
        .filter(|r| r.labels.get("alertgroup").is_some_and(|g| g == "liveness"))
    {
        assert!(
            r.expr.contains("up{"),
            "{:?} judges liveness without up",
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
            assert!(
                quiet.contains(&name),
                "no promtool test shows {name} not firing"
            );
        }
    }
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
    for severity in ["critical", "warning"] {
        let route = routes
            .iter()
            .find(|r| {
                r["matchers"].as_sequence().is_some_and(|m| {
                    m.iter()
                        .any(|m| m.as_str() == Some(&format!("severity=\"{severity}\"")))
                })
            })
            .unwrap_or_else(|| panic!("no route for {severity}"));
        assert!(receivers.contains(route["receiver"].as_str().unwrap()));
    }
    for template in ["slack_configs", "email_configs", "pagerduty_configs"] {
        assert!(
            text.contains(&format!("# {template}:")),
            "no commented {template} template"
        );
    }
    // The inhibit rule must be able to match: each critical alert has a warning
    // partner in its alertgroup, and the `equal` labels exist on both.
    let rule = &am["inhibit_rules"][0];
    assert_eq!(
        rule["source_matchers"][0].as_str(),
        Some("severity=\"critical\"")
    );
    assert_eq!(
        rule["target_matchers"][0].as_str(),
        Some("severity=\"warning\"")
    );
    let equal: Vec<&str> = rule["equal"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        equal.contains(&"alertgroup") && equal.contains(&"instance"),
        "{equal:?}"
    );
    let schema = Schema::new();
    let all = rules();
    let labels_of = |r: &Rule| {
        let mut l = schema
            .output_labels(&parse(&r.expr).unwrap())
            .unwrap_or_default();
        l.extend(r.labels.keys().cloned());
        l
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
            for label in &equal {
                assert!(
                    c.contains(*label) && w.contains(*label),
                    "{:?} / {:?}: `{label}` not on both, the inhibit rule could never match",
                    critical.alert,
                    warning.alert
                );
            }
            pairs += 1;
        }
    }
    assert!(pairs >= 3, "only {pairs} critical/warning pairs");
}

#[test]
fn compose_stack_is_wired_consistently() {
    let compose = yaml("deploy/docker-compose.yml");
    let services = &compose["services"];
    let strings = |v: &Yaml| -> Vec<String> {
        v.as_sequence()
            .into_iter()
            .flatten()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    let ports = |svc: &str| strings(&services[svc]["ports"]);
    assert!(ports("prometheus").contains(&"9091:9090".into()));
    assert!(ports("grafana").contains(&"3000:3000".into()));
    assert!(ports("alertmanager").contains(&"9093:9093".into()));
    assert!(
        strings(&services["prometheus"]["extra_hosts"])
            .contains(&"host.docker.internal:host-gateway".into())
    );
    let env = strings(&services["grafana"]["environment"]);
    assert!(
        env.contains(
            &"GF_SECURITY_ADMIN_PASSWORD=${GRAFANA_ADMIN_PASSWORD:-velocitytrader}".into()
        ),
        "{env:?}"
    );
    assert!(
        !env.iter().any(|e| e.starts_with("GF_INSTALL_PLUGINS")),
        "plugins need the internet at start-up"
    );
    // Every bind mount exists in the repository and is read-only.
    let mut mounts = BTreeMap::new();
    for (name, svc) in services.as_mapping().unwrap() {
        for volume in strings(&svc["volumes"]) {
            let parts: Vec<&str> = volume.split(':').collect();
            if parts[0].starts_with('.') {
                assert!(
                    root().join("deploy").join(parts[0]).exists(),
                    "{name:?}: {volume} does not exist"
                );
                assert_eq!(
                    parts.get(2),
                    Some(&"ro"),
                    "{name:?}: {volume} is not read-only"
                );
                mounts.insert(parts[0].to_owned(), parts[1].to_owned());
            }
        }
    }
    assert!(
        mounts.contains_key("../dashboards") && mounts.contains_key("../alerts"),
        "{mounts:?}"
    );
    // Grafana's dashboard provider reads where ../dashboards is mounted.
    let provider = yaml("dashboards/provisioning/dashboards/velocitytrader.yml");
    assert_eq!(
        provider["providers"][0]["options"]["path"].as_str(),
        Some(mounts["../dashboards"].as_str())
    );
    let datasource = yaml("dashboards/provisioning/datasources/velocitytrader.yml");
    assert_eq!(
        datasource["datasources"][0]["uid"].as_str(),
        Some(DATASOURCE_UID)
    );
    assert_eq!(
        datasource["datasources"][0]["url"].as_str(),
        Some("http://prometheus:9090")
    );
    // Prometheus: scrape the exporter every 5 s, load the rules, alert Alertmanager.
    let prom = yaml("deploy/prometheus.yml");
    let job = prom["scrape_configs"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|j| j["job_name"] == "velocitytrader")
        .expect("velocitytrader job");
    assert_eq!(job["scrape_interval"].as_str(), Some("5s"));
    assert_eq!(
        job["static_configs"][0]["targets"][0].as_str(),
        Some("host.docker.internal:9090")
    );
    assert_eq!(
        prom["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"][0].as_str(),
        Some("alertmanager:9093")
    );
    for file in strings(&prom["rule_files"]) {
        let in_repo = root().join("deploy").join(&file);
        assert!(
            in_repo.exists(),
            "rule file {file} does not resolve from deploy/"
        );
    }
    let command = strings(&services["prometheus"]["command"]).join(" ");
    assert!(
        command.contains(&format!("--config.file={}", mounts["./prometheus.yml"])),
        "{command}"
    );
}

// ── the embedded copies ────────────────────────────────────────────────────

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_asset_file_is_embedded_verbatim() {
    let mut on_disk = Vec::new();
    for dir in ["dashboards", "alerts", "deploy"] {
        files_under(&root().join(dir), &mut on_disk);
    }
    let mut expected: Vec<String> = on_disk
        .iter()
        .map(|p| {
            p.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    expected.sort();
    let mut embedded: Vec<String> = assets::ALL.iter().map(|a| a.path.to_owned()).collect();
    embedded.sort();
    assert_eq!(embedded, expected);
    for a in assets::ALL {
        assert_eq!(
            std::fs::read_to_string(root().join(a.path)).unwrap(),
            a.contents,
            "{}",
            a.path
        );
    }
}

#[test]
fn write_to_round_trips_and_refuses_to_clobber() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("monitoring");
    let written = assets::write_to(&target).unwrap();
    assert_eq!(written.len(), assets::ALL.len());
    for (path, a) in written.iter().zip(assets::ALL) {
        assert_eq!(std::fs::read_to_string(path).unwrap(), a.contents);
        assert!(path.ends_with(a.path), "{}", path.display());
    }
    // Identical files: fine to write again.
    assert_eq!(assets::write_to(&target).unwrap(), written);
    // A tuned file is kept, and nothing else is touched.
    let tuned = target.join("alerts/velocitytrader.rules.yml");
    std::fs::write(&tuned, "# tuned\n").unwrap();
    let removed = target.join("dashboards/velocitytrader-risk.json");
    std::fs::remove_file(&removed).unwrap();
    match assets::write_to(&target) {
        Err(AssetError::Conflict { path }) => assert_eq!(path, tuned),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&tuned).unwrap(), "# tuned\n");
    assert!(!removed.exists(), "a refused write must write nothing");
    let message = assets::write_to(&target).unwrap_err().to_string();
    assert!(message.contains("velocitytrader.rules.yml"), "{message}");
    // Unless asked.
    assets::write_to_with(&target, Overwrite::Always).unwrap();
    assert_eq!(
        std::fs::read_to_string(&tuned).unwrap(),
        asset("alerts/velocitytrader.rules.yml")
    );
    assert!(removed.exists());
    // A directory where a file belongs is reported with its path.
    let blocker = dir.path().join("blocked");
    std::fs::create_dir_all(blocker.join("deploy/prometheus.yml")).unwrap();
    let err = assets::write_to(&blocker).unwrap_err();
    assert!(err.to_string().contains("prometheus.yml"), "{err}");
}

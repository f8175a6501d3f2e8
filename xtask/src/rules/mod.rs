//! Prometheus rules: recording rules, alerts, their groups, and the rule
//! file each stack loads (Prometheus, or vmalert in the fleet).

pub mod objective;
pub mod promtool;

use crate::promql::{Expr, Record, Scope};
use crate::yaml::{self, Item, Yaml, map, s};

/// Who pages whom: routed by Alertmanager, paired by the inhibit rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Pages someone.
    Critical,
    /// Notifies; a ticket.
    Warning,
    /// The always-firing watchdog.
    None,
}

impl Severity {
    /// The label value.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::None => "none",
        }
    }
}

/// Which stack evaluates the rules: their texts name it, and runbook links
/// are built the way it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stack {
    /// Prometheus scrapes and evaluates (`deploy/`, `deploy/host/`).
    Prometheus,
    /// vmagent scrapes, vmalert evaluates (`deploy/fleet/`).
    Fleet,
}

impl Stack {
    /// What scrapes the engines.
    #[must_use]
    pub fn scraper(self) -> &'static str {
        match self {
            Stack::Prometheus => "Prometheus",
            Stack::Fleet => "vmagent",
        }
    }

    /// What evaluates the rules.
    #[must_use]
    pub fn evaluator(self) -> &'static str {
        match self {
            Stack::Prometheus => "Prometheus",
            Stack::Fleet => "vmalert",
        }
    }

    /// `text` with `{scraper}` and `{evaluator}` named for this stack.
    #[must_use]
    pub fn name_in(self, text: &str) -> String {
        text.replace("{scraper}", self.scraper())
            .replace("{evaluator}", self.evaluator())
    }

    /// The rule file the stack loads.
    #[must_use]
    pub fn rules_path(self) -> &'static str {
        match self {
            Stack::Prometheus => "alerts/velocitytrader.rules.yml",
            Stack::Fleet => "alerts/vmalert/velocitytrader.rules.yml",
        }
    }

    /// The `runbook_url` of `alert`. Prometheus: the external label
    /// `runbook_base_url` if set, else the page its `--web.user-assets`
    /// serves; vmalert: the `RUNBOOK_BASE_URL` it was started with (never a
    /// label on the alerts).
    #[must_use]
    pub fn runbook_url(self, alert: &str) -> String {
        let anchor = alert.to_lowercase();
        match self {
            Stack::Prometheus => format!(
                "{{{{ or $externalLabels.runbook_base_url (print $externalURL \"/user/{RUNBOOK_PAGE}\") }}}}#{anchor}"
            ),
            Stack::Fleet => format!("%{{RUNBOOK_BASE_URL}}#{anchor}"),
        }
    }
}

/// The runbook page the stacks serve at `/user/`.
pub const RUNBOOK_PAGE: &str = "velocitytrader.html";

/// An alerting rule.
#[derive(Debug, Clone)]
pub struct Alert {
    /// `VelocityTrader…`.
    pub name: &'static str,
    /// The condition.
    pub expr: Expr,
    /// How long it must hold (`""`: fires at once).
    pub for_: &'static str,
    /// Routing.
    pub severity: Severity,
    /// A critical alert inhibits the warnings of its alertgroup (escalation
    /// pairs on one series only; see [`crate::alertmanager`]).
    pub group: &'static str,
    /// One line: what is wrong and where.
    pub summary: String,
    /// What the value means; `{scraper}` names the stack's scraper.
    pub description: String,
    /// Only in the rule file of these stacks (all when empty).
    pub only: Option<Stack>,
}

/// An alert: name, severity, alertgroup, `for`, expression, summary and
/// description.
#[must_use]
pub fn alert(
    name: &'static str,
    severity: Severity,
    group: &'static str,
    for_: &'static str,
    expr: Expr,
    summary: &str,
    description: &str,
) -> Rule {
    Rule::Alert(Alert {
        name,
        expr,
        for_,
        severity,
        group,
        summary: summary.to_owned(),
        description: description.to_owned(),
        only: None,
    })
}

/// A rule of a group.
#[derive(Debug, Clone)]
pub enum Rule {
    /// `record:` — a series computed for dashboards and alerts.
    Record(Record, Expr, &'static str),
    /// `alert:`.
    Alert(Alert),
}

/// A recording rule for `record`, with a comment (may be empty).
#[must_use]
pub fn record(record: Record, expr: Expr, comment: &'static str) -> Rule {
    Rule::Record(record, expr, comment)
}

impl Rule {
    /// Only in the rule file of `stack`.
    #[must_use]
    pub fn only(mut self, stack: Stack) -> Self {
        if let Rule::Alert(a) = &mut self {
            a.only = Some(stack);
        }
        self
    }

    /// The alert, if it is one.
    #[must_use]
    pub fn as_alert(&self) -> Option<&Alert> {
        match self {
            Rule::Alert(a) => Some(a),
            Rule::Record(..) => None,
        }
    }
}

/// A rule group.
#[derive(Debug, Clone)]
pub struct Group {
    /// `velocitytrader.…`.
    pub name: &'static str,
    /// Why these rules are together and how they judge.
    pub comment: &'static str,
    /// Evaluation interval, if not the global one.
    pub interval: Option<&'static str>,
    /// The rules.
    pub rules: Vec<Rule>,
}

/// A group with its comment.
#[must_use]
pub fn group(name: &'static str, comment: &'static str, rules: Vec<Rule>) -> Group {
    Group {
        name,
        comment,
        interval: None,
        rules,
    }
}

/// Renders `expr` for `scope`, breaking a long condition before each
/// top-level `and`, `unless` and `or`.
fn expr_text(expr: &Expr, scope: Scope) -> String {
    let text = expr.render(scope);
    if text.len() < 90 {
        return text;
    }
    let mut out = String::new();
    let mut depth = 0i32;
    let mut rest = text.as_str();
    while let Some(c) = rest.chars().next() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            if let Some(op) = [" and on ", " unless on ", " or "]
                .iter()
                .find(|op| rest.starts_with(*op))
            {
                out.push_str("\n  ");
                out.push_str(&op[1..]);
                rest = &rest[op.len()..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.push('\n');
    out
}

/// The rules file of `stack`.
#[must_use]
pub fn rules_file(header: &str, groups: &[Group], stack: Stack) -> String {
    let groups: Vec<Item> = groups
        .iter()
        .map(|g| {
            let rules: Vec<Item> = g
                .rules
                .iter()
                .filter(|r| {
                    r.as_alert()
                        .is_none_or(|a| a.only.is_none_or(|o| o == stack))
                })
                .map(|r| rule_yaml(r, stack))
                .collect();
            yaml::item(
                g.comment,
                map()
                    .kv("name", s(g.name))
                    .opt("interval", g.interval.map(s))
                    .kv("rules", Yaml::Seq(rules))
                    .build(),
            )
        })
        .collect();
    yaml::document(header, &map().kv("groups", Yaml::Seq(groups)).build())
}

fn rule_yaml(rule: &Rule, stack: Stack) -> Item {
    match rule {
        Rule::Record(record, expr, comment) => yaml::item(
            comment,
            map()
                .kv("record", s(record.name))
                .kv("expr", s(expr_text(expr, Scope::Record)))
                .build(),
        ),
        Rule::Alert(a) => yaml::item(
            "",
            map()
                .kv("alert", s(a.name))
                .kv("expr", s(expr_text(&a.expr, Scope::Alert)))
                .opt("for", (!a.for_.is_empty()).then(|| s(a.for_)))
                .kv(
                    "labels",
                    map()
                        .kv("severity", s(a.severity.label()))
                        .kv("alertgroup", s(a.group))
                        .build(),
                )
                .kv(
                    "annotations",
                    map()
                        .kv("summary", s(stack.name_in(&a.summary)))
                        .kv("description", s(stack.name_in(&a.description)))
                        .kv("runbook_url", s(stack.runbook_url(a.name)))
                        .build(),
                )
                .build(),
        ),
    }
}

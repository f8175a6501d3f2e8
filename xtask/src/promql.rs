//! A small typed PromQL builder. Series come from the catalogue
//! ([`MetricDef`]), from recording rules ([`Record`]) or from the monitoring
//! stack itself ([`stack`]); the identity matchers of where an expression is
//! used ([`Scope`]) are applied when it is rendered, once, to every selector.
//!
//! ```
//! use velocity_metrics::catalogue::AGENT_TRADES_TOTAL;
//! use xtask::promql::{RANGE, Scope, increase, m, sum_by};
//!
//! let trades = sum_by(&["agent"], increase(m(AGENT_TRADES_TOTAL), RANGE));
//! assert_eq!(
//!     trades.render(Scope::Record),
//!     "sum by (agent) (increase(velocitytrader_agent_trades_total[$__range]))"
//! );
//! ```

use std::fmt::Write as _;
use std::ops::{Add, Div, Mul, Neg, Sub};

use velocity_metrics::catalogue::{MetricDef, MetricKind, Unit};

/// Where an expression is used; decides the matchers every selector gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A Grafana panel: the dashboard variables (`job`, `instance`, the fleet
    /// identity, and `agent`, `symbol`, `timeframe` where the series has them).
    Dashboard,
    /// An alerting rule: engine series exclude backtests (`mode!="backtest"`).
    Alert,
    /// A recording rule: no matchers added (backtests are recorded too).
    Record,
}

/// A recording rule's output series: its name and the breakdown labels it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// `level:metric:operations`.
    pub name: &'static str,
    /// Labels beyond the target and identity labels (`agent`, `symbol` …).
    pub labels: &'static [&'static str],
    /// Unit of the value.
    pub unit: Unit,
}

/// Which part of a histogram a selector reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Whole,
    Bucket,
    Sum,
    Count,
}

/// A series an expression reads.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Series {
    Metric(MetricDef, Part),
    Recorded(Record),
    Stack(&'static str),
}

impl Series {
    fn name(&self) -> String {
        match self {
            Series::Metric(def, part) => {
                let suffix = match part {
                    Part::Whole => "",
                    Part::Bucket => "_bucket",
                    Part::Sum => "_sum",
                    Part::Count => "_count",
                };
                format!("{}{suffix}", def.name)
            }
            Series::Recorded(r) => r.name.to_owned(),
            Series::Stack(name) => (*name).to_owned(),
        }
    }

    /// Series the engine exports (or records from them): identity-filtered.
    fn is_engine(&self) -> bool {
        !matches!(self, Series::Stack(_))
    }

    fn labels(&self) -> &'static [&'static str] {
        match self {
            Series::Metric(def, _) => def.labels,
            Series::Recorded(r) => r.labels,
            Series::Stack(_) => &[],
        }
    }
}

/// A label matcher operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MatchOp {
    Eq,
    Ne,
    Re,
}

#[derive(Debug, Clone, PartialEq)]
struct Matcher {
    label: &'static str,
    op: MatchOp,
    value: String,
}

impl Matcher {
    fn render(&self, out: &mut String) {
        let op = match self.op {
            MatchOp::Eq => "=",
            MatchOp::Ne => "!=",
            MatchOp::Re => "=~",
        };
        let _ = write!(out, "{}{op}\"{}\"", self.label, self.value);
    }
}

/// A range for a range function: Grafana's or a fixed duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window(pub &'static str);

/// A fixed range (`5m`, `1h` …).
#[must_use]
pub const fn w(duration: &'static str) -> Window {
    Window(duration)
}

/// Grafana's `$__rate_interval`.
pub const RATE: Window = Window("$__rate_interval");
/// Grafana's `$__range`: the dashboard's time range.
pub const RANGE: Window = Window("$__range");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BinOp {
    Or,
    And,
    Unless,
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    fn text(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Unless => "unless",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And | BinOp::Unless => 2,
            BinOp::Eq | BinOp::Ne | BinOp::Gt | BinOp::Ge | BinOp::Lt | BinOp::Le => 3,
            BinOp::Add | BinOp::Sub => 4,
            BinOp::Mul | BinOp::Div => 5,
        }
    }
}

/// `on (labels) [group_left (labels)]`.
#[derive(Debug, Clone, PartialEq)]
struct Matching {
    on: &'static [&'static str],
    group_left: Option<&'static [&'static str]>,
}

/// A PromQL expression, rendered for a [`Scope`] by [`Expr::render`].
#[derive(Debug, Clone, PartialEq)]
pub struct Expr(Node);

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Number(f64),
    Selector {
        series: Series,
        matchers: Vec<Matcher>,
    },
    /// A range selector (only as a function argument).
    Range(Box<Expr>, Window),
    Call(&'static str, Vec<Expr>),
    Aggregate {
        op: &'static str,
        /// `by` (true) or `without`, and the labels; `None` for neither.
        grouping: Option<(bool, &'static [&'static str])>,
        expr: Box<Expr>,
    },
    Binary(Box<Binary>),
    Neg(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
struct Binary {
    op: BinOp,
    lhs: Expr,
    rhs: Expr,
    matching: Option<Matching>,
}

/// What an expression's value is: the first series it reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Primary {
    /// A catalogue series.
    Metric(MetricDef),
    /// A recording rule's series.
    Record(Record),
}

// ── constructors ───────────────────────────────────────────────────────────

/// A catalogue series.
#[must_use]
pub fn m(def: MetricDef) -> Expr {
    selector(Series::Metric(def, Part::Whole))
}

/// A recording rule's series.
#[must_use]
pub fn r(record: Record) -> Expr {
    selector(Series::Recorded(record))
}

/// A series of the monitoring stack itself (`up`, `ALERTS`, Prometheus's
/// and Alertmanager's own series): filtered by `job` and `instance` only.
#[must_use]
pub fn stack(name: &'static str) -> Expr {
    selector(Series::Stack(name))
}

/// Prometheus's `up`.
#[must_use]
pub fn up() -> Expr {
    stack("up")
}

fn selector(series: Series) -> Expr {
    Expr(Node::Selector {
        series,
        matchers: Vec::new(),
    })
}

fn call(name: &'static str, args: Vec<Expr>) -> Expr {
    Expr(Node::Call(name, args))
}

fn range(name: &'static str, e: Expr, w: Window) -> Expr {
    assert!(
        matches!(e.0, Node::Selector { .. }),
        "{name}() takes a selector"
    );
    call(name, vec![Expr(Node::Range(Box::new(e), w))])
}

/// `rate(e[w])`.
#[must_use]
pub fn rate(e: Expr, w: Window) -> Expr {
    range("rate", e, w)
}
/// `increase(e[w])`.
#[must_use]
pub fn increase(e: Expr, w: Window) -> Expr {
    range("increase", e, w)
}
/// `last_over_time(e[w])`.
#[must_use]
pub fn last_over_time(e: Expr, w: Window) -> Expr {
    range("last_over_time", e, w)
}
/// `max_over_time(e[w])`.
#[must_use]
pub fn max_over_time(e: Expr, w: Window) -> Expr {
    range("max_over_time", e, w)
}
/// `histogram_quantile(q, e)`.
#[must_use]
pub fn histogram_quantile(q: f64, e: Expr) -> Expr {
    call("histogram_quantile", vec![Expr(Node::Number(q)), e])
}
/// `abs(e)`.
#[must_use]
pub fn abs(e: Expr) -> Expr {
    call("abs", vec![e])
}
/// `absent(e)`.
#[must_use]
pub fn absent(e: Expr) -> Expr {
    call("absent", vec![e])
}
/// `timestamp(e)`.
#[must_use]
pub fn timestamp(e: Expr) -> Expr {
    call("timestamp", vec![e])
}
/// `time()`.
#[must_use]
pub fn time() -> Expr {
    call("time", Vec::new())
}
/// `vector(x)`.
#[must_use]
pub fn vector(x: f64) -> Expr {
    call("vector", vec![Expr(Node::Number(x))])
}

fn aggregate(op: &'static str, grouping: Option<(bool, &'static [&'static str])>, e: Expr) -> Expr {
    Expr(Node::Aggregate {
        op,
        grouping,
        expr: Box::new(e),
    })
}

/// `sum(e)`.
#[must_use]
pub fn sum(e: Expr) -> Expr {
    aggregate("sum", None, e)
}
/// `count(e)`.
#[must_use]
pub fn count(e: Expr) -> Expr {
    aggregate("count", None, e)
}
/// `sum by (labels) (e)`.
#[must_use]
pub fn sum_by(labels: &'static [&'static str], e: Expr) -> Expr {
    aggregate("sum", Some((true, labels)), e)
}
/// `max by (labels) (e)`.
#[must_use]
pub fn max_by(labels: &'static [&'static str], e: Expr) -> Expr {
    aggregate("max", Some((true, labels)), e)
}
/// `sum without (labels) (e)`.
#[must_use]
pub fn sum_without(labels: &'static [&'static str], e: Expr) -> Expr {
    aggregate("sum", Some((false, labels)), e)
}

// ── combinators ────────────────────────────────────────────────────────────

impl From<f64> for Expr {
    fn from(x: f64) -> Self {
        Expr(Node::Number(x))
    }
}

impl Expr {
    fn binary(self, op: BinOp, rhs: impl Into<Expr>, matching: Option<Matching>) -> Expr {
        Expr(Node::Binary(Box::new(Binary {
            op,
            lhs: self,
            rhs: rhs.into(),
            matching,
        })))
    }

    fn with_matcher(self, label: &'static str, op: MatchOp, value: &str) -> Expr {
        match self.0 {
            Node::Selector {
                series,
                mut matchers,
            } => {
                matchers.push(Matcher {
                    label,
                    op,
                    value: value.to_owned(),
                });
                Expr(Node::Selector { series, matchers })
            }
            other => panic!("a matcher on a non-selector: {other:?}"),
        }
    }

    fn part(self, part: Part) -> Expr {
        match self.0 {
            Node::Selector {
                series: Series::Metric(def, Part::Whole),
                matchers,
            } if def.kind == MetricKind::Histogram => Expr(Node::Selector {
                series: Series::Metric(def, part),
                matchers,
            }),
            other => panic!("not a histogram selector: {other:?}"),
        }
    }

    /// `label="value"`.
    #[must_use]
    pub fn eq(self, label: &'static str, value: &str) -> Expr {
        self.with_matcher(label, MatchOp::Eq, value)
    }
    /// `label!="value"`.
    #[must_use]
    pub fn ne(self, label: &'static str, value: &str) -> Expr {
        self.with_matcher(label, MatchOp::Ne, value)
    }
    /// `label=~"regex"`.
    #[must_use]
    pub fn re(self, label: &'static str, regex: &str) -> Expr {
        self.with_matcher(label, MatchOp::Re, regex)
    }
    /// A histogram's `_bucket` series.
    #[must_use]
    pub fn bucket(self) -> Expr {
        self.part(Part::Bucket)
    }
    /// A histogram's `_sum` series.
    #[must_use]
    pub fn sum(self) -> Expr {
        self.part(Part::Sum)
    }
    /// A histogram's `_count` series.
    #[must_use]
    pub fn count(self) -> Expr {
        self.part(Part::Count)
    }

    /// `self > rhs`.
    #[must_use]
    pub fn gt(self, rhs: impl Into<Expr>) -> Expr {
        self.binary(BinOp::Gt, rhs, None)
    }
    /// `self >= rhs`.
    #[must_use]
    pub fn ge(self, rhs: impl Into<Expr>) -> Expr {
        self.binary(BinOp::Ge, rhs, None)
    }
    /// `self < rhs`.
    #[must_use]
    pub fn lt(self, rhs: impl Into<Expr>) -> Expr {
        self.binary(BinOp::Lt, rhs, None)
    }
    /// `self <= rhs`.
    #[must_use]
    pub fn le(self, rhs: impl Into<Expr>) -> Expr {
        self.binary(BinOp::Le, rhs, None)
    }
    /// `self == rhs`.
    #[must_use]
    pub fn equals(self, rhs: impl Into<Expr>) -> Expr {
        self.binary(BinOp::Eq, rhs, None)
    }
    /// `self != rhs`.
    #[must_use]
    pub fn not_equals(self, rhs: impl Into<Expr>) -> Expr {
        self.binary(BinOp::Ne, rhs, None)
    }
    /// `self or rhs`.
    #[must_use]
    pub fn or(self, rhs: impl Into<Expr>) -> Expr {
        self.binary(BinOp::Or, rhs, None)
    }
    /// `self and on (labels) rhs`.
    #[must_use]
    pub fn and_on(self, on: &'static [&'static str], rhs: impl Into<Expr>) -> Expr {
        self.binary(
            BinOp::And,
            rhs,
            Some(Matching {
                on,
                group_left: None,
            }),
        )
    }
    /// `self unless rhs`.
    #[must_use]
    pub fn unless(self, rhs: impl Into<Expr>) -> Expr {
        self.binary(BinOp::Unless, rhs, None)
    }
    /// `self unless on (labels) rhs`.
    #[must_use]
    pub fn unless_on(self, on: &'static [&'static str], rhs: impl Into<Expr>) -> Expr {
        self.binary(
            BinOp::Unless,
            rhs,
            Some(Matching {
                on,
                group_left: None,
            }),
        )
    }
    /// `self * on (on) group_left (extra) rhs`.
    #[must_use]
    pub fn mul_group_left(
        self,
        on: &'static [&'static str],
        extra: &'static [&'static str],
        rhs: impl Into<Expr>,
    ) -> Expr {
        self.binary(
            BinOp::Mul,
            rhs,
            Some(Matching {
                on,
                group_left: Some(extra),
            }),
        )
    }

    /// The first catalogue or recorded series this expression reads: what
    /// its value is, for its unit and colours.
    #[must_use]
    pub fn primary(&self) -> Option<Primary> {
        let mut found = None;
        self.walk(&mut |e| {
            if found.is_none() {
                found = match &e.0 {
                    Node::Selector {
                        series: Series::Metric(def, _),
                        ..
                    } => Some(Primary::Metric(*def)),
                    Node::Selector {
                        series: Series::Recorded(r),
                        ..
                    } => Some(Primary::Record(*r)),
                    _ => None,
                };
            }
        });
        found
    }

    /// The series names this expression reads (with histogram suffixes).
    #[must_use]
    pub fn series(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Node::Selector { series, .. } = &e.0 {
                out.push(series.name());
            }
        });
        out
    }

    fn walk(&self, visit: &mut dyn FnMut(&Expr)) {
        visit(self);
        match &self.0 {
            Node::Number(_) | Node::Selector { .. } => {}
            Node::Range(e, _) | Node::Neg(e) => e.walk(visit),
            Node::Aggregate { expr, .. } => expr.walk(visit),
            Node::Call(_, args) => args.iter().for_each(|a| a.walk(visit)),
            Node::Binary(b) => {
                b.lhs.walk(visit);
                b.rhs.walk(visit);
            }
        }
    }

    // ── rendering ──────────────────────────────────────────────────────────

    /// The expression as PromQL text for `scope`.
    #[must_use]
    pub fn render(&self, scope: Scope) -> String {
        let mut out = String::new();
        self.write(scope, &mut out);
        out
    }

    fn precedence(&self) -> u8 {
        match &self.0 {
            Node::Binary(b) => b.op.precedence(),
            Node::Neg(_) => 6,
            Node::Number(x) if *x < 0.0 => 6,
            _ => 7,
        }
    }

    fn write_child(&self, scope: Scope, parens: bool, out: &mut String) {
        if parens {
            out.push('(');
        }
        self.write(scope, out);
        if parens {
            out.push(')');
        }
    }

    fn write(&self, scope: Scope, out: &mut String) {
        match &self.0 {
            Node::Number(x) => {
                let _ = write!(out, "{x}");
            }
            Node::Selector { series, matchers } => write_selector(*series, matchers, scope, out),
            Node::Range(e, w) => {
                e.write(scope, out);
                let _ = write!(out, "[{}]", w.0);
            }
            Node::Call(name, args) => {
                out.push_str(name);
                out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    a.write(scope, out);
                }
                out.push(')');
            }
            Node::Aggregate { op, grouping, expr } => {
                out.push_str(op);
                if let Some((by, labels)) = grouping {
                    let _ = write!(
                        out,
                        " {} ({}) ",
                        if *by { "by" } else { "without" },
                        labels.join(", ")
                    );
                }
                out.push('(');
                expr.write(scope, out);
                out.push(')');
            }
            Node::Neg(e) => {
                out.push('-');
                e.write_child(scope, e.precedence() < 6, out);
            }
            Node::Binary(b) => {
                let p = b.op.precedence();
                b.lhs.write_child(scope, b.lhs.precedence() < p, out);
                let _ = write!(out, " {} ", b.op.text());
                if let Some(m) = &b.matching {
                    let _ = write!(out, "on ({}) ", m.on.join(", "));
                    if let Some(extra) = m.group_left {
                        let _ = write!(out, "group_left ({}) ", extra.join(", "));
                    }
                }
                b.rhs.write_child(scope, b.rhs.precedence() <= p, out);
            }
        }
    }
}

/// The variables every dashboard query filters engine series by.
pub const IDENTITY_VARIABLES: [&str; 5] = ["job", "instance", "engine", "account", "mode"];
/// A target and an engine identity: what alerts about one engine match on.
pub const IDENTITY: &[&str] = &["job", "instance", "engine", "account", "mode"];
/// Breakdown labels with a dashboard variable of the same name.
pub const LABEL_VARIABLES: [&str; 3] = ["agent", "symbol", "timeframe"];

fn write_selector(series: Series, own: &[Matcher], scope: Scope, out: &mut String) {
    let mut matchers: Vec<Matcher> = Vec::new();
    let variable = |label: &'static str| Matcher {
        label,
        op: MatchOp::Re,
        value: format!("${label}"),
    };
    match scope {
        Scope::Dashboard => {
            let identity = if series.is_engine() {
                &IDENTITY_VARIABLES[..]
            } else {
                &IDENTITY_VARIABLES[..2]
            };
            matchers.extend(identity.iter().map(|l| variable(l)));
            for label in LABEL_VARIABLES {
                if series.labels().contains(&label) {
                    matchers.push(variable(label));
                }
            }
            matchers.extend(own.iter().cloned());
        }
        Scope::Alert => {
            matchers.extend(own.iter().cloned());
            if series.is_engine() {
                matchers.push(Matcher {
                    label: "mode",
                    op: MatchOp::Ne,
                    value: "backtest".into(),
                });
            }
        }
        Scope::Record => matchers.extend(own.iter().cloned()),
    }
    out.push_str(&series.name());
    if !matchers.is_empty() {
        out.push('{');
        for (i, m) in matchers.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            m.render(out);
        }
        out.push('}');
    }
}

// ── arithmetic operators ───────────────────────────────────────────────────

macro_rules! arithmetic {
    ($($trait:ident $method:ident $op:ident),+) => {$(
        impl<R: Into<Expr>> $trait<R> for Expr {
            type Output = Expr;
            fn $method(self, rhs: R) -> Expr {
                self.binary(BinOp::$op, rhs, None)
            }
        }
        impl $trait<Expr> for f64 {
            type Output = Expr;
            fn $method(self, rhs: Expr) -> Expr {
                Expr(Node::Number(self)).binary(BinOp::$op, rhs, None)
            }
        }
    )+};
}

arithmetic!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div);

impl Neg for Expr {
    type Output = Expr;
    fn neg(self) -> Expr {
        Expr(Node::Neg(Box::new(self)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use velocity_metrics::catalogue::{
        AGENT_PNL_TOTAL, ORDER_FILL_DURATION_SECONDS, TRADES_LOSING_TOTAL, TRADES_WINNING_TOTAL,
    };

    #[test]
    fn dashboard_scope_adds_identity_and_label_variables_once() {
        assert_eq!(
            m(AGENT_PNL_TOTAL).render(Scope::Dashboard),
            "velocitytrader_agent_pnl_total{job=~\"$job\", instance=~\"$instance\", engine=~\"$engine\", account=~\"$account\", mode=~\"$mode\", agent=~\"$agent\"}"
        );
        assert_eq!(
            up().eq("job", "velocitytrader").render(Scope::Dashboard),
            "up{job=~\"$job\", instance=~\"$instance\", job=\"velocitytrader\"}"
        );
    }

    #[test]
    fn alert_scope_excludes_backtests_from_engine_series_only() {
        let e = m(AGENT_PNL_TOTAL)
            .lt(1.0)
            .and_on(&["job", "instance"], up().equals(1.0));
        assert_eq!(
            e.render(Scope::Alert),
            "velocitytrader_agent_pnl_total{mode!=\"backtest\"} < 1 and on (job, instance) up == 1"
        );
    }

    #[test]
    fn parentheses_follow_precedence() {
        let w = || increase(m(TRADES_WINNING_TOTAL), Window("1h"));
        let l = increase(m(TRADES_LOSING_TOTAL), Window("1h"));
        let e = 100.0 * w() / (w() + l).gt(0.0);
        assert_eq!(
            e.render(Scope::Record),
            "100 * increase(velocitytrader_trades_winning_total[1h]) / (increase(velocitytrader_trades_winning_total[1h]) + increase(velocitytrader_trades_losing_total[1h]) > 0)"
        );
        let bucket = rate(
            m(ORDER_FILL_DURATION_SECONDS).bucket().eq("le", "0.5"),
            RATE,
        );
        assert_eq!(
            (1.0 - bucket).render(Scope::Record),
            "1 - rate(velocitytrader_order_fill_duration_seconds_bucket{le=\"0.5\"}[$__rate_interval])"
        );
        assert_eq!(
            (-(m(AGENT_PNL_TOTAL) - 1.0)).render(Scope::Record),
            "-(velocitytrader_agent_pnl_total - 1)"
        );
    }
}

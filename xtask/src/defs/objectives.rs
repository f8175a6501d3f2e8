//! The service-level objectives. Each generates its recording rules, burn-rate
//! alerts, promtool cases and a row on Risk Engine & Circuit-Breakers.

use velocity_metrics::catalogue::{ORDER_FILL_DURATION_SECONDS, RISK_DECISION_DURATION_SECONDS};

use crate::rules::objective::Objective;

/// 99 % of fills within 500 ms of the order (the histogram's `le="0.5"`).
pub const FILL_LATENCY: Objective = Objective {
    alert_prefix: "VelocityTraderFillLatency",
    slow_record: "order_fills_slow",
    events_record: "order_fills",
    events: "fills",
    histogram: ORDER_FILL_DURATION_SECONDS,
    le: "0.5",
    threshold: "500 ms",
    target: 0.99,
    period_days: 30,
    min_events: 20,
    group: "fill_latency",
    causes: "Network trouble between the engine, the terminal and the broker; the terminal overloaded or the broker's server slow (news, the open of a session); the engine sending orders in bursts; partial fills of large orders spreading over time.",
    check: "*Risk Engine & Circuit-Breakers*: the objective's row (budget left, burn rate per window), fill latency quantiles, slippage per symbol (slow fills usually slip more); the terminal's ping to the broker server.",
    act: "Restore the path to the broker (network, terminal restart, another broker server); reduce order size or pause trading in the affected symbols while fills are slow. If the objective is wrong for the venue, change its declaration in `xtask/src/defs/objectives.rs` deliberately, not by silencing.",
};

/// 99 % of risk decisions within 25 ms (`le="0.025"`): the hand-written
/// alert it replaces warned when the decisions' p99 exceeded 25 ms, which is
/// exactly more than 1 % of them slower than 25 ms; as an objective the
/// budget is judged over 30 days, with pages for fast burns only.
pub const RISK_DECISIONS: Objective = Objective {
    alert_prefix: "VelocityTraderRiskDecisionLatency",
    slow_record: "risk_decisions_slow",
    events_record: "risk_decisions",
    events: "risk decisions",
    histogram: RISK_DECISION_DURATION_SECONDS,
    le: "0.025",
    threshold: "25 ms",
    target: 0.99,
    period_days: 30,
    min_events: 20,
    group: "risk_decision_latency",
    causes: "CPU starvation on the engine host (process CPU on *Run Control & Meta*); a risk check that does I/O (database, broker margin query) on the decision path; many more positions or symbols to check than usual; lock contention in the engine.",
    check: "*Risk Engine & Circuit-Breakers*: the objective's row, decision latency quantiles and decisions per minute; *Run Control & Meta*: CPU and resident memory of the engine process; the host's load.",
    act: "Move slow lookups off the decision path (cache margin and limits); give the engine its CPU back (other processes, container limits). Consider pausing trading while decisions stay slow.",
};

/// Every objective, with the name of its rule group.
pub const ALL: [(&str, Objective); 2] = [
    ("velocitytrader.objective.fill_latency", FILL_LATENCY),
    (
        "velocitytrader.objective.risk_decision_latency",
        RISK_DECISIONS,
    ),
];

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
};

/// Every objective, with the name of its rule group.
pub const ALL: [(&str, Objective); 2] = [
    ("velocitytrader.objective.fill_latency", FILL_LATENCY),
    ("velocitytrader.objective.risk_decision_latency", RISK_DECISIONS),
];

//! Dashboards other dashboards link to.

use crate::grafana::DashboardLink;

/// Trading Performance.
pub const PERFORMANCE: DashboardLink = DashboardLink {
    uid: "velocitytrader-performance",
    title: "Trading Performance",
};
/// Risk Management.
pub const RISK: DashboardLink = DashboardLink {
    uid: "velocitytrader-risk",
    title: "Risk Management",
};
/// System Health & RL.
pub const SYSTEM: DashboardLink = DashboardLink {
    uid: "velocitytrader-system",
    title: "System Health & RL",
};
/// Risk Engine & Circuit-Breakers.
pub const RISK_ENGINE: DashboardLink = DashboardLink {
    uid: "risk-engine-circuit",
    title: "Risk Engine & Circuit-Breakers",
};
/// Run Control & Meta.
pub const RUN_CONTROL: DashboardLink = DashboardLink {
    uid: "run-control-meta",
    title: "Run Control & Meta",
};

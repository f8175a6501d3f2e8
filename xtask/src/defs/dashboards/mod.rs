//! The eleven dashboards, in the order of the README's table.

mod agent_rl;
mod agents;
mod fleet;
mod instruments;
pub mod links;
mod performance;
mod physics;
mod portfolio;
mod risk;
mod risk_engine;
mod run_control;
mod system;

use crate::grafana::Dashboard;

/// Every dashboard.
#[must_use]
pub fn all() -> Vec<Dashboard> {
    vec![
        performance::dashboard(),
        agents::dashboard(),
        physics::dashboard(),
        risk::dashboard(),
        system::dashboard(),
        fleet::dashboard(),
        portfolio::dashboard(),
        instruments::dashboard(),
        agent_rl::dashboard(),
        risk_engine::dashboard(),
        run_control::dashboard(),
    ]
}

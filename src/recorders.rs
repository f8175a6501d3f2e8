//! The recorders: `impl Telemetry` blocks, one file per group of series, and
//! the per-group state they keep between [`crate::Telemetry::publish`] calls.

mod agent;
mod agent_regime;
mod bars;
mod breakdown;
mod equity_state;
mod execution;
mod market;
mod meta;
pub(crate) mod risk;
mod risk_engine;
mod rl_rewards;
mod run_control;
mod streak_cell;
mod system;
mod trade_book;
mod trade_cells;
mod trading;

pub(crate) use agent::AgentHandles;
pub use agent::RlSnapshot;
pub(crate) use bars::{BarCounters, BarHandles, MicrostructureHandles};
pub(crate) use execution::{ExecutionHandles, OrderHandles};
pub use market::PhysicsReading;
pub(crate) use market::{MarketHandles, QuoteHandles};
pub(crate) use meta::MetaHandles;
pub(crate) use risk::{EquityState, publish_risk};
pub(crate) use risk_engine::{RiskEngineHandles, publish_budget};
pub(crate) use rl_rewards::RewardHandles;
pub use run_control::MAX_RUNS;
pub(crate) use run_control::RunControlHandles;
pub(crate) use system::SystemHandles;
pub(crate) use trade_book::TradeBook;
pub(crate) use trading::publish_trades;

/// Handles owned by the publish step, guarded by one mutex.
pub(crate) struct PublishState {
    pub(crate) trading: trading::TradeHandles,
    pub(crate) risk: risk::RiskHandles,
    pub(crate) risk_engine: risk_engine::RiskEnginePublish,
}

impl PublishState {
    pub(crate) fn new(sink: &crate::telemetry::Sink, role: crate::telemetry::Role) -> Self {
        Self {
            trading: trading::TradeHandles::new(sink, role),
            risk: risk::RiskHandles::new(sink),
            risk_engine: risk_engine::RiskEnginePublish::new(sink),
        }
    }
}

//! The recorders: `impl Telemetry` blocks, one file per group of series, and
//! the per-group state they keep between [`crate::Telemetry::publish`] calls.

mod agent;
mod breakdown;
mod equity_state;
mod market;
mod meta;
mod risk;
mod streak_cell;
mod system;
mod trade_book;
mod trading;

pub(crate) use agent::AgentHandles;
pub use agent::RlSnapshot;
pub use market::PhysicsReading;
pub(crate) use market::{MarketHandles, QuoteHandles};
pub(crate) use meta::MetaHandles;
pub(crate) use risk::{EquityState, publish_risk};
pub(crate) use system::SystemHandles;
pub(crate) use trade_book::TradeBook;
pub(crate) use trading::publish_trades;

/// Handles owned by the publish step, guarded by one mutex.
pub(crate) struct PublishState {
    pub(crate) trading: trading::TradeHandles,
    pub(crate) risk: risk::RiskHandles,
}

impl PublishState {
    pub(crate) fn new(sink: &crate::telemetry::Sink) -> Self {
        Self {
            trading: trading::TradeHandles::new(sink),
            risk: risk::RiskHandles::new(sink),
        }
    }
}

//! The process-wide default [`Telemetry`] and free functions over it, in the
//! style of the `metrics` macros: `velocity_metrics::record_trade(&trade)`.
//!
//! The default is created on first use, registered with whatever `metrics`
//! recorder is installed at that moment — so install the exporter
//! ([`crate::exporter::ExporterBuilder::install`]) or call [`set_global`]
//! before recording.

use std::sync::OnceLock;
use std::time::Duration;

use crate::error::{AlreadyInstalled, RecordError};
use crate::model::{Agent, Regime, Severity, Symbol, Timeframe, Trade};
use crate::recorders::{PhysicsReading, RlSnapshot};
use crate::telemetry::Telemetry;

static GLOBAL: OnceLock<Telemetry> = OnceLock::new();

/// The process-wide telemetry, created with the default configuration on
/// first use if [`set_global`] was not called.
pub fn global() -> &'static Telemetry {
    GLOBAL.get_or_init(|| Telemetry::builder().build())
}

/// Whether the process-wide default exists already.
pub(crate) fn is_set() -> bool {
    GLOBAL.get().is_some()
}

/// Makes `telemetry` the process-wide default used by the free functions.
///
/// # Errors
/// [`AlreadyInstalled`] if a default exists already (set earlier, or created
/// by a free function call).
pub fn set_global(telemetry: Telemetry) -> Result<(), AlreadyInstalled> {
    GLOBAL.set(telemetry).map_err(|_| AlreadyInstalled)
}

/// [`Telemetry::record_trade`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_trade`].
pub fn record_trade(trade: &Trade) -> Result<(), RecordError> {
    global().record_trade(trade)
}

/// [`Telemetry::record_equity`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_equity`].
pub fn record_equity(balance: f64, equity: f64, at: f64) -> Result<(), RecordError> {
    global().record_equity(balance, equity, at)
}

/// [`Telemetry::set_risk_exposure`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_risk_exposure`].
pub fn set_risk_exposure(percent_of_equity: f64) -> Result<(), RecordError> {
    global().set_risk_exposure(percent_of_equity)
}

/// [`Telemetry::record_regime`] on the default telemetry.
pub fn record_regime(symbol: Symbol, timeframe: Timeframe, regime: Regime) {
    global().record_regime(symbol, timeframe, regime);
}

/// [`Telemetry::record_physics`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_physics`].
pub fn record_physics(
    symbol: Symbol,
    timeframe: Timeframe,
    reading: &PhysicsReading,
) -> Result<(), RecordError> {
    global().record_physics(symbol, timeframe, reading)
}

/// [`Telemetry::record_quote`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_quote`].
pub fn record_quote(symbol: Symbol, bid: f64, ask: f64) -> Result<(), RecordError> {
    global().record_quote(symbol, bid, ask)
}

/// [`Telemetry::record_signal`] on the default telemetry.
pub fn record_signal(agent: Agent) {
    global().record_signal(agent);
}

/// [`Telemetry::set_active_positions`] on the default telemetry.
pub fn set_active_positions(agent: Agent, open_positions: u64) {
    global().set_active_positions(agent, open_positions);
}

/// [`Telemetry::record_rl`] on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_rl`].
pub fn record_rl(agent: Agent, snapshot: &RlSnapshot) -> Result<(), RecordError> {
    global().record_rl(agent, snapshot)
}

/// [`Telemetry::add_rl_experiences`] on the default telemetry.
pub fn add_rl_experiences(agent: Agent, experiences: u64) {
    global().add_rl_experiences(agent, experiences);
}

/// [`Telemetry::add_rl_episodes`] on the default telemetry.
pub fn add_rl_episodes(agent: Agent, episodes: u64) {
    global().add_rl_episodes(agent, episodes);
}

/// [`Telemetry::set_system_status`] on the default telemetry.
pub fn set_system_status(running: bool) {
    global().set_system_status(running);
}

/// [`Telemetry::set_mt5_connected`] on the default telemetry.
pub fn set_mt5_connected(connected: bool) {
    global().set_mt5_connected(connected);
}

/// [`Telemetry::add_ticks`] on the default telemetry.
pub fn add_ticks(ticks: u64) {
    global().add_ticks(ticks);
}

/// [`Telemetry::record_error`] on the default telemetry.
pub fn record_error(severity: Severity) {
    global().record_error(severity);
}

/// [`Telemetry::set_active_symbols`] on the default telemetry.
pub fn set_active_symbols(symbols: u64) {
    global().set_active_symbols(symbols);
}

/// [`Telemetry::set_websocket_clients`] on the default telemetry.
pub fn set_websocket_clients(clients: u64) {
    global().set_websocket_clients(clients);
}

/// [`Telemetry::record_db_query`] on the default telemetry.
pub fn record_db_query(latency: Duration) {
    global().record_db_query(latency);
}

/// [`Telemetry::publish`] on the default telemetry.
pub fn publish() {
    global().publish();
}

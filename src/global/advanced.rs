//! Free functions of the risk-engine, execution, bar, learner and
//! run-control recorders, over the process-wide default telemetry.

use std::time::Duration;

use super::global;
use crate::error::RecordError;
use crate::model::{
    Agent, Bar, BreakerReason, Fill, OrderRejectReason, RiskDecision, RiskLimits, RlTraining,
    RunInfo, Symbol, Timeframe,
};

/// [`Telemetry::trip_circuit_breaker`](crate::Telemetry::trip_circuit_breaker) on the default telemetry.
#[track_caller]
pub fn trip_circuit_breaker(reason: BreakerReason) {
    global().trip_circuit_breaker(reason);
}

/// [`Telemetry::reset_circuit_breaker`](crate::Telemetry::reset_circuit_breaker) on the default telemetry.
#[track_caller]
pub fn reset_circuit_breaker() {
    global().reset_circuit_breaker();
}

/// [`Telemetry::set_trading_halted`](crate::Telemetry::set_trading_halted) on the default telemetry.
#[track_caller]
pub fn set_trading_halted(halted: bool) {
    global().set_trading_halted(halted);
}

/// [`Telemetry::record_risk_decision`](crate::Telemetry::record_risk_decision) on the default telemetry.
#[track_caller]
pub fn record_risk_decision(decision: RiskDecision, latency: Duration) {
    global().record_risk_decision(decision, latency);
}

/// [`Telemetry::set_risk_budget`](crate::Telemetry::set_risk_budget) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_risk_budget`](crate::Telemetry::set_risk_budget).
#[track_caller]
pub fn set_risk_budget(used: f64, budget: f64) -> Result<(), RecordError> {
    global().set_risk_budget(used, budget)
}

/// [`Telemetry::set_risk_score`](crate::Telemetry::set_risk_score) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_risk_score`](crate::Telemetry::set_risk_score).
#[track_caller]
pub fn set_risk_score(score: f64) -> Result<(), RecordError> {
    global().set_risk_score(score)
}

/// [`Telemetry::set_risk_limits`](crate::Telemetry::set_risk_limits) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_risk_limits`](crate::Telemetry::set_risk_limits).
#[track_caller]
pub fn set_risk_limits(limits: &RiskLimits) -> Result<(), RecordError> {
    global().set_risk_limits(limits)
}

/// [`Telemetry::set_open_positions`](crate::Telemetry::set_open_positions) on the default telemetry.
#[track_caller]
pub fn set_open_positions(positions: u64) {
    global().set_open_positions(positions);
}

/// [`Telemetry::set_symbol_exposure`](crate::Telemetry::set_symbol_exposure) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_symbol_exposure`](crate::Telemetry::set_symbol_exposure).
#[track_caller]
pub fn set_symbol_exposure(symbol: Symbol, exposure: f64) -> Result<(), RecordError> {
    global().set_symbol_exposure(symbol, exposure)
}

/// [`Telemetry::record_order_submitted`](crate::Telemetry::record_order_submitted) on the default telemetry.
#[track_caller]
pub fn record_order_submitted(symbol: Symbol) {
    global().record_order_submitted(symbol);
}

/// [`Telemetry::record_order_filled`](crate::Telemetry::record_order_filled) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_order_filled`](crate::Telemetry::record_order_filled).
#[track_caller]
pub fn record_order_filled(symbol: Symbol, fill: &Fill) -> Result<(), RecordError> {
    global().record_order_filled(symbol, fill)
}

/// [`Telemetry::record_order_cancelled`](crate::Telemetry::record_order_cancelled) on the default telemetry.
#[track_caller]
pub fn record_order_cancelled(symbol: Symbol) {
    global().record_order_cancelled(symbol);
}

/// [`Telemetry::record_order_rejected`](crate::Telemetry::record_order_rejected) on the default telemetry.
#[track_caller]
pub fn record_order_rejected(symbol: Symbol, reason: OrderRejectReason) {
    global().record_order_rejected(symbol, reason);
}

/// [`Telemetry::record_bar`](crate::Telemetry::record_bar) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_bar`](crate::Telemetry::record_bar).
#[track_caller]
pub fn record_bar(symbol: Symbol, timeframe: Timeframe, bar: &Bar) -> Result<(), RecordError> {
    global().record_bar(symbol, timeframe, bar)
}

/// [`Telemetry::add_bars_processed`](crate::Telemetry::add_bars_processed) on the default telemetry.
#[track_caller]
pub fn add_bars_processed(bars: u64) {
    global().add_bars_processed(bars);
}

/// [`Telemetry::set_vpin`](crate::Telemetry::set_vpin) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_vpin`](crate::Telemetry::set_vpin).
#[track_caller]
pub fn set_vpin(symbol: Symbol, vpin: f64, threshold: Option<f64>) -> Result<(), RecordError> {
    global().set_vpin(symbol, vpin, threshold)
}

/// [`Telemetry::set_spread_stress`](crate::Telemetry::set_spread_stress) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_spread_stress`](crate::Telemetry::set_spread_stress).
#[track_caller]
pub fn set_spread_stress(
    symbol: Symbol,
    index: f64,
    threshold: Option<f64>,
) -> Result<(), RecordError> {
    global().set_spread_stress(symbol, index, threshold)
}

/// [`Telemetry::record_rl_reward`](crate::Telemetry::record_rl_reward) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_rl_reward`](crate::Telemetry::record_rl_reward).
#[track_caller]
pub fn record_rl_reward(agent: Agent, reward: f64) -> Result<(), RecordError> {
    global().record_rl_reward(agent, reward)
}

/// [`Telemetry::record_rl_episode_reward`](crate::Telemetry::record_rl_episode_reward) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_rl_episode_reward`](crate::Telemetry::record_rl_episode_reward).
#[track_caller]
pub fn record_rl_episode_reward(agent: Agent, reward: f64) -> Result<(), RecordError> {
    global().record_rl_episode_reward(agent, reward)
}

/// [`Telemetry::record_rl_training`](crate::Telemetry::record_rl_training) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::record_rl_training`](crate::Telemetry::record_rl_training).
#[track_caller]
pub fn record_rl_training(agent: Agent, training: &RlTraining) -> Result<(), RecordError> {
    global().record_rl_training(agent, training)
}

/// [`Telemetry::set_rl_q_value`](crate::Telemetry::set_rl_q_value) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_rl_q_value`](crate::Telemetry::set_rl_q_value).
#[track_caller]
pub fn set_rl_q_value(agent: Agent, q_value: f64) -> Result<(), RecordError> {
    global().set_rl_q_value(agent, q_value)
}

/// [`Telemetry::set_rl_exploration_rate`](crate::Telemetry::set_rl_exploration_rate) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_rl_exploration_rate`](crate::Telemetry::set_rl_exploration_rate).
#[track_caller]
pub fn set_rl_exploration_rate(agent: Agent, epsilon: f64) -> Result<(), RecordError> {
    global().set_rl_exploration_rate(agent, epsilon)
}

/// [`Telemetry::start_run`](crate::Telemetry::start_run) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::start_run`](crate::Telemetry::start_run).
#[track_caller]
pub fn start_run(run: &RunInfo) -> Result<(), RecordError> {
    global().start_run(run)
}

/// [`Telemetry::set_session_active`](crate::Telemetry::set_session_active) on the default telemetry.
#[track_caller]
pub fn set_session_active(active: bool) {
    global().set_session_active(active);
}

/// [`Telemetry::set_phase`](crate::Telemetry::set_phase) on the default telemetry.
#[track_caller]
pub fn set_phase(phase: u8) {
    global().set_phase(phase);
}

/// [`Telemetry::record_instance_switch`](crate::Telemetry::record_instance_switch) on the default telemetry.
#[track_caller]
pub fn record_instance_switch(agent: Agent) {
    global().record_instance_switch(agent);
}

/// [`Telemetry::set_primary_instance_ratio`](crate::Telemetry::set_primary_instance_ratio) on the default telemetry.
///
/// # Errors
/// See [`Telemetry::set_primary_instance_ratio`](crate::Telemetry::set_primary_instance_ratio).
#[track_caller]
pub fn set_primary_instance_ratio(ratio: f64) -> Result<(), RecordError> {
    global().set_primary_instance_ratio(ratio)
}

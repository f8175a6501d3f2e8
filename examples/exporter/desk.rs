//! The simulated risk engine: its limits, a decision (with its latency) on
//! every signal, the risk budget and score, open positions and exposure per
//! symbol, the circuit breaker and trading halts.

use std::time::Duration;

use velocity_metrics::{BreakerReason, RecordError, RiskDecision, RiskLimits, Symbol, Telemetry};

use crate::rng::Rng;
use crate::scenario::Scenario;

/// The daily loss limit: 2 % of the simulated account's 100 000.
pub const DAILY_LOSS_LIMIT: f64 = 2_000.0;
const LIMITS: RiskLimits = RiskLimits {
    daily_loss_limit: Some(DAILY_LOSS_LIMIT),
    daily_drawdown_limit_percent: Some(3.0),
    max_positions: Some(8),
    max_position_size: Some(1.0),
    consecutive_losses_limit: Some(15),
};
const RISK_BUDGET: f64 = 5_000.0;
/// A calm engine's breaker trips on a spread spike now and then, briefly:
/// first after 10 minutes, then every 30, for 3 s (ticks of 100 ms) — far
/// shorter than `VelocityTraderCircuitBreakerTripped`'s one minute.
const CALM_TRIP_FIRST: u64 = 6_000;
const CALM_TRIP_EVERY: u64 = 18_000;
const CALM_TRIP_TICKS: u64 = 30;

pub struct RiskDesk {
    tripped: bool,
    halted: bool,
    budget_used: f64,
    score: f64,
    positions: u64,
    exposure: Vec<f64>,
}

impl RiskDesk {
    /// Reports the limits, an armed breaker (its trip counters at 0) and
    /// trading allowed.
    pub fn open(t: &Telemetry, symbols: usize) -> Result<Self, RecordError> {
        t.set_risk_limits(&LIMITS)?;
        t.reset_circuit_breaker();
        t.set_trading_halted(false);
        Ok(Self {
            tripped: false,
            halted: false,
            budget_used: 1_500.0,
            score: 30.0,
            positions: 0,
            exposure: vec![0.0; symbols],
        })
    }

    /// Whether the risk engine lets the agents trade.
    pub fn trading(&self) -> bool {
        !(self.tripped || self.halted)
    }

    /// The agents' open positions, reported at the next review.
    pub fn set_positions(&mut self, positions: u64) {
        self.positions = positions;
    }

    /// Whether a spread spike trips a calm engine's breaker at `tick`.
    pub fn calm_spike(tick: u64) -> bool {
        tick >= CALM_TRIP_FIRST && (tick - CALM_TRIP_FIRST) % CALM_TRIP_EVERY < CALM_TRIP_TICKS
    }

    /// Decides on one signal and records the decision with its latency.
    pub fn decide(&self, t: &Telemetry, rng: &mut Rng, slow: bool) -> RiskDecision {
        let u = rng.next_f64();
        let decision = if self.halted {
            RiskDecision::Halt
        } else if self.tripped || u < 0.04 {
            RiskDecision::Reject
        } else if u < 0.14 {
            RiskDecision::ReduceSize
        } else {
            RiskDecision::Approve
        };
        let secs = if slow {
            0.03 + 0.09 * rng.next_f64()
        } else if rng.chance(0.005) {
            0.001 + 0.003 * rng.next_f64()
        } else {
            0.000_08 + 0.000_24 * rng.next_f64()
        };
        t.record_risk_decision(decision, Duration::from_secs_f64(secs));
        decision
    }

    /// Once a second: the breaker and halt by the scenario and the day's
    /// P&L, then the budget, score, open positions and exposure.
    #[allow(clippy::too_many_arguments, reason = "the engine state it reads")]
    pub fn review(
        &mut self,
        t: &Telemetry,
        rng: &mut Rng,
        scenario: Scenario,
        faulty: bool,
        tick: u64,
        day_pnl: f64,
        symbols: &[Symbol],
    ) -> Result<(), RecordError> {
        let limit_hit = day_pnl <= -DAILY_LOSS_LIMIT;
        let trip = if limit_hit {
            Some(BreakerReason::DailyLoss)
        } else if faulty && scenario == Scenario::Breaker {
            Some(BreakerReason::Volatility)
        } else if scenario == Scenario::Calm && Self::calm_spike(tick) {
            Some(BreakerReason::Spread)
        } else {
            None
        };
        match (trip, self.tripped) {
            (Some(reason), false) => t.trip_circuit_breaker(reason),
            (None, true) => t.reset_circuit_breaker(),
            _ => {}
        }
        self.tripped = trip.is_some();
        // The engine halts at its daily loss limit until the day ends; an
        // operator halts it in the `halt` scenario.
        let halted = limit_hit || (faulty && scenario == Scenario::Halt);
        if halted != self.halted {
            t.set_trading_halted(halted);
            self.halted = halted;
        }
        self.budget_used = (self.budget_used + rng.normal() * 120.0).clamp(500.0, 3_500.0);
        t.set_risk_budget(self.budget_used, RISK_BUDGET)?;
        self.score = (self.score + rng.normal() * 2.0).clamp(10.0, 60.0);
        t.set_risk_score(self.score)?;
        t.set_open_positions(self.positions);
        let trading = self.trading();
        for (exposure, &symbol) in self.exposure.iter_mut().zip(symbols) {
            *exposure = if trading {
                (*exposure * 0.95 + rng.normal() * 4_000.0).clamp(-40_000.0, 40_000.0)
            } else {
                *exposure * 0.5
            };
            t.set_symbol_exposure(symbol, *exposure)?;
        }
        Ok(())
    }
}

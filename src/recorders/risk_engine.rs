//! Risk engine and circuit breakers: breaker state and trips, trading halt,
//! decisions and their latency, risk budget and score, daily limits,
//! positions and exposure per symbol.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use portable_atomic::AtomicU128;

use crate::catalogue as cat;
use crate::error::{MAX_ABS_AMOUNT, RecordError, amount, in_range};
use crate::model::{BreakerReason, RiskDecision, RiskLimits, Symbol};
use crate::telemetry::{
    AtomicOptionF64, Inner, LazyCounter, LazyGauge, LazyHistogram, Role, Sink, Telemetry,
    count_f64, from_option_bits, option_bits,
};

/// Recording-side handles and values of the risk engine.
pub(crate) struct RiskEngineHandles {
    sink: Sink,
    breaker_active: LazyGauge,
    trips: [LazyCounter; BreakerReason::ALL.len()],
    halted: LazyGauge,
    decisions: [LazyCounter; RiskDecision::ALL.len()],
    decisions_registered: AtomicBool,
    decision_duration: LazyHistogram,
    /// `(used, budget)` as optional-`f64` bits, written together; none before.
    budget: AtomicU128,
    score: LazyGauge,
    /// The daily loss limit, if the engine reported one.
    daily_loss_limit_value: AtomicOptionF64,
    daily_loss_limit: LazyGauge,
    daily_drawdown_limit: LazyGauge,
    max_positions: LazyGauge,
    max_position_size: LazyGauge,
    consecutive_losses_limit: LazyGauge,
    position_count: LazyGauge,
}

fn pair(used: f64, budget: f64) -> u128 {
    (u128::from(option_bits(Some(used))) << 64) | u128::from(option_bits(Some(budget)))
}

impl RiskEngineHandles {
    /// An engine ([`Role::Engine`]) registers every breaker reason and every
    /// decision at 0 now, so `increase()` sees the first trip and the first
    /// decision of each kind.
    pub(crate) fn new(sink: &Sink, role: Role) -> Self {
        let gauge = |def| LazyGauge::new(sink, def, &[]);
        let handles = Self {
            sink: sink.clone(),
            breaker_active: gauge(&cat::CIRCUIT_BREAKER_ACTIVE),
            trips: std::array::from_fn(|i| {
                let reason = BreakerReason::ALL[i].as_str();
                LazyCounter::new(sink, &cat::CIRCUIT_BREAKER_TRIPS_TOTAL, &[reason])
            }),
            halted: gauge(&cat::TRADING_HALTED),
            decisions: std::array::from_fn(|i| {
                let decision = RiskDecision::ALL[i].as_str();
                LazyCounter::new(sink, &cat::RISK_DECISION_TOTAL, &[decision])
            }),
            decisions_registered: AtomicBool::new(false),
            decision_duration: LazyHistogram::new(sink, &cat::RISK_DECISION_DURATION_SECONDS, &[]),
            budget: AtomicU128::new(
                (u128::from(option_bits(None)) << 64) | u128::from(option_bits(None)),
            ),
            score: gauge(&cat::RISK_SCORE),
            daily_loss_limit_value: AtomicOptionF64::none(),
            daily_loss_limit: gauge(&cat::DAILY_LOSS_LIMIT),
            daily_drawdown_limit: gauge(&cat::DAILY_DRAWDOWN_LIMIT),
            max_positions: gauge(&cat::MAX_POSITIONS),
            max_position_size: gauge(&cat::MAX_POSITION_SIZE),
            consecutive_losses_limit: gauge(&cat::CONSECUTIVE_LOSSES_LIMIT),
            position_count: gauge(&cat::POSITION_COUNT),
        };
        if role == Role::Engine {
            handles.register_trips();
            handles.register_decisions();
        }
        handles
    }

    fn register_trips(&self) {
        for counter in &self.trips {
            counter.register(&self.sink);
        }
    }

    fn register_decisions(&self) {
        if !self.decisions_registered.load(Ordering::Relaxed) {
            for counter in &self.decisions {
                counter.register(&self.sink);
            }
            self.decisions_registered.store(true, Ordering::Relaxed);
        }
    }

    /// The daily loss limit, if the engine reported one.
    fn daily_loss_limit(&self) -> Option<f64> {
        self.daily_loss_limit_value.get()
    }
}

/// Series the publish step derives: daily P&L, daily loss limit used, daily
/// drawdown, risk budget.
pub(crate) struct RiskEnginePublish {
    daily_pnl: LazyGauge,
    daily_loss_limit_used: LazyGauge,
    pub(crate) daily_drawdown: LazyGauge,
    budget_used: LazyGauge,
    budget: LazyGauge,
    utilization: LazyGauge,
}

impl RiskEnginePublish {
    pub(crate) fn new(sink: &Sink) -> Self {
        let gauge = |def| LazyGauge::new(sink, def, &[]);
        Self {
            daily_pnl: gauge(&cat::DAILY_PNL),
            daily_loss_limit_used: gauge(&cat::DAILY_LOSS_LIMIT_USED),
            daily_drawdown: gauge(&cat::DAILY_DRAWDOWN),
            budget_used: gauge(&cat::RISK_BUDGET_USED),
            budget: gauge(&cat::RISK_BUDGET),
            utilization: gauge(&cat::RISK_BUDGET_UTILIZATION),
        }
    }
}

/// Writes the daily P&L of the current trading day (`daily_pnl`, from the
/// trade book) and the share of the daily loss limit it uses. An engine
/// knows its day from the start (0 before the first trade of the day); a
/// database reader once it has read a trade.
pub(crate) fn publish_daily_pnl(
    inner: &Inner,
    h: &RiskEnginePublish,
    daily_pnl: f64,
    any_trade: bool,
) {
    if inner.config.role != Role::Engine && !any_trade {
        return;
    }
    let sink = &inner.sink;
    h.daily_pnl.set(sink, Some(daily_pnl));
    let used = inner
        .risk_engine
        .daily_loss_limit()
        .map(|limit| 100.0 * daily_loss(daily_pnl) / limit);
    h.daily_loss_limit_used.set(sink, used);
}

/// The day's closed loss as a positive magnitude, +0 without one (never
/// `-0`, which `(-pnl).max(0.0)` may give and the exposition would print).
fn daily_loss(daily_pnl: f64) -> f64 {
    if daily_pnl < 0.0 { -daily_pnl } else { 0.0 }
}

/// Writes the risk budget series from the last `set_risk_budget` pair.
pub(crate) fn publish_budget(inner: &Inner, h: &RiskEnginePublish) {
    let word = inner.risk_engine.budget.load(Ordering::Acquire);
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the two halves of the word"
    )]
    let (used, budget) = (
        from_option_bits((word >> 64) as u64),
        from_option_bits(word as u64),
    );
    let (Some(used), Some(budget)) = (used, budget) else {
        return;
    };
    let sink = &inner.sink;
    h.budget_used.set(sink, Some(used));
    h.budget.set(sink, Some(budget));
    h.utilization
        .set(sink, (budget > 0.0).then(|| 100.0 * used / budget));
}

fn flag(on: bool) -> f64 {
    if on { 1.0 } else { 0.0 }
}

impl Telemetry {
    /// Counts one circuit-breaker trip for `reason` and shows the breaker as
    /// tripped (`velocitytrader_circuit_breaker_active` 1). An engine
    /// telemetry has every reason at 0 from its start, so `increase()` sees
    /// the first trip of any reason.
    pub fn trip_circuit_breaker(&self, reason: BreakerReason) {
        let h = &self.inner.risk_engine;
        h.register_trips();
        h.trips[reason.index()].increment(&h.sink, 1);
        h.breaker_active.set(&h.sink, Some(1.0));
    }

    /// Shows the circuit breaker as armed (`…_circuit_breaker_active` 0).
    /// Call it at start-up, so the breaker's state is known from the first
    /// scrape.
    pub fn reset_circuit_breaker(&self) {
        let h = &self.inner.risk_engine;
        h.register_trips();
        h.breaker_active.set(&h.sink, Some(0.0));
    }

    /// Reports whether trading is halted.
    pub fn set_trading_halted(&self, halted: bool) {
        let h = &self.inner.risk_engine;
        h.halted.set(&h.sink, Some(flag(halted)));
    }

    /// Counts one risk-engine decision and records how long it took
    /// (histogram in seconds). An engine telemetry has every outcome at 0
    /// from its start.
    pub fn record_risk_decision(&self, decision: RiskDecision, latency: Duration) {
        let h = &self.inner.risk_engine;
        h.register_decisions();
        h.decisions[decision.index()].increment(&h.sink, 1);
        h.decision_duration.record(&h.sink, latency.as_secs_f64());
    }

    /// Sets the risk budget in use and the total budget (both ≥ 0, account
    /// currency). The publish step derives the utilisation (no sample while
    /// the budget is 0); the two values are stored as one word, so a scrape
    /// never mixes two calls.
    ///
    /// # Errors
    /// [`RecordError`] for NaN/±Inf, negative or out-of-bound values.
    pub fn set_risk_budget(&self, used: f64, budget: f64) -> Result<(), RecordError> {
        in_range("risk_budget_used", used, 0.0, MAX_ABS_AMOUNT)
            .and_then(|_| in_range("risk_budget", budget, 0.0, MAX_ABS_AMOUNT))
            .map_err(|e| self.reject(e))?;
        self.inner
            .risk_engine
            .budget
            .store(pair(used, budget), Ordering::Release);
        Ok(())
    }

    /// Sets the risk score the engine computes (0–100).
    ///
    /// # Errors
    /// [`RecordError`] for a score that is not finite or outside 0..=100.
    pub fn set_risk_score(&self, score: f64) -> Result<(), RecordError> {
        let score = in_range("risk_score", score, 0.0, 100.0).map_err(|e| self.reject(e))?;
        let h = &self.inner.risk_engine;
        h.score.set(&h.sink, Some(score));
        Ok(())
    }

    /// Sets every risk limit at once (see [`RiskLimits`]: `None` = no such
    /// limit, its series then has no sample).
    ///
    /// # Errors
    /// [`RecordError`] when [`RiskLimits::validate`] fails; nothing changes
    /// then.
    pub fn set_risk_limits(&self, limits: &RiskLimits) -> Result<(), RecordError> {
        limits.validate().map_err(|e| self.reject(e))?;
        let h = &self.inner.risk_engine;
        let sink = &h.sink;
        h.daily_loss_limit_value.set(limits.daily_loss_limit);
        h.daily_loss_limit.set(sink, limits.daily_loss_limit);
        h.daily_drawdown_limit
            .set(sink, limits.daily_drawdown_limit_percent);
        h.max_positions
            .set(sink, limits.max_positions.map(count_f64));
        h.max_position_size.set(sink, limits.max_position_size);
        h.consecutive_losses_limit
            .set(sink, limits.consecutive_losses_limit.map(count_f64));
        Ok(())
    }

    /// Sets the number of open positions (all agents and symbols).
    pub fn set_open_positions(&self, positions: u64) {
        let h = &self.inner.risk_engine;
        h.position_count.set(&h.sink, Some(count_f64(positions)));
    }

    /// Sets the open exposure in `symbol` (account currency, signed: long
    /// positive). A last value per symbol: beyond the symbol cardinality
    /// limit it is dropped and counted as overflow, never mixed under
    /// `__overflow__`.
    ///
    /// # Errors
    /// [`RecordError`] for NaN/±Inf or an amount beyond
    /// ±[`MAX_ABS_AMOUNT`].
    pub fn set_symbol_exposure(&self, symbol: Symbol, exposure: f64) -> Result<(), RecordError> {
        let exposure = amount("exposure", exposure).map_err(|e| self.reject(e))?;
        let inner = &*self.inner;
        let slot = inner.symbols.resolve(symbol.value());
        if slot.overflow {
            return Ok(());
        }
        let sink = &inner.sink;
        inner.exposure.with(
            slot.index,
            || {
                LazyGauge::new(
                    sink,
                    &cat::SYMBOL_EXPOSURE,
                    &[inner.symbols.label(slot.index)],
                )
            },
            |gauge| gauge.set(sink, Some(exposure)),
        );
        Ok(())
    }
}

#[cfg(test)]
mod daily_loss_tests {
    #[test]
    fn no_loss_is_positive_zero() {
        for pnl in [0.0, -0.0, 12.5] {
            assert_eq!(super::daily_loss(pnl).to_bits(), 0.0_f64.to_bits(), "{pnl}");
        }
        assert!((super::daily_loss(-40.0) - 40.0).abs() < f64::EPSILON);
    }
}

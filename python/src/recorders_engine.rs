//! Recorders of the risk engine, execution quality, bars, the learners'
//! rewards and run control, as methods of `Telemetry`. Like the others they
//! hold the GIL.

use pyo3::prelude::*;
use velocity_metrics::{
    Bar, BreakerReason, Fill, OrderRejectReason, RiskDecision, RiskLimits, RlTraining, RunInfo,
};

use crate::convert::{agent, parsed, seconds, symbol, text};
use crate::errors::{self, guarded};
use crate::recorders_trading::recorded;
use crate::telemetry::PyTelemetry;

#[pymethods]
impl PyTelemetry {
    /// Trips the circuit breaker for `reason` (`"daily_loss"`, `"drawdown"`,
    /// `"consecutive_losses"`, `"volatility"`, `"spread"`, `"vpin"`,
    /// `"manual"`, `"other"`, or `BreakerReason`). Raises `ParseError`.
    fn trip_circuit_breaker(&self, reason: &Bound<'_, PyAny>) -> PyResult<()> {
        guarded(|| {
            self.get()
                .trip_circuit_breaker(parsed::<BreakerReason>(reason, "reason")?);
            Ok(())
        })
    }

    /// Re-arms the circuit breaker (the trip counters exist at 0 from then).
    fn reset_circuit_breaker(&self) -> PyResult<()> {
        guarded(|| {
            self.get().reset_circuit_breaker();
            Ok(())
        })
    }

    /// Sets whether trading is halted.
    fn set_trading_halted(&self, halted: bool) -> PyResult<()> {
        guarded(|| {
            self.get().set_trading_halted(halted);
            Ok(())
        })
    }

    /// Counts a risk decision (`"approve"`, `"reduce_size"`, `"reject"`,
    /// `"halt"`, or `RiskDecision`) taken in `latency` seconds. Raises
    /// `ParseError`, or `RecordError` for a negative or NaN latency.
    fn record_risk_decision(&self, decision: &Bound<'_, PyAny>, latency: f64) -> PyResult<()> {
        guarded(|| {
            self.get().record_risk_decision(
                parsed::<RiskDecision>(decision, "decision")?,
                seconds("latency", latency)?,
            );
            Ok(())
        })
    }

    /// Sets the risk budget used and its size (utilization = 100 × used /
    /// budget). Raises `RecordError`.
    fn set_risk_budget(&self, used: f64, budget: f64) -> PyResult<()> {
        guarded(|| recorded(self.get().set_risk_budget(used, budget)))
    }

    /// Sets the engine's risk score, 0–100. Raises `RecordError`.
    fn set_risk_score(&self, score: f64) -> PyResult<()> {
        guarded(|| recorded(self.get().set_risk_score(score)))
    }

    /// Sets the engine's risk limits; a limit left `None` has no sample.
    /// Raises `RecordError` (e.g. a daily loss limit ≤ 0).
    #[pyo3(signature = (*, daily_loss_limit=None, daily_drawdown_limit_percent=None, max_positions=None, max_position_size=None, consecutive_losses_limit=None))]
    fn set_risk_limits(
        &self,
        daily_loss_limit: Option<f64>,
        daily_drawdown_limit_percent: Option<f64>,
        max_positions: Option<u64>,
        max_position_size: Option<f64>,
        consecutive_losses_limit: Option<u64>,
    ) -> PyResult<()> {
        guarded(|| {
            recorded(self.get().set_risk_limits(&RiskLimits {
                daily_loss_limit,
                daily_drawdown_limit_percent,
                max_positions,
                max_position_size,
                consecutive_losses_limit,
            }))
        })
    }

    /// Sets the number of open positions of the engine.
    fn set_open_positions(&self, positions: u64) -> PyResult<()> {
        guarded(|| {
            self.get().set_open_positions(positions);
            Ok(())
        })
    }

    /// Sets the signed open exposure of `symbol` in account currency.
    /// Raises `RecordError`.
    fn set_symbol_exposure(&self, symbol: &Bound<'_, PyAny>, exposure: f64) -> PyResult<()> {
        guarded(|| {
            recorded(
                self.get()
                    .set_symbol_exposure(self::symbol(symbol)?, exposure),
            )
        })
    }

    /// Counts an order submitted for `symbol`.
    fn record_order_submitted(&self, symbol: &Bound<'_, PyAny>) -> PyResult<()> {
        guarded(|| {
            self.get().record_order_submitted(self::symbol(symbol)?);
            Ok(())
        })
    }

    /// Records a fill of an order for `symbol`: order-to-fill `latency` in
    /// seconds, signed `slippage` in price units (positive = worse for the
    /// trader), `spread` at the fill, `partial` for a partial fill. Raises
    /// `RecordError`.
    #[pyo3(signature = (symbol, *, latency, slippage, spread, partial=false))]
    fn record_order_filled(
        &self,
        symbol: &Bound<'_, PyAny>,
        latency: f64,
        slippage: f64,
        spread: f64,
        partial: bool,
    ) -> PyResult<()> {
        guarded(|| {
            let fill = Fill {
                latency: seconds("latency", latency)?,
                slippage,
                spread,
                partial,
            };
            recorded(self.get().record_order_filled(self::symbol(symbol)?, &fill))
        })
    }

    /// Counts an order for `symbol` cancelled.
    fn record_order_cancelled(&self, symbol: &Bound<'_, PyAny>) -> PyResult<()> {
        guarded(|| {
            self.get().record_order_cancelled(self::symbol(symbol)?);
            Ok(())
        })
    }

    /// Counts an order for `symbol` rejected for `reason`
    /// (`"insufficient_margin"`, `"invalid_price"`, `"market_closed"`,
    /// `"risk_limit"`, `"broker"`, `"timeout"`, `"other"`, or
    /// `OrderRejectReason`). Raises `ParseError`.
    fn record_order_rejected(
        &self,
        symbol: &Bound<'_, PyAny>,
        reason: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        guarded(|| {
            self.get().record_order_rejected(
                self::symbol(symbol)?,
                parsed::<OrderRejectReason>(reason, "reason")?,
            );
            Ok(())
        })
    }

    /// Records a bar of `symbol` on `timeframe` (last OHLC and volume, ATR(14),
    /// realised volatility). Raises `RecordError` for a malformed bar (NaN,
    /// high below low, open or close outside the range, close ≤ 0, negative
    /// volume), which changes nothing.
    #[pyo3(signature = (symbol, timeframe, *, open, high, low, close, volume=None))]
    #[allow(clippy::too_many_arguments)]
    fn record_bar(
        &self,
        symbol: &Bound<'_, PyAny>,
        timeframe: &Bound<'_, PyAny>,
        open: f64,
        high: f64,
        low: f64,
        close: f64,
        volume: Option<f64>,
    ) -> PyResult<()> {
        guarded(|| {
            let bar = Bar {
                open,
                high,
                low,
                close,
                volume,
            };
            recorded(self.get().record_bar(
                self::symbol(symbol)?,
                parsed(timeframe, "timeframe")?,
                &bar,
            ))
        })
    }

    /// Adds bars processed without recording their OHLC.
    fn add_bars_processed(&self, bars: u64) -> PyResult<()> {
        guarded(|| {
            self.get().add_bars_processed(bars);
            Ok(())
        })
    }

    /// Sets the VPIN of `symbol` (0–1) and, optionally, its threshold.
    /// Raises `RecordError`.
    #[pyo3(signature = (symbol, vpin, threshold=None))]
    fn set_vpin(
        &self,
        symbol: &Bound<'_, PyAny>,
        vpin: f64,
        threshold: Option<f64>,
    ) -> PyResult<()> {
        guarded(|| recorded(self.get().set_vpin(self::symbol(symbol)?, vpin, threshold)))
    }

    /// Sets the spread-stress index of `symbol` and, optionally, its
    /// threshold (the engine's units). Raises `RecordError`.
    #[pyo3(signature = (symbol, index, threshold=None))]
    fn set_spread_stress(
        &self,
        symbol: &Bound<'_, PyAny>,
        index: f64,
        threshold: Option<f64>,
    ) -> PyResult<()> {
        guarded(|| {
            recorded(
                self.get()
                    .set_spread_stress(self::symbol(symbol)?, index, threshold),
            )
        })
    }

    /// Adds a reward received by the learner of `agent` to its cumulative
    /// reward (can fall). Raises `RecordError`.
    fn record_rl_reward(&self, agent: &Bound<'_, PyAny>, reward: f64) -> PyResult<()> {
        guarded(|| recorded(self.get().record_rl_reward(self::agent(agent)?, reward)))
    }

    /// Sets the reward of the last episode of `agent`. Raises `RecordError`.
    fn record_rl_episode_reward(&self, agent: &Bound<'_, PyAny>, reward: f64) -> PyResult<()> {
        guarded(|| {
            recorded(
                self.get()
                    .record_rl_episode_reward(self::agent(agent)?, reward),
            )
        })
    }

    /// Records a model update of `agent`: its loss (≥ 0) and Q-value.
    /// Raises `RecordError`.
    #[pyo3(signature = (agent, *, loss, q_value))]
    fn record_rl_training(
        &self,
        agent: &Bound<'_, PyAny>,
        loss: f64,
        q_value: f64,
    ) -> PyResult<()> {
        guarded(|| {
            recorded(
                self.get()
                    .record_rl_training(self::agent(agent)?, &RlTraining { loss, q_value }),
            )
        })
    }

    /// Sets the greedy Q-value of `agent` alone (no model update counted).
    /// Raises `RecordError`.
    fn set_rl_q_value(&self, agent: &Bound<'_, PyAny>, q_value: f64) -> PyResult<()> {
        guarded(|| recorded(self.get().set_rl_q_value(self::agent(agent)?, q_value)))
    }

    /// Starts run `run_id` with configuration hash `config_hash`
    /// (`velocitytrader_run_info` 1 for it, 0 for the previous run). Raises
    /// `LabelError`, or `RecordError` (reason `limit_reached`) for a 65th run.
    fn start_run(&self, run_id: &Bound<'_, PyAny>, config_hash: &Bound<'_, PyAny>) -> PyResult<()> {
        guarded(|| {
            let run = RunInfo::new(&text(run_id, "run_id")?, &text(config_hash, "config_hash")?)
                .map_err(|e| errors::label(&e))?;
            recorded(self.get().start_run(&run))
        })
    }

    /// Sets whether a trading session is active.
    fn set_session_active(&self, active: bool) -> PyResult<()> {
        guarded(|| {
            self.get().set_session_active(active);
            Ok(())
        })
    }

    /// Sets the engine's phase (0–255).
    fn set_phase(&self, phase: u8) -> PyResult<()> {
        guarded(|| {
            self.get().set_phase(phase);
            Ok(())
        })
    }

    /// Counts a switch of the instance `agent` trades with.
    fn record_instance_switch(&self, agent: &Bound<'_, PyAny>) -> PyResult<()> {
        guarded(|| {
            self.get().record_instance_switch(self::agent(agent)?);
            Ok(())
        })
    }

    /// Sets the share of decisions taken by the primary instance, 0–1.
    /// Raises `RecordError`.
    fn set_primary_instance_ratio(&self, ratio: f64) -> PyResult<()> {
        guarded(|| recorded(self.get().set_primary_instance_ratio(ratio)))
    }
}

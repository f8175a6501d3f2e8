//! Recorders of trades, equity, the market, agents and the system, as
//! methods of `Telemetry` (and, through the default telemetry, module-level
//! functions). They hold the GIL: each is a few atomic updates, cheaper
//! than releasing and taking it again.

use pyo3::prelude::*;
use velocity_metrics::{
    PhysicsReading, RecordError, Regime, RlSnapshot, Severity, Side, Timeframe, Trade,
};

use crate::convert::{agent, parsed, parsed_opt, seconds, symbol};
use crate::errors::{self, guarded};
use crate::telemetry::PyTelemetry;

/// A recorder's result as Python sees it.
pub(crate) fn recorded(result: Result<(), RecordError>) -> PyResult<()> {
    result.map_err(|e| errors::record(&e))
}

#[pymethods]
impl PyTelemetry {
    /// Records a closed trade. `agent` and `symbol` are `str`s (or `Agent`
    /// / `Symbol` objects); `timeframe`, `regime` and `side` any spelling
    /// the engine uses (`"M5"`, `"CRITICAL"`, `"BUY"`) or the enums;
    /// `duration_secs` ≥ 0; `confidence` in 0–1; `closed_at` Unix seconds
    /// (default: now). A zero P&L is a breakeven. Raises `RecordError`
    /// (nothing recorded, counted in `velocitytrader_rejected_events_total`),
    /// `LabelError` or `ParseError`.
    #[pyo3(signature = (agent, symbol, timeframe, pnl, *, regime=None, duration_secs=None, confidence=None, closed_at=None, side=None))]
    #[allow(clippy::too_many_arguments)]
    fn record_trade(
        &self,
        agent: &Bound<'_, PyAny>,
        symbol: &Bound<'_, PyAny>,
        timeframe: &Bound<'_, PyAny>,
        pnl: f64,
        regime: Option<&Bound<'_, PyAny>>,
        duration_secs: Option<f64>,
        confidence: Option<f64>,
        closed_at: Option<f64>,
        side: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        guarded(|| {
            let mut trade = Trade::closed(
                self::agent(agent)?,
                self::symbol(symbol)?,
                parsed::<Timeframe>(timeframe, "timeframe")?,
                pnl,
            );
            trade.regime = parsed_opt::<Regime>(regime, "regime")?;
            trade.side = parsed_opt::<Side>(side, "side")?;
            trade.duration_secs = duration_secs;
            trade.confidence = confidence;
            if let Some(at) = closed_at {
                trade.closed_at = at;
            }
            recorded(self.get().record_trade(&trade))
        })
    }

    /// Records balance and equity at `at` (Unix seconds; default now,
    /// stamped under the equity lock so that samples from several threads
    /// are never out of order). Raises `RecordError`.
    #[pyo3(signature = (balance, equity, at=None))]
    fn record_equity(&self, balance: f64, equity: f64, at: Option<f64>) -> PyResult<()> {
        guarded(|| {
            recorded(match at {
                Some(at) => self.get().record_equity(balance, equity, at),
                None => self.get().record_equity_now(balance, equity),
            })
        })
    }

    /// Sets the engine's risk exposure in percent of equity. Raises `RecordError`.
    fn set_risk_exposure(&self, percent_of_equity: f64) -> PyResult<()> {
        guarded(|| recorded(self.get().set_risk_exposure(percent_of_equity)))
    }

    /// Records the current regime of `symbol` on `timeframe` (a change
    /// counts in `velocitytrader_regime_changes_total`).
    fn record_regime(
        &self,
        symbol: &Bound<'_, PyAny>,
        timeframe: &Bound<'_, PyAny>,
        regime: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        guarded(|| {
            self.get().record_regime(
                self::symbol(symbol)?,
                parsed(timeframe, "timeframe")?,
                parsed(regime, "regime")?,
            );
            Ok(())
        })
    }

    /// Records the physics engine's reading for `symbol` on `timeframe`.
    /// Raises `RecordError` for a NaN, an infinite value, or a negative
    /// energy, damping ratio or natural frequency.
    #[pyo3(signature = (symbol, timeframe, *, momentum, velocity, acceleration, energy, damping_ratio=None, natural_frequency=None))]
    #[allow(clippy::too_many_arguments)]
    fn record_physics(
        &self,
        symbol: &Bound<'_, PyAny>,
        timeframe: &Bound<'_, PyAny>,
        momentum: f64,
        velocity: f64,
        acceleration: f64,
        energy: f64,
        damping_ratio: Option<f64>,
        natural_frequency: Option<f64>,
    ) -> PyResult<()> {
        guarded(|| {
            let reading = PhysicsReading {
                momentum,
                velocity,
                acceleration,
                energy,
                damping_ratio,
                natural_frequency,
            };
            recorded(self.get().record_physics(
                self::symbol(symbol)?,
                parsed(timeframe, "timeframe")?,
                &reading,
            ))
        })
    }

    /// Records a quote: price (mid) and spread of `symbol`. Raises
    /// `RecordError` for a NaN or `ask < bid`.
    fn record_quote(&self, symbol: &Bound<'_, PyAny>, bid: f64, ask: f64) -> PyResult<()> {
        guarded(|| recorded(self.get().record_quote(self::symbol(symbol)?, bid, ask)))
    }

    /// Counts a trading signal of `agent`.
    fn record_signal(&self, agent: &Bound<'_, PyAny>) -> PyResult<()> {
        guarded(|| {
            self.get().record_signal(self::agent(agent)?);
            Ok(())
        })
    }

    /// Sets the open positions of `agent`.
    fn set_active_positions(&self, agent: &Bound<'_, PyAny>, open_positions: u64) -> PyResult<()> {
        guarded(|| {
            self.get()
                .set_active_positions(self::agent(agent)?, open_positions);
            Ok(())
        })
    }

    /// Records the learner state of `agent`: exploration rate, learning
    /// progress and model confidence in 0–1, the experience buffer's size.
    /// Raises `RecordError`.
    #[pyo3(signature = (agent, *, exploration_rate, learning_progress, experience_buffer_size, model_confidence))]
    fn record_rl(
        &self,
        agent: &Bound<'_, PyAny>,
        exploration_rate: f64,
        learning_progress: f64,
        experience_buffer_size: u64,
        model_confidence: f64,
    ) -> PyResult<()> {
        guarded(|| {
            let snapshot = RlSnapshot {
                exploration_rate,
                learning_progress,
                experience_buffer_size,
                model_confidence,
            };
            recorded(self.get().record_rl(self::agent(agent)?, &snapshot))
        })
    }

    /// Sets the exploration rate ε (0–1) of `agent` alone. Raises `RecordError`.
    fn set_rl_exploration_rate(&self, agent: &Bound<'_, PyAny>, epsilon: f64) -> PyResult<()> {
        guarded(|| {
            recorded(
                self.get()
                    .set_rl_exploration_rate(self::agent(agent)?, epsilon),
            )
        })
    }

    /// Adds experiences collected by the learner of `agent`.
    fn add_rl_experiences(&self, agent: &Bound<'_, PyAny>, experiences: u64) -> PyResult<()> {
        guarded(|| {
            self.get()
                .add_rl_experiences(self::agent(agent)?, experiences);
            Ok(())
        })
    }

    /// Adds training episodes completed by the learner of `agent`.
    fn add_rl_episodes(&self, agent: &Bound<'_, PyAny>, episodes: u64) -> PyResult<()> {
        guarded(|| {
            self.get().add_rl_episodes(self::agent(agent)?, episodes);
            Ok(())
        })
    }

    /// Sets the engine's own verdict: running or not.
    fn set_system_status(&self, running: bool) -> PyResult<()> {
        guarded(|| {
            self.get().set_system_status(running);
            Ok(())
        })
    }

    /// Sets whether the MT5 terminal is connected.
    fn set_mt5_connected(&self, connected: bool) -> PyResult<()> {
        guarded(|| {
            self.get().set_mt5_connected(connected);
            Ok(())
        })
    }

    /// Adds market ticks processed.
    fn add_ticks(&self, ticks: u64) -> PyResult<()> {
        guarded(|| {
            self.get().add_ticks(ticks);
            Ok(())
        })
    }

    /// Counts an engine error of `severity` (`"CRITICAL"`, `"HIGH"`,
    /// `"MEDIUM"`, `"LOW"`, any case, or `Severity`). Raises `ParseError`.
    fn record_error(&self, severity: &Bound<'_, PyAny>) -> PyResult<()> {
        guarded(|| {
            self.get()
                .record_error(parsed::<Severity>(severity, "severity")?);
            Ok(())
        })
    }

    /// Sets the number of symbols the engine trades.
    fn set_active_symbols(&self, symbols: u64) -> PyResult<()> {
        guarded(|| {
            self.get().set_active_symbols(symbols);
            Ok(())
        })
    }

    /// Sets the number of connected websocket clients.
    fn set_websocket_clients(&self, clients: u64) -> PyResult<()> {
        guarded(|| {
            self.get().set_websocket_clients(clients);
            Ok(())
        })
    }

    /// Records one database query's latency, in seconds. Raises
    /// `RecordError` for a negative or NaN latency.
    fn record_db_query(&self, latency: f64) -> PyResult<()> {
        guarded(|| {
            self.get().record_db_query(seconds("latency", latency)?);
            Ok(())
        })
    }
}

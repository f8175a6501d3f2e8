//! Closed trades: the global statistics and the four breakdowns.

use metrics::{Counter, Gauge};

use super::PublishState;
use super::agent_regime::{OutcomeCounters, publish_agent_regimes};
use super::breakdown::{self, DimensionHandles};
use super::risk_engine::publish_daily_pnl;
use super::trade_book::{TradeSlots, TradeTotals};
use crate::catalogue as cat;
use crate::error::RecordError;
use crate::model::{Regime, Timeframe, Trade};
use crate::stats::{Streaks, TradeStats};
use crate::telemetry::{Inner, LazyGauge, Role, Sink, Telemetry, count_f64};

impl Telemetry {
    /// Records one closed trade in the global statistics and in the
    /// per-agent, per-symbol, per-regime (when known) and per-timeframe
    /// breakdowns.
    ///
    /// Safe to call from any number of threads: every statistic is exact in
    /// the order in which the calls take effect, streaks included.
    ///
    /// `closed_at` is seconds since the Unix epoch: any past time (a
    /// backtest's), or up to
    /// [`future_tolerance`](crate::TelemetryConfig::future_tolerance) ahead
    /// of the wall clock.
    ///
    /// # Errors
    /// [`RecordError`] when [`Trade::validate`] fails (NaN/±Inf or
    /// out-of-bound P&L, negative duration, confidence outside 0..=1, a
    /// close time that is negative, in milliseconds by mistake
    /// ([`RecordError::TimeUnit`]) or too far ahead
    /// ([`RecordError::InFuture`])). The trade is then not recorded at all,
    /// and the refusal is counted in
    /// `velocitytrader_rejected_events_total{reason}`.
    pub fn record_trade(&self, trade: &Trade) -> Result<(), RecordError> {
        let inner = &*self.inner;
        trade
            .validate_values()
            .and_then(|()| inner.clock.admit("closed_at", trade.closed_at))
            .map_err(|e| self.reject(e))?;
        let slots = TradeSlots {
            agent: inner.agents.resolve(trade.agent.value()).index,
            symbol: inner.symbols.resolve(trade.symbol.value()).index,
            day: inner.config.trading_day(trade.closed_at),
        };
        inner.trades.record(trade, slots);
        Ok(())
    }
}

/// Handles of the global trade statistics and the breakdown tables.
pub(crate) struct TradeHandles {
    trades: Counter,
    wins: Counter,
    losses: Counter,
    breakevens: Counter,
    pnl: Gauge,
    gross_profit: Gauge,
    gross_loss: Gauge,
    win_rate: LazyGauge,
    profit_factor: LazyGauge,
    payoff: LazyGauge,
    avg_trade: LazyGauge,
    avg_win: LazyGauge,
    avg_loss: LazyGauge,
    largest_win: LazyGauge,
    largest_loss: LazyGauge,
    avg_duration: LazyGauge,
    last_trade_at: LazyGauge,
    wins_max: Gauge,
    losses_max: Gauge,
    wins_now: Gauge,
    losses_now: Gauge,
    agents: Vec<Option<DimensionHandles>>,
    symbols: Vec<Option<DimensionHandles>>,
    regimes: Vec<Option<DimensionHandles>>,
    timeframes: Vec<Option<DimensionHandles>>,
    agent_regimes: Vec<[Option<OutcomeCounters>; 4]>,
    /// Whether an agent's first trade registers its four regimes at 0.
    all_regimes_per_agent: bool,
    scratch: TradeTotals,
}

impl TradeHandles {
    /// An engine ([`Role::Engine`]) registers the regime and timeframe
    /// breakdown counters of every value at 0 now.
    pub(crate) fn new(sink: &Sink, role: Role) -> Self {
        let engine = role == Role::Engine;
        let closed = |defs, labels: &[&str]| {
            if engine {
                breakdown::register_all(sink, defs, labels)
            } else {
                Vec::new()
            }
        };
        Self {
            trades: sink.counter(&cat::TRADES_TOTAL, &[]),
            wins: sink.counter(&cat::TRADES_WINNING_TOTAL, &[]),
            losses: sink.counter(&cat::TRADES_LOSING_TOTAL, &[]),
            breakevens: sink.counter(&cat::TRADES_BREAKEVEN_TOTAL, &[]),
            pnl: sink.gauge(&cat::PNL_TOTAL, &[]),
            gross_profit: sink.gauge(&cat::GROSS_PROFIT, &[]),
            gross_loss: sink.gauge(&cat::GROSS_LOSS, &[]),
            win_rate: LazyGauge::new(sink, &cat::WIN_RATE, &[]),
            profit_factor: LazyGauge::new(sink, &cat::PROFIT_FACTOR, &[]),
            payoff: LazyGauge::new(sink, &cat::PAYOFF_RATIO, &[]),
            avg_trade: LazyGauge::new(sink, &cat::AVG_TRADE_PNL, &[]),
            avg_win: LazyGauge::new(sink, &cat::AVG_WIN, &[]),
            avg_loss: LazyGauge::new(sink, &cat::AVG_LOSS, &[]),
            largest_win: LazyGauge::new(sink, &cat::LARGEST_WIN, &[]),
            largest_loss: LazyGauge::new(sink, &cat::LARGEST_LOSS, &[]),
            avg_duration: LazyGauge::new(sink, &cat::TRADE_DURATION_AVG_SECONDS, &[]),
            last_trade_at: LazyGauge::new(sink, &cat::LAST_TRADE_TIMESTAMP_SECONDS, &[]),
            wins_max: sink.gauge(&cat::CONSECUTIVE_WINS_MAX, &[]),
            losses_max: sink.gauge(&cat::CONSECUTIVE_LOSSES_MAX, &[]),
            wins_now: sink.gauge(&cat::CONSECUTIVE_WINS, &[]),
            losses_now: sink.gauge(&cat::CONSECUTIVE_LOSSES, &[]),
            agents: Vec::new(),
            symbols: Vec::new(),
            regimes: closed(&breakdown::REGIME, &Regime::LABELS),
            timeframes: closed(&breakdown::TIMEFRAME, Timeframe::LABELS),
            agent_regimes: Vec::new(),
            all_regimes_per_agent: engine,
            scratch: TradeTotals::default(),
        }
    }

    fn publish_global(
        &self,
        sink: &Sink,
        s: &TradeStats,
        streaks: &Streaks,
        last_closed_at: Option<f64>,
    ) {
        self.trades.absolute(s.trades());
        self.wins.absolute(s.wins());
        self.losses.absolute(s.losses());
        self.breakevens.absolute(s.breakevens());
        self.pnl.set(s.net_pnl());
        self.gross_profit.set(s.gross_profit());
        self.gross_loss.set(s.gross_loss());
        self.win_rate.set(sink, s.win_rate().map(|w| w * 100.0));
        self.profit_factor.set(sink, s.profit_factor());
        self.payoff.set(sink, s.payoff_ratio());
        self.avg_trade.set(sink, s.avg_trade_pnl());
        self.avg_win.set(sink, s.avg_win());
        self.avg_loss.set(sink, s.avg_loss());
        self.largest_win.set(sink, s.largest_win());
        self.largest_loss.set(sink, s.largest_loss());
        self.avg_duration.set(sink, s.avg_duration_secs());
        self.last_trade_at.set(sink, last_closed_at);
        self.wins_max.set(count_f64(streaks.max_wins()));
        self.losses_max.set(count_f64(streaks.max_losses()));
        self.wins_now.set(count_f64(streaks.current_wins()));
        self.losses_now.set(count_f64(streaks.current_losses()));
    }
}

/// Merges the shards (never blocking a recorder) and writes every trade
/// series.
pub(crate) fn publish_trades(inner: &Inner, state: &mut PublishState) {
    let handles = &mut state.trading;
    let today = inner.config.trading_day(inner.clock.publish_now());
    let streaks = inner.trades.snapshot(&mut handles.scratch, today);
    let sink = &inner.sink;
    let book = &handles.scratch;
    handles.publish_global(sink, &book.all, &streaks, book.last_closed_at);
    breakdown::publish_dimension(
        sink,
        &breakdown::AGENT,
        &mut handles.agents,
        &book.agents,
        |i| inner.agents.label(i),
    );
    breakdown::publish_dimension(
        sink,
        &breakdown::SYMBOL,
        &mut handles.symbols,
        &book.symbols,
        |i| inner.symbols.label(i),
    );
    breakdown::publish_dimension(
        sink,
        &breakdown::REGIME,
        &mut handles.regimes,
        &book.regimes,
        |i| Regime::ALL[i].as_str(),
    );
    breakdown::publish_dimension(
        sink,
        &breakdown::TIMEFRAME,
        &mut handles.timeframes,
        &book.timeframes,
        |i| Timeframe::ALL[i].as_str(),
    );
    publish_agent_regimes(
        sink,
        &mut handles.agent_regimes,
        &book.agent_regimes,
        handles.all_regimes_per_agent.then_some(&book.agents[..]),
        |i| inner.agents.label(i),
    );
    publish_daily_pnl(
        inner,
        &state.risk_engine,
        book.daily_pnl,
        book.all.trades() > 0,
    );
}

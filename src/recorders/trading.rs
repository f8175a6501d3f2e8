//! Closed trades: the global statistics and the four breakdowns.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use metrics::{Counter, Gauge};

use super::PublishState;
use super::breakdown::{self, DimensionHandles, DimensionStats};
use crate::catalogue as cat;
use crate::error::RecordError;
use crate::model::{Regime, Timeframe, Trade};
use crate::stats::{Outcome, Streaks, TradeStats};
use crate::telemetry::{Inner, LazyGauge, Sink, Telemetry, count_f64, lock};

const TIMEFRAMES: usize = Timeframe::ALL.len();
/// Outcomes buffered per shard before they are applied to the global streaks.
const PENDING_OUTCOMES: usize = 1024;

/// Order-independent trade totals: the global statistics (without streaks)
/// and the four breakdowns. One per shard, merged at publish.
#[derive(Debug, Clone, Default)]
pub(crate) struct TradeTotals {
    pub(crate) all: TradeStats,
    pub(crate) agents: Vec<DimensionStats>,
    pub(crate) symbols: Vec<DimensionStats>,
    pub(crate) regimes: [DimensionStats; 4],
    pub(crate) timeframes: [DimensionStats; TIMEFRAMES],
    pub(crate) last_closed_at: Option<f64>,
}

impl TradeTotals {
    /// Records a validated trade; returns its outcome for the streaks.
    fn record(&mut self, trade: &Trade, agent_slot: usize, symbol_slot: usize) -> Outcome {
        let pnl = trade.pnl;
        let outcome = self
            .all
            .record_totals(pnl, trade.duration_secs)
            .unwrap_or(Outcome::Breakeven);
        slot_mut(&mut self.agents, agent_slot).record(outcome, pnl, trade.confidence);
        slot_mut(&mut self.symbols, symbol_slot).record(outcome, pnl, None);
        if let Some(regime) = trade.regime {
            self.regimes[regime.index()].record(outcome, pnl, None);
        }
        self.timeframes[trade.timeframe.index()].record(outcome, pnl, None);
        self.last_closed_at = Some(
            self.last_closed_at
                .map_or(trade.closed_at, |t| t.max(trade.closed_at)),
        );
        outcome
    }

    /// Adds `other`'s totals into `self`.
    fn merge(&mut self, other: &TradeTotals) {
        self.all.merge_totals(&other.all);
        merge_slots(&mut self.agents, &other.agents);
        merge_slots(&mut self.symbols, &other.symbols);
        for (m, s) in self.regimes.iter_mut().zip(&other.regimes) {
            m.merge(s);
        }
        for (m, s) in self.timeframes.iter_mut().zip(&other.timeframes) {
            m.merge(s);
        }
        self.last_closed_at = match (self.last_closed_at, other.last_closed_at) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// Zeroes every total, keeping the vectors' capacity.
    fn clear(&mut self) {
        self.all = TradeStats::new();
        self.agents.fill(DimensionStats::default());
        self.symbols.fill(DimensionStats::default());
        self.regimes = [DimensionStats::default(); 4];
        self.timeframes = [DimensionStats::default(); TIMEFRAMES];
        self.last_closed_at = None;
    }
}

/// One shard: its totals and the outcomes not yet applied to the streaks.
#[derive(Debug)]
struct TradeShard {
    totals: TradeTotals,
    pending: Box<[Outcome; PENDING_OUTCOMES]>,
    pending_len: usize,
}

impl Default for TradeShard {
    fn default() -> Self {
        Self {
            totals: TradeTotals::default(),
            pending: Box::new([Outcome::Breakeven; PENDING_OUTCOMES]),
            pending_len: 0,
        }
    }
}

impl TradeShard {
    fn record(&mut self, trade: &Trade, agent_slot: usize, symbol_slot: usize) {
        self.pending[self.pending_len] = self.totals.record(trade, agent_slot, symbol_slot);
        self.pending_len += 1;
    }

    fn pending_full(&self) -> bool {
        self.pending_len == PENDING_OUTCOMES
    }

    /// Applies the buffered outcomes, in recording order, to `streaks`.
    fn drain_outcomes(&mut self, streaks: &mut Streaks) {
        for &outcome in &self.pending[..self.pending_len] {
            streaks.record(outcome);
        }
        self.pending_len = 0;
    }
}

fn slot_mut(slots: &mut Vec<DimensionStats>, index: usize) -> &mut DimensionStats {
    if slots.len() <= index {
        slots.resize(index + 1, DimensionStats::default());
    }
    &mut slots[index]
}

fn merge_slots(merged: &mut Vec<DimensionStats>, shard: &[DimensionStats]) {
    if merged.len() < shard.len() {
        merged.resize(shard.len(), DimensionStats::default());
    }
    for (m, s) in merged.iter_mut().zip(shard) {
        m.merge(s);
    }
}

/// A shard on its own cache lines, so threads recording into different
/// shards never write to a shared line.
#[repr(align(128))]
struct PaddedShard(Mutex<TradeShard>);

/// Trade state split into shards: each recording thread sticks to one shard,
/// so concurrent recorders do not contend; [`publish_trades`] merges them.
///
/// Streaks need one global order of trades. Each shard buffers its outcomes
/// in recording order and applies them to the global [`Streaks`] when the
/// buffer fills or at publish, under the shard's lock — so streaks are exact
/// for one recording thread, and with several threads they follow an
/// interleaving that keeps every thread's own order.
pub(crate) struct TradeShards {
    shards: Box<[PaddedShard]>,
    streaks: Mutex<Streaks>,
}

thread_local! {
    static SHARD_HINT: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

impl TradeShards {
    pub(crate) fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(4, std::num::NonZero::get);
        let count = (cores * 2).clamp(4, 64);
        Self {
            shards: (0..count)
                .map(|_| PaddedShard(Mutex::new(TradeShard::default())))
                .collect(),
            streaks: Mutex::new(Streaks::new()),
        }
    }

    fn shard(&self) -> &Mutex<TradeShard> {
        let hint = SHARD_HINT.with(|hint| {
            if hint.get() == usize::MAX {
                hint.set(NEXT_SHARD.fetch_add(1, Ordering::Relaxed));
            }
            hint.get()
        });
        &self.shards[hint % self.shards.len()].0
    }
}

impl Telemetry {
    /// Records one closed trade in the global statistics and in the
    /// per-agent, per-symbol, per-regime (when known) and per-timeframe
    /// breakdowns.
    ///
    /// # Errors
    /// [`RecordError`] when [`Trade::validate`] fails (NaN/±Inf P&L, negative
    /// duration, confidence outside 0..=1). The trade is then not recorded at
    /// all, and the refusal is counted in
    /// `velocitytrader_rejected_events_total{reason}`.
    pub fn record_trade(&self, trade: &Trade) -> Result<(), RecordError> {
        trade.validate().map_err(|e| self.reject(e))?;
        let inner = &*self.inner;
        let agent = inner.agents.resolve(trade.agent.id(), trade.agent.as_str());
        let symbol = inner
            .symbols
            .resolve(trade.symbol.id(), trade.symbol.as_str());
        let mut shard = lock(inner.trades.shard());
        shard.record(trade, agent.index, symbol.index);
        if shard.pending_full() {
            shard.drain_outcomes(&mut lock(&inner.trades.streaks));
        }
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
    scratch: TradeTotals,
}

impl TradeHandles {
    pub(crate) fn new(sink: &Sink) -> Self {
        Self {
            trades: sink.counter(&cat::TRADES_TOTAL, &[]),
            wins: sink.counter(&cat::TRADES_WINNING_TOTAL, &[]),
            losses: sink.counter(&cat::TRADES_LOSING_TOTAL, &[]),
            breakevens: sink.counter(&cat::TRADES_BREAKEVEN_TOTAL, &[]),
            pnl: sink.gauge(&cat::PNL_TOTAL, &[]),
            gross_profit: sink.gauge(&cat::GROSS_PROFIT, &[]),
            gross_loss: sink.gauge(&cat::GROSS_LOSS, &[]),
            win_rate: LazyGauge::new(&cat::WIN_RATE, &[]),
            profit_factor: LazyGauge::new(&cat::PROFIT_FACTOR, &[]),
            payoff: LazyGauge::new(&cat::PAYOFF_RATIO, &[]),
            avg_trade: LazyGauge::new(&cat::AVG_TRADE_PNL, &[]),
            avg_win: LazyGauge::new(&cat::AVG_WIN, &[]),
            avg_loss: LazyGauge::new(&cat::AVG_LOSS, &[]),
            largest_win: LazyGauge::new(&cat::LARGEST_WIN, &[]),
            largest_loss: LazyGauge::new(&cat::LARGEST_LOSS, &[]),
            avg_duration: LazyGauge::new(&cat::TRADE_DURATION_AVG_SECONDS, &[]),
            last_trade_at: LazyGauge::new(&cat::LAST_TRADE_TIMESTAMP_SECONDS, &[]),
            wins_max: sink.gauge(&cat::CONSECUTIVE_WINS_MAX, &[]),
            losses_max: sink.gauge(&cat::CONSECUTIVE_LOSSES_MAX, &[]),
            wins_now: sink.gauge(&cat::CONSECUTIVE_WINS, &[]),
            losses_now: sink.gauge(&cat::CONSECUTIVE_LOSSES, &[]),
            agents: Vec::new(),
            symbols: Vec::new(),
            regimes: Vec::new(),
            timeframes: Vec::new(),
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

/// Merges the shards (one short lock each) and writes every trade series.
pub(crate) fn publish_trades(inner: &Inner, state: &mut PublishState) {
    let handles = &mut state.trading;
    handles.scratch.clear();
    for shard in &inner.trades.shards {
        let mut shard = lock(&shard.0);
        shard.drain_outcomes(&mut lock(&inner.trades.streaks));
        handles.scratch.merge(&shard.totals);
    }
    let streaks = *lock(&inner.trades.streaks);
    let sink = &inner.sink;
    let book = &handles.scratch;
    handles.publish_global(sink, &book.all, &streaks, book.last_closed_at);
    let agent_labels = inner.agents.labels();
    let symbol_labels = inner.symbols.labels();
    breakdown::publish_dimension(
        sink,
        &breakdown::AGENT,
        &mut handles.agents,
        &book.agents,
        |i| label_at(&agent_labels, i),
    );
    breakdown::publish_dimension(
        sink,
        &breakdown::SYMBOL,
        &mut handles.symbols,
        &book.symbols,
        |i| label_at(&symbol_labels, i),
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
}

/// The label of slot `index`; slots beyond the assigned labels can only be
/// the overflow slot.
fn label_at(labels: &[&'static str], index: usize) -> &'static str {
    labels
        .get(index)
        .copied()
        .unwrap_or(crate::telemetry::OVERFLOW_LABEL)
}

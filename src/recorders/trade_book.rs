//! Where closed trades accumulate: sharded totals that recording threads
//! update without touching each other's cache lines, that the publisher reads
//! without ever blocking a recorder, and one lock-free streak word.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::breakdown::DimensionStats;
use super::streak_cell::StreakCell;
use super::trade_cells::{DayCell, DimensionCell, OutcomeCell, TotalsCell, add_daily};
use crate::model::{Timeframe, Trade};
use crate::stats::{Outcome, Streaks, TradeStats};
use crate::telemetry::{SeqLock, lock};

const TIMEFRAMES: usize = Timeframe::ALL.len();

/// Most shards a telemetry splits its trades into.
const MAX_SHARDS: usize = 16;

/// Where a trade lands in the per-label tables, and its trading day.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TradeSlots {
    pub(crate) agent: usize,
    pub(crate) symbol: usize,
    /// Trading day of the trade's close (see `TelemetryConfig::trading_day`).
    pub(crate) day: i64,
}

/// One shard: its writers take `writer`; readers go through `seqlock` only.
struct Shard {
    writer: Mutex<()>,
    seqlock: SeqLock,
    totals: TotalsCell,
    agents: Box<[DimensionCell]>,
    symbols: Box<[DimensionCell]>,
    regimes: [DimensionCell; 4],
    timeframes: [DimensionCell; TIMEFRAMES],
    agent_regimes: Box<[[OutcomeCell; 4]]>,
    days: [DayCell; 2],
}

impl Shard {
    fn new(agent_slots: usize, symbol_slots: usize) -> Self {
        Self {
            writer: Mutex::new(()),
            seqlock: SeqLock::default(),
            totals: TotalsCell::default(),
            agents: (0..agent_slots).map(|_| DimensionCell::default()).collect(),
            symbols: (0..symbol_slots)
                .map(|_| DimensionCell::default())
                .collect(),
            regimes: Default::default(),
            timeframes: Default::default(),
            agent_regimes: (0..agent_slots).map(|_| Default::default()).collect(),
            days: Default::default(),
        }
    }

    fn add(&self, outcome: Outcome, trade: &Trade, slots: TradeSlots) {
        let _writer = lock(&self.writer);
        self.seqlock.write(|| {
            self.totals.add(outcome, trade);
            if let Some(cell) = self.agents.get(slots.agent) {
                cell.add(outcome, trade.pnl, trade.confidence);
            }
            if let Some(cell) = self.symbols.get(slots.symbol) {
                cell.add(outcome, trade.pnl, None);
            }
            if let Some(regime) = trade.regime {
                self.regimes[regime.index()].add(outcome, trade.pnl, None);
                if let Some(cells) = self.agent_regimes.get(slots.agent) {
                    let cell = &cells[regime.index()];
                    match outcome {
                        Outcome::Win => cell.wins.add(1),
                        Outcome::Loss => cell.losses.add(1),
                        Outcome::Breakeven => {}
                    }
                }
            }
            self.timeframes[trade.timeframe.index()].add(outcome, trade.pnl, None);
            add_daily(&self.days, slots.day, trade.pnl);
        });
    }
}

/// A shard on its own cache lines, so threads recording into different
/// shards never write to a shared line.
#[repr(align(128))]
struct PaddedShard(Shard);

/// Order-independent trade totals, merged over the shards.
#[derive(Debug, Clone, Default)]
pub(crate) struct TradeTotals {
    pub(crate) all: TradeStats,
    pub(crate) agents: Vec<DimensionStats>,
    pub(crate) symbols: Vec<DimensionStats>,
    pub(crate) regimes: [DimensionStats; 4],
    pub(crate) timeframes: [DimensionStats; TIMEFRAMES],
    pub(crate) last_closed_at: Option<f64>,
    /// Wins and losses per agent slot and regime.
    pub(crate) agent_regimes: Vec<[(u64, u64); 4]>,
    /// Closed P&L of the trading day asked for.
    pub(crate) daily_pnl: f64,
}

impl TradeTotals {
    /// Zeroes every total, sizing the per-label tables once.
    fn reset(&mut self, agent_slots: usize, symbol_slots: usize) {
        self.all = TradeStats::new();
        self.agents.clear();
        self.agents.resize(agent_slots, DimensionStats::default());
        self.symbols.clear();
        self.symbols.resize(symbol_slots, DimensionStats::default());
        self.regimes = [DimensionStats::default(); 4];
        self.timeframes = [DimensionStats::default(); TIMEFRAMES];
        self.last_closed_at = None;
        self.agent_regimes.clear();
        self.agent_regimes.resize(agent_slots, [(0, 0); 4]);
        self.daily_pnl = 0.0;
    }
}

/// Merges one shard's cells into `into`, each cell read whole.
fn merge_cells(seqlock: &SeqLock, cells: &[DimensionCell], into: &mut [DimensionStats]) {
    for (cell, merged) in cells.iter().zip(into.iter_mut()) {
        if cell.trades.get() == 0 {
            continue;
        }
        merged.merge(&seqlock.read(|| cell.load()));
    }
}

thread_local! {
    static SHARD_HINT: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

/// Every closed trade of one telemetry.
///
/// Each recording thread sticks to one shard (round-robin on its first
/// trade), so concurrent recorders do not contend; the shard's writer lock is
/// only shared by threads that landed on the same shard. The publisher reads
/// through each shard's seqlock and never blocks a recorder. Streaks need one
/// global order and live in a single [`StreakCell`].
pub(crate) struct TradeBook {
    shards: Box<[PaddedShard]>,
    streaks: StreakCell,
}

impl TradeBook {
    pub(crate) fn new(agent_slots: usize, symbol_slots: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(4, std::num::NonZero::get);
        let count = cores.next_power_of_two().clamp(4, MAX_SHARDS);
        Self {
            shards: (0..count)
                .map(|_| PaddedShard(Shard::new(agent_slots, symbol_slots)))
                .collect(),
            streaks: StreakCell::default(),
        }
    }

    fn shard(&self) -> &Shard {
        let hint = SHARD_HINT.with(|hint| {
            if hint.get() == usize::MAX {
                hint.set(NEXT_SHARD.fetch_add(1, Ordering::Relaxed));
            }
            hint.get()
        });
        &self.shards[hint % self.shards.len()].0
    }

    /// Records a validated trade.
    pub(crate) fn record(&self, trade: &Trade, slots: TradeSlots) {
        let Some(outcome) = Outcome::of(trade.pnl) else {
            return;
        };
        self.streaks.record(outcome);
        self.shard().add(outcome, trade, slots);
    }

    /// Merges every shard into `into` (reusing its tables), with the closed
    /// P&L of trading day `today`, and returns the streaks.
    pub(crate) fn snapshot(&self, into: &mut TradeTotals, today: i64) -> Streaks {
        let first = &self.shards[0].0;
        into.reset(first.agents.len(), first.symbols.len());
        for shard in &self.shards {
            let shard = &shard.0;
            let (all, last) = shard.seqlock.read(|| shard.totals.load());
            into.all.merge_totals(&all);
            into.last_closed_at = match (into.last_closed_at, last) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            merge_cells(&shard.seqlock, &shard.agents, &mut into.agents);
            merge_cells(&shard.seqlock, &shard.symbols, &mut into.symbols);
            merge_cells(&shard.seqlock, &shard.regimes, &mut into.regimes);
            merge_cells(&shard.seqlock, &shard.timeframes, &mut into.timeframes);
            for (slot, cells) in shard.agent_regimes.iter().enumerate() {
                if shard.agents[slot].trades.get() == 0 {
                    continue;
                }
                let counts = shard.seqlock.read(|| {
                    cells
                        .each_ref()
                        .map(|cell| (cell.wins.get(), cell.losses.get()))
                });
                for (merged, (wins, losses)) in into.agent_regimes[slot].iter_mut().zip(counts) {
                    merged.0 += wins;
                    merged.1 += losses;
                }
            }
            into.daily_pnl += shard.seqlock.read(|| {
                shard
                    .days
                    .iter()
                    .filter(|cell| cell.day() == today)
                    .map(|cell| cell.pnl.get())
                    .sum::<f64>()
            });
        }
        self.streaks.load()
    }
}

//! The atomic cells of a trade-book shard: per-label sums, the global
//! totals, wins and losses per agent and regime, and the closed P&L of the
//! two latest trading days. Written under the shard's writer lock and
//! seqlock, read through the seqlock.

use super::breakdown::DimensionStats;
use crate::model::Trade;
use crate::stats::{Outcome, TradeStats};
use crate::telemetry::{SharedF64, SharedU64};

/// Per-label running sums, one field per atomic word.
#[derive(Debug, Default)]
pub(super) struct DimensionCell {
    pub(super) trades: SharedU64,
    pub(super) wins: SharedU64,
    pub(super) losses: SharedU64,
    pub(super) net_pnl: SharedF64,
    pub(super) gross_profit: SharedF64,
    pub(super) gross_loss: SharedF64,
    pub(super) confidence_sum: SharedF64,
    pub(super) confidence_count: SharedU64,
}

impl DimensionCell {
    pub(super) fn add(&self, outcome: Outcome, pnl: f64, confidence: Option<f64>) {
        self.trades.add(1);
        self.net_pnl.add(pnl);
        match outcome {
            Outcome::Win => {
                self.wins.add(1);
                self.gross_profit.add(pnl);
            }
            Outcome::Loss => {
                self.losses.add(1);
                self.gross_loss.add(-pnl);
            }
            Outcome::Breakeven => {}
        }
        if let Some(c) = confidence {
            self.confidence_sum.add(c);
            self.confidence_count.add(1);
        }
    }

    pub(super) fn load(&self) -> DimensionStats {
        DimensionStats {
            trades: self.trades.get(),
            wins: self.wins.get(),
            losses: self.losses.get(),
            net_pnl: self.net_pnl.get(),
            gross_profit: self.gross_profit.get(),
            gross_loss: self.gross_loss.get(),
            confidence_sum: self.confidence_sum.get(),
            confidence_count: self.confidence_count.get(),
        }
    }
}

/// The global trade statistics (streaks apart), one field per atomic word.
#[derive(Debug)]
pub(super) struct TotalsCell {
    pub(super) wins: SharedU64,
    pub(super) losses: SharedU64,
    pub(super) breakevens: SharedU64,
    pub(super) gross_profit: SharedF64,
    pub(super) gross_loss: SharedF64,
    pub(super) duration_sum: SharedF64,
    pub(super) durations: SharedU64,
    pub(super) largest_win: SharedF64,
    pub(super) largest_loss: SharedF64,
    pub(super) last_closed_at: SharedF64,
}

impl Default for TotalsCell {
    fn default() -> Self {
        Self {
            wins: SharedU64::default(),
            losses: SharedU64::default(),
            breakevens: SharedU64::default(),
            gross_profit: SharedF64::default(),
            gross_loss: SharedF64::default(),
            duration_sum: SharedF64::default(),
            durations: SharedU64::default(),
            largest_win: SharedF64::default(),
            largest_loss: SharedF64::default(),
            last_closed_at: SharedF64::new(f64::NEG_INFINITY),
        }
    }
}

impl TotalsCell {
    pub(super) fn add(&self, outcome: Outcome, trade: &Trade) {
        let pnl = trade.pnl;
        match outcome {
            Outcome::Win => {
                self.wins.add(1);
                self.gross_profit.add(pnl);
                self.largest_win.raise_to(pnl);
            }
            Outcome::Loss => {
                self.losses.add(1);
                self.gross_loss.add(-pnl);
                self.largest_loss.raise_to(-pnl);
            }
            Outcome::Breakeven => self.breakevens.add(1),
        }
        if let Some(secs) = trade.duration_secs {
            self.duration_sum.add(secs);
            self.durations.add(1);
        }
        self.last_closed_at.raise_to(trade.closed_at);
    }

    pub(super) fn load(&self) -> (TradeStats, Option<f64>) {
        let stats = TradeStats::from_parts(
            self.wins.get(),
            self.losses.get(),
            self.breakevens.get(),
            self.gross_profit.get(),
            self.gross_loss.get(),
            self.duration_sum.get(),
            self.durations.get(),
            self.largest_win.get(),
            self.largest_loss.get(),
        );
        let last = self.last_closed_at.get();
        (stats, last.is_finite().then_some(last))
    }
}

/// Wins and losses of one agent in one regime.
#[derive(Debug, Default)]
pub(super) struct OutcomeCell {
    pub(super) wins: SharedU64,
    pub(super) losses: SharedU64,
}

/// Closed P&L of one trading day.
#[derive(Debug)]
pub(super) struct DayCell {
    /// The day number as `i64` bits; [`NO_DAY`] when empty.
    pub(super) day: SharedU64,
    pub(super) pnl: SharedF64,
}

/// An empty [`DayCell`].
#[allow(clippy::cast_sign_loss, reason = "i64 bits stored in a u64 word")]
const NO_DAY: u64 = i64::MIN as u64;

impl Default for DayCell {
    fn default() -> Self {
        Self {
            day: SharedU64::new(NO_DAY),
            pnl: SharedF64::default(),
        }
    }
}

impl DayCell {
    #[allow(clippy::cast_possible_wrap, reason = "i64 bits stored in a u64 word")]
    pub(super) fn day(&self) -> i64 {
        self.day.get() as i64
    }

    #[allow(clippy::cast_sign_loss, reason = "i64 bits stored in a u64 word")]
    fn start(&self, day: i64, pnl: f64) {
        self.day.set(day as u64);
        // `+ 0.0` turns a breakeven's -0.0 into 0: never "-0" on a scrape.
        self.pnl.set(pnl + 0.0);
    }
}

/// Adds `pnl` to the cell of `day`, keeping the two latest days seen. Trade
/// times are at most one day ahead of the clock
/// ([`MAX_FUTURE_TOLERANCE`](crate::model::MAX_FUTURE_TOLERANCE)), so the
/// latest day seen is at most tomorrow and today's cell is never the one
/// replaced: today stays exact for any order of days the checks allow
/// (past days — a backtest's, a late trade's — never evict a later one).
pub(super) fn add_daily(days: &[DayCell; 2], day: i64, pnl: f64) {
    if let Some(cell) = days.iter().find(|c| c.day() == day) {
        cell.pnl.add(pnl);
        return;
    }
    let older = if days[0].day() <= days[1].day() {
        &days[0]
    } else {
        &days[1]
    };
    if day > older.day() {
        older.start(day, pnl);
    }
}

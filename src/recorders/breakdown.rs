//! Per-label trade breakdowns (agent, symbol, regime, timeframe): the raw
//! sums and counts every ratio is derived from.

use metrics::{Counter, Gauge};

use crate::catalogue::{self as cat, MetricDef};
use crate::telemetry::{LazyGauge, Sink, count_f64};

/// Running sums for one label value, as read from the trade book.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct DimensionStats {
    pub(crate) trades: u64,
    pub(crate) wins: u64,
    pub(crate) losses: u64,
    pub(crate) net_pnl: f64,
    pub(crate) gross_profit: f64,
    pub(crate) gross_loss: f64,
    pub(crate) confidence_sum: f64,
    pub(crate) confidence_count: u64,
}

impl DimensionStats {
    pub(crate) fn merge(&mut self, other: &Self) {
        self.trades += other.trades;
        self.wins += other.wins;
        self.losses += other.losses;
        self.net_pnl += other.net_pnl;
        self.gross_profit += other.gross_profit;
        self.gross_loss += other.gross_loss;
        self.confidence_sum += other.confidence_sum;
        self.confidence_count += other.confidence_count;
    }

    /// Wins / (wins + losses) in percent; `None` with no decided trade.
    pub(crate) fn win_rate_percent(&self) -> Option<f64> {
        let decided = self.wins + self.losses;
        (decided > 0).then(|| 100.0 * count_f64(self.wins) / count_f64(decided))
    }

    pub(crate) fn avg_confidence(&self) -> Option<f64> {
        (self.confidence_count > 0).then(|| self.confidence_sum / count_f64(self.confidence_count))
    }
}

/// The catalogue entries of one dimension.
pub(crate) struct DimensionDefs {
    pub(crate) trades: MetricDef,
    pub(crate) wins: MetricDef,
    pub(crate) losses: MetricDef,
    pub(crate) win_rate: MetricDef,
    pub(crate) pnl: MetricDef,
    pub(crate) gross_profit: MetricDef,
    pub(crate) gross_loss: MetricDef,
    pub(crate) avg_confidence: Option<MetricDef>,
}

pub(crate) const AGENT: DimensionDefs = DimensionDefs {
    trades: cat::AGENT_TRADES_TOTAL,
    wins: cat::AGENT_TRADES_WINNING_TOTAL,
    losses: cat::AGENT_TRADES_LOSING_TOTAL,
    win_rate: cat::AGENT_WIN_RATE,
    pnl: cat::AGENT_PNL_TOTAL,
    gross_profit: cat::AGENT_GROSS_PROFIT,
    gross_loss: cat::AGENT_GROSS_LOSS,
    avg_confidence: Some(cat::AGENT_AVG_CONFIDENCE),
};

pub(crate) const SYMBOL: DimensionDefs = DimensionDefs {
    trades: cat::SYMBOL_TRADES_TOTAL,
    wins: cat::SYMBOL_TRADES_WINNING_TOTAL,
    losses: cat::SYMBOL_TRADES_LOSING_TOTAL,
    win_rate: cat::SYMBOL_WIN_RATE,
    pnl: cat::SYMBOL_PNL,
    gross_profit: cat::SYMBOL_GROSS_PROFIT,
    gross_loss: cat::SYMBOL_GROSS_LOSS,
    avg_confidence: None,
};

pub(crate) const REGIME: DimensionDefs = DimensionDefs {
    trades: cat::REGIME_TRADES_TOTAL,
    wins: cat::REGIME_TRADES_WINNING_TOTAL,
    losses: cat::REGIME_TRADES_LOSING_TOTAL,
    win_rate: cat::REGIME_WIN_RATE,
    pnl: cat::REGIME_PNL,
    gross_profit: cat::REGIME_GROSS_PROFIT,
    gross_loss: cat::REGIME_GROSS_LOSS,
    avg_confidence: None,
};

pub(crate) const TIMEFRAME: DimensionDefs = DimensionDefs {
    trades: cat::TIMEFRAME_TRADES_TOTAL,
    wins: cat::TIMEFRAME_TRADES_WINNING_TOTAL,
    losses: cat::TIMEFRAME_TRADES_LOSING_TOTAL,
    win_rate: cat::TIMEFRAME_WIN_RATE,
    pnl: cat::TIMEFRAME_PNL,
    gross_profit: cat::TIMEFRAME_GROSS_PROFIT,
    gross_loss: cat::TIMEFRAME_GROSS_LOSS,
    avg_confidence: None,
};

/// Handles of one label value: its three counters, registered at 0 when
/// the value is first seen (at start for the closed sets of an engine), and
/// its gauges, registered with its first trade (a value without trades has
/// no P&L or win rate to show).
pub(crate) struct DimensionHandles {
    trades: Counter,
    wins: Counter,
    losses: Counter,
    gauges: Option<DimensionGauges>,
}

/// The gauges of one label value.
struct DimensionGauges {
    win_rate: LazyGauge,
    pnl: Gauge,
    gross_profit: Gauge,
    gross_loss: Gauge,
    avg_confidence: Option<LazyGauge>,
}

impl DimensionGauges {
    fn new(sink: &Sink, defs: &DimensionDefs, label: &str) -> Self {
        let l = [label];
        Self {
            win_rate: LazyGauge::new(sink, &defs.win_rate, &l),
            pnl: sink.gauge(&defs.pnl, &l),
            gross_profit: sink.gauge(&defs.gross_profit, &l),
            gross_loss: sink.gauge(&defs.gross_loss, &l),
            avg_confidence: defs
                .avg_confidence
                .as_ref()
                .map(|d| LazyGauge::new(sink, d, &l)),
        }
    }
}

impl DimensionHandles {
    /// The counters of `label`, at 0.
    pub(crate) fn new(sink: &Sink, defs: &DimensionDefs, label: &str) -> Self {
        let l = [label];
        Self {
            trades: sink.counter(&defs.trades, &l),
            wins: sink.counter(&defs.wins, &l),
            losses: sink.counter(&defs.losses, &l),
            gauges: None,
        }
    }

    fn publish(&mut self, sink: &Sink, defs: &DimensionDefs, label: &str, stats: &DimensionStats) {
        self.trades.absolute(stats.trades);
        self.wins.absolute(stats.wins);
        self.losses.absolute(stats.losses);
        if stats.trades == 0 {
            return;
        }
        let gauges = self
            .gauges
            .get_or_insert_with(|| DimensionGauges::new(sink, defs, label));
        gauges.win_rate.set(sink, stats.win_rate_percent());
        gauges.pnl.set(stats.net_pnl);
        gauges.gross_profit.set(stats.gross_profit);
        gauges.gross_loss.set(stats.gross_loss);
        if let Some(gauge) = &gauges.avg_confidence {
            gauge.set(sink, stats.avg_confidence());
        }
    }
}

/// Counters at 0 for every value of a closed set (regimes, timeframes), for
/// an engine telemetry: `increase()` then sees each value's first trade.
pub(crate) fn register_all(
    sink: &Sink,
    defs: &DimensionDefs,
    labels: &[&str],
) -> Vec<Option<DimensionHandles>> {
    labels
        .iter()
        .map(|label| Some(DimensionHandles::new(sink, defs, label)))
        .collect()
}

/// Publishes a slice of per-label stats: values registered up front, and
/// values with trades (registered then).
pub(crate) fn publish_dimension<'a>(
    sink: &Sink,
    defs: &DimensionDefs,
    handles: &mut Vec<Option<DimensionHandles>>,
    stats: &[DimensionStats],
    label_of: impl Fn(usize) -> &'a str,
) {
    if handles.len() < stats.len() {
        handles.resize_with(stats.len(), || None);
    }
    for (index, stats) in stats.iter().enumerate() {
        let slot = &mut handles[index];
        if slot.is_none() && stats.trades == 0 {
            continue;
        }
        let label = label_of(index);
        slot.get_or_insert_with(|| DimensionHandles::new(sink, defs, label))
            .publish(sink, defs, label, stats);
    }
}

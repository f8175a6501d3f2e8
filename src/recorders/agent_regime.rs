//! Wins and losses per agent and regime at entry, from the trade book.

use metrics::Counter;

use crate::catalogue as cat;
use crate::model::Regime;
use crate::telemetry::Sink;

/// Counters of one (agent, regime), registered with its first decided trade.
pub(crate) struct OutcomeCounters {
    wins: Counter,
    losses: Counter,
}

/// Publishes `counts[agent slot][regime] = (wins, losses)`; bounded by the
/// agent slots × 4 regimes.
pub(crate) fn publish_agent_regimes<'a>(
    sink: &Sink,
    handles: &mut Vec<[Option<OutcomeCounters>; 4]>,
    counts: &[[(u64, u64); 4]],
    label_of: impl Fn(usize) -> &'a str,
) {
    if handles.len() < counts.len() {
        handles.resize_with(counts.len(), Default::default);
    }
    for (slot, regimes) in counts.iter().enumerate() {
        for (regime, &(wins, losses)) in Regime::ALL.iter().zip(regimes) {
            if wins + losses == 0 {
                continue;
            }
            let counters = handles[slot][regime.index()].get_or_insert_with(|| {
                let labels = [label_of(slot), regime.as_str()];
                OutcomeCounters {
                    wins: sink.counter(&cat::AGENT_REGIME_TRADES_WINNING_TOTAL, &labels),
                    losses: sink.counter(&cat::AGENT_REGIME_TRADES_LOSING_TOTAL, &labels),
                }
            });
            counters.wins.absolute(wins);
            counters.losses.absolute(losses);
        }
    }
}

//! Wins and losses per agent and regime at entry, from the trade book.

use metrics::Counter;

use super::breakdown::DimensionStats;
use crate::catalogue as cat;
use crate::model::Regime;
use crate::telemetry::Sink;

/// Counters of one (agent, regime), registered with its first decided trade
/// (for an engine: with the agent's first trade).
pub(crate) struct OutcomeCounters {
    wins: Counter,
    losses: Counter,
}

/// Publishes `counts[agent slot][regime] = (wins, losses)`; bounded by the
/// agent slots × 4 regimes. With `agents` (an engine's per-agent totals),
/// an agent's first trade registers all four regimes at 0, so `increase()`
/// sees the first win or loss in each.
pub(crate) fn publish_agent_regimes<'a>(
    sink: &Sink,
    handles: &mut Vec<[Option<OutcomeCounters>; 4]>,
    counts: &[[(u64, u64); 4]],
    agents: Option<&[DimensionStats]>,
    label_of: impl Fn(usize) -> &'a str,
) {
    if handles.len() < counts.len() {
        handles.resize_with(counts.len(), Default::default);
    }
    for (slot, regimes) in counts.iter().enumerate() {
        let agent_traded = agents.is_some_and(|a| a.get(slot).is_some_and(|s| s.trades > 0));
        for (regime, &(wins, losses)) in Regime::ALL.iter().zip(regimes) {
            if wins + losses == 0 && !agent_traded {
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

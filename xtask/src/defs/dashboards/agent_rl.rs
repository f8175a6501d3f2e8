//! Agent Performance & RL (`agent-performance-rl`).

use crate::defs::prelude::*;

/// The dashboard.
#[rustfmt::skip]
#[must_use]
pub fn dashboard() -> Dashboard {
    Dashboard::new("agent-performance-rl", "Agent Performance & RL", &["agents", "rl"], "Per agent: rewards (cumulative and per episode), win rate, signal confidence, trades and P&L, wins and win rate by regime at entry, exploration, training loss, Q-value estimates, episodes and model updates. No agent is hard-coded: pick agents with the Agent variable; the regime pie repeats per agent. Rebuilt from the original agent-performance-rl, whose upper-case agent names matched no series: exploration and confidence are fractions shown as percent of 1 (the original showed 0.15 as 0.15 %), and the regime panels show wins as counts and the win rate as a rate (the original called counts a win rate).")
        .rows(vec![
            row("Rewards", vec![
                timeseries(12, 8, "Cumulative reward", "Running sum of the rewards each agent's learner received (reward units; it can fall).").q("{{instance}} {{agent}}", m(AGENT_CUMULATIVE_REWARD)).axis("reward"),
                timeseries(12, 8, "Episode reward", "Total reward of each agent's last completed episode (reward units).").q("{{instance}} {{agent}}", m(AGENT_EPISODE_REWARD)).axis("reward per episode").set("fieldConfig.defaults.custom.fillOpacity", 60).set("fieldConfig.defaults.custom.drawStyle", "bars"),
            ]),
            row("Outcomes", vec![
                gauge(6, 7, "Win rate by agent", "Winning / (winning + losing) closed trades per agent since start, breakevens excluded (red below 40 %, orange from 40 %, green from 55 %).").q("{{instance}} {{agent}}", m(AGENT_WIN_RATE)).min(0.0).max(100.0),
                gauge(6, 7, "Avg signal confidence", "Mean signal confidence (a fraction 0–1) of each agent's closed trades that reported one, as on Dual Agent Comparison. The original showed this fraction on a 0–100 percent scale.").q("{{instance}} {{agent}}", m(AGENT_AVG_CONFIDENCE)).min(0.0).max(1.0).colours(Colours(&[("orange", 0.5), ("green", 0.7)], "red")),
                stat(6, 7, "Closed trades by agent in range", "Closed trades per agent in the selected time range.").qi("{{agent}}", sum_by(&["agent"], increase(m(AGENT_TRADES_TOTAL), RANGE))).set("options.textMode", "value_and_name"),
                stat(6, 7, "Net P&L by agent", "Net realised P&L per agent since start (red below 0, green from 0). Amounts are in the account currency.").q("{{instance}} {{agent}}", m(AGENT_PNL_TOTAL)).set("options.textMode", "value_and_name"),
            ]),
            row("Wins and losses by regime", vec![
                bargauge(24, 8, "Win rate by agent and regime", "Winning / (winning + losing) trades per agent and regime at entry within the selected time range (red below 40 %, orange from 40 %, green from 55 %); no bar without a decided trade.").qi("{{agent}} · {{regime}}", 100.0 * sum_by(&["agent", "regime"], increase(m(AGENT_REGIME_TRADES_WINNING_TOTAL), RANGE)) / (sum_by(&["agent", "regime"], increase(m(AGENT_REGIME_TRADES_WINNING_TOTAL), RANGE)) + sum_by(&["agent", "regime"], increase(m(AGENT_REGIME_TRADES_LOSING_TOTAL), RANGE))).gt(0.0)).unit("percent").decimals(1).min(0.0).max(100.0).colours(colours::WIN_RATE),
                piechart(12, 8, "Wins by regime: $agent", "Winning trades of the agent in the selected time range by the regime at entry, in the regime colours (one panel per selected agent). Counts, not rates: the win rate per regime is beside it.").qi("{{regime}}", sum_by(&["regime"], increase(m(AGENT_REGIME_TRADES_WINNING_TOTAL), RANGE))).repeat("agent", 2).series_colours(REGIME_SERIES),
            ]),
            row("Learning", vec![
                timeseries(8, 8, "Exploration rate ε", "Exploration rate ε of each agent's learner (a fraction 0–1, shown as percent; the original showed ε = 0.15 as 0.15 %).").q("{{instance}} {{agent}}", m(RL_EXPLORATION_RATE)).min(0.0).axis("ε"),
                timeseries(8, 8, "Training loss", "Loss at each agent's last model update (the engine's units, e.g. the mean squared TD error).").q("{{instance}} {{agent}}", m(RL_LOSS)).min(0.0).axis("loss"),
                timeseries(8, 8, "Q-value estimates", "Latest Q-value estimate (the greedy action's value) of each agent's learner, in reward units.").q("{{instance}} {{agent}}", m(RL_Q_VALUE)).axis("reward"),
                timeseries(12, 8, "Training throughput", "Model updates and completed episodes per minute, per agent.").q("{{instance}} {{agent}} updates", rate(m(RL_MODEL_UPDATES_TOTAL), RATE) * 60.0).q("{{instance}} {{agent}} episodes", rate(m(RL_EPISODES_TOTAL), RATE) * 60.0).decimals(1).min(0.0).axis("per minute"),
                stat(6, 8, "Learning episodes in range", "Training episodes completed per agent in the selected time range.").qi("{{agent}}", sum_by(&["agent"], increase(m(RL_EPISODES_TOTAL), RANGE))).set("options.textMode", "value_and_name"),
                stat(6, 8, "Model updates in range", "Model updates (training steps) per agent in the selected time range.").qi("{{agent}}", sum_by(&["agent"], increase(m(RL_MODEL_UPDATES_TOTAL), RANGE))).set("options.textMode", "value_and_name"),
            ]),
        ])
}

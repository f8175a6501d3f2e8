//! Agent Comparison (`velocitytrader-agents`).

use crate::defs::prelude::*;

/// The dashboard.
#[rustfmt::skip]
#[must_use]
pub fn dashboard() -> Dashboard {
    Dashboard::new("velocitytrader-agents", "Agent Comparison", &["agents"], "Side-by-side comparison of every trading agent the engine runs (no agent names are hard-coded: pick agents with the Agent variable).")
        .rows(vec![
            row("Agent overview", vec![
                stat(6, 5, "Net P&L by agent", "Net realised P&L per agent. Amounts are in the account currency.").q("{{agent}}", m(AGENT_PNL_TOTAL)).set("options.textMode", "value_and_name"),
                stat(6, 5, "Win rate by agent", "Winning / decided trades per agent since start.").q("{{agent}}", m(AGENT_WIN_RATE)).set("options.textMode", "value_and_name"),
                stat(6, 5, "Profit factor by agent", "Gross profit / gross loss per agent (recording rule); infinite with wins and no losses.").q("{{agent}}", r(AGENT_PROFIT_FACTOR)).set("options.textMode", "value_and_name"),
                stat(6, 5, "Open positions by agent", "Positions currently open per agent.").q("{{agent}}", m(AGENT_ACTIVE_POSITIONS)).set("options.textMode", "value_and_name"),
                stat(6, 5, "Closed trades by agent in range", "Closed trades per agent in the selected time range (increase of the counter; restarts do not make it drop).").q("{{agent}}", increase(m(AGENT_TRADES_TOTAL), RANGE)).set("options.textMode", "value_and_name"),
                stat(6, 5, "Signals in time range", "Trading signals generated per agent in the selected time range.").qi("{{agent}}", increase(m(AGENT_SIGNALS_TOTAL), RANGE)).set("options.textMode", "value_and_name"),
                gauge(12, 5, "Avg signal confidence", "Mean signal confidence of each agent's closed trades that reported one (0–1).").q("{{agent}}", m(AGENT_AVG_CONFIDENCE)).min(0.0).max(1.0).colours(Colours(&[("orange", 0.5), ("green", 0.7)], "red")),
            ]),
            row("Performance comparison over time", vec![
                timeseries(12, 8, "Net P&L by agent", "Net realised P&L per agent. Amounts are in the account currency.").q("{{agent}}", m(AGENT_PNL_TOTAL)).colours(plain("green")).axis("account currency"),
                timeseries(12, 8, "Win rate by agent", "Per agent: win rate since start (solid) and over the last hour (recording rule over the win/loss counters).").q("{{agent}} since start", m(AGENT_WIN_RATE)).q("{{agent}} last 1h", r(AGENT_WIN_RATE_1H)).min(0.0).max(100.0).threshold_lines(),
            ]),
            row("Agent characteristics", vec![
                bargauge(8, 8, "Trades in time range", "Closed trades per agent in the selected time range.").qi("{{agent}}", increase(m(AGENT_TRADES_TOTAL), RANGE)).min(0.0),
                piechart(8, 8, "Trade distribution", "Share of closed trades per agent in the selected time range.").qi("{{agent}}", increase(m(AGENT_TRADES_TOTAL), RANGE)),
                timeseries(8, 8, "Trade frequency", "Closed trades per hour, per agent.").q("{{agent}}", rate(m(AGENT_TRADES_TOTAL), RATE) * 3600.0).decimals(1).min(0.0).axis("trades / hour"),
                bargauge(12, 8, "Gross profit and gross loss by agent", "Sum of winning pnl and of losing pnl (magnitude) per agent. Amounts are in the account currency.").q("{{agent}} gross profit", m(AGENT_GROSS_PROFIT)).q("{{agent}} gross loss", m(AGENT_GROSS_LOSS)).min(0.0),
                timeseries(12, 8, "Signal frequency", "Trading signals per hour, per agent.").q("{{agent}}", rate(m(AGENT_SIGNALS_TOTAL), RATE) * 3600.0).decimals(1).min(0.0).axis("signals / hour"),
            ]),
            row("Confidence & learning", vec![
                timeseries(12, 8, "Avg signal confidence", "Mean signal confidence of closed trades per agent (0–1).").q("{{agent}}", m(AGENT_AVG_CONFIDENCE)).min(0.0).max(1.0),
                timeseries(12, 8, "Exploration and model confidence", "RL exploration rate ε and model confidence per agent (fractions 0–1).").q("{{agent}} exploration ε", m(RL_EXPLORATION_RATE)).q("{{agent}} model confidence", m(RL_MODEL_CONFIDENCE)).min(0.0).max(1.0),
                table(24, 8, "Agent scorecard", "Per agent: closed trades in the selected time range; since start: win rate, last-24 h win rate, net P&L (account currency), profit factor, average confidence, open positions.").col("Trades in range", COUNT, sum_by(&["instance", "agent"], increase(m(AGENT_TRADES_TOTAL), RANGE))).col("Win rate", PERCENT.colours(colours::WIN_RATE), sum_by(&["instance", "agent"], m(AGENT_WIN_RATE))).col("Win rate 24h", PERCENT.colours(colours::WIN_RATE), sum_by(&["instance", "agent"], r(AGENT_WIN_RATE_24H))).col("Net P&L", MONEY.colours(colours::PNL), sum_by(&["instance", "agent"], m(AGENT_PNL_TOTAL))).col("Profit factor", RATIO.colours(colours::PROFIT_FACTOR), sum_by(&["instance", "agent"], r(AGENT_PROFIT_FACTOR))).col("Avg confidence", FRACTION, sum_by(&["instance", "agent"], m(AGENT_AVG_CONFIDENCE))).col("Open positions", COUNT, sum_by(&["instance", "agent"], m(AGENT_ACTIVE_POSITIONS))).hide(&["job"]).sort("Net P&L"),
            ]),
        ])
}

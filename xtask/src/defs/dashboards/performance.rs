//! Trading Performance (`velocitytrader-performance`).

use crate::defs::prelude::*;

/// The dashboard.
#[rustfmt::skip]
#[must_use]
pub fn dashboard() -> Dashboard {
    Dashboard::new("velocitytrader-performance", "Trading Performance", &["trading", "performance"], "Closed-trade statistics over all agents: P&L, win rate, profit factor, trade details, and breakdowns by agent, symbol and timeframe.")
        .rows(vec![
            row("Key performance indicators", vec![
                stat(4, 4, "Net realised P&L", "Net realised P&L of all closed trades. Amounts are in the account currency.").q("{{instance}}", m(PNL_TOTAL)),
                stat(4, 4, "Win rate", "Winning / (winning + losing) closed trades; breakevens excluded. No data before the first decided trade.").q("{{instance}}", m(WIN_RATE)),
                stat(4, 4, "Profit factor", "Gross profit / gross loss. Infinite while there are wins and no losses; below 1 loses money.").q("{{instance}}", m(PROFIT_FACTOR)),
                stat(4, 4, "Max drawdown", "Largest drawdown since start, positive percent of peak equity. Orange/red at the 15 % / 25 % alert levels.").q("{{instance}}", m(MAX_DRAWDOWN)),
                stat(4, 4, "Closed trades in range", "Closed trades in the selected time range (breakevens included): increase() of the counter, so an engine restart does not make it drop.").q("{{instance}}", increase(m(TRADES_TOTAL), RANGE)).colours(plain("green")),
                stat(4, 4, "Sharpe ratio", "Annualised Sharpe ratio of period returns (rf = 0). See the risk dashboard for the number of periods behind it.").q("{{instance}}", m(SHARPE_RATIO)),
            ]),
            row("Profit & loss over time", vec![
                timeseries(16, 8, "P&L trend", "Net realised P&L, gross profit and gross loss (drawn below zero). Amounts are in the account currency.").q("{{instance}} net", m(PNL_TOTAL)).q("{{instance}} gross profit", m(GROSS_PROFIT)).q("{{instance}} gross loss", -m(GROSS_LOSS)).colours(plain("green")).axis("account currency"),
                piechart(8, 8, "Gross profit vs gross loss", "Share of gross profit and gross loss (both as magnitudes). Amounts are in the account currency.").q("{{instance}} gross profit", m(GROSS_PROFIT)).q("{{instance}} gross loss", m(GROSS_LOSS)).series_colours_re(&[(".* gross profit$", "green"), (".* gross loss$", "red")]),
            ]),
            row("Trade statistics", vec![
                timeseries(12, 8, "Closed trades per hour by outcome", "Rate of closed trades, by outcome, in trades per hour.").q("{{instance}} wins", rate(m(TRADES_WINNING_TOTAL), RATE) * 3600.0).q("{{instance}} losses", rate(m(TRADES_LOSING_TOTAL), RATE) * 3600.0).q("{{instance}} breakevens", rate(m(TRADES_BREAKEVEN_TOTAL), RATE) * 3600.0).decimals(1).min(0.0).axis("trades / hour").set("fieldConfig.defaults.custom.fillOpacity", 30).set("fieldConfig.defaults.custom.stacking.mode", "normal").series_colours_re(&[(".* wins$", "green"), (".* losses$", "red"), (".* breakevens$", "text")]),
                timeseries(12, 8, "Win rate: since start and rolling", "Win rate since start (exporter gauge) and over the last 1 h / 24 h (recording rules over the win/loss counters). Breakevens excluded.").q("{{instance}} since start", m(WIN_RATE)).q("{{instance}} last 1h", r(WIN_RATE_1H)).q("{{instance}} last 24h", r(WIN_RATE_24H)).min(0.0).max(100.0).threshold_lines(),
                gauge(6, 6, "Win rate", "Winning / decided trades since start.").q("{{instance}}", m(WIN_RATE)).min(0.0).max(100.0),
                gauge(6, 6, "Profit factor", "Gross profit / gross loss; the dial stops at 3.").q("{{instance}}", m(PROFIT_FACTOR)).min(0.0).max(3.0),
                stat(4, 6, "Winning trades in range", "Winning trades in the selected time range (increase of the counter; restarts do not make it drop).").q("{{instance}}", increase(m(TRADES_WINNING_TOTAL), RANGE)).colours(plain("green")),
                stat(4, 6, "Losing trades in range", "Losing trades in the selected time range (increase of the counter; restarts do not make it drop).").q("{{instance}}", increase(m(TRADES_LOSING_TOTAL), RANGE)).colours(plain("red")),
                stat(4, 6, "Breakeven trades in range", "Breakeven trades (pnl = 0) in the selected time range (increase of the counter; restarts do not make it drop).").q("{{instance}}", increase(m(TRADES_BREAKEVEN_TOTAL), RANGE)),
            ]),
            row("Trade details", vec![
                stat(3, 4, "Avg trade P&L", "Expectancy: net P&L per closed trade. Amounts are in the account currency.").q("{{instance}}", m(AVG_TRADE_PNL)),
                stat(3, 4, "Avg winning trade", "Mean pnl of winning trades. Amounts are in the account currency.").q("{{instance}}", m(AVG_WIN)).colours(plain("green")),
                stat(3, 4, "Avg losing trade", "Mean loss of losing trades, as a positive magnitude. Amounts are in the account currency.").q("{{instance}}", m(AVG_LOSS)).colours(plain("red")),
                stat(3, 4, "Largest win", "Largest winning trade. No data before the first win. Amounts are in the account currency.").q("{{instance}}", m(LARGEST_WIN)).colours(plain("green")),
                stat(3, 4, "Largest loss", "Largest losing trade, as a positive magnitude. No data before the first loss. Amounts are in the account currency.").q("{{instance}}", m(LARGEST_LOSS)).colours(plain("red")),
                stat(3, 4, "Payoff ratio", "Average win / average loss.").q("{{instance}}", m(PAYOFF_RATIO)).colours(Colours(&[("green", 1.0)], "red")),
                stat(3, 4, "Avg trade duration", "Mean holding time of closed trades.").q("{{instance}}", m(TRADE_DURATION_AVG_SECONDS)).decimals(1),
                stat(3, 4, "Since last trade", "Time since the most recent trade closed.").q("{{instance}}", time() - m(LAST_TRADE_TIMESTAMP_SECONDS)).colours(Colours(&[("orange", 3600.0), ("red", 14400.0)], "green")).set("options.graphMode", "none"),
            ]),
            row("Breakdown by agent, symbol and timeframe", vec![
                bargauge(8, 8, "Net P&L by agent", "Net realised P&L per agent. Amounts are in the account currency.").q("{{agent}}", m(AGENT_PNL_TOTAL)),
                bargauge(8, 8, "Net P&L by symbol", "Net realised P&L per symbol. Amounts are in the account currency.").q("{{symbol}}", m(SYMBOL_PNL)),
                bargauge(8, 8, "Net P&L by timeframe", "Net realised P&L per timeframe. Amounts are in the account currency.").q("{{timeframe}}", m(TIMEFRAME_PNL)),
                table(12, 9, "Symbol scorecard", "Per symbol: closed trades in the selected time range; since start: win rate (breakevens excluded), net P&L (account currency), profit factor; and the win rate within the selected time range.").col("Trades in range", COUNT, sum_by(&["instance", "symbol"], increase(m(SYMBOL_TRADES_TOTAL), RANGE))).col("Win rate", PERCENT.colours(colours::WIN_RATE), sum_by(&["instance", "symbol"], m(SYMBOL_WIN_RATE))).col("Net P&L", MONEY.colours(colours::PNL), sum_by(&["instance", "symbol"], m(SYMBOL_PNL))).col("Profit factor", RATIO.colours(colours::PROFIT_FACTOR), sum_by(&["instance", "symbol"], r(SYMBOL_PROFIT_FACTOR))).col("Win rate (time range)", PERCENT.colours(colours::WIN_RATE), sum_by(&["instance", "symbol"], 100.0 * increase(m(SYMBOL_TRADES_WINNING_TOTAL), RANGE) / (increase(m(SYMBOL_TRADES_WINNING_TOTAL), RANGE) + increase(m(SYMBOL_TRADES_LOSING_TOTAL), RANGE)).gt(0.0))).hide(&["job"]).sort("Net P&L"),
                table(12, 9, "Timeframe scorecard", "Per timeframe: closed trades in the selected time range; since start: win rate (breakevens excluded), net P&L (account currency), profit factor; and the win rate within the selected time range.").col("Trades in range", COUNT, sum_by(&["instance", "timeframe"], increase(m(TIMEFRAME_TRADES_TOTAL), RANGE))).col("Win rate", PERCENT.colours(colours::WIN_RATE), sum_by(&["instance", "timeframe"], m(TIMEFRAME_WIN_RATE))).col("Net P&L", MONEY.colours(colours::PNL), sum_by(&["instance", "timeframe"], m(TIMEFRAME_PNL))).col("Profit factor", RATIO.colours(colours::PROFIT_FACTOR), sum_by(&["instance", "timeframe"], r(TIMEFRAME_PROFIT_FACTOR))).col("Win rate (time range)", PERCENT.colours(colours::WIN_RATE), sum_by(&["instance", "timeframe"], 100.0 * increase(m(TIMEFRAME_TRADES_WINNING_TOTAL), RANGE) / (increase(m(TIMEFRAME_TRADES_WINNING_TOTAL), RANGE) + increase(m(TIMEFRAME_TRADES_LOSING_TOTAL), RANGE)).gt(0.0))).hide(&["job"]).sort("Net P&L"),
            ]),
        ])
}

//! Market Regime & Physics (`velocitytrader-physics`).

use crate::defs::prelude::*;

/// The dashboard.
#[rustfmt::skip]
#[must_use]
pub fn dashboard() -> Dashboard {
    Dashboard::new("velocitytrader-physics", "Market Regime & Physics", &["physics", "regime", "market"], "Regime (1 CHAOTIC, 2 UNDERDAMPED, 3 CRITICALLY_DAMPED, 4 OVERDAMPED) and physics indicators per symbol and timeframe, quotes, and trade performance by regime at entry.")
        .rows(vec![
            row("Market regime status", vec![
                stat(9, 6, "Current regime", "Regime per symbol and timeframe: 1 CHAOTIC (red), 2 UNDERDAMPED (orange), 3 CRITICALLY_DAMPED (green), 4 OVERDAMPED (blue).").q("{{symbol}} {{timeframe}}", m(REGIME_CURRENT)).map(REGIMES).set("options.colorMode", "background").set("options.graphMode", "none").set("options.textMode", "value_and_name"),
                stat(9, 6, "Damping ratio ζ", "Physical damping ratio ζ of the engine's oscillator model, per symbol and timeframe: ζ < 1 underdamped (orange, oscillating/trending), ζ ≈ 1 critically damped (green, 0.95–1.05), ζ > 1 overdamped (blue, sluggish/mean-reverting). Colours match the regime mapping.").q("{{symbol}} {{timeframe}}", m(PHYSICS_DAMPING_RATIO)).set("options.textMode", "value_and_name"),
                stat(6, 6, "Regime changes in time range", "Regime transitions in the selected time range, over the selected symbols and timeframes.").qi("{{instance}}", sum_by(&["instance"], increase(m(REGIME_CHANGES_TOTAL), RANGE))),
            ]),
            row("Regime timeline", vec![
                timeline(16, 8, "Regime timeline", "Regime per symbol and timeframe over time.").q("{{symbol}} {{timeframe}}", m(REGIME_CURRENT)).auto_decimals().map(REGIMES),
                piechart(8, 8, "Trades by regime at entry", "Closed trades in the selected time range by the regime at entry, in the regime colours.").qi("{{regime}}", sum_by(&["regime"], increase(m(REGIME_TRADES_TOTAL), RANGE))).series_colours(REGIME_SERIES),
            ]),
            row("Physics indicators", vec![
                timeseries(8, 8, "Momentum", "Market momentum reported by the physics engine (signed, price units per second).").q("{{symbol}} {{timeframe}}", m(PHYSICS_MOMENTUM)).axis("price units / s"),
                timeseries(8, 8, "Velocity", "First derivative of the mid price (signed, price units per second).").q("{{symbol}} {{timeframe}}", m(PHYSICS_VELOCITY)).axis("price units / s"),
                timeseries(8, 8, "Acceleration", "Second derivative of the mid price (signed, price units per second²).").q("{{symbol}} {{timeframe}}", m(PHYSICS_ACCELERATION)).axis("price units / s²"),
            ]),
            row("Energy & oscillation", vec![
                timeseries(8, 8, "Market energy", "Market energy as defined by the engine (≥ 0, engine energy units; scale depends on the instrument).").q("{{symbol}} {{timeframe}}", m(PHYSICS_ENERGY)).min(0.0).axis("energy"),
                timeseries(8, 8, "Natural frequency ω₀", "Undamped natural angular frequency of the oscillator model.").q("{{symbol}} {{timeframe}}", m(PHYSICS_NATURAL_FREQUENCY)).decimals(3).min(0.0),
                timeseries(8, 8, "Damping ratio ζ", "Physical damping ratio ζ of the engine's oscillator model, per symbol and timeframe: ζ < 1 underdamped (orange, oscillating/trending), ζ ≈ 1 critically damped (green, 0.95–1.05), ζ > 1 overdamped (blue, sluggish/mean-reverting). Colours match the regime mapping. Dashed lines at 0.95 and 1.05.").q("{{symbol}} {{timeframe}}", m(PHYSICS_DAMPING_RATIO)).min(0.0).threshold_lines(),
                bargauge(12, 8, "Damping ratio ζ by symbol", "Physical damping ratio ζ of the engine's oscillator model, per symbol and timeframe: ζ < 1 underdamped (orange, oscillating/trending), ζ ≈ 1 critically damped (green, 0.95–1.05), ζ > 1 overdamped (blue, sluggish/mean-reverting). Colours match the regime mapping.").q("{{symbol}} {{timeframe}}", m(PHYSICS_DAMPING_RATIO)).min(0.0).max(2.0),
                timeseries(12, 8, "Regime changes per hour", "Regime transitions per hour, per symbol and timeframe.").q("{{symbol}} {{timeframe}}", rate(m(REGIME_CHANGES_TOTAL), RATE) * 3600.0).decimals(1).min(0.0).axis("changes / hour"),
            ]),
            row("Quotes", vec![
                timeseries(12, 8, "Mid price", "Latest mid price (bid + ask) / 2, in the instrument's price units.").q("{{symbol}}", m(SYMBOL_PRICE)).axis("price"),
                timeseries(12, 8, "Spread", "Latest spread ask − bid in price units (not pips: pip size differs between instruments).").q("{{symbol}}", m(SYMBOL_SPREAD)).min(0.0).axis("price units"),
            ]),
            row("Performance by regime at entry", vec![
                bargauge(6, 8, "Win rate by regime", "Win rate of closed trades by the regime at entry (breakevens excluded), since start.").q("{{regime}}", m(REGIME_WIN_RATE)).min(0.0).max(100.0),
                bargauge(6, 8, "Win rate by regime (time range)", "Win rate of the trades closed within the selected time range, by the regime at entry (from the win/loss counters).").qi("{{regime}}", 100.0 * increase(m(REGIME_TRADES_WINNING_TOTAL), RANGE) / (increase(m(REGIME_TRADES_WINNING_TOTAL), RANGE) + increase(m(REGIME_TRADES_LOSING_TOTAL), RANGE)).gt(0.0)).unit("percent").decimals(1).min(0.0).max(100.0).colours(colours::WIN_RATE),
                bargauge(6, 8, "Net P&L by regime", "Net realised P&L by the regime at entry. Amounts are in the account currency.").q("{{regime}}", m(REGIME_PNL)),
                bargauge(6, 8, "Profit factor by regime", "Gross profit / gross loss by the regime at entry (recording rule).").q("{{regime}}", r(REGIME_PROFIT_FACTOR)).min(0.0).max(3.0),
            ]),
        ])
}

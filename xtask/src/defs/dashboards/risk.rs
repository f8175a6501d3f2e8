//! Risk Management (`velocitytrader-risk`).

use crate::defs::prelude::*;

/// The dashboard.
#[rustfmt::skip]
#[must_use]
pub fn dashboard() -> Dashboard {
    Dashboard::new("velocitytrader-risk", "Risk Management", &["risk", "drawdown", "var"], "Account, drawdown, risk-adjusted ratios, VaR and streaks. Time statistics come from the equity curve sampled on a fixed period (default daily, annualisation 252).")
        .rows(vec![
            row("Account status", vec![
                stat(4, 4, "Balance", "Account balance (closed P&L). Amounts are in the account currency.").q("{{instance}}", m(ACCOUNT_BALANCE)),
                stat(4, 4, "Equity", "Account equity (balance plus open P&L). Amounts are in the account currency.").q("{{instance}}", m(ACCOUNT_EQUITY)),
                stat(4, 4, "Open P&L", "Equity − balance: unrealised P&L of open positions. Amounts are in the account currency.").q("{{instance}}", m(ACCOUNT_EQUITY) - m(ACCOUNT_BALANCE)).colours(colours::PNL),
                stat(4, 4, "Current drawdown", "(Peak equity − equity) / peak equity, positive percent. Orange/red at the 15 % / 25 % alert levels.").q("{{instance}}", m(CURRENT_DRAWDOWN)),
                stat(4, 4, "Max drawdown", "Largest drawdown since start, positive percent of peak equity.").q("{{instance}}", m(MAX_DRAWDOWN)),
                stat(4, 4, "Risk exposure", "Open exposure as a percent of equity, as reported by the engine.").q("{{instance}}", m(RISK_EXPOSURE)).colours(Colours(&[("orange", 50.0), ("red", 80.0)], "green")),
            ]),
            row("Drawdown analysis", vec![
                timeseries(10, 8, "Equity curve", "Equity and balance. Amounts are in the account currency.").q("{{instance}} equity", m(ACCOUNT_EQUITY)).q("{{instance}} balance", m(ACCOUNT_BALANCE)).axis("account currency"),
                gauge(6, 8, "Drawdown vs limits", "Current and maximum drawdown against the 15 % warning and 25 % critical alert levels.").q("{{instance}} current", m(CURRENT_DRAWDOWN)).q("{{instance}} max", m(MAX_DRAWDOWN)).min(0.0).max(50.0),
                timeseries(8, 8, "Drawdown over time", "Current and maximum drawdown, positive percent of peak equity; dashed lines at the alert levels.").q("{{instance}} current", m(CURRENT_DRAWDOWN)).q("{{instance}} max", m(MAX_DRAWDOWN)).min(0.0).threshold_lines(),
            ]),
            row("Risk-adjusted returns", vec![
                gauge(6, 6, "Sharpe ratio", "Annualised Sharpe ratio of period returns (rf = 0, sample std).").q("{{instance}}", m(SHARPE_RATIO)).min(-1.0).max(3.0),
                gauge(6, 6, "Sortino ratio", "Annualised Sortino ratio of period returns (target 0).").q("{{instance}}", m(SORTINO_RATIO)).min(-1.0).max(5.0),
                gauge(6, 6, "Calmar ratio", "CAGR / max drawdown since inception; infinite without a drawdown.").q("{{instance}}", m(CALMAR_RATIO)).min(0.0).max(5.0),
                gauge(6, 6, "Recovery factor", "Net profit / largest drawdown, both in account currency.").q("{{instance}}", m(RECOVERY_FACTOR)).min(0.0).max(10.0).colours(Colours(&[("orange", 0.0), ("green", 2.0)], "red")),
            ]),
            row("Risk statistics", vec![
                stat(4, 4, "VaR (95%)", "Historical one-period 95 % value at risk over the recent return window, as a positive percent loss of equity.").q("{{instance}}", m(VAR_95)).decimals(2).colours(Colours(&[("orange", 2.0), ("red", 5.0)], "green")),
                stat(4, 4, "Expected shortfall (95%)", "Mean one-period loss beyond the 95 % VaR, positive percent of equity.").q("{{instance}}", m(EXPECTED_SHORTFALL_95)).decimals(2).colours(Colours(&[("orange", 3.0), ("red", 7.0)], "green")),
                stat(3, 4, "Max consecutive wins", "Longest run of winning trades (a breakeven breaks it).").q("{{instance}}", m(CONSECUTIVE_WINS_MAX)).set("options.graphMode", "none"),
                stat(3, 4, "Max consecutive losses", "Longest run of losing trades (a breakeven breaks it).").q("{{instance}}", m(CONSECUTIVE_LOSSES_MAX)).colours(Colours(&[("orange", 5.0), ("red", 10.0)], "green")).set("options.graphMode", "none"),
                stat(3, 4, "Current winning streak", "Current run of winning trades.").q("{{instance}}", m(CONSECUTIVE_WINS)).set("options.graphMode", "none"),
                stat(3, 4, "Current losing streak", "Current run of losing trades.").q("{{instance}}", m(CONSECUTIVE_LOSSES)).colours(Colours(&[("orange", 3.0), ("red", 5.0)], "green")).set("options.graphMode", "none"),
                stat(4, 4, "Return periods", "Complete equity periods behind Sharpe, Sortino, Calmar and VaR (ratios over few periods are noise), and periods skipped because they were partial or unobserved (the first period, gaps in equity samples).").q("{{instance}} counted", m(RETURN_PERIODS_TOTAL)).q("{{instance}} skipped", m(RETURN_PERIODS_SKIPPED_TOTAL)).colours(Colours(&[("green", 30.0)], "orange")).set("options.graphMode", "none"),
                timeseries(12, 8, "VaR and expected shortfall", "One-period 95 % VaR and expected shortfall, positive percent loss.").q("{{instance}} VaR 95%", m(VAR_95)).q("{{instance}} ES 95%", m(EXPECTED_SHORTFALL_95)).decimals(2).min(0.0),
                timeseries(12, 8, "Winning and losing streaks", "Current run of winning and of losing trades.").q("{{instance}} winning streak", m(CONSECUTIVE_WINS)).q("{{instance}} losing streak", m(CONSECUTIVE_LOSSES)).min(0.0),
            ]),
        ])
}

//! Portfolio & Risk Overview (`portfolio-risk-overview`).

use crate::defs::prelude::*;

/// The dashboard.
#[rustfmt::skip]
#[must_use]
pub fn dashboard() -> Dashboard {
    Dashboard::new("portfolio-risk-overview", "Portfolio & Risk Overview", &["portfolio", "risk"], "Portfolio view of the selected engines: equity and balance, current and maximum drawdown, open exposure in total and per symbol, drawdown with VaR and expected shortfall over time, and the risk-adjusted ratios. Rebuilt from the original portfolio-risk-overview: exposure by symbol is the engine's open exposure (the original charted trade counts), and VaR is a percent on the percent axis (the original divided a money VaR by 100).")
        .rows(vec![
            row("Portfolio", vec![
                timeseries(14, 8, "Equity curve", "Equity (balance plus open P&L) and balance. Amounts are in the account currency.").q("{{instance}} equity", m(ACCOUNT_EQUITY)).q("{{instance}} balance", m(ACCOUNT_BALANCE)).axis("account currency"),
                gauge(5, 8, "Current drawdown", "Current drawdown: (peak equity − equity) / peak equity, a positive percent. Colours are the alert levels: orange from 15 % (VelocityTraderDrawdownHigh), red from 25 % (VelocityTraderDrawdownCritical).").q("{{instance}}", m(CURRENT_DRAWDOWN)).min(0.0).max(50.0),
                gauge(5, 8, "Maximum drawdown", "Largest drawdown since start, a positive percent of peak equity (the starting balance is the first peak); same colours as the current drawdown.").q("{{instance}}", m(MAX_DRAWDOWN)).min(0.0).max(50.0),
            ]),
            row("Exposure", vec![
                gauge(6, 8, "Risk exposure", "Open exposure as a percent of equity, as the engine reports it (orange from 50 %, red from 80 %, as on Risk Management).").q("{{instance}}", m(RISK_EXPOSURE)).min(0.0).max(100.0).colours(Colours(&[("orange", 50.0), ("red", 80.0)], "green")),
                piechart(9, 8, "Gross exposure by symbol", "Share of the open exposure per symbol, long and short alike (absolute value of the engine's signed exposure per symbol). The original panel charted trade counts here. Amounts are in the account currency.").qi("{{symbol}}", sum_by(&["symbol"], abs(m(SYMBOL_EXPOSURE)))).decimals(0),
                bargauge(9, 8, "Net exposure by symbol", "Open exposure per symbol as the engine last reported it: positive long, negative short. Amounts are in the account currency.").q("{{symbol}}", sum_by(&["symbol"], m(SYMBOL_EXPOSURE))).decimals(0),
            ]),
            row("Risk over time", vec![
                timeseries(12, 8, "Drawdown, VaR and expected shortfall", "Current and maximum drawdown (percent of peak equity) and the one-period 95 % VaR and expected shortfall (positive percent losses of the recent return window). All in percent: the original plotted a money VaR divided by 100 on this axis.").q("{{instance}} current drawdown", m(CURRENT_DRAWDOWN)).q("{{instance}} max drawdown", m(MAX_DRAWDOWN)).q("{{instance}} VaR 95 %", m(VAR_95)).q("{{instance}} ES 95 %", m(EXPECTED_SHORTFALL_95)).decimals(2).min(0.0).colours(plain("green")).axis("percent"),
                timeseries(12, 8, "Exposure per symbol", "Open exposure per symbol over time (signed: long positive). Amounts are in the account currency.").q("{{symbol}}", sum_by(&["symbol"], m(SYMBOL_EXPOSURE))).decimals(0).axis("account currency"),
            ]),
            row("Risk-adjusted returns", vec![
                stat(6, 4, "Sharpe ratio", "Annualised Sharpe ratio of the equity curve's period returns (rf = 0, sample standard deviation); no value until enough periods exist.").q("{{instance}}", m(SHARPE_RATIO)),
                stat(6, 4, "Sortino ratio", "Annualised Sortino ratio of period returns (target 0, full-sample downside deviation).").q("{{instance}}", m(SORTINO_RATIO)),
                stat(6, 4, "Calmar ratio", "CAGR divided by the maximum drawdown since inception; +Inf without a drawdown.").q("{{instance}}", m(CALMAR_RATIO)),
                stat(6, 4, "Recovery factor", "Net profit divided by the largest drawdown, both in account currency (signed).").q("{{instance}}", m(RECOVERY_FACTOR)).colours(Colours(&[("orange", 0.0), ("green", 2.0)], "red")),
            ]),
        ])
}

//! Exact trading statistics as pure math: no metrics, database or I/O.
//!
//! Two kinds of statistics, kept apart:
//!
//! - **Trade-level**, over closed-trade P&L: [`TradeStats`] (win rate,
//!   profit factor, payoff, expectancy, streaks, extremes, durations).
//! - **Time-level**, over a series sampled on a fixed clock:
//!   [`PeriodReturns`] (complete fixed-period returns from equity samples),
//!   [`ReturnStats`] (Sharpe, Sortino, volatility, CAGR), [`DrawdownTracker`]
//!   (peak and drawdown of an equity curve), [`ReturnWindow`] (historical value at risk
//!   and expected shortfall over a bounded window), and the [`calmar`],
//!   [`recovery_factor`] and [`kelly_fraction`] ratios built from them.
//! - **Bar-level**, over the OHLC bars of one symbol and timeframe:
//!   [`AverageTrueRange`] (Wilder's ATR as TA-Lib computes it) and
//!   [`RealizedVolatility`] (rolling sample standard deviation of log
//!   close-to-close returns, per bar); both refuse a malformed bar with a
//!   [`BarError`] instead of ignoring it.
//!
//! [`from_ar2`] turns an AR(2) fit of a mean-reverting deviation into
//! damped-oscillator parameters ([`Oscillator`]).
//!
//! Every accumulator is allocation-free and O(1) per update (O(window) for
//! [`RealizedVolatility`], which recomputes its bounded window exactly),
//! ignores or refuses non-finite input (each type documents how), and reports
//! undefined values as `None` rather than NaN or a sentinel. Definitions follow empyrical,
//! quantstats and Nautilus where they agree, with rf = 0, and TA-Lib and
//! pandas for the bar statistics; the unit tests assert their published
//! vectors, or vectors from `tests/reference/bars_reference.py`.
//!
//! ```
//! use velocity_metrics::stats::{DrawdownTracker, ReturnStats, calmar};
//!
//! let mut returns = ReturnStats::new();
//! let mut drawdown = DrawdownTracker::with_initial_peak(1.0);
//! let mut wealth = 1.0;
//! for r in [0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10] {
//!     returns.push(r);
//!     wealth *= 1.0 + r;
//!     drawdown.update(wealth);
//! }
//! let cagr = returns.cagr(252.0).unwrap();
//! let calmar = calmar(cagr, drawdown.max().unwrap()).unwrap();
//! assert!((calmar - 23.30292797300439).abs() < 1e-9);
//! ```

pub mod average_true_range;
pub mod bar_error;
#[cfg(test)]
mod bar_reference;
pub mod drawdown;
pub mod moments;
pub mod oscillator;
pub mod periods;
pub mod ratios;
pub mod realized_volatility;
pub mod return_window;
pub mod returns;
pub mod streaks;
#[cfg(test)]
mod test_support;
pub mod trade_stats;

pub use average_true_range::AverageTrueRange;
pub use bar_error::BarError;
pub use drawdown::DrawdownTracker;
pub use moments::RunningMoments;
pub use oscillator::{Oscillator, from_ar2, to_ar2};
pub use periods::PeriodReturns;
pub use ratios::{calmar, kelly_fraction, recovery_factor};
pub use realized_volatility::RealizedVolatility;
pub use return_window::{ReturnWindow, percentile_linear, tail_risk_of_sorted};
pub use returns::ReturnStats;
pub use streaks::{Outcome, Streaks};
pub use trade_stats::TradeStats;

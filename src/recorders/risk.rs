//! Account and equity curve: drawdown, Sharpe, Sortino, Calmar, VaR,
//! recovery factor, exposure.

use super::PublishState;
use crate::catalogue as cat;
use crate::error::{RecordError, finite, non_negative};
use crate::stats::{DrawdownTracker, ReturnStats, ReturnWindow, ratios};
use crate::telemetry::{Inner, LazyGauge, Sink, Telemetry, TelemetryConfig, lock};

/// VaR / expected-shortfall confidence of `velocitytrader_var_95`.
const VAR_CONFIDENCE: f64 = 0.95;

/// Equity-curve state, updated under one lock per sample.
#[derive(Debug)]
pub(crate) struct EquityBook {
    period_secs: f64,
    starting_balance: Option<f64>,
    balance: Option<f64>,
    equity: Option<f64>,
    exposure_percent: Option<f64>,
    last_at: Option<f64>,
    initial_equity: Option<f64>,
    period_index: i64,
    period_open_equity: f64,
    drawdown: DrawdownTracker,
    returns: ReturnStats,
    window: ReturnWindow,
}

impl EquityBook {
    pub(crate) fn new(config: &TelemetryConfig) -> Self {
        Self {
            period_secs: config.return_period.as_secs_f64(),
            starting_balance: config.starting_balance,
            balance: None,
            equity: None,
            exposure_percent: None,
            last_at: None,
            initial_equity: None,
            period_index: 0,
            period_open_equity: 0.0,
            drawdown: DrawdownTracker::new(),
            returns: ReturnStats::new(),
            window: ReturnWindow::with_capacity(config.var_window),
        }
    }

    #[allow(
        clippy::cast_possible_truncation,
        reason = "floor of a finite time / period fits i64 for any real date"
    )]
    fn period_of(&self, at: f64) -> i64 {
        (at / self.period_secs).floor() as i64
    }

    fn record(&mut self, balance: f64, equity: f64, at: f64) {
        let period = self.period_of(at);
        match self.equity {
            None => {
                let initial = self.starting_balance.unwrap_or(equity);
                self.initial_equity = Some(initial);
                self.drawdown = DrawdownTracker::with_initial_peak(initial);
                self.period_open_equity = initial;
                self.period_index = period;
            }
            Some(previous) if period > self.period_index => {
                self.close_period(previous);
                self.period_index = period;
            }
            _ => {}
        }
        self.drawdown.update(equity);
        self.balance = Some(balance);
        self.equity = Some(equity);
        self.last_at = Some(at);
    }

    /// Ends the current period at `closing_equity` and starts the next one.
    fn close_period(&mut self, closing_equity: f64) {
        let r = if self.period_open_equity > 0.0 {
            closing_equity / self.period_open_equity - 1.0
        } else {
            f64::NAN
        };
        self.returns.push(r);
        self.window.push(r);
        self.period_open_equity = closing_equity;
    }
}

impl Telemetry {
    /// Records an account snapshot at `at` (Unix seconds): balance, equity,
    /// drawdown from the running peak, and — whenever a new return period
    /// begins — one period return for Sharpe, Sortino, Calmar and VaR.
    ///
    /// # Errors
    /// [`RecordError::NotFinite`] for NaN/±Inf values and
    /// [`RecordError::OutOfOrder`] for a sample older than the previous one;
    /// the sample is then ignored and the refusal counted.
    pub fn record_equity(&self, balance: f64, equity: f64, at: f64) -> Result<(), RecordError> {
        let checked = finite("balance", balance)
            .and_then(|_| finite("equity", equity))
            .and_then(|_| finite("at", at));
        checked.map_err(|e| self.reject(e))?;
        let mut book = lock(&self.inner.equity);
        if let Some(previous) = book.last_at
            && at < previous
        {
            drop(book);
            return Err(self.reject(RecordError::OutOfOrder { at, previous }));
        }
        book.record(balance, equity, at);
        Ok(())
    }

    /// Sets the engine's open exposure as a percent of equity (≥ 0).
    ///
    /// # Errors
    /// [`RecordError`] for a NaN, infinite or negative value.
    pub fn set_risk_exposure(&self, percent_of_equity: f64) -> Result<(), RecordError> {
        let value = non_negative("risk_exposure", percent_of_equity).map_err(|e| self.reject(e))?;
        lock(&self.inner.equity).exposure_percent = Some(value);
        Ok(())
    }
}

/// Handles of the risk series; all are absent until defined.
pub(crate) struct RiskHandles {
    balance: LazyGauge,
    equity: LazyGauge,
    exposure: LazyGauge,
    current_drawdown: LazyGauge,
    max_drawdown: LazyGauge,
    sharpe: LazyGauge,
    sortino: LazyGauge,
    calmar: LazyGauge,
    recovery: LazyGauge,
    var: LazyGauge,
    shortfall: LazyGauge,
    periods: metrics::Counter,
    scratch: Vec<f64>,
}

impl RiskHandles {
    pub(crate) fn new(sink: &Sink) -> Self {
        Self {
            balance: LazyGauge::new(&cat::ACCOUNT_BALANCE, &[]),
            equity: LazyGauge::new(&cat::ACCOUNT_EQUITY, &[]),
            exposure: LazyGauge::new(&cat::RISK_EXPOSURE, &[]),
            current_drawdown: LazyGauge::new(&cat::CURRENT_DRAWDOWN, &[]),
            max_drawdown: LazyGauge::new(&cat::MAX_DRAWDOWN, &[]),
            sharpe: LazyGauge::new(&cat::SHARPE_RATIO, &[]),
            sortino: LazyGauge::new(&cat::SORTINO_RATIO, &[]),
            calmar: LazyGauge::new(&cat::CALMAR_RATIO, &[]),
            recovery: LazyGauge::new(&cat::RECOVERY_FACTOR, &[]),
            var: LazyGauge::new(&cat::VAR_95, &[]),
            shortfall: LazyGauge::new(&cat::EXPECTED_SHORTFALL_95, &[]),
            periods: sink.counter(&cat::RETURN_PERIODS_TOTAL, &[]),
            scratch: Vec::new(),
        }
    }
}

/// Every risk value at one instant; `None` where undefined.
struct RiskValues {
    balance: Option<f64>,
    equity: Option<f64>,
    exposure_percent: Option<f64>,
    current_drawdown_percent: Option<f64>,
    max_drawdown_percent: Option<f64>,
    sharpe: Option<f64>,
    sortino: Option<f64>,
    calmar: Option<f64>,
    recovery_factor: Option<f64>,
    var_percent: Option<f64>,
    shortfall_percent: Option<f64>,
    periods: u64,
}

impl EquityBook {
    /// Derives every risk value; `scratch` is reused to sort the VaR window.
    fn values(&self, periods_per_year: f64, scratch: &mut Vec<f64>) -> RiskValues {
        let max_drawdown = self.drawdown.max();
        let calmar = self
            .returns
            .cagr(periods_per_year)
            .zip(max_drawdown)
            .and_then(|(cagr, mdd)| ratios::calmar(cagr, mdd));
        let net_profit = self
            .equity
            .zip(self.initial_equity)
            .map(|(e, start)| e - start);
        let tail = self.window.tail_risk(VAR_CONFIDENCE, scratch);
        RiskValues {
            balance: self.balance,
            equity: self.equity,
            exposure_percent: self.exposure_percent,
            current_drawdown_percent: self.drawdown.current().map(|d| d * 100.0),
            max_drawdown_percent: max_drawdown.map(|d| d * 100.0),
            sharpe: self.returns.sharpe(periods_per_year),
            sortino: self.returns.sortino(periods_per_year),
            calmar,
            recovery_factor: net_profit
                .and_then(|p| ratios::recovery_factor(p, self.drawdown.max_abs())),
            var_percent: tail.map(|(var, _)| -var * 100.0),
            shortfall_percent: tail.map(|(_, shortfall)| -shortfall * 100.0),
            periods: self.returns.periods(),
        }
    }
}

/// Derives the risk values under the equity lock (no copy of the book) and
/// writes every risk series.
pub(crate) fn publish_risk(inner: &Inner, state: &mut PublishState) {
    let h = &mut state.risk;
    let v = lock(&inner.equity).values(inner.config.periods_per_year, &mut h.scratch);
    let sink = &inner.sink;
    h.balance.set(sink, v.balance);
    h.equity.set(sink, v.equity);
    h.exposure.set(sink, v.exposure_percent);
    h.current_drawdown.set(sink, v.current_drawdown_percent);
    h.max_drawdown.set(sink, v.max_drawdown_percent);
    h.sharpe.set(sink, v.sharpe);
    h.sortino.set(sink, v.sortino);
    h.calmar.set(sink, v.calmar);
    h.recovery.set(sink, v.recovery_factor);
    h.var.set(sink, v.var_percent);
    h.shortfall.set(sink, v.shortfall_percent);
    h.periods.absolute(v.periods);
}

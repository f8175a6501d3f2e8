//! Account and equity curve: drawdown, Sharpe, Sortino, Calmar, VaR,
//! recovery factor, exposure.

use std::time::{SystemTime, UNIX_EPOCH};

use super::PublishState;
use crate::catalogue as cat;
use crate::error::{RecordError, amount, finite, non_negative};
use crate::stats::{
    DrawdownTracker, PeriodReturns, ReturnStats, ReturnWindow, ratios, tail_risk_of_sorted,
};
use crate::telemetry::{Inner, LazyGauge, Sink, Telemetry, TelemetryConfig, lock};

/// VaR / expected-shortfall confidence of `velocitytrader_var_95`.
const VAR_CONFIDENCE: f64 = 0.95;

/// Equity-curve state, updated under one lock per sample.
#[derive(Debug)]
pub(crate) struct EquityBook {
    clock: PeriodReturns,
    tolerance_secs: f64,
    starting_balance: Option<f64>,
    balance: Option<f64>,
    equity: Option<f64>,
    exposure_percent: Option<f64>,
    last_at: Option<f64>,
    initial_equity: Option<f64>,
    drawdown: DrawdownTracker,
    returns: ReturnStats,
    window: ReturnWindow,
}

impl EquityBook {
    pub(crate) fn new(config: &TelemetryConfig) -> Self {
        Self {
            clock: PeriodReturns::new(config.return_period.as_secs_f64()),
            tolerance_secs: config.equity_clock_tolerance.as_secs_f64(),
            starting_balance: config.starting_balance,
            balance: None,
            equity: None,
            exposure_percent: None,
            last_at: None,
            initial_equity: None,
            drawdown: DrawdownTracker::new(),
            returns: ReturnStats::new(),
            window: ReturnWindow::with_capacity(config.var_window),
        }
    }

    /// The time to record a sample stamped `at` under, or the refusal.
    fn accept_time(&self, at: f64) -> Result<f64, RecordError> {
        match self.last_at {
            Some(previous) if at < previous - self.tolerance_secs => {
                Err(RecordError::OutOfOrder { at, previous })
            }
            Some(previous) => Ok(at.max(previous)),
            None => Ok(at),
        }
    }

    fn record(&mut self, balance: f64, equity: f64, at: f64) {
        if self.equity.is_none() {
            let initial = self.starting_balance.unwrap_or(equity);
            self.initial_equity = Some(initial);
            self.drawdown = DrawdownTracker::with_initial_peak(initial);
        }
        if let Some(r) = self.clock.observe(equity, at) {
            self.returns.push(r);
            self.window.push(r);
        }
        self.drawdown.update(equity);
        self.balance = Some(balance);
        self.equity = Some(equity);
        self.last_at = Some(at);
    }
}

fn now_unix_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Telemetry {
    fn check_equity(&self, balance: f64, equity: f64) -> Result<(), RecordError> {
        amount("balance", balance)
            .and_then(|_| amount("equity", equity))
            .map(|_| ())
            .map_err(|e| self.reject(e))
    }

    /// Records an account snapshot at `at` (Unix seconds): balance, equity,
    /// drawdown from the running peak, and — whenever a return period ends —
    /// one period return for Sharpe, Sortino, Calmar and VaR.
    ///
    /// Samples from several threads may arrive slightly out of order: one up
    /// to [`TelemetryConfig::equity_clock_tolerance`] older than the latest is
    /// accepted and taken as simultaneous with it. Use
    /// [`record_equity_now`](Self::record_equity_now) to let the library
    /// stamp the sample instead.
    ///
    /// Only complete periods count as returns: see
    /// [`TelemetryConfig::return_period`].
    ///
    /// # Errors
    /// [`RecordError::NotFinite`] / [`RecordError::OutOfRange`] for NaN, ±Inf
    /// or amounts beyond ±[`MAX_ABS_AMOUNT`](crate::error::MAX_ABS_AMOUNT),
    /// and [`RecordError::OutOfOrder`] for a sample older than the previous
    /// one by more than the tolerance; the sample is then ignored and the
    /// refusal counted.
    pub fn record_equity(&self, balance: f64, equity: f64, at: f64) -> Result<(), RecordError> {
        self.check_equity(balance, equity)?;
        finite("at", at).map_err(|e| self.reject(e))?;
        let mut book = lock(&self.inner.equity);
        let at = match book.accept_time(at) {
            Ok(at) => at,
            Err(error) => {
                drop(book);
                return Err(self.reject(error));
            }
        };
        book.record(balance, equity, at);
        Ok(())
    }

    /// Records an account snapshot stamped with the current time, taken
    /// while holding the equity lock: samples from any number of threads are
    /// then in order by construction and never refused as out of order (a
    /// wall clock that steps back is clamped to the previous stamp).
    ///
    /// # Errors
    /// [`RecordError`] for NaN, ±Inf or out-of-bound amounts; the sample is
    /// then ignored and the refusal counted.
    pub fn record_equity_now(&self, balance: f64, equity: f64) -> Result<(), RecordError> {
        self.check_equity(balance, equity)?;
        let mut book = lock(&self.inner.equity);
        let at = book
            .last_at
            .map_or_else(now_unix_secs, |last| now_unix_secs().max(last));
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
    skipped: metrics::Counter,
    /// Returns copied out of the book, sorted outside its lock.
    window: Vec<f64>,
    /// `(periods when computed, VaR and ES)`: recomputed only when a period
    /// closed since.
    tail: (u64, Option<(f64, f64)>),
}

impl RiskHandles {
    pub(crate) fn new(sink: &Sink) -> Self {
        Self {
            balance: LazyGauge::new(sink, &cat::ACCOUNT_BALANCE, &[]),
            equity: LazyGauge::new(sink, &cat::ACCOUNT_EQUITY, &[]),
            exposure: LazyGauge::new(sink, &cat::RISK_EXPOSURE, &[]),
            current_drawdown: LazyGauge::new(sink, &cat::CURRENT_DRAWDOWN, &[]),
            max_drawdown: LazyGauge::new(sink, &cat::MAX_DRAWDOWN, &[]),
            sharpe: LazyGauge::new(sink, &cat::SHARPE_RATIO, &[]),
            sortino: LazyGauge::new(sink, &cat::SORTINO_RATIO, &[]),
            calmar: LazyGauge::new(sink, &cat::CALMAR_RATIO, &[]),
            recovery: LazyGauge::new(sink, &cat::RECOVERY_FACTOR, &[]),
            var: LazyGauge::new(sink, &cat::VAR_95, &[]),
            shortfall: LazyGauge::new(sink, &cat::EXPECTED_SHORTFALL_95, &[]),
            periods: sink.counter(&cat::RETURN_PERIODS_TOTAL, &[]),
            skipped: sink.counter(&cat::RETURN_PERIODS_SKIPPED_TOTAL, &[]),
            window: Vec::new(),
            tail: (0, None),
        }
    }
}

/// Every O(1) risk value at one instant; `None` where undefined.
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
    periods: u64,
    skipped: u64,
}

impl EquityBook {
    /// Derives every O(1) risk value.
    fn values(&self, periods_per_year: f64) -> RiskValues {
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
            periods: self.returns.periods(),
            skipped: self.clock.skipped(),
        }
    }
}

/// Copies the risk state under the equity lock (O(1), plus the return
/// window when a period closed since the last publish), then derives VaR and
/// expected shortfall and writes every risk series outside the lock.
pub(crate) fn publish_risk(inner: &Inner, state: &mut PublishState) {
    let h = &mut state.risk;
    let values = {
        let book = lock(&inner.equity);
        let values = book.values(inner.config.periods_per_year);
        if values.periods != h.tail.0 {
            h.window.clear();
            book.window.copy_into(&mut h.window);
            h.tail.0 = values.periods;
            h.tail.1 = None;
        }
        values
    };
    if h.tail.1.is_none() && !h.window.is_empty() {
        h.window.sort_unstable_by(f64::total_cmp);
        h.tail.1 = tail_risk_of_sorted(&h.window, VAR_CONFIDENCE);
    }
    let tail = h.tail.1;
    let sink = &inner.sink;
    h.balance.set(sink, values.balance);
    h.equity.set(sink, values.equity);
    h.exposure.set(sink, values.exposure_percent);
    h.current_drawdown
        .set(sink, values.current_drawdown_percent);
    h.max_drawdown.set(sink, values.max_drawdown_percent);
    h.sharpe.set(sink, values.sharpe);
    h.sortino.set(sink, values.sortino);
    h.calmar.set(sink, values.calmar);
    h.recovery.set(sink, values.recovery_factor);
    h.var.set(sink, tail.map(|(var, _)| -var * 100.0));
    h.shortfall
        .set(sink, tail.map(|(_, shortfall)| -shortfall * 100.0));
    h.periods.absolute(values.periods);
    h.skipped.absolute(values.skipped);
}

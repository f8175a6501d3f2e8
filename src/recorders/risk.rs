//! Account and equity curve: drawdown, Sharpe, Sortino, Calmar, VaR,
//! recovery factor, exposure.

use std::time::Duration;

use super::PublishState;
pub(crate) use super::equity_state::EquityState;
use crate::catalogue as cat;
use crate::error::{RecordError, amount, non_negative};
use crate::model::unix_now_secs;
use crate::stats::{
    DrawdownTracker, PeriodReturns, ReturnStats, ReturnWindow, ratios, tail_risk_of_sorted,
};
use crate::telemetry::{Inner, LazyGauge, Sink, Telemetry, TelemetryConfig, trading_day};

/// VaR / expected-shortfall confidence of `velocitytrader_var_95`.
const VAR_CONFIDENCE: f64 = 0.95;

/// Equity-curve state, updated by one thread at a time (see [`EquityState`]).
#[derive(Debug)]
pub(crate) struct EquityBook {
    clock: PeriodReturns,
    starting_balance: Option<f64>,
    balance: Option<f64>,
    equity: Option<f64>,
    last_at: Option<f64>,
    initial_equity: Option<f64>,
    drawdown: DrawdownTracker,
    returns: ReturnStats,
    window: ReturnWindow,
    day_start: Duration,
    /// Trading day of the latest sample and the highest equity in it (the
    /// equity carried in from the day before included).
    day: Option<(i64, f64)>,
}

impl EquityBook {
    pub(crate) fn new(config: &TelemetryConfig) -> Self {
        Self {
            day_start: config.trading_day_start,
            day: None,
            clock: PeriodReturns::new(config.return_period.as_secs_f64()),
            starting_balance: config.starting_balance,
            balance: None,
            equity: None,
            last_at: None,
            initial_equity: None,
            drawdown: DrawdownTracker::new(),
            returns: ReturnStats::new(),
            window: ReturnWindow::with_capacity(config.var_window),
        }
    }

    /// Applies one sample; a time slightly older than the previous one
    /// (within the tolerance the recorder checked) is taken as simultaneous.
    pub(super) fn record(&mut self, balance: f64, equity: f64, at: f64) {
        let at = self.last_at.map_or(at, |last| at.max(last));
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
        let day = trading_day(self.day_start, at);
        self.day = Some(match (self.day, self.equity) {
            (Some((current, peak)), _) if current == day => (day, peak.max(equity)),
            // A new day opens at the equity carried in from the last sample.
            (_, Some(carried)) => (day, carried.max(equity)),
            (_, None) => (day, equity),
        });
        self.balance = Some(balance);
        self.equity = Some(equity);
        self.last_at = Some(at);
    }
}

#[cfg(test)]
impl EquityBook {
    /// Latest equity and largest drawdown (a fraction), for the tests of how
    /// samples reach the book.
    pub(super) fn equity_and_max_drawdown(&self) -> (Option<f64>, Option<f64>) {
        (self.equity, self.drawdown.max())
    }
}

impl Telemetry {
    fn check_equity(&self, balance: f64, equity: f64) -> Result<(), RecordError> {
        amount("balance", balance)
            .and_then(|_| amount("equity", equity))
            .map(|_| ())
            .map_err(|e| self.reject(e))
    }

    /// Records an account snapshot at `at` (seconds since the Unix epoch,
    /// any past time or up to
    /// [`future_tolerance`](TelemetryConfig::future_tolerance) ahead):
    /// balance, equity,
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
    /// a time refused as [`Trade::closed_at`](crate::Trade::closed_at) is
    /// (negative, milliseconds, too far ahead), and [`RecordError::OutOfOrder`] for a sample older than the previous
    /// one by more than the tolerance; the sample is then ignored and the
    /// refusal counted.
    pub fn record_equity(&self, balance: f64, equity: f64, at: f64) -> Result<(), RecordError> {
        self.check_equity(balance, equity)?;
        self.inner
            .clock
            .admit("at", at)
            .map_err(|e| self.reject(e))?;
        let state = &self.inner.equity;
        state
            .admit(at)
            .map_err(|previous| self.reject(RecordError::OutOfOrder { at, previous }))?;
        state.submit(balance, equity, at);
        Ok(())
    }

    /// Records an account snapshot stamped with the current time. Samples
    /// from any number of threads are never refused as out of order: each
    /// takes effect in the order the calls do, and a stamp older than the
    /// one before it (a thread descheduled between reading the clock and
    /// queueing, or a wall clock that steps back) is taken as simultaneous.
    ///
    /// # Errors
    /// [`RecordError`] for NaN, ±Inf or out-of-bound amounts; the sample is
    /// then ignored and the refusal counted.
    pub fn record_equity_now(&self, balance: f64, equity: f64) -> Result<(), RecordError> {
        self.check_equity(balance, equity)?;
        let state = &self.inner.equity;
        let at = unix_now_secs();
        let _ = state.admit(at);
        state.submit(balance, equity, at);
        Ok(())
    }

    /// Sets the engine's open exposure as a percent of equity (≥ 0).
    ///
    /// # Errors
    /// [`RecordError`] for a NaN, infinite or negative value.
    pub fn set_risk_exposure(&self, percent_of_equity: f64) -> Result<(), RecordError> {
        let value = non_negative("risk_exposure", percent_of_equity).map_err(|e| self.reject(e))?;
        self.inner.equity.exposure_percent.set(Some(value));
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

    /// Drawdown within trading day `today`, percent: 0 when no sample of
    /// today arrived yet (the day opens at the carried equity); `None`
    /// without equity or with a peak ≤ 0.
    fn daily_drawdown_percent(&self, today: i64) -> Option<f64> {
        let equity = self.equity?;
        let peak = match self.day {
            Some((day, peak)) if day >= today => peak,
            _ => equity,
        };
        (peak > 0.0).then(|| (peak - equity) / peak * 100.0)
    }
}

/// Copies the risk state under the equity lock (O(1), plus the return
/// window when a period closed since the last publish), then derives VaR and
/// expected shortfall and writes every risk series outside the lock.
pub(crate) fn publish_risk(inner: &Inner, state: &mut PublishState) {
    let h = &mut state.risk;
    let today = inner.config.trading_day(inner.clock.publish_now());
    let (values, daily_drawdown) = {
        let book = inner.equity.settled();
        let daily_drawdown = book.daily_drawdown_percent(today);
        let values = book.values(inner.config.periods_per_year);
        if values.periods != h.tail.0 {
            h.window.clear();
            book.window.copy_into(&mut h.window);
            h.tail.0 = values.periods;
            h.tail.1 = None;
        }
        (values, daily_drawdown)
    };
    state
        .risk_engine
        .daily_drawdown
        .set(&inner.sink, daily_drawdown);
    if h.tail.1.is_none() && !h.window.is_empty() {
        h.window.sort_unstable_by(f64::total_cmp);
        h.tail.1 = tail_risk_of_sorted(&h.window, VAR_CONFIDENCE);
    }
    let tail = h.tail.1;
    let sink = &inner.sink;
    h.balance.set(sink, values.balance);
    h.equity.set(sink, values.equity);
    h.exposure.set(sink, inner.equity.exposure_percent.get());
    h.current_drawdown
        .set(sink, values.current_drawdown_percent);
    h.max_drawdown.set(sink, values.max_drawdown_percent);
    h.sharpe.set(sink, values.sharpe);
    h.sortino.set(sink, values.sortino);
    h.calmar.set(sink, values.calmar);
    h.recovery.set(sink, values.recovery_factor);
    h.var
        .set(sink, tail.map(|(var, _)| positive_loss_percent(var)));
    h.shortfall.set(
        sink,
        tail.map(|(_, shortfall)| positive_loss_percent(shortfall)),
    );
    h.periods.absolute(values.periods);
    h.skipped.absolute(values.skipped);
}

/// A return as a positive percent loss; a zero return is a loss of 0, never
/// `-0`.
fn positive_loss_percent(r: f64) -> f64 {
    0.0 - r * 100.0
}

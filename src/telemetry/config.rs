//! [`TelemetryConfig`] and its builder.

use std::sync::Arc;
use std::time::Duration;

use metrics::Recorder;

use super::constant_labels::{
    validate_constant_label, validate_constant_labels, validate_constant_value,
};
use super::{SinkTarget, Telemetry};
use crate::error::LabelError;
use crate::model::{DEFAULT_FUTURE_TOLERANCE, MAX_FUTURE_TOLERANCE};

/// What a telemetry stands for, which decides the series it can truthfully
/// export before anything is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Role {
    /// The trading engine's own process (the default): uptime is this
    /// process's, and the engine-only counters (ticks, signals, errors) start
    /// at 0 so that `increase()` sees their first event.
    #[default]
    Engine,
    /// A separate process that reads the engine's database (backfill, follow
    /// mode): no uptime, and no tick, signal, error or learner-counter
    /// (experiences, episodes, model updates) series until something is
    /// recorded — the database cannot supply them.
    DatabaseReader,
}

/// Tunables of a [`Telemetry`]. Build one with [`Telemetry::builder`].
#[derive(Debug, Clone, PartialEq)]
pub struct TelemetryConfig {
    /// Distinct agents with their own series; later agents share
    /// [`OVERFLOW_LABEL`](super::OVERFLOW_LABEL). Default 32.
    pub max_agents: usize,
    /// Distinct symbols with their own series; later symbols share
    /// [`OVERFLOW_LABEL`](super::OVERFLOW_LABEL). Default 256.
    pub max_symbols: usize,
    /// Length of one equity sampling period for Sharpe, Sortino, Calmar and
    /// VaR; periods are aligned to the Unix epoch (UTC). Default one day.
    pub return_period: Duration,
    /// Periods per year used to annualise. Default 252 (trading days); use
    /// 365 for markets that trade every day.
    pub periods_per_year: f64,
    /// Starting balance: the first equity peak and the base of the first
    /// return. Default: the first equity sample. The one place it is set: a
    /// `backfill::replay` (feature `sqlite`) rebuilds the equity curve from
    /// it.
    pub starting_balance: Option<f64>,
    /// Most recent period returns kept for VaR and expected shortfall.
    /// Default 252.
    pub var_window: usize,
    /// How much older than the latest sample an equity sample may be and
    /// still be accepted (as simultaneous with it), for samples stamped by
    /// several threads. Default one second.
    pub equity_clock_tolerance: Duration,
    /// How far ahead of the wall clock a recorded time (a trade's
    /// `closed_at`, an equity sample's `at`) may be: clocks are never
    /// perfectly in step. A later time is refused
    /// ([`RecordError::InFuture`](crate::RecordError::InFuture), or
    /// [`RecordError::TimeUnit`](crate::RecordError::TimeUnit) when it reads
    /// as milliseconds). Default
    /// [`DEFAULT_FUTURE_TOLERANCE`](crate::model::DEFAULT_FUTURE_TOLERANCE)
    /// (5 minutes), at most
    /// [`MAX_FUTURE_TOLERANCE`](crate::model::MAX_FUTURE_TOLERANCE) (one
    /// day, which keeps the daily series exact). Past times are always
    /// accepted: backtests record them.
    pub future_tolerance: Duration,
    /// What the telemetry stands for. Default [`Role::Engine`].
    pub role: Role,
    /// The engine's build, shown as `engine_version` on
    /// `velocitytrader_build_info`. Default none.
    pub engine_version: Option<String>,
    /// Labels added to every series of this telemetry, e.g. `account`, so
    /// that several telemetries can share one recorder. Set with
    /// [`TelemetryBuilder::label`], which validates them.
    pub constant_labels: Vec<(String, String)>,
    /// Where a trading day begins, as an offset from 00:00 UTC (less than a
    /// day; longer offsets are taken modulo one day), for the daily series
    /// (`velocitytrader_daily_pnl`, `…_daily_drawdown`,
    /// `…_daily_loss_limit_used`). Default 0: days run from UTC midnight to
    /// UTC midnight. E.g. 22 h for a day that starts at 17:00 New York
    /// (winter time).
    pub trading_day_start: Duration,
}

/// Seconds in a day.
const DAY_SECS: f64 = 86_400.0;

impl TelemetryConfig {
    /// The trading day (a day number, consecutive) that Unix time `at`
    /// falls in: days begin at [`trading_day_start`](Self::trading_day_start)
    /// after 00:00 UTC.
    pub(crate) fn trading_day(&self, at: f64) -> i64 {
        trading_day(self.trading_day_start, at)
    }
}

/// The trading day that Unix time `at` falls in, days beginning `start`
/// after 00:00 UTC.
#[allow(
    clippy::cast_possible_truncation,
    reason = "finite times give day numbers far inside i64 (saturating otherwise)"
)]
pub(crate) fn trading_day(start: Duration, at: f64) -> i64 {
    ((at - start.as_secs_f64()) / DAY_SECS).floor() as i64
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            max_agents: 32,
            max_symbols: 256,
            return_period: Duration::from_secs(86_400),
            periods_per_year: 252.0,
            starting_balance: None,
            var_window: 252,
            equity_clock_tolerance: Duration::from_secs(1),
            future_tolerance: DEFAULT_FUTURE_TOLERANCE,
            role: Role::Engine,
            engine_version: None,
            constant_labels: Vec::new(),
            trading_day_start: Duration::ZERO,
        }
    }
}

impl TelemetryConfig {
    /// The same configuration with out-of-range values replaced as the
    /// builder methods document (limits and window at least 1, period at
    /// least one second, annualisation and balance finite and positive), and
    /// invalid constant labels dropped (the builder refuses them up front).
    pub(crate) fn sanitized(mut self) -> Self {
        let defaults = Self::default();
        self.max_agents = self.max_agents.max(1);
        self.max_symbols = self.max_symbols.max(1);
        self.return_period = self.return_period.max(Duration::from_secs(1));
        if !(self.periods_per_year.is_finite() && self.periods_per_year > 0.0) {
            self.periods_per_year = defaults.periods_per_year;
        }
        self.starting_balance = self.starting_balance.filter(|b| b.is_finite() && *b > 0.0);
        self.var_window = self.var_window.max(1);
        self.future_tolerance = self.future_tolerance.min(MAX_FUTURE_TOLERANCE);
        self.trading_day_start = day_offset(self.trading_day_start);
        let mut kept: Vec<(String, String)> = Vec::new();
        for (name, value) in std::mem::take(&mut self.constant_labels) {
            if validate_constant_label(&name, &value).is_ok()
                && kept.iter().all(|(n, _)| *n != name)
            {
                kept.push((name, value));
            }
        }
        self.constant_labels = kept;
        self.engine_version = self
            .engine_version
            .filter(|v| validate_constant_value(v).is_ok());
        self
    }
}

/// `offset` modulo one day.
fn day_offset(offset: Duration) -> Duration {
    Duration::from_nanos(u64::try_from(offset.as_nanos() % 86_400_000_000_000).unwrap_or(0))
}

/// Builder for [`Telemetry`].
///
/// ```
/// use std::time::Duration;
/// use velocity_metrics::Telemetry;
/// let telemetry = Telemetry::builder()
///     .max_symbols(64)
///     .return_period(Duration::from_secs(3600))
///     .periods_per_year(24.0 * 365.0)
///     .starting_balance(10_000.0)
///     .build();
/// # drop(telemetry);
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct TelemetryBuilder {
    config: TelemetryConfig,
}

impl TelemetryBuilder {
    /// Cardinality limit for the `agent` label.
    pub fn max_agents(mut self, limit: usize) -> Self {
        self.config.max_agents = limit;
        self
    }

    /// Cardinality limit for the `symbol` label.
    pub fn max_symbols(mut self, limit: usize) -> Self {
        self.config.max_symbols = limit;
        self
    }

    /// Equity sampling period (clamped to at least one second).
    pub fn return_period(mut self, period: Duration) -> Self {
        self.config.return_period = period.max(Duration::from_secs(1));
        self
    }

    /// Annualisation factor (ignored unless finite and positive).
    pub fn periods_per_year(mut self, periods: f64) -> Self {
        if periods.is_finite() && periods > 0.0 {
            self.config.periods_per_year = periods;
        }
        self
    }

    /// Starting balance (ignored unless finite and positive).
    pub fn starting_balance(mut self, balance: f64) -> Self {
        if balance.is_finite() && balance > 0.0 {
            self.config.starting_balance = Some(balance);
        }
        self
    }

    /// Window of period returns for VaR (at least 1).
    pub fn var_window(mut self, periods: usize) -> Self {
        self.config.var_window = periods.max(1);
        self
    }

    /// Tolerance for equity samples stamped slightly out of order (see
    /// [`TelemetryConfig::equity_clock_tolerance`]).
    pub fn equity_clock_tolerance(mut self, tolerance: Duration) -> Self {
        self.config.equity_clock_tolerance = tolerance;
        self
    }

    /// How far ahead of the wall clock a recorded time may be (see
    /// [`TelemetryConfig::future_tolerance`]; at most one day).
    ///
    /// ```
    /// use std::time::Duration;
    /// use velocity_metrics::{Agent, RecordError, Symbol, Telemetry, Timeframe, Trade};
    /// let telemetry = Telemetry::builder().future_tolerance(Duration::from_secs(60)).build();
    /// let trade = Trade::closed(Agent::SNIPER, Symbol::new("EURUSD+")?, Timeframe::M5, 5.0);
    /// let ahead = trade.with_closed_at(trade.closed_at + 3_600.0); // an hour ahead
    /// assert!(matches!(telemetry.record_trade(&ahead), Err(RecordError::InFuture { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn future_tolerance(mut self, tolerance: Duration) -> Self {
        self.config.future_tolerance = tolerance.min(MAX_FUTURE_TOLERANCE);
        self
    }

    /// Where a trading day begins, as an offset from 00:00 UTC (see
    /// [`TelemetryConfig::trading_day_start`]; taken modulo one day).
    ///
    /// ```
    /// use std::time::Duration;
    /// use velocity_metrics::Telemetry;
    /// // Trading days from 22:00 UTC to 22:00 UTC.
    /// let telemetry = Telemetry::builder().trading_day_start(Duration::from_secs(22 * 3600)).build();
    /// # drop(telemetry);
    /// ```
    pub fn trading_day_start(mut self, offset: Duration) -> Self {
        self.config.trading_day_start = day_offset(offset);
        self
    }

    /// What the telemetry stands for (see [`Role`]).
    pub fn role(mut self, role: Role) -> Self {
        self.config.role = role;
        self
    }

    /// Adds a constant label to every series of this telemetry, e.g.
    /// `("account", "live-1")`, so that two telemetries (two accounts) on one
    /// endpoint give distinct series.
    ///
    /// # Errors
    /// [`LabelError`] when the name is not a Prometheus label name, is
    /// reserved (`job`, `instance`, `le`, `quantile`, or a catalogue label
    /// such as `agent`), is given twice, or the value is empty, longer than
    /// [`MAX_CONSTANT_LABEL_BYTES`](super::MAX_CONSTANT_LABEL_BYTES) or holds
    /// a control character.
    ///
    /// ```
    /// use velocity_metrics::Telemetry;
    /// let builder = Telemetry::builder().label("account", "live-1")?;
    /// assert!(Telemetry::builder().label("bad-key", "x").is_err());
    /// # drop(builder);
    /// # Ok::<(), velocity_metrics::LabelError>(())
    /// ```
    pub fn label(mut self, name: &str, value: &str) -> Result<Self, LabelError> {
        let mut labels = self.config.constant_labels.clone();
        labels.push((name.to_owned(), value.to_owned()));
        validate_constant_labels(&labels)?;
        self.config.constant_labels = labels;
        Ok(self)
    }

    /// Adds an engine's identity: its labels (`engine`, `account`, `mode`)
    /// as constant labels, and its build as `engine_version` on
    /// `velocitytrader_build_info`. With an exporter, prefer
    /// `ExporterBuilder::identity`, which labels the engine's own `metrics`
    /// series too.
    ///
    /// # Errors
    /// [`LabelError::DuplicateName`] when a constant label of the same name
    /// was given already.
    pub fn identity(mut self, identity: &crate::EngineIdentity) -> Result<Self, LabelError> {
        let mut labels = self.config.constant_labels.clone();
        labels.extend(identity.labels());
        validate_constant_labels(&labels)?;
        self.config.constant_labels = labels;
        self.config.engine_version = identity.version().map(str::to_owned);
        Ok(self)
    }

    /// The engine's build, shown as `engine_version` on
    /// `velocitytrader_build_info`.
    pub fn engine_version(mut self, version: Option<&str>) -> Self {
        self.config.engine_version = version.map(str::to_owned);
        self
    }

    /// The configuration built so far.
    #[must_use]
    pub fn current_config(&self) -> &TelemetryConfig {
        &self.config
    }

    /// Replaces the whole configuration.
    pub fn config(mut self, config: TelemetryConfig) -> Self {
        self.config = config;
        self
    }

    /// Builds a telemetry that registers its series with the process-wide
    /// `metrics` recorder (install the exporter first).
    #[must_use]
    pub fn build(self) -> Telemetry {
        Telemetry::new(self.config, SinkTarget::Global)
    }

    /// Builds a telemetry that registers its series with `recorder` only:
    /// for several accounts in one process, or engines that avoid globals
    /// and render a recorder of their own.
    ///
    /// **The recorder decides how histograms render.** A Prometheus recorder
    /// made with a plain `PrometheusBuilder::new()` knows none of the
    /// catalogue's buckets: fill latency, risk-decision latency, slippage and
    /// database latency then come out as summaries, without the `_bucket`
    /// series the shipped alerts and dashboards query — and nothing fails.
    /// Build a Prometheus recorder with
    /// [`exporter::prometheus_builder`](crate::exporter::prometheus_builder),
    /// or use [`build_prometheus`](Self::build_prometheus) (or an
    /// [`ExporterBuilder`](crate::exporter::ExporterBuilder)), which do.
    #[must_use]
    pub fn build_with_recorder(self, recorder: Arc<dyn Recorder + Send + Sync>) -> Telemetry {
        Telemetry::new(self.config, SinkTarget::Local(recorder))
    }

    /// Builds a telemetry on a Prometheus recorder of its own, with the
    /// catalogue's histogram buckets, and returns the handle that renders it
    /// (call [`Telemetry::publish`] before each render). The simplest way to
    /// render the telemetry yourself.
    ///
    /// ```
    /// use velocity_metrics::{Agent, Symbol, Telemetry, Timeframe, Trade};
    /// let (telemetry, scrape) = Telemetry::builder().build_prometheus();
    /// telemetry.record_trade(&Trade::closed(Agent::SNIPER, Symbol::new("EURUSD+")?, Timeframe::M5, 5.0))?;
    /// telemetry.publish();
    /// assert!(scrape.render().contains("velocitytrader_trades_total 1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "exporter")]
    #[cfg_attr(docsrs, doc(cfg(feature = "exporter")))]
    #[must_use]
    pub fn build_prometheus(self) -> (Telemetry, metrics_exporter_prometheus::PrometheusHandle) {
        let recorder = Arc::new(crate::exporter::prometheus_builder().build_recorder());
        let handle = recorder.handle();
        (self.build_with_recorder(recorder), handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_settings_are_replaced_not_trusted() {
        let config = TelemetryConfig {
            max_agents: 0,
            max_symbols: 0,
            return_period: Duration::ZERO,
            periods_per_year: f64::NAN,
            starting_balance: Some(-5.0),
            var_window: 0,
            constant_labels: vec![
                ("account".into(), "a".into()),
                ("bad-key".into(), "x".into()),
                ("account".into(), "b".into()),
            ],
            ..TelemetryConfig::default()
        }
        .sanitized();
        assert_eq!(
            (config.max_agents, config.max_symbols, config.var_window),
            (1, 1, 1)
        );
        assert_eq!(config.return_period, Duration::from_secs(1));
        assert!((config.periods_per_year - 252.0).abs() < f64::EPSILON);
        assert_eq!(config.starting_balance, None);
        assert_eq!(
            config.constant_labels,
            vec![("account".to_owned(), "a".to_owned())]
        );
    }

    #[test]
    fn trading_days_begin_at_the_configured_offset() {
        // 2026-11-26 00:00 UTC.
        let midnight = 1_795_651_200.0;
        let utc = TelemetryConfig::default();
        assert_eq!(
            utc.trading_day(midnight - 60.0) + 1,
            utc.trading_day(midnight)
        );
        assert_eq!(
            utc.trading_day(midnight),
            utc.trading_day(midnight + 86_399.0)
        );
        let config = TelemetryConfig {
            trading_day_start: Duration::from_secs(25 * 3600),
            ..TelemetryConfig::default()
        }
        .sanitized();
        assert_eq!(config.trading_day_start, Duration::from_secs(3600));
        // 00:59 and 01:01 UTC fall in different trading days; 23:59 and
        // 00:01 in the same one.
        let day = config.trading_day(midnight + 3_540.0);
        assert_eq!(config.trading_day(midnight + 3_660.0), day + 1);
        assert_eq!(config.trading_day(midnight - 60.0), day);
        assert_eq!(config.trading_day(midnight + 60.0), day);
    }

    #[test]
    fn builder_ignores_invalid_values() {
        let config = Telemetry::builder()
            .periods_per_year(-1.0)
            .starting_balance(f64::INFINITY)
            .config
            .clone();
        assert_eq!(config, TelemetryConfig::default());
    }
}

//! [`TelemetryConfig`] and its builder.

use std::sync::Arc;
use std::time::Duration;

use metrics::Recorder;

use super::{Sink, Telemetry};

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
    /// return. Default: the first equity sample.
    pub starting_balance: Option<f64>,
    /// Most recent period returns kept for VaR and expected shortfall.
    /// Default 252.
    pub var_window: usize,
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
        }
    }
}

impl TelemetryConfig {
    /// The same configuration with out-of-range values replaced as the
    /// builder methods document (limits and window at least 1, period at
    /// least one second, annualisation and balance finite and positive).
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
        self
    }
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

    /// Replaces the whole configuration.
    pub fn config(mut self, config: TelemetryConfig) -> Self {
        self.config = config;
        self
    }

    /// Builds a telemetry that registers its series with the process-wide
    /// `metrics` recorder (install the exporter first).
    #[must_use]
    pub fn build(self) -> Telemetry {
        Telemetry::new(self.config, Sink::Global)
    }

    /// Builds a telemetry that registers its series with `recorder` only:
    /// for tests, several accounts in one process, or engines that avoid
    /// globals.
    #[must_use]
    pub fn build_with_recorder(self, recorder: Arc<dyn Recorder + Send + Sync>) -> Telemetry {
        Telemetry::new(self.config, Sink::Local(recorder))
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
        }
        .sanitized();
        assert_eq!(
            (config.max_agents, config.max_symbols, config.var_window),
            (1, 1, 1)
        );
        assert_eq!(config.return_period, Duration::from_secs(1));
        assert!((config.periods_per_year - 252.0).abs() < f64::EPSILON);
        assert_eq!(config.starting_balance, None);
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

//! The metric catalogue: every series this crate exports, declared once.
//!
//! Recorders, `# HELP` text, the README table, and the dashboard and alert
//! tests all read [`METRICS`]; a dashboard or rule naming a series that is not
//! here fails `cargo test`.
//!
//! Conventions (see the README for the reasoning):
//! - a name ending in `_total` is a monotonic counter, except the two legacy
//!   P&L gauges `velocitytrader_pnl_total` and `velocitytrader_agent_pnl_total`;
//! - win rates, drawdowns, exposure and VaR are percentages 0–100; RL rates and
//!   confidences are fractions 0–1; money is account currency; durations are
//!   seconds;
//! - losses (`gross_loss`, `avg_loss`, `largest_loss`) are positive magnitudes;
//! - an undefined statistic has no sample (or `NaN` once the series exists);
//!   `+Inf` only where mathematics says so (profit factor with no losses).

use metrics::{KeyName, Metadata, Recorder, SharedString};

mod closed_labels;
mod definitions;
mod endpoint_reasons;

pub use closed_labels::{
    ENDPOINT_DROP_REASONS, ENDPOINT_REJECT_REASONS, OVERFLOW_LABELS, PUBLISH_STAGES,
    PUSH_FAILURE_REASONS, closed_label_values,
};
pub use definitions::*;
#[cfg(feature = "exporter")]
pub(crate) use endpoint_reasons::{DropReason, RejectReason};

/// How a series behaves in Prometheus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricKind {
    /// Monotonic count; name ends in `_total`.
    Counter,
    /// Value that can go up and down.
    Gauge,
    /// Bucketed distribution (`_bucket`, `_sum`, `_count`).
    Histogram,
}

/// Unit of a series' value, stated in its `# HELP` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A count of events or things.
    Count,
    /// Percent, 0–100.
    Percent,
    /// Fraction, 0–1.
    Fraction,
    /// Account currency.
    Currency,
    /// Seconds.
    Seconds,
    /// Milliseconds (legacy series only).
    Milliseconds,
    /// A dimensionless ratio (Sharpe, profit factor, ζ …).
    Ratio,
    /// Instrument price units.
    Price,
    /// Price units per second (and per second², for acceleration).
    PricePerSecond,
    /// Radians per second.
    RadiansPerSecond,
    /// Engine-defined energy units.
    Energy,
    /// An enumeration code documented in the help text.
    Code,
    /// 1 = true / up, 0 = false / down.
    Boolean,
    /// Unix epoch seconds.
    Timestamp,
    /// Bytes.
    Bytes,
    /// Lots (position size).
    Lots,
    /// Instrument volume (tick or real volume, as the bars carry it).
    Volume,
    /// A score from 0 to 100, as the engine defines it.
    Score,
    /// Reinforcement-learning reward units.
    Reward,
    /// Engine-defined units (loss, stress indices).
    EngineUnits,
}

impl Unit {
    /// Human-readable unit, appended to `# HELP`.
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Percent => "percent 0-100",
            Unit::Fraction => "fraction 0-1",
            Unit::Currency => "account currency",
            Unit::Seconds => "seconds",
            Unit::Milliseconds => "milliseconds",
            Unit::Ratio => "ratio",
            Unit::Price => "price units",
            Unit::PricePerSecond => "price units per second",
            Unit::RadiansPerSecond => "radians per second",
            Unit::Energy => "engine energy units",
            Unit::Code => "code",
            Unit::Boolean => "1 = yes, 0 = no",
            Unit::Timestamp => "unix seconds",
            Unit::Bytes => "bytes",
            Unit::Lots => "lots",
            Unit::Volume => "volume units",
            Unit::Score => "score 0-100",
            Unit::Reward => "reward units",
            Unit::EngineUnits => "engine-defined units",
        }
    }
}

/// Which recorder group owns a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Closed-trade statistics.
    Trading,
    /// Per-agent breakdowns, signals and positions.
    Agent,
    /// Regime state and per-regime breakdowns.
    Regime,
    /// Physics indicators.
    Physics,
    /// Per-symbol breakdowns and quotes.
    Symbol,
    /// Per-timeframe breakdowns.
    Timeframe,
    /// Account, drawdown and risk-adjusted ratios.
    Risk,
    /// Reinforcement-learning progress.
    Rl,
    /// Engine health.
    System,
    /// Risk engine: circuit breakers, decisions, budget, daily limits,
    /// positions and exposure.
    RiskEngine,
    /// Order execution quality: order outcomes, fill latency, slippage.
    Execution,
    /// Instrument bars and market-microstructure indicators.
    Bars,
    /// Run control: session, phase, runs, the engine process.
    RunControl,
    /// The library's own accounting (overflow, rejected input, build).
    Meta,
}

/// One exported series family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MetricDef {
    /// Full Prometheus name.
    pub name: &'static str,
    /// Counter, gauge or histogram.
    pub kind: MetricKind,
    /// Unit of the value.
    pub unit: Unit,
    /// Label names (global labels such as `instance` come on top).
    pub labels: &'static [&'static str],
    /// Owning recorder group.
    pub group: Group,
    /// `true` for the 67 series of the original Python exporter.
    pub legacy: bool,
    /// Meaning, without the unit.
    pub help: &'static str,
}

impl MetricDef {
    /// The full `# HELP` text: meaning plus unit.
    #[must_use]
    pub fn help_text(&self) -> String {
        format!("{} [unit: {}]", self.help, self.unit.describe())
    }
}

/// Default buckets (seconds) of `velocitytrader_db_query_duration_seconds`.
pub const DB_QUERY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Default buckets (seconds) of `velocitytrader_risk_decision_duration_seconds`:
/// 50 µs to 250 ms.
pub const RISK_DECISION_BUCKETS: &[f64] = &[
    0.000_05, 0.0001, 0.000_25, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
];

/// Default buckets (seconds) of `velocitytrader_order_fill_duration_seconds`:
/// 1 ms to 10 s.
pub const ORDER_FILL_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Default buckets (price units) of `velocitytrader_order_slippage`: one
/// bound per decade from ±10⁻⁵ to ±100, and 0, so that one set fits FX
/// (a pip is 10⁻⁴ or 10⁻²), metals and indices. Negative slippage is in the
/// trader's favour.
pub const SLIPPAGE_BUCKETS: &[f64] = &[
    -100.0, -10.0, -1.0, -0.1, -0.01, -0.001, -0.0001, -0.000_01, 0.0, 0.000_01, 0.0001, 0.001,
    0.01, 0.1, 1.0, 10.0, 100.0,
];

/// Default bucket bounds of a histogram series (in its unit); empty for a
/// series that is not a histogram. The exporter uses these unless told
/// otherwise, so a histogram is never silently rendered as a summary.
#[must_use]
pub fn default_buckets(def: &MetricDef) -> &'static [f64] {
    match def.name {
        "velocitytrader_db_query_duration_seconds" => DB_QUERY_BUCKETS,
        "velocitytrader_risk_decision_duration_seconds" => RISK_DECISION_BUCKETS,
        "velocitytrader_order_fill_duration_seconds" => ORDER_FILL_BUCKETS,
        "velocitytrader_order_slippage" => SLIPPAGE_BUCKETS,
        _ => &[],
    }
}

/// The catalogue entry for `name`, if any.
#[must_use]
pub fn find(name: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|m| m.name == name)
}

/// Registers `# HELP` text (with unit) for every series with `recorder`.
pub fn describe_all(recorder: &dyn Recorder) {
    for def in METRICS {
        let key: KeyName = def.name.into();
        let help: SharedString = def.help_text().into();
        match def.kind {
            MetricKind::Counter => recorder.describe_counter(key, None, help),
            MetricKind::Gauge => recorder.describe_gauge(key, None, help),
            MetricKind::Histogram => recorder.describe_histogram(key, None, help),
        }
    }
}

/// Metadata used when registering handles.
pub(crate) fn metadata() -> Metadata<'static> {
    Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_prefixed() {
        let mut seen = HashSet::new();
        for m in METRICS {
            assert!(seen.insert(m.name), "duplicate {}", m.name);
            assert!(m.name.starts_with("velocitytrader_"), "{}", m.name);
        }
    }

    #[test]
    fn all_67_original_series_exist() {
        assert_eq!(METRICS.iter().filter(|m| m.legacy).count(), 67);
    }

    #[test]
    fn every_histogram_has_default_buckets() {
        for m in METRICS.iter().filter(|m| m.kind == MetricKind::Histogram) {
            let b = default_buckets(m);
            assert!(
                !b.is_empty() && b.windows(2).all(|w| w[0] < w[1]),
                "{}",
                m.name
            );
        }
    }

    #[test]
    fn total_suffix_means_counter() {
        for m in METRICS {
            let legacy_gauge = matches!(
                m.name,
                "velocitytrader_pnl_total" | "velocitytrader_agent_pnl_total"
            );
            if m.name.ends_with("_total") && !legacy_gauge {
                assert_eq!(m.kind, MetricKind::Counter, "{}", m.name);
            }
            if m.kind == MetricKind::Counter {
                assert!(m.name.ends_with("_total"), "{}", m.name);
            }
        }
    }
}

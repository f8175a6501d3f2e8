//! Which labels of a series take their values from a closed set, and which
//! values: the model's enums, never a list kept by hand beside them.

use super::MetricDef;
use super::definitions as defs;
use crate::error::RecordError;
use crate::model::{BreakerReason, OrderRejectReason, Regime, RiskDecision, Severity, Timeframe};

/// The `reason` values of `velocitytrader_push_failures_total` (batch mode):
/// `config` (a URL, credential file or grouping that cannot work), `connect`,
/// `transfer` (the request or its answer failed or timed out), `rejected`
/// (the server answered with an error status), `auth` (it refused the
/// credentials: 401 or 403).
pub const PUSH_FAILURE_REASONS: &[&str] = &["config", "connect", "transfer", "rejected", "auth"];

/// The `label` values of `velocitytrader_label_overflow_total`: the labels
/// whose cardinality is bounded.
pub const OVERFLOW_LABELS: &[&str] = &["agent", "symbol"];

/// The `stage` values of `velocitytrader_publish_failures_total`.
pub const PUBLISH_STAGES: &[&str] = &crate::telemetry::Stage::LABELS;

/// The `reason` values of `velocitytrader_endpoint_connections_dropped_total`
/// (the built-in listener): `evicted` (closed to make room at the connection
/// cap), `refused` (at the cap, every connection mid-request), `timeout`,
/// `tls_handshake`, `accept_failed`.
pub const ENDPOINT_DROP_REASONS: &[&str] = &super::endpoint_reasons::DropReason::LABELS;

/// The `reason` values of `velocitytrader_endpoint_requests_rejected_total`
/// (the built-in listener): `unauthorized`, `auth_busy`, `forbidden`,
/// `scrape_timeout`.
pub const ENDPOINT_REJECT_REASONS: &[&str] = &super::endpoint_reasons::RejectReason::LABELS;

/// Every value `label` of series `def` can take, when they form a closed
/// set; `None` for an open label (`agent`, `symbol`, `run_id`,
/// `config_hash`, the build's `version`s).
///
/// Every **counter** over such a label exists at 0 for every value from the
/// telemetry's start — or, when it also has an open label, from the first
/// event of that label's value (`orders_rejected_total{symbol, reason}`: every
/// reason at 0 with the symbol's first order event) — so `increase()` sees
/// its first event. Engine-only families (breaker trips, risk decisions,
/// errors by severity, regime and timeframe breakdowns) are registered by an
/// engine telemetry ([`Role::Engine`](crate::Role::Engine)); a database
/// reader has no such events to count from. The endpoint's own counters
/// (`velocitytrader_endpoint_*`) exist at 0 from the built-in listener's
/// start, batch mode's push failures from the batch run's.
///
/// `velocitytrader_regime_changes_total{symbol, timeframe}` is the one
/// counter whose `timeframe` is not treated as a closed set: a (symbol,
/// timeframe) pair is the key of a regime reading, and its counter exists at
/// 0 from the pair's first reading, before any change.
///
/// ```
/// use velocity_metrics::catalogue::{self, closed_label_values};
/// assert_eq!(
///     closed_label_values(&catalogue::RISK_DECISION_TOTAL, "decision"),
///     Some(&["approve", "reduce_size", "reject", "halt"][..])
/// );
/// assert_eq!(closed_label_values(&catalogue::AGENT_TRADES_TOTAL, "agent"), None);
/// ```
#[must_use]
pub fn closed_label_values(def: &MetricDef, label: &str) -> Option<&'static [&'static str]> {
    let values: &'static [&'static str] = match label {
        "regime" => &Regime::LABELS,
        "timeframe" if def.name == defs::REGIME_CHANGES_TOTAL.name => return None,
        "timeframe" => Timeframe::LABELS,
        "severity" => Severity::LABELS,
        "decision" => RiskDecision::LABELS,
        "stage" => PUBLISH_STAGES,
        "label" => OVERFLOW_LABELS,
        "reason" => match def.name {
            n if n == defs::CIRCUIT_BREAKER_TRIPS_TOTAL.name => BreakerReason::LABELS,
            n if n == defs::ORDERS_REJECTED_TOTAL.name => OrderRejectReason::LABELS,
            n if n == defs::REJECTED_EVENTS_TOTAL.name => RecordError::REASONS,
            n if n == defs::PUSH_FAILURES_TOTAL.name => PUSH_FAILURE_REASONS,
            n if n == defs::ENDPOINT_CONNECTIONS_DROPPED_TOTAL.name => ENDPOINT_DROP_REASONS,
            n if n == defs::ENDPOINT_REQUESTS_REJECTED_TOTAL.name => ENDPOINT_REJECT_REASONS,
            _ => return None,
        },
        _ => return None,
    };
    def.labels.contains(&label).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::METRICS;

    #[test]
    fn every_reason_label_in_the_catalogue_has_its_set() {
        for def in METRICS.iter().filter(|d| d.labels.contains(&"reason")) {
            assert!(closed_label_values(def, "reason").is_some(), "{}", def.name);
        }
    }

    #[test]
    fn a_label_a_series_does_not_carry_has_no_values() {
        assert_eq!(closed_label_values(&defs::TRADES_TOTAL, "regime"), None);
    }
}

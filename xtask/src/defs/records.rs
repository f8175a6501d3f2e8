//! The recording rules' series, by what they hold: dashboards and alerts
//! name them through these, so a renamed rule does not compile.

use velocity_metrics::catalogue::Unit;

use crate::promql::Record;

/// `velocitytrader:win_rate_1h:percent`.
pub const WIN_RATE_1H: Record = Record {
    name: "velocitytrader:win_rate_1h:percent",
    labels: &[],
    unit: Unit::Percent,
};
/// `velocitytrader:win_rate_24h:percent`.
pub const WIN_RATE_24H: Record = Record {
    name: "velocitytrader:win_rate_24h:percent",
    labels: &[],
    unit: Unit::Percent,
};
/// `velocitytrader:agent_win_rate_1h:percent`.
pub const AGENT_WIN_RATE_1H: Record = Record {
    name: "velocitytrader:agent_win_rate_1h:percent",
    labels: &["agent"],
    unit: Unit::Percent,
};
/// `velocitytrader:agent_win_rate_24h:percent`.
pub const AGENT_WIN_RATE_24H: Record = Record {
    name: "velocitytrader:agent_win_rate_24h:percent",
    labels: &["agent"],
    unit: Unit::Percent,
};
/// `velocitytrader:agent_profit_factor:ratio`.
pub const AGENT_PROFIT_FACTOR: Record = Record {
    name: "velocitytrader:agent_profit_factor:ratio",
    labels: &["agent"],
    unit: Unit::Ratio,
};
/// `velocitytrader:symbol_profit_factor:ratio`.
pub const SYMBOL_PROFIT_FACTOR: Record = Record {
    name: "velocitytrader:symbol_profit_factor:ratio",
    labels: &["symbol"],
    unit: Unit::Ratio,
};
/// `velocitytrader:regime_profit_factor:ratio`.
pub const REGIME_PROFIT_FACTOR: Record = Record {
    name: "velocitytrader:regime_profit_factor:ratio",
    labels: &["regime"],
    unit: Unit::Ratio,
};
/// `velocitytrader:timeframe_profit_factor:ratio`.
pub const TIMEFRAME_PROFIT_FACTOR: Record = Record {
    name: "velocitytrader:timeframe_profit_factor:ratio",
    labels: &["timeframe"],
    unit: Unit::Ratio,
};
/// `velocitytrader:decided_trades:count`.
pub const DECIDED_TRADES: Record = Record {
    name: "velocitytrader:decided_trades:count",
    labels: &[],
    unit: Unit::Count,
};
/// `velocitytrader:agent_decided_trades:count`.
pub const AGENT_DECIDED_TRADES: Record = Record {
    name: "velocitytrader:agent_decided_trades:count",
    labels: &["agent"],
    unit: Unit::Count,
};
/// `velocitytrader:decided_trades_1h:count`.
pub const DECIDED_TRADES_1H: Record = Record {
    name: "velocitytrader:decided_trades_1h:count",
    labels: &[],
    unit: Unit::Count,
};
/// `velocitytrader:agent_decided_trades_24h:count`.
pub const AGENT_DECIDED_TRADES_24H: Record = Record {
    name: "velocitytrader:agent_decided_trades_24h:count",
    labels: &["agent"],
    unit: Unit::Count,
};
/// `velocitytrader:errors:rate5m`.
pub const ERRORS_RATE5M: Record = Record {
    name: "velocitytrader:errors:rate5m",
    labels: &[],
    unit: Unit::Count,
};
/// `velocitytrader:errors_high_or_critical:rate5m`.
pub const ERRORS_HIGH_OR_CRITICAL_RATE5M: Record = Record {
    name: "velocitytrader:errors_high_or_critical:rate5m",
    labels: &[],
    unit: Unit::Count,
};
/// `velocitytrader:db_query_duration_seconds:p95_5m`.
pub const DB_QUERY_DURATION_SECONDS_P95_5M: Record = Record {
    name: "velocitytrader:db_query_duration_seconds:p95_5m",
    labels: &[],
    unit: Unit::Seconds,
};
/// `velocitytrader:orders_submitted_15m:count`.
pub const ORDERS_SUBMITTED_15M: Record = Record {
    name: "velocitytrader:orders_submitted_15m:count",
    labels: &[],
    unit: Unit::Count,
};
/// `velocitytrader:order_reject_ratio_15m:ratio`.
pub const ORDER_REJECT_RATIO_15M: Record = Record {
    name: "velocitytrader:order_reject_ratio_15m:ratio",
    labels: &[],
    unit: Unit::Ratio,
};

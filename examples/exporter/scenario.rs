//! What the simulated engine does: calm by default, or a demonstration of one
//! alert (`--scenario NAME`). Each demonstration starts healthy and turns
//! after [`ONSET`], so the dashboards show the change.

use std::time::Duration;

/// How long a demonstration runs healthy before its fault starts.
pub const ONSET: Duration = Duration::from_secs(5);

/// One behaviour of the simulated engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Healthy trading: no alert fires (only the watchdog, which always does).
    Calm,
    /// Equity falls to 68 % of its peak and stays there.
    Drawdown,
    /// The MT5 terminal disconnects: no quotes, no trades.
    Disconnect,
    /// The trading loop stops while the process keeps serving.
    Stopped,
    /// Ticks keep coming but the last trade closed five hours ago.
    Stale,
    /// High and critical errors every second.
    Errors,
    /// Database queries take about a second.
    SlowDb,
    /// Agents lose: win rate about 27 %, profit factor far below 1 (small
    /// amounts, so the drawdown stays low).
    Losing,
    /// The learner stops learning: ε stuck at 0.9, confidence 0.2.
    RlStuck,
    /// New symbols beyond the telemetry's cardinality limit.
    Overflow,
    /// Non-finite values the recorders refuse.
    Rejected,
    /// The circuit breaker trips (volatility) and stays tripped.
    Breaker,
    /// An operator halts trading.
    Halt,
    /// Agents lose fast until the daily loss limit; the engine then trips
    /// its breaker and halts for the rest of the trading day.
    DailyLoss,
    /// The broker rejects about 30 % of orders.
    Rejects,
    /// About 20 % of fills take longer than the 500 ms objective.
    SlowFills,
    /// Risk decisions take 30–120 ms.
    SlowRisk,
    /// One symbol's VPIN rises above the engine's threshold.
    Vpin,
}

/// An alert a scenario fires, and after about how long (with the shipped
/// rules and routing; "inhibited" or "superseded" alerts are named so the
/// list is complete, though they reach no receiver).
pub type Fires = (&'static str, &'static str);

/// Every scenario: its name and every alert it fires. The one list the
/// help and `tests/scenario_alerts.rs` read.
pub const SCENARIOS: [(Scenario, &str, &[Fires]); 18] = [
    (Scenario::Calm, "calm", &[]),
    (
        Scenario::Drawdown,
        "drawdown",
        &[
            ("VelocityTraderDrawdownCritical", "~1 min"),
            (
                "VelocityTraderDrawdownHigh",
                "~5 min, inhibited by DrawdownCritical",
            ),
        ],
    ),
    (
        Scenario::Disconnect,
        "disconnect",
        &[("VelocityTraderMT5Disconnected", "~2 min")],
    ),
    (
        Scenario::Stopped,
        "stopped",
        &[("VelocityTraderEngineStopped", "~5 min")],
    ),
    (
        Scenario::Stale,
        "stale",
        &[("VelocityTraderNoRecentTrades", "~15 min")],
    ),
    (
        Scenario::Errors,
        "errors",
        &[
            ("VelocityTraderCriticalErrors", "at once"),
            ("VelocityTraderHighErrorRate", "~5 min"),
        ],
    ),
    (
        Scenario::SlowDb,
        "slow-db",
        &[("VelocityTraderSlowDatabase", "~10 min")],
    ),
    (
        Scenario::Losing,
        "losing",
        &[
            ("VelocityTraderDailyLossLimitNear", "~23 min"),
            ("VelocityTraderDailyLossLimitReached", "~28 min"),
            ("VelocityTraderTradingHalted", "~28 min"),
            ("VelocityTraderLowWinRate", "~30 min"),
            ("VelocityTraderProfitFactorBelowOne", "~1 h"),
            ("VelocityTraderAgentUnderperforming", "~1 h"),
            ("VelocityTraderAgentLosingMoney", "~1 h"),
        ],
    ),
    (
        Scenario::RlStuck,
        "rl-stuck",
        &[
            ("VelocityTraderRLLowModelConfidence", "~32 min"),
            ("VelocityTraderRLHighExploration", "~70 min"),
        ],
    ),
    (
        Scenario::Overflow,
        "overflow",
        &[("VelocityTraderLabelOverflow", "at once")],
    ),
    (
        Scenario::Rejected,
        "rejected",
        &[("VelocityTraderRejectedEvents", "~15 min")],
    ),
    (
        Scenario::Breaker,
        "breaker",
        &[("VelocityTraderCircuitBreakerTripped", "~1 min")],
    ),
    (
        Scenario::Halt,
        "halt",
        &[("VelocityTraderTradingHalted", "~1 min")],
    ),
    (
        Scenario::DailyLoss,
        "daily-loss",
        &[
            ("VelocityTraderDailyLossLimitReached", "at once"),
            (
                "VelocityTraderDailyLossLimitNear",
                "~1 min, inhibited by DailyLossLimitReached",
            ),
            (
                "VelocityTraderTradingHalted",
                "~1 min (the breaker, tripped too, is superseded by it)",
            ),
            ("VelocityTraderLowWinRate", "~31 min"),
        ],
    ),
    (
        Scenario::Rejects,
        "rejects",
        &[("VelocityTraderOrderRejectRatioHigh", "~5 min")],
    ),
    (
        Scenario::SlowFills,
        "slow-fills",
        &[
            ("VelocityTraderFillLatencyBudgetBurnFast", "~2 min"),
            ("VelocityTraderFillLatencyBudgetBurnTicket", "~1 h"),
        ],
    ),
    (
        Scenario::SlowRisk,
        "slow-risk",
        &[
            ("VelocityTraderRiskDecisionLatencyBudgetBurnFast", "~2 min"),
            ("VelocityTraderRiskDecisionLatencyBudgetBurnTicket", "~1 h"),
        ],
    ),
    (
        Scenario::Vpin,
        "vpin",
        &[("VelocityTraderVpinAboveThreshold", "~5 min")],
    ),
];

impl Scenario {
    /// The scenario called `name`.
    pub fn parse(name: &str) -> Result<Self, String> {
        SCENARIOS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(s, _, _)| *s)
            .ok_or_else(|| format!("unknown scenario {name:?} (try --help)"))
    }

    /// The scenario's name.
    pub fn name(self) -> &'static str {
        SCENARIOS
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("?", |(_, n, _)| n)
    }

    /// `--help` lines: one per scenario, every alert it fires.
    pub fn help() -> String {
        SCENARIOS
            .iter()
            .map(|(_, name, fires)| {
                let alerts = if fires.is_empty() {
                    "none (the default): only the watchdog".to_owned()
                } else {
                    fires
                        .iter()
                        .map(|(alert, when)| format!("{alert} {when}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                format!("  {name:<11} {alerts}\n")
            })
            .collect()
    }

    /// Whether agents close trades and send orders (a disconnected,
    /// stopped, stale or crashed-equity engine does not; nor does one whose
    /// risk engine stops trading, which the risk desk decides).
    pub fn trades(self, faulty: bool) -> bool {
        !(faulty
            && matches!(
                self,
                Scenario::Drawdown | Scenario::Disconnect | Scenario::Stopped
            ))
            && self != Scenario::Stale
    }

    /// Whether market ticks arrive.
    pub fn ticks(self, faulty: bool) -> bool {
        !(faulty && self == Scenario::Disconnect)
    }

    /// An agent's edge (mean pnl in standard deviations) and the size of a
    /// trade's pnl, in account currency.
    pub fn edge_and_size(self, base_edge: f64, faulty: bool) -> (f64, f64) {
        match self {
            Scenario::Losing => (-0.6, 0.4),
            // About −300 a second: the daily loss limit within seconds.
            Scenario::DailyLoss if faulty => (-1.5, 40.0),
            _ => (base_edge, 40.0),
        }
    }

    /// Chance per tick (10 per second) of an error of each severity:
    /// (low or medium, high, critical).
    pub fn error_chances(self, faulty: bool) -> (f64, f64, f64) {
        if faulty && self == Scenario::Errors {
            (0.05, 0.5, 0.1)
        } else {
            // About 1.5 high errors per 5 minutes: far below the alert's 10.
            (0.03, 0.0005, 0.0)
        }
    }

    /// A database query's duration in seconds, from a uniform sample `u`.
    pub fn db_query_secs(self, faulty: bool, u: f64) -> f64 {
        if faulty && self == Scenario::SlowDb {
            0.8 + 0.4 * u
        } else {
            0.002 + 0.02 * u
        }
    }
}

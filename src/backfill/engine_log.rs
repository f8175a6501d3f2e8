//! [`LogRecorder`]: what the engine's `ComprehensiveLogger` logs, recorded as
//! it is logged, by the rules a replay applies to the rows it writes.
//!
//! The logger writes one `trade_logs` row per `log_trade(TradeLog)`, one
//! `error_logs` row per `log_error(component, message, severity, context)`
//! and one `reward_logs` row per `log_reward_shaping(RewardShapingLog)`. An
//! engine that instruments its logger (the Python wheel's
//! `velocity_metrics.instrument_logger` does) hands each call's values to a
//! [`LogRecorder`] instead of waiting for the row to reach the database: the
//! same decoding, skips and adjustments as [`replay`](super::replay), the same
//! recorders, the same counts in a [`ReplayReport`].

use rusqlite::types::ValueRef;

use super::apply::Applier;
use super::reasons::{Adjustment, SkipReason};
use super::report::ReplayReport;
use super::reward_rows::RewardDecoder;
use super::rows::{TradeDecoder, TradeRow, decode_error_values};
use crate::model::{Regime, unix_now_secs};
use crate::telemetry::Telemetry;

/// One value as the engine hands it to its logger, before SQLite stores it.
///
/// A float NaN, which SQLite would store as NULL (and a replay would then
/// read as an open position), is a [`Real`](Self::Real) here and is skipped
/// as not finite, and counted.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum LogValue<'a> {
    /// `None`: SQL NULL.
    Null,
    /// An integer (a Python `bool` is one, as SQLite stores it).
    Integer(i64),
    /// A float.
    Real(f64),
    /// Text.
    Text(&'a str),
    /// Anything SQLite would store neither as a number nor as text (a
    /// list, a dict, bytes): read as the wrong type.
    Other,
}

impl<'a> LogValue<'a> {
    fn as_value_ref(self) -> ValueRef<'a> {
        match self {
            Self::Null => ValueRef::Null,
            Self::Integer(i) => ValueRef::Integer(i),
            Self::Real(x) => ValueRef::Real(x),
            Self::Text(s) => ValueRef::Text(s.as_bytes()),
            Self::Other => ValueRef::Blob(&[]),
        }
    }
}

/// The fields of a `TradeLog` that a `trade_logs` row's replay reads, and
/// the regime from its `market_conditions`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TradeLogEntry<'a> {
    /// `timestamp`: the close time of a closed trade (Unix seconds).
    pub timestamp: LogValue<'a>,
    /// `agent_id`, any case.
    pub agent_id: LogValue<'a>,
    /// `instrument`, kept verbatim.
    pub instrument: LogValue<'a>,
    /// `timeframe` (`M5` …; `ALL` is skipped).
    pub timeframe: LogValue<'a>,
    /// `pnl`: `Null` for an open position, which is not a trade.
    pub pnl: LogValue<'a>,
    /// `trade_duration` in seconds.
    pub trade_duration: LogValue<'a>,
    /// `confidence_score` (0.0, the engine's close-row constant, is unknown).
    pub confidence_score: LogValue<'a>,
    /// The regime at entry, from `market_conditions` (a spelling such as
    /// `CRITICAL`, or a code 1–4); `Null` when it has none. An unknown one
    /// is counted in [`Adjustment::RegimeUnknown`] and left out.
    pub regime: LogValue<'a>,
}

/// The fields of a `RewardShapingLog` that a `reward_logs` row's replay reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RewardLogEntry<'a> {
    /// `timestamp` (Unix seconds).
    pub timestamp: LogValue<'a>,
    /// `agent_id`, any case.
    pub agent_id: LogValue<'a>,
    /// `immediate_reward`.
    pub immediate_reward: LogValue<'a>,
    /// `q_values` as the JSON text the logger stores (`json.dumps(q_values)`).
    pub q_values: LogValue<'a>,
    /// `epsilon`.
    pub epsilon: LogValue<'a>,
}

/// What became of one logged call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Logged {
    /// Recorded (possibly with adjusted values, counted in the report).
    Recorded,
    /// A trade row without a P&L: an open position, not a trade.
    Open,
    /// Not recorded, for this reason (counted in the report).
    Skipped(SkipReason),
}

/// Records the engine logger's calls into a telemetry as a replay of the
/// rows they write would, keeping a [`ReplayReport`] of them.
///
/// In the report, a row's `id` is the call's number among the calls of its
/// kind (1 for the first logged trade), and the watermark is the last such
/// number. No equity curve is rebuilt: a live engine records its equity.
///
/// ```
/// use velocity_metrics::Telemetry;
/// use velocity_metrics::backfill::{LogRecorder, LogValue, Logged, TradeLogEntry};
///
/// let telemetry = Telemetry::builder().build();
/// let mut recorder = LogRecorder::new(&telemetry);
/// let closed = TradeLogEntry {
///     timestamp: LogValue::Real(1_795_600_000.0),
///     agent_id: LogValue::Text("BERSERKER"),
///     instrument: LogValue::Text("EURUSD+"),
///     timeframe: LogValue::Text("M5"),
///     pnl: LogValue::Real(12.5),
///     trade_duration: LogValue::Real(310.0),
///     confidence_score: LogValue::Real(0.0),
///     regime: LogValue::Text("CRITICAL"),
/// };
/// assert_eq!(recorder.trade(&closed), Logged::Recorded);
/// assert_eq!(recorder.trade(&TradeLogEntry { pnl: LogValue::Null, ..closed }), Logged::Open);
/// assert_eq!(recorder.error(LogValue::Text("CRITICAL")), Logged::Recorded);
/// assert_eq!(recorder.report().trades_recorded(), 1);
/// ```
pub struct LogRecorder {
    applier: Applier,
    trades: TradeDecoder,
    rewards: RewardDecoder,
    report: ReplayReport,
}

impl std::fmt::Debug for LogRecorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogRecorder")
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

impl LogRecorder {
    /// Records into `telemetry`; its error counters are registered at 0.
    #[must_use]
    pub fn new(telemetry: &Telemetry) -> Self {
        Self {
            applier: Applier::new(telemetry, None, true),
            trades: TradeDecoder::new(),
            rewards: RewardDecoder::new(),
            report: ReplayReport::default(),
        }
    }

    /// A `log_trade(TradeLog)` call: a closed trade is recorded (with the
    /// regime, when the entry has a known one), an open position counted.
    pub fn trade(&mut self, entry: &TradeLogEntry<'_>) -> Logged {
        let values = [
            ValueRef::Null,
            entry.timestamp.as_value_ref(),
            entry.agent_id.as_value_ref(),
            entry.instrument.as_value_ref(),
            entry.timeframe.as_value_ref(),
            entry.pnl.as_value_ref(),
            entry.trade_duration.as_value_ref(),
            entry.confidence_score.as_value_ref(),
        ];
        let mut row = self.trades.decode_values(|i| values[i]);
        let mut unknown_regime = false;
        if let TradeRow::Closed(trade, _) = &mut row {
            match regime(entry.regime) {
                Ok(found) => trade.regime = found,
                Err(()) => unknown_regime = true,
            }
        }
        let before = self.report.trade_logs.clone();
        let id = sequence(before.rows);
        self.applier.trade_row(id, row, &mut self.report);
        self.report.watermark.trade_logs = id;
        let outcome = outcome(&before, &self.report.trade_logs, row);
        if unknown_regime && outcome == Logged::Recorded {
            self.report.adjust(Adjustment::RegimeUnknown);
        }
        outcome
    }

    /// A `log_error(component, message, severity, context)` call: the
    /// severity (`CRITICAL`, `HIGH`, `MEDIUM`, `LOW`, any case) is counted.
    pub fn error(&mut self, severity: LogValue<'_>) -> Logged {
        let row = decode_error_values(ValueRef::Real(unix_now_secs()), severity.as_value_ref());
        let before = self.report.error_logs.clone();
        let id = sequence(before.rows);
        self.applier.error_row(id, row, &mut self.report);
        self.report.watermark.error_logs = id;
        match row {
            Err(reason) => Logged::Skipped(reason),
            Ok(_) if self.report.error_logs.recorded > before.recorded => Logged::Recorded,
            Ok(_) => Logged::Skipped(SkipReason::Rejected),
        }
    }

    /// A `log_reward_shaping(RewardShapingLog)` call: the immediate reward,
    /// the greedy Q-value and ε, as a replay of its row records them.
    pub fn reward(&mut self, entry: &RewardLogEntry<'_>) -> Logged {
        let values = [
            ValueRef::Null,
            entry.timestamp.as_value_ref(),
            entry.agent_id.as_value_ref(),
            entry.immediate_reward.as_value_ref(),
            entry.q_values.as_value_ref(),
            entry.epsilon.as_value_ref(),
        ];
        let row = self.rewards.decode_values(|i| values[i]);
        let before = self.report.reward_logs.clone();
        let id = sequence(before.rows);
        self.applier.reward_row(id, row, &mut self.report);
        self.report.watermark.reward_logs = id;
        match row {
            Err(reason) => Logged::Skipped(reason),
            Ok(_) if self.report.reward_logs.recorded > before.recorded => Logged::Recorded,
            Ok(_) => Logged::Skipped(SkipReason::Rejected),
        }
    }

    /// Everything recorded, counted and skipped so far.
    #[must_use]
    pub fn report(&self) -> &ReplayReport {
        &self.report
    }

    /// The telemetry the calls are recorded into.
    #[must_use]
    pub fn telemetry(&self) -> &Telemetry {
        self.applier.telemetry()
    }
}

/// The number of the next call of a kind, after `rows` earlier ones.
fn sequence(rows: u64) -> i64 {
    i64::try_from(rows).map_or(i64::MAX, |n| n.saturating_add(1))
}

/// The regime an entry names: none for `Null`, `Err` for one not known.
fn regime(value: LogValue<'_>) -> Result<Option<Regime>, ()> {
    match value {
        LogValue::Null => Ok(None),
        LogValue::Text(text) => text.parse().map(Some).map_err(|_| ()),
        LogValue::Integer(code) => Regime::from_code(code).map(Some).map_err(|_| ()),
        LogValue::Real(_) | LogValue::Other => Err(()),
    }
}

/// What the applier did with a trade row, from its counts before and after.
fn outcome(before: &super::TableReport, after: &super::TableReport, row: TradeRow) -> Logged {
    match row {
        TradeRow::Open => Logged::Open,
        TradeRow::Skip(reason) => Logged::Skipped(reason),
        TradeRow::Closed(..) if after.recorded > before.recorded => Logged::Recorded,
        TradeRow::Closed(..) => Logged::Skipped(SkipReason::Rejected),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn entry(pnl: LogValue<'static>) -> TradeLogEntry<'static> {
        TradeLogEntry {
            timestamp: LogValue::Real(1_795_600_000.5),
            agent_id: LogValue::Text("SNIPER"),
            instrument: LogValue::Text("XAUUSD+"),
            timeframe: LogValue::Text("M5"),
            pnl,
            trade_duration: LogValue::Real(60.0),
            confidence_score: LogValue::Real(0.7),
            regime: LogValue::Null,
        }
    }

    fn recorded() -> (LogRecorder, metrics_exporter_prometheus::PrometheusHandle) {
        let recorder =
            Arc::new(metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        let telemetry = Telemetry::builder().build_with_recorder(recorder);
        (LogRecorder::new(&telemetry), handle)
    }

    #[test]
    fn the_rows_rules_apply_to_logged_values() {
        let (mut log, handle) = recorded();
        assert_eq!(log.trade(&entry(LogValue::Real(-4.0))), Logged::Recorded);
        assert_eq!(log.trade(&entry(LogValue::Null)), Logged::Open);
        assert_eq!(
            log.trade(&entry(LogValue::Real(f64::NAN))),
            Logged::Skipped(SkipReason::NotFinite { column: "pnl" })
        );
        assert_eq!(
            log.trade(&entry(LogValue::Text("12"))),
            Logged::Skipped(SkipReason::WrongType { column: "pnl" })
        );
        let all = TradeLogEntry {
            timeframe: LogValue::Text("ALL"),
            ..entry(LogValue::Real(1.0))
        };
        assert_eq!(
            log.trade(&all),
            Logged::Skipped(SkipReason::UnknownTimeframe)
        );
        let placeholder = TradeLogEntry {
            confidence_score: LogValue::Real(0.0),
            regime: LogValue::Text("TRENDING"),
            ..entry(LogValue::Integer(3))
        };
        assert_eq!(log.trade(&placeholder), Logged::Recorded);
        let coded = TradeLogEntry {
            regime: LogValue::Integer(1),
            ..entry(LogValue::Real(2.0))
        };
        assert_eq!(log.trade(&coded), Logged::Recorded);
        let report = log.report();
        assert_eq!(
            (
                report.trade_logs.rows,
                report.trade_logs.open,
                report.trades_recorded()
            ),
            (7, 1, 3)
        );
        assert_eq!(report.trade_logs.skipped_total(), 3);
        assert_eq!(report.watermark.trade_logs, 7);
        assert_eq!(report.adjusted.get(&Adjustment::RegimeUnknown), Some(&1));
        assert_eq!(
            report.adjusted.get(&Adjustment::ConfidencePlaceholder),
            Some(&1)
        );
        log.telemetry().publish();
        let text = handle.render();
        assert!(
            text.contains("velocitytrader_agent_trades_total{agent=\"sniper\"} 3"),
            "{text}"
        );
        assert!(
            text.contains("velocitytrader_regime_trades_total{regime=\"CHAOTIC\"} 1"),
            "{text}"
        );
    }

    #[test]
    fn errors_and_rewards_are_recorded_or_counted() {
        let (mut log, handle) = recorded();
        assert_eq!(log.error(LogValue::Text("critical")), Logged::Recorded);
        assert_eq!(
            log.error(LogValue::Text("FATAL")),
            Logged::Skipped(SkipReason::UnknownSeverity)
        );
        let reward = RewardLogEntry {
            timestamp: LogValue::Real(1_795_600_000.0),
            agent_id: LogValue::Text("BERSERKER"),
            immediate_reward: LogValue::Real(0.25),
            q_values: LogValue::Text("[0.1, 0.9, -0.2]"),
            epsilon: LogValue::Real(0.05),
        };
        assert_eq!(log.reward(&reward), Logged::Recorded);
        let broken = RewardLogEntry {
            q_values: LogValue::Text("[NaN]"),
            epsilon: LogValue::Real(2.0),
            ..reward
        };
        assert_eq!(log.reward(&broken), Logged::Recorded);
        let report = log.report();
        assert_eq!(
            (report.errors_recorded(), report.rewards_recorded()),
            (1, 2)
        );
        assert_eq!(report.adjusted.get(&Adjustment::QValuesNotFinite), Some(&1));
        assert_eq!(
            report.adjusted.get(&Adjustment::EpsilonOutOfRange),
            Some(&1)
        );
        log.telemetry().publish();
        let text = handle.render();
        assert!(
            text.contains("velocitytrader_rl_q_value{agent=\"berserker\"} 0.9"),
            "{text}"
        );
        assert!(
            text.contains("velocitytrader_agent_cumulative_reward{agent=\"berserker\"} 0.5"),
            "{text}"
        );
    }
}

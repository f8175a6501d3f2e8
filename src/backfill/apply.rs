//! Feeding decoded rows to a [`Telemetry`], with the optional equity curve
//! rebuilt from closed P&L. Shared by replay, follow mode and the history
//! writer.

use super::reasons::{Adjustment, SkipReason};
use super::report::ReplayReport;
use super::reward_rows::RewardRow;
use super::rows::{ErrorRow, TradeRow};
use super::stream::Event;
use crate::telemetry::Telemetry;

/// Most empty return periods filled with the held balance between two
/// consecutive trades; a longer quiet spell stays a gap (its periods are
/// counted as skipped rather than filled).
const MAX_HELD_PERIODS: u64 = 1_000_000;

/// Balance rebuilt from closed P&L.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct EquityFeed {
    balance: f64,
    last_at: Option<f64>,
}

/// Records events into one telemetry and counts them in a report.
#[derive(Debug, Clone)]
pub(crate) struct Applier {
    telemetry: Telemetry,
    equity: Option<EquityFeed>,
}

impl Applier {
    /// `starting_balance`: rebuild an equity curve from it, or not at all.
    /// `errors`: the error log will be read, so the error counters are true
    /// from 0 and are registered now.
    pub(crate) fn new(telemetry: &Telemetry, starting_balance: Option<f64>, errors: bool) -> Self {
        if errors {
            telemetry.register_error_series();
        }
        Self {
            telemetry: telemetry.clone(),
            equity: starting_balance.map(|balance| EquityFeed {
                balance,
                last_at: None,
            }),
        }
    }

    /// The telemetry events go to.
    pub(crate) fn telemetry(&self) -> &Telemetry {
        &self.telemetry
    }

    /// Records one decoded row of any table (or counts why not).
    pub(crate) fn event(&mut self, event: Event, report: &mut ReplayReport) {
        match event {
            Event::Trade(id, row) => self.trade_row(id, row, report),
            Event::Error(id, row) => self.error_row(id, row, report),
            Event::Reward(id, row) => self.reward_row(id, row, report),
        }
    }

    /// Records one decoded `trade_logs` row (or counts why not).
    pub(crate) fn trade_row(&mut self, id: i64, row: TradeRow, report: &mut ReplayReport) {
        report.trade_logs.rows += 1;
        report.watermark.trade_logs = report.watermark.trade_logs.max(id);
        let (trade, fixes) = match row {
            TradeRow::Open => {
                report.trade_logs.open += 1;
                return;
            }
            TradeRow::Skip(reason) => return report.skip("trade_logs", id, reason),
            TradeRow::Closed(trade, fixes) => (trade, fixes),
        };
        // A close time further ahead than the telemetry admits is the row's
        // fault: skipped and counted here, not also as a rejected event.
        if self.telemetry.admits_time(trade.closed_at).is_err() {
            let column = "timestamp";
            return report.skip("trade_logs", id, SkipReason::OutOfRange { column });
        }
        // Rows are validated by the decoder; a refusal here is impossible,
        // but is still counted rather than lost.
        if trade.validate_values().is_err() || self.telemetry.record_trade(&trade).is_err() {
            return report.skip("trade_logs", id, SkipReason::Rejected);
        }
        report.trade_logs.recorded += 1;
        for fix in fixes.into_iter().flatten() {
            report.adjust(fix);
        }
        if let Some(feed) = &mut self.equity {
            let mut at = trade.closed_at;
            if let Some(last) = feed.last_at
                && at < last
            {
                at = last;
                report.adjust(Adjustment::EquityTimeClamped);
            }
            hold_balance_until(&self.telemetry, feed, at, report);
            feed.balance += trade.pnl;
            feed.last_at = Some(at);
            match self.telemetry.record_equity(feed.balance, feed.balance, at) {
                Ok(()) => report.equity_samples += 1,
                Err(_) => report.adjust(Adjustment::EquityRejected),
            }
        }
    }

    /// Records one decoded `error_logs` row (or counts why not).
    pub(crate) fn error_row(&mut self, id: i64, row: ErrorRow, report: &mut ReplayReport) {
        report.error_logs.rows += 1;
        report.watermark.error_logs = report.watermark.error_logs.max(id);
        match row {
            Ok((_, severity)) => {
                self.telemetry.record_error(severity);
                report.error_logs.recorded += 1;
            }
            Err(reason) => report.skip("error_logs", id, reason),
        }
    }

    /// Records one decoded `reward_logs` row as the engine's learner would
    /// have at that moment: the immediate reward added to the agent's
    /// cumulative reward, then the greedy Q-value and ε where the row has
    /// usable ones (otherwise counted adjustments). No model update is
    /// counted and no loss set: the table holds neither.
    pub(crate) fn reward_row(&mut self, id: i64, row: RewardRow, report: &mut ReplayReport) {
        report.reward_logs.rows += 1;
        report.watermark.reward_logs = report.watermark.reward_logs.max(id);
        let reward = match row {
            Ok(reward) => reward,
            Err(reason) => return report.skip("reward_logs", id, reason),
        };
        // Values are validated by the decoder; a refusal here is impossible,
        // but is still counted rather than lost.
        let t = &self.telemetry;
        if t.record_rl_reward(reward.agent, reward.reward).is_err() {
            return report.skip("reward_logs", id, SkipReason::Rejected);
        }
        report.reward_logs.recorded += 1;
        match reward.q_value {
            Ok(q) if t.set_rl_q_value(reward.agent, q).is_ok() => {}
            Ok(_) => report.adjust(Adjustment::QValuesNotFinite),
            Err(fix) => report.adjust(fix),
        }
        match reward.epsilon {
            Ok(e) if t.set_rl_exploration_rate(reward.agent, e).is_ok() => {}
            Ok(_) => report.adjust(Adjustment::EpsilonOutOfRange),
            Err(fix) => report.adjust(fix),
        }
    }
}

/// A balance rebuilt from closed trades is constant between trades, so each
/// return period without a trade gets one sample of the held balance (at the
/// period's start): every period stays complete instead of becoming a gap.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "period indices of real dates are far inside i64 and f64's exact range"
)]
fn hold_balance_until(
    telemetry: &Telemetry,
    feed: &EquityFeed,
    at: f64,
    report: &mut ReplayReport,
) {
    let Some(last) = feed.last_at else { return };
    let period = telemetry.config().return_period.as_secs_f64();
    let first = (last / period).floor() as i64 + 1;
    let until = (at / period).floor() as i64;
    if until < first || (until - first) as u64 >= MAX_HELD_PERIODS {
        return;
    }
    for index in first..=until {
        let start = index as f64 * period;
        if telemetry
            .record_equity(feed.balance, feed.balance, start)
            .is_ok()
        {
            report.equity_samples += 1;
        }
    }
}

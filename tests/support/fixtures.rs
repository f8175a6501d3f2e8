//! Engine databases and live-recording twins shared by the backfill tests.
#![allow(dead_code, reason = "each test crate uses a different part")]

use std::path::{Path, PathBuf};

use super::engine_db::{
    self, CloseRow, RewardRow, expected_reward, expected_trade, in_replay_order, insert_all,
    insert_rewards, sample_rewards, sample_trades,
};
use super::scrape;
use velocity_metrics::{Severity, Telemetry};

/// The rows of a generated database that become events, each table in the
/// order the reader replays it.
#[derive(Debug, Clone, Default)]
pub struct EngineRows {
    /// Close rows, by timestamp then id.
    pub trades: Vec<CloseRow>,
    /// Error severities, in time order.
    pub errors: Vec<Severity>,
    /// Reward rows, by timestamp then id.
    pub rewards: Vec<RewardRow>,
}

/// Time of the first row of every generated database.
pub const START: f64 = 1_750_000_000.0;

/// A telemetry whose scrape nobody reads.
pub fn quiet_telemetry() -> Telemetry {
    scrape::telemetry(Telemetry::builder()).0
}

pub fn temp_db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("trading_logs.db")
}

/// A database with `n` close rows, `n / 2` reward rows over the same three
/// days, open rows, errors, and performance rows of both writers with their
/// quirks (`+inf`, `SYSTEM`, USD drawdowns ≤ 0); returns the rows that
/// become events.
pub fn engine_database(path: &Path, n: usize) -> EngineRows {
    let mut conn = engine_db::create(path);
    let span = 86_400.0 * 3.0;
    let rows = sample_trades(n, START, span, 7);
    let ids = insert_all(&mut conn, &rows);
    let rewards = insert_rewards(&mut conn, &sample_rewards(n / 2, START, span, 8));
    for i in 0..5 {
        engine_db::insert_open(&conn, START + f64::from(i) * 100.0, "SNIPER", "EURUSD+");
    }
    let severities = [
        Severity::Critical,
        Severity::High,
        Severity::Critical,
        Severity::Low,
    ];
    for (i, s) in severities.iter().enumerate() {
        engine_db::insert_error(&conn, START + 1000.0 * i as f64, s.as_str());
    }
    engine_db::insert_system_performance(&conn, START + 60.0);
    engine_db::insert_logger_performance(&conn, START + 120.0, "SNIPER", "EURUSD+");
    engine_db::insert_logger_performance(&conn, START + 180.0, "BERSERKER", "XAUUSD+");
    EngineRows {
        trades: in_replay_order(&rows, &ids),
        errors: severities.to_vec(),
        rewards,
    }
}

/// What a live engine would have recorded: each trade as it closed and, with
/// a `balance`, the balance after it — plus, like an engine that samples its
/// balance on a timer, the unchanged balance at the start of every return
/// period without a trade; each error; and each reward its learner received,
/// with the greedy Q-value and ε it held then.
pub fn record_live(telemetry: &Telemetry, rows: &EngineRows, balance: Option<f64>) {
    record_live_trades(telemetry, &rows.trades, &rows.errors, balance);
    record_live_rewards(telemetry, &rows.rewards);
}

/// A live learner's calls for each reward row, in the order given.
pub fn record_live_rewards(telemetry: &Telemetry, rows: &[RewardRow]) {
    for (agent, reward, q_value, epsilon) in rows.iter().filter_map(expected_reward) {
        telemetry
            .record_rl_reward(agent, reward)
            .expect("valid reward");
        if let Some(q) = q_value {
            telemetry.set_rl_q_value(agent, q).expect("finite Q-value");
        }
        if let Some(e) = epsilon {
            telemetry
                .set_rl_exploration_rate(agent, e)
                .expect("ε within 0..=1");
        }
    }
}

fn record_live_trades(
    telemetry: &Telemetry,
    rows: &[CloseRow],
    errors: &[Severity],
    balance: Option<f64>,
) {
    let period = telemetry.config().return_period.as_secs_f64();
    let mut equity = balance;
    let mut last_at: Option<f64> = None;
    for trade in rows.iter().filter_map(expected_trade) {
        telemetry.record_trade(&trade).expect("valid trade");
        if let Some(b) = &mut equity {
            if let Some(last) = last_at {
                let mut boundary = ((last / period).floor() + 1.0) * period;
                while boundary <= trade.closed_at {
                    telemetry.record_equity(*b, *b, boundary).expect("ordered");
                    boundary += period;
                }
            }
            *b += trade.pnl;
            telemetry
                .record_equity(*b, *b, trade.closed_at)
                .expect("ordered");
            last_at = Some(trade.closed_at);
        }
    }
    for &s in errors {
        telemetry.record_error(s);
    }
}

//! Engine databases and live-recording twins shared by the backfill tests.
#![allow(dead_code, reason = "each test crate uses a different part")]

use std::path::{Path, PathBuf};

use super::engine_db::{
    self, CloseRow, expected_trade, in_replay_order, insert_all, sample_trades,
};
use super::scrape;
use velocity_metrics::{Severity, Telemetry};

/// Time of the first row of every generated database.
pub const START: f64 = 1_750_000_000.0;

/// A telemetry whose scrape nobody reads.
pub fn quiet_telemetry() -> Telemetry {
    scrape::telemetry(Telemetry::builder()).0
}

pub fn temp_db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("trading_logs.db")
}

/// A database with `n` close rows, open rows, errors and a SYSTEM
/// performance row; returns the close rows in replay order and the error
/// severities.
pub fn engine_database(path: &Path, n: usize) -> (Vec<CloseRow>, Vec<Severity>) {
    let mut conn = engine_db::create(path);
    let rows = sample_trades(n, START, 86_400.0 * 3.0, 7);
    let ids = insert_all(&mut conn, &rows);
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
    (in_replay_order(&rows, &ids), severities.to_vec())
}

/// What a live engine would have recorded: each trade as it closed and, with
/// a `balance`, the balance after it — plus, like an engine that samples its
/// balance on a timer, the unchanged balance at the start of every return
/// period without a trade.
pub fn record_live(
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

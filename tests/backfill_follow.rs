//! Follow mode: polls record exactly the rows appended since the last poll.
#![cfg(feature = "sqlite")]

#[path = "support/engine_db.rs"]
mod engine_db;
#[path = "common/exposition.rs"]
mod exposition;
#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/scrape.rs"]
mod scrape;

use std::time::Duration;

use engine_db::{expected_reward, expected_trade, sample_rewards, sample_trades};
use fixtures::{EngineRows, START, engine_database, quiet_telemetry, record_live, temp_db};
use rusqlite::Connection;
use velocity_metrics::backfill::{self, Follower, ReplayOptions};
use velocity_metrics::{Severity, Telemetry};

#[test]
fn follow_mode_records_exactly_the_rows_appended_since_the_last_poll() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let history = engine_database(&path, 300);
    let (followed, followed_handle) = scrape::telemetry(Telemetry::builder());
    let (mut follower, first) = Follower::start(&path, &followed, ReplayOptions::new()).unwrap();
    assert_eq!(follower.watermark(), first.watermark);
    assert_eq!(follower.poll().unwrap().trade_logs.rows, 0);

    let writer = Connection::open(&path).unwrap();
    let appended = sample_trades(40, START + 86_400.0 * 4.0, 3600.0, 99);
    let mut appended_in_id_order = Vec::new();
    for row in &appended {
        engine_db::insert_close(&writer, row);
        appended_in_id_order.push(row.clone());
    }
    engine_db::insert_open(&writer, START + 86_400.0 * 5.0, "BERSERKER", "XAUUSD+");
    engine_db::insert_error(&writer, START + 86_400.0 * 5.0, "MEDIUM");
    // Rewards appended with times out of id order: recorded in id order.
    let appended_rewards = sample_rewards(25, START + 86_400.0 * 4.0, 3600.0, 98);
    for row in &appended_rewards {
        engine_db::insert_reward(&writer, row);
    }
    let polled = follower.poll().unwrap();
    let expected_new = appended.iter().filter_map(expected_trade).count() as u64;
    assert_eq!(
        (polled.trade_logs.rows, polled.trade_logs.open),
        (41, 1),
        "{polled}"
    );
    assert_eq!(polled.trades_recorded(), expected_new);
    assert_eq!(polled.errors_recorded(), 1);
    assert_eq!(polled.reward_logs.rows, 25);
    assert_eq!(
        polled.rewards_recorded(),
        appended_rewards.iter().filter_map(expected_reward).count() as u64
    );
    assert!(follower.watermark().trade_logs > first.watermark.trade_logs);
    assert_eq!(
        follower.watermark().reward_logs,
        first.watermark.reward_logs + 25
    );
    assert_eq!(
        follower.poll().unwrap(),
        backfill::ReplayReport {
            watermark: follower.watermark(),
            ..Default::default()
        }
    );

    let (live, live_handle) = scrape::telemetry(Telemetry::builder());
    record_live(&live, &history, None);
    let appended = EngineRows {
        trades: appended_in_id_order,
        errors: vec![Severity::Medium],
        rewards: appended_rewards,
    };
    record_live(&live, &appended, None);
    scrape::assert_same_series(
        &scrape::scrape(&followed, &followed_handle),
        &scrape::scrape(&live, &live_handle),
    );
}

#[test]
fn a_follower_holds_no_lock_between_polls() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let rows = engine_database(&path, 50).trades;
    let (mut follower, _) =
        Follower::start(&path, &quiet_telemetry(), ReplayOptions::new()).unwrap();
    follower.poll().unwrap();
    let writer = Connection::open(&path).unwrap();
    writer.busy_timeout(Duration::ZERO).unwrap();
    writer.execute_batch("BEGIN EXCLUSIVE").unwrap(); // fails if any reader holds a lock
    engine_db::insert_close(&writer, &rows[0]);
    writer.execute_batch("COMMIT").unwrap();
    assert_eq!(follower.poll().unwrap().trade_logs.rows, 1);
}

#[test]
fn resuming_from_a_watermark_reads_only_later_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    engine_database(&path, 100);
    let first = backfill::replay(&path, &quiet_telemetry()).unwrap();
    let writer = Connection::open(&path).unwrap();
    for row in sample_trades(7, START + 86_400.0 * 4.0, 60.0, 3) {
        engine_db::insert_close(&writer, &row);
    }
    let mut follower = Follower::resume(
        &path,
        &quiet_telemetry(),
        first.watermark,
        &ReplayOptions::new(),
    )
    .unwrap();
    assert_eq!(follower.poll().unwrap().trade_logs.rows, 7);
    let mut from_zero = Follower::resume(
        &path,
        &quiet_telemetry(),
        backfill::Watermark::default(),
        &ReplayOptions::new(),
    )
    .unwrap();
    assert_eq!(
        from_zero.poll().unwrap().trade_logs.rows,
        first.trade_logs.rows + 7
    );
}

// ── OpenMetrics history ──────────────────────────────────────────────────────

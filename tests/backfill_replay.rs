//! Backfill replay: restored statistics equal live recording; quirky rows
//! are skipped or adjusted and counted once; progress is reported.
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

use engine_db::{expected_reward, expected_trade};
use fixtures::{START, engine_database, quiet_telemetry, record_live, temp_db};
use rusqlite::{Connection, params};
use velocity_metrics::Telemetry;
use velocity_metrics::backfill::{self, Adjustment, Progress, ReplayOptions, SkipReason};

#[test]
fn replay_restores_the_statistics_of_live_recording() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let db = engine_database(&path, 3000);
    let (restored, restored_handle) = scrape::telemetry(Telemetry::builder());
    let report = backfill::replay(&path, &restored).unwrap();
    let (live, live_handle) = scrape::telemetry(Telemetry::builder());
    record_live(&live, &db, None);

    let expected = db.trades.iter().filter_map(expected_trade).count() as u64;
    assert_eq!(report.trades_recorded(), expected, "{report}");
    assert_eq!(report.trade_logs.open, 5);
    assert_eq!(report.errors_recorded(), 4);
    let rewards = db.rewards.iter().filter_map(expected_reward).count() as u64;
    assert_eq!(report.rewards_recorded(), rewards);
    assert_eq!(report.reward_logs.rows, 1500);
    assert!(!report.reward_logs.absent);
    for t in [&report.trade_logs, &report.reward_logs] {
        assert_eq!(t.rows, t.open + t.recorded + t.skipped_total());
    }
    let a = scrape::scrape(&restored, &restored_handle);
    let b = scrape::scrape(&live, &live_handle);
    assert!(a.contains_key("velocitytrader_agent_trades_total{agent=\"system\"}"));
    assert!(a.contains_key("velocitytrader_symbol_pnl{symbol=\"EURUSD+\"}"));
    assert!(a.contains_key("velocitytrader_errors_total{severity=\"critical\"}"));
    for agent in ["berserker", "sniper", "berserker_prime", "system"] {
        for name in [
            "agent_cumulative_reward",
            "rl_q_value",
            "rl_exploration_rate",
        ] {
            let key = format!("velocitytrader_{name}{{agent=\"{agent}\"}}");
            assert!(a.contains_key(&key), "{key}");
        }
    }
    for absent in ["rl_loss", "agent_episode_reward"] {
        assert!(
            !a.keys()
                .any(|k| k.starts_with(&format!("velocitytrader_{absent}{{"))),
            "{absent}: the table holds no loss or episode"
        );
    }
    assert!(
        a.iter()
            .filter(|(k, _)| k.starts_with("velocitytrader_rl_model_updates_total{"))
            .all(|(_, v)| *v == 0.0),
        "the table records no model update"
    );
    assert_eq!(
        a["velocitytrader_rejected_events_total{reason=\"out_of_range\"}"],
        0.0
    );
    scrape::assert_same_series(&a, &b);
}

#[test]
fn replay_with_a_starting_balance_restores_the_risk_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let db = engine_database(&path, 1500);
    let config = || {
        Telemetry::builder()
            .starting_balance(10_000.0)
            .return_period(Duration::from_secs(3600))
    };
    let (restored, restored_handle) = scrape::telemetry(config());
    let options = ReplayOptions::new().starting_balance(10_000.0);
    let report = backfill::replay_with(&path, &restored, options).unwrap();
    assert!(
        report.equity_samples >= report.trades_recorded(),
        "{report}"
    );
    let (live, live_handle) = scrape::telemetry(config());
    record_live(&live, &db, Some(10_000.0));
    let a = scrape::scrape(&restored, &restored_handle);
    assert!(a.contains_key("velocitytrader_max_drawdown{}"), "{a:?}");
    assert!(a.contains_key("velocitytrader_sharpe_ratio{}"));
    scrape::assert_same_series(&a, &scrape::scrape(&live, &live_handle));
}

fn quirk(
    conn: &Connection,
    ts: &dyn rusqlite::ToSql,
    agent: &dyn rusqlite::ToSql,
    tf: &str,
    pnl: &dyn rusqlite::ToSql,
    dur: &dyn rusqlite::ToSql,
    conf: f64,
) -> i64 {
    conn.execute(
        "INSERT INTO trade_logs (timestamp, agent_id, instrument, timeframe, action, pnl,
             trade_duration, confidence_score, trade_id) VALUES (?1, ?2, 'EURUSD+', ?3, 'CLOSE', ?4, ?5, ?6,
             'q' || (SELECT coalesce(max(id), 0) + 1 FROM trade_logs))",
        params![ts, agent, tf, pnl, dur, conf],
    )
    .unwrap();
    conn.last_insert_rowid()
}

#[test]
fn quirky_rows_are_skipped_or_adjusted_and_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let conn = engine_db::create(&path);
    let null = rusqlite::types::Null;
    let ok = quirk(&conn, &START, &"BERSERKER", "M5", &10.0, &60.0, 0.5);
    quirk(&conn, &(START + 1.0), &"sniper", "m5", &-5.0, &null, 0.0);
    quirk(&conn, &(START + 2.0), &"SYSTEM", "M5", &0.0, &-3.0, 3.7);
    let all = quirk(&conn, &(START + 3.0), &"SNIPER", "ALL", &1.0, &1.0, 0.5);
    quirk(&conn, &(START + 4.0), &"SNIPER", "X9", &1.0, &1.0, 0.5);
    let text_pnl = quirk(&conn, &(START + 5.0), &"SNIPER", "M5", &"abc", &1.0, 0.5);
    quirk(
        &conn,
        &(START + 6.0),
        &"SNIPER",
        "M5",
        &f64::INFINITY,
        &1.0,
        0.5,
    );
    quirk(&conn, &(START + 7.0), &"SNIPER", "M5", &f64::NAN, &1.0, 0.5); // stored as NULL: open
    quirk(&conn, &null, &"SNIPER", "M5", &1.0, &1.0, 0.5);
    quirk(&conn, &"yesterday", &"SNIPER", "M5", &1.0, &1.0, 0.5);
    quirk(&conn, &-5.0, &"SNIPER", "M5", &1.0, &1.0, 0.5);
    quirk(&conn, &(START + 8.0), &null, "M5", &1.0, &1.0, 0.5);
    quirk(&conn, &(START + 9.0), &"", "M5", &1.0, &1.0, 0.5);
    quirk(&conn, &(START + 10.0), &"SNI\nPER", "M5", &1.0, &1.0, 0.5);
    quirk(&conn, &(START + 11.0), &vec![1u8, 2], "M5", &1.0, &1.0, 0.5);
    quirk(&conn, &(START + 12.0), &"SNIPER", "M5", &2.0, &"long", 1.0);
    for severity in ["CRITICAL", "high", "FATAL"] {
        engine_db::insert_error(&conn, START, severity);
    }
    conn.execute(
        "INSERT INTO error_logs (timestamp, severity) VALUES (?1, NULL)",
        [START],
    )
    .unwrap();

    let (telemetry, handle) = scrape::telemetry(Telemetry::builder());
    let report = backfill::replay(&path, &telemetry).unwrap();
    let t = &report.trade_logs;
    assert_eq!((t.rows, t.recorded, t.open), (16, 4, 1), "{report}");
    let skip = |reason| t.skipped.get(&reason).copied().unwrap_or(0);
    assert_eq!(skip(SkipReason::UnknownTimeframe), 2);
    assert_eq!(skip(SkipReason::WrongType { column: "pnl" }), 1);
    assert_eq!(skip(SkipReason::NotFinite { column: "pnl" }), 1);
    assert_eq!(
        skip(SkipReason::Missing {
            column: "timestamp"
        }),
        1
    );
    assert_eq!(
        skip(SkipReason::WrongType {
            column: "timestamp"
        }),
        1
    );
    assert_eq!(
        skip(SkipReason::OutOfRange {
            column: "timestamp"
        }),
        1
    );
    assert_eq!(skip(SkipReason::Missing { column: "agent_id" }), 1);
    assert_eq!(skip(SkipReason::InvalidLabel { column: "agent_id" }), 2);
    assert_eq!(skip(SkipReason::WrongType { column: "agent_id" }), 1);
    assert_eq!(t.skipped_total(), 11);
    let adjusted = |a| report.adjusted.get(&a).copied().unwrap_or(0);
    assert_eq!(adjusted(Adjustment::DurationMissing), 1);
    assert_eq!(adjusted(Adjustment::DurationInvalid), 2);
    assert_eq!(adjusted(Adjustment::ConfidencePlaceholder), 1);
    assert_eq!(adjusted(Adjustment::ConfidenceOutOfRange), 1);
    let e = &report.error_logs;
    assert_eq!((e.rows, e.recorded), (4, 2));
    assert_eq!(e.skipped[&SkipReason::UnknownSeverity], 1);
    assert_eq!(e.skipped[&SkipReason::Missing { column: "severity" }], 1);
    let ids: Vec<i64> = report.examples.iter().map(|r| r.id).collect();
    assert!(
        ids.contains(&all) && ids.contains(&text_pnl) && !ids.contains(&ok),
        "{ids:?}"
    );
    assert!(
        report.to_string().contains("wrong type in `pnl`: 1"),
        "{report}"
    );

    let s = scrape::scrape(&telemetry, &handle);
    assert_eq!(s["velocitytrader_trades_total{}"], 4.0);
    assert_eq!(
        s["velocitytrader_agent_trades_total{agent=\"sniper\"}"],
        2.0
    );
    assert_eq!(
        s["velocitytrader_agent_trades_total{agent=\"system\"}"],
        1.0
    );
    assert_eq!(
        s["velocitytrader_agent_avg_confidence{agent=\"berserker\"}"],
        0.5
    );
    assert_eq!(
        s["velocitytrader_agent_avg_confidence{agent=\"sniper\"}"],
        1.0
    );
    assert_eq!(s["velocitytrader_errors_total{severity=\"high\"}"], 1.0);
    let rejected: f64 = s
        .iter()
        .filter(|(k, _)| k.contains("rejected_events"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(rejected, 0.0, "skips must not also count as rejections");
}

#[test]
fn progress_is_reported_every_n_rows_with_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    engine_database(&path, 1000);
    let mut seen: Vec<Progress> = Vec::new();
    let mut callback = |p: Progress| seen.push(p);
    let telemetry = quiet_telemetry();
    let options = ReplayOptions::new().progress(&mut callback).every_rows(300);
    backfill::replay_with(&path, &telemetry, options).unwrap();
    let done: Vec<u64> = seen.iter().map(|p| p.rows_done).collect();
    // 1000 closed trades, 4 errors and 500 rewards as read, then the 5 open
    // rows at the end.
    assert_eq!(done, [300, 600, 900, 1200, 1500, 1509]);
    assert!(seen.iter().all(|p| p.rows_total == 1509));
}

// ── never written, never locked ──────────────────────────────────────────────

#[test]
fn a_database_starting_at_23h_utc_counts_only_complete_days() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let mut conn = engine_db::create(&path);
    let day = 86_400.0;
    let midnight = START - START % day;
    // A loss in the first hour, then a slow steady gain over four days:
    // net P&L is positive, so Calmar must be positive too.
    let mut rows = vec![engine_db::CloseRow {
        timestamp: midnight - 3600.0 + 60.0,
        agent_id: "SNIPER",
        instrument: "EURUSD+",
        timeframe: "M5",
        pnl: -150.0,
        trade_duration: 60.0,
        confidence_score: 0.0,
    }];
    for i in 0..16 {
        rows.push(engine_db::CloseRow {
            timestamp: midnight + f64::from(i) * day / 4.0 + 600.0,
            pnl: 20.0,
            ..rows[0].clone()
        });
    }
    engine_db::insert_all(&mut conn, &rows);
    let (restored, handle) = scrape::telemetry(Telemetry::builder().starting_balance(10_000.0));
    let options = ReplayOptions::new().starting_balance(10_000.0);
    backfill::replay_with(&path, &restored, options).unwrap();
    let s = scrape::scrape(&restored, &handle);
    let net = s["velocitytrader_pnl_total{}"];
    assert!((net - 170.0).abs() < 1e-9, "{net}");
    assert_eq!(s["velocitytrader_return_periods_skipped_total{}"], 1.0);
    assert_eq!(s["velocitytrader_return_periods_total{}"], 3.0);
    let calmar = s["velocitytrader_calmar_ratio{}"];
    assert!(calmar > 0.0, "Calmar {calmar} with net P&L +{net}");
    // Every counted day gained: no day's loss, no VaR loss.
    assert!(s["velocitytrader_var_95{}"] < 0.0, "{s:?}");
}

//! Backfill of `reward_logs` (the learners' rewards, Q-values and ε) and of
//! what is deliberately not read (`performance_logs`): quirky rows skipped
//! or adjusted and counted once, an absent table reported, a table without a
//! needed column a typed error, the agent limit as in live recording.
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

use engine_db::{insert_rewards, sample_rewards};
use fixtures::{START, engine_database, quiet_telemetry, record_live_rewards, temp_db};
use rusqlite::types::Null;
use rusqlite::{Connection, ToSql, params};
use velocity_metrics::Telemetry;
use velocity_metrics::backfill::{
    self, Adjustment, BackfillError, Follower, OpenMetricsOptions, ReplayOptions, SkipReason,
};
use velocity_metrics::telemetry::OVERFLOW_LABEL;

/// Inserts a reward row with raw values in the columns the reader uses.
fn reward(
    conn: &Connection,
    ts: &dyn ToSql,
    agent: &dyn ToSql,
    value: &dyn ToSql,
    q_values: &dyn ToSql,
    epsilon: &dyn ToSql,
) -> i64 {
    conn.execute(
        "INSERT INTO reward_logs (timestamp, agent_id, instrument, immediate_reward,
             shaped_reward, q_values, epsilon) VALUES (?1, ?2, 'EURUSD+', ?3, 99.0, ?4, ?5)",
        params![ts, agent, value, q_values, epsilon],
    )
    .unwrap();
    conn.last_insert_rowid()
}

#[test]
fn quirky_reward_rows_are_skipped_or_adjusted_and_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let conn = engine_db::create(&path);
    let t = |i: f64| START + i;
    // Recorded, with every kind of unusable Q-value and ε.
    let ok = reward(&conn, &t(1.0), &"SNIPER", &0.5, &"[0.1, 0.7, -0.2]", &0.05);
    reward(&conn, &t(2.0), &"berserker", &-0.25, &"[]", &Null);
    reward(&conn, &t(3.0), &"SYSTEM", &1.0, &"[1.0, NaN]", &1.5);
    reward(&conn, &t(4.0), &"Sniper", &0.25, &"[[0.1, 0.2]]", &-0.1);
    reward(&conn, &t(5.0), &"SNIPER", &0.0, &Null, &"high");
    reward(&conn, &t(6.0), &"SNIPER", &0.125, &"null", &f64::INFINITY);
    reward(
        &conn,
        &t(7.0),
        &"SNIPER",
        &0.0625,
        &"[0.2, Infinity]",
        &0.04,
    );
    reward(&conn, &t(8.0), &"SNIPER", &0.03125, &"{\"a\": 1}", &0.03);
    reward(&conn, &t(9.0), &"SNIPER", &0.5, &vec![1u8, 2], &0.02);
    // Skipped: nothing of these rows is recorded, not even their good
    // Q-values and ε (all later than the recorded rows).
    let (q, e) = ("[99.0]", 0.9);
    reward(&conn, &t(20.0), &"SNIPER", &Null, &q, &e);
    reward(&conn, &t(21.0), &"SNIPER", &f64::NAN, &q, &e); // stored as NULL
    let text = reward(&conn, &t(22.0), &"SNIPER", &"abc", &q, &e);
    reward(&conn, &t(23.0), &"SNIPER", &f64::INFINITY, &q, &e);
    reward(&conn, &t(24.0), &"SNIPER", &f64::NEG_INFINITY, &q, &e);
    reward(&conn, &t(25.0), &"SNIPER", &1e16, &q, &e);
    reward(&conn, &t(26.0), &Null, &1.0, &q, &e);
    reward(&conn, &t(27.0), &"", &1.0, &q, &e);
    reward(&conn, &t(28.0), &"SNI\nPER", &1.0, &q, &e);
    reward(&conn, &t(29.0), &vec![1u8, 2], &1.0, &q, &e);
    reward(&conn, &Null, &"SNIPER", &1.0, &q, &e);
    reward(&conn, &"yesterday", &"SNIPER", &1.0, &q, &e);
    reward(&conn, &-5.0, &"SNIPER", &1.0, &q, &e);

    let (telemetry, handle) = scrape::telemetry(Telemetry::builder());
    let report = backfill::replay(&path, &telemetry).unwrap();
    let r = &report.reward_logs;
    assert_eq!((r.rows, r.recorded, r.open), (22, 9, 0), "{report}");
    let skip = |reason| r.skipped.get(&reason).copied().unwrap_or(0);
    let reward_column = "immediate_reward";
    assert_eq!(
        skip(SkipReason::Missing {
            column: reward_column
        }),
        2
    );
    assert_eq!(
        skip(SkipReason::WrongType {
            column: reward_column
        }),
        1
    );
    assert_eq!(
        skip(SkipReason::NotFinite {
            column: reward_column
        }),
        2
    );
    assert_eq!(
        skip(SkipReason::OutOfRange {
            column: reward_column
        }),
        1
    );
    assert_eq!(skip(SkipReason::Missing { column: "agent_id" }), 1);
    assert_eq!(skip(SkipReason::InvalidLabel { column: "agent_id" }), 2);
    assert_eq!(skip(SkipReason::WrongType { column: "agent_id" }), 1);
    let ts = "timestamp";
    assert_eq!(skip(SkipReason::Missing { column: ts }), 1);
    assert_eq!(skip(SkipReason::WrongType { column: ts }), 1);
    assert_eq!(skip(SkipReason::OutOfRange { column: ts }), 1);
    assert_eq!(r.skipped_total(), 13);
    assert_eq!(report.skipped_total(), 13);
    let adjusted = |a| report.adjusted.get(&a).copied().unwrap_or(0);
    assert_eq!(adjusted(Adjustment::QValuesEmpty), 1);
    assert_eq!(adjusted(Adjustment::QValuesNotFinite), 2);
    assert_eq!(adjusted(Adjustment::QValuesMalformed), 3);
    assert_eq!(adjusted(Adjustment::QValuesMissing), 2);
    assert_eq!(adjusted(Adjustment::EpsilonMissing), 1);
    assert_eq!(adjusted(Adjustment::EpsilonOutOfRange), 4);
    assert_eq!(report.adjusted.values().sum::<u64>(), 13);
    let examples: Vec<(&str, i64)> = report.examples.iter().map(|x| (x.table, x.id)).collect();
    assert!(examples.contains(&("reward_logs", text)), "{examples:?}");
    assert!(!examples.iter().any(|&(_, id)| id == ok));
    let shown = report.to_string();
    assert!(
        shown.contains("reward_logs: 22 rows, 9 recorded")
            && shown.contains("wrong type in `immediate_reward`: 1")
            && shown.contains("empty q_values: no Q-value: 1"),
        "{shown}"
    );

    let s = scrape::scrape(&telemetry, &handle);
    let value = |name: &str, agent: &str| {
        s.get(&format!("velocitytrader_{name}{{agent=\"{agent}\"}}"))
            .copied()
    };
    let sniper = 0.5 + 0.25 + 0.0 + 0.125 + 0.0625 + 0.03125 + 0.5;
    assert_eq!(value("agent_cumulative_reward", "sniper"), Some(sniper));
    assert_eq!(value("rl_q_value", "sniper"), Some(0.7));
    assert_eq!(value("rl_exploration_rate", "sniper"), Some(0.02));
    assert_eq!(value("agent_cumulative_reward", "berserker"), Some(-0.25));
    assert_eq!(value("agent_cumulative_reward", "system"), Some(1.0));
    for agent in ["berserker", "system"] {
        assert_eq!(value("rl_q_value", agent), None, "no value, not 0");
        assert_eq!(value("rl_exploration_rate", agent), None, "no value, not 0");
    }
    assert!(
        !s.keys().any(|k| k.contains("rl_loss")),
        "no loss in the table"
    );
    assert!(
        s.iter()
            .filter(|(k, _)| k.contains("rl_model_updates"))
            .all(|(_, v)| *v == 0.0),
        "no model update in the table"
    );
    let rejected: f64 = s
        .iter()
        .filter(|(k, _)| k.contains("rejected_events"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(rejected, 0.0, "skips must not also count as rejections");
}

#[test]
fn learners_beyond_the_agent_limit_are_dropped_and_counted_as_live() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let mut conn = engine_db::create(&path);
    let rows = insert_rewards(&mut conn, &sample_rewards(400, START, 3600.0, 5));
    let config = || Telemetry::builder().max_agents(2);
    let (restored, restored_handle) = scrape::telemetry(config());
    let report = backfill::replay(&path, &restored).unwrap();
    assert_eq!(report.reward_logs.recorded, 400, "{report}");
    let (live, live_handle) = scrape::telemetry(config());
    record_live_rewards(&live, &rows);
    let a = scrape::scrape(&restored, &restored_handle);
    scrape::assert_same_series(&a, &scrape::scrape(&live, &live_handle));
    assert!(a["velocitytrader_label_overflow_total{label=\"agent\"}"] > 0.0);
    let mixed = |k: &String| {
        k.contains(OVERFLOW_LABEL)
            && ["cumulative_reward", "q_value", "exploration_rate"]
                .iter()
                .any(|name| k.contains(name))
    };
    assert!(
        !a.keys().any(mixed),
        "learner values of several agents mixed: {a:?}"
    );
}

#[test]
fn a_database_without_reward_logs_replays_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let ddl = engine_db::ENGINE_DDL
        .split(';')
        .filter(|statement| !statement.contains("reward_logs"))
        .collect::<Vec<_>>()
        .join(";");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&ddl).unwrap();
    let rows = engine_db::sample_trades(50, START, 3600.0, 1);
    for row in &rows {
        engine_db::insert_close(&conn, row);
    }
    backfill::check_schema(&path).unwrap();
    let report = backfill::replay(&path, &quiet_telemetry()).unwrap();
    assert!(report.reward_logs.absent, "{report}");
    assert_eq!(report.reward_logs.rows, 0);
    assert_eq!(report.trades_recorded(), 50 - skipped_trades(&rows));
    assert!(
        report
            .to_string()
            .contains("reward_logs: absent (an engine older than the table), nothing read"),
        "{report}"
    );
    let options = OpenMetricsOptions::new(Duration::from_secs(300));
    let history = backfill::write_openmetrics(&path, Vec::new(), &options).unwrap();
    assert!(history.replay.reward_logs.absent);
    let not_asked = ReplayOptions::new().include_rewards(false);
    let report = backfill::replay_with(&path, &quiet_telemetry(), not_asked).unwrap();
    assert!(
        !report.reward_logs.absent,
        "not asked for, so not looked for"
    );

    // Follow mode: the engine is upgraded and creates the table later; the
    // follower reads it from its first row.
    let (mut follower, first) =
        Follower::start(&path, &quiet_telemetry(), ReplayOptions::new()).unwrap();
    assert!(first.reward_logs.absent);
    assert!(follower.poll().unwrap().reward_logs.absent);
    conn.execute_batch(engine_db::ENGINE_DDL).unwrap();
    for row in sample_rewards(6, START + 7200.0, 60.0, 2) {
        engine_db::insert_reward(&conn, &row);
    }
    let polled = follower.poll().unwrap();
    assert!(!polled.reward_logs.absent);
    assert_eq!(polled.reward_logs.rows, 6, "{polled}");
    assert_eq!(follower.watermark().reward_logs, 6);
    assert_eq!(follower.poll().unwrap().reward_logs.rows, 0);
}

fn skipped_trades(rows: &[engine_db::CloseRow]) -> u64 {
    rows.iter()
        .filter(|r| engine_db::expected_trade(r).is_none())
        .count() as u64
}

#[test]
fn a_reward_logs_without_a_needed_column_is_a_typed_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let ddl = engine_db::ENGINE_DDL.replace("    epsilon REAL", "    exploration REAL");
    Connection::open(&path)
        .unwrap()
        .execute_batch(&ddl)
        .unwrap();
    let err = backfill::replay(&path, &quiet_telemetry()).unwrap_err();
    assert!(
        matches!(
            err,
            BackfillError::MissingColumn {
                table: "reward_logs",
                column: "epsilon",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("no such column `epsilon` in table `reward_logs`")
    );
    assert!(backfill::check_schema(&path).is_err());
    let options = OpenMetricsOptions::new(Duration::from_secs(60));
    assert!(backfill::write_openmetrics(&path, Vec::new(), &options).is_err());
    let resumed = Follower::resume(
        &path,
        &quiet_telemetry(),
        backfill::Watermark::default(),
        &ReplayOptions::new(),
    );
    assert!(matches!(resumed, Err(BackfillError::MissingColumn { .. })));
    let not_asked = ReplayOptions::new().include_rewards(false);
    assert!(backfill::replay_with(&path, &quiet_telemetry(), not_asked).is_ok());
}

#[test]
fn a_watermark_saved_before_reward_rows_were_read_resumes_from_the_first() {
    let old = r#"{"trade_logs": 12, "error_logs": 3}"#;
    let watermark: backfill::Watermark = serde_json::from_str(old).unwrap();
    assert_eq!(
        (
            watermark.trade_logs,
            watermark.error_logs,
            watermark.reward_logs
        ),
        (12, 3, 0)
    );
}

// ── performance_logs: never read ─────────────────────────────────────────────

/// Every quirk of §2.2 in `performance_logs`: both writers, `+inf` and
/// `-inf`, NaN (stored as NULL), USD drawdowns ≤ 0, text in number columns.
fn quirky_performance_rows(conn: &Connection) {
    for i in 0..50 {
        let at = START + f64::from(i) * 60.0;
        engine_db::insert_system_performance(conn, at);
        engine_db::insert_logger_performance(conn, at + 1.0, "SNIPER", "EURUSD+");
    }
    conn.execute(
        "INSERT INTO performance_logs (timestamp, agent_id, win_rate, profit_factor,
             sharpe_ratio, max_drawdown, calmar_ratio, kelly_criterion)
         VALUES (?1, 'BERSERKER_PRIME', 'n/a', ?2, ?3, -4500.0, ?4, 'x')",
        params![START, f64::NEG_INFINITY, f64::NAN, f64::INFINITY],
    )
    .unwrap();
}

#[test]
fn performance_logs_changes_nothing_whatever_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let with = temp_db(&dir);
    engine_database(&with, 600);
    quirky_performance_rows(&Connection::open(&with).unwrap());
    let emptied = dir.path().join("emptied.db");
    let dropped = dir.path().join("dropped.db");
    for (copy, sql) in [
        (&emptied, "DELETE FROM performance_logs"),
        (&dropped, "DROP TABLE performance_logs"),
    ] {
        std::fs::copy(&with, copy).unwrap();
        Connection::open(copy).unwrap().execute_batch(sql).unwrap();
    }
    let read = |path: &std::path::Path| {
        let config = || Telemetry::builder().starting_balance(10_000.0);
        let (telemetry, handle) = scrape::telemetry(config());
        let options = ReplayOptions::new().starting_balance(10_000.0);
        let report = backfill::replay_with(path, &telemetry, options).unwrap();
        let history_options =
            OpenMetricsOptions::new(Duration::from_secs(600)).starting_balance(10_000.0);
        let mut history = Vec::new();
        backfill::write_openmetrics(path, &mut history, &history_options).unwrap();
        (report, scrape::scrape(&telemetry, &handle), history)
    };
    let (report, scraped, history) = read(&with);
    assert!(report.trades_recorded() > 0 && report.rewards_recorded() > 0);
    assert!(scraped.contains_key("velocitytrader_max_drawdown{}"));
    for other in [&emptied, &dropped] {
        let (other_report, other_scraped, other_history) = read(other);
        assert_eq!(other_report, report);
        scrape::assert_same_series(&other_scraped, &scraped);
        assert!(other_history == history, "history differs for {other:?}");
    }
}

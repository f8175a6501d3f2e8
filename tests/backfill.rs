//! Backfill from the engine's `trading_logs.db`: restored statistics equal
//! live recording; quirks are skipped and counted; bad files are typed
//! errors; the database is never written; follow mode; OpenMetrics history.
#![cfg(feature = "sqlite")]

#[path = "support/engine_db.rs"]
mod engine_db;
#[path = "support/scrape.rs"]
mod scrape;

use std::path::{Path, PathBuf};
use std::time::Duration;

use engine_db::{CloseRow, expected_trade, in_replay_order, insert_all, sample_trades};
use rusqlite::{Connection, params};
use velocity_metrics::backfill::{
    self, Adjustment, BackfillError, Follower, OpenMetricsOptions, Progress, ReplayOptions,
    SkipReason,
};
use velocity_metrics::{Severity, Telemetry};

const START: f64 = 1_750_000_000.0;

/// A telemetry whose scrape nobody reads.
fn quiet_telemetry() -> Telemetry {
    scrape::telemetry(Telemetry::builder()).0
}

fn temp_db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("trading_logs.db")
}

/// A database with `n` close rows, open rows, errors and a SYSTEM
/// performance row; returns the close rows in replay order and the error
/// severities.
fn engine_database(path: &Path, n: usize) -> (Vec<CloseRow>, Vec<Severity>) {
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

fn record_live(
    telemetry: &Telemetry,
    rows: &[CloseRow],
    errors: &[Severity],
    balance: Option<f64>,
) {
    let mut equity = balance;
    for trade in rows.iter().filter_map(expected_trade) {
        telemetry.record_trade(&trade).expect("valid trade");
        if let Some(b) = &mut equity {
            *b += trade.pnl;
            telemetry
                .record_equity(*b, *b, trade.closed_at)
                .expect("ordered");
        }
    }
    for &s in errors {
        telemetry.record_error(s);
    }
}

#[test]
fn replay_restores_the_statistics_of_live_recording() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let (rows, errors) = engine_database(&path, 3000);
    let (restored, restored_handle) = scrape::telemetry(Telemetry::builder());
    let report = backfill::replay(&path, &restored).unwrap();
    let (live, live_handle) = scrape::telemetry(Telemetry::builder());
    record_live(&live, &rows, &errors, None);

    let expected = rows.iter().filter_map(expected_trade).count() as u64;
    assert_eq!(report.trades_recorded(), expected, "{report}");
    assert_eq!(report.trade_logs.open, 5);
    assert_eq!(report.errors_recorded(), 4);
    let t = &report.trade_logs;
    assert_eq!(t.rows, t.open + t.recorded + t.skipped_total());
    let a = scrape::scrape(&restored, &restored_handle);
    let b = scrape::scrape(&live, &live_handle);
    assert!(a.contains_key("velocitytrader_agent_trades_total{agent=\"system\"}"));
    assert!(a.contains_key("velocitytrader_symbol_pnl{symbol=\"EURUSD+\"}"));
    assert!(a.contains_key("velocitytrader_errors_total{severity=\"critical\"}"));
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
    let (rows, errors) = engine_database(&path, 1500);
    let config = || {
        Telemetry::builder()
            .starting_balance(10_000.0)
            .return_period(Duration::from_secs(3600))
    };
    let (restored, restored_handle) = scrape::telemetry(config());
    let options = ReplayOptions::new().starting_balance(10_000.0);
    let report = backfill::replay_with(&path, &restored, options).unwrap();
    assert_eq!(report.equity_samples, report.trades_recorded());
    let (live, live_handle) = scrape::telemetry(config());
    record_live(&live, &rows, &errors, Some(10_000.0));
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
fn bad_files_are_typed_errors_naming_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let telemetry = quiet_telemetry();
    let missing = dir.path().join("nope.db");
    let err = backfill::replay(&missing, &telemetry).unwrap_err();
    assert!(
        matches!(&err, BackfillError::NotFound { path } if *path == missing),
        "{err}"
    );
    assert!(err.to_string().contains("nope.db"));
    assert!(!missing.exists(), "a missing database must not be created");

    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "this is not sqlite, just some text that is long enough to fill a header",
    )
    .unwrap();
    let err = backfill::replay(&text, &telemetry).unwrap_err();
    assert!(matches!(err, BackfillError::NotADatabase { .. }), "{err}");

    let err = backfill::replay(dir.path(), &telemetry).unwrap_err();
    assert!(matches!(err, BackfillError::Open { .. }), "{err}");

    let no_table = dir.path().join("empty.db");
    Connection::open(&no_table)
        .unwrap()
        .execute_batch("CREATE TABLE other(x)")
        .unwrap();
    let err = backfill::replay(&no_table, &telemetry).unwrap_err();
    assert!(
        matches!(
            err,
            BackfillError::MissingTable {
                table: "trade_logs",
                ..
            }
        ),
        "{err}"
    );

    // The original exporter's bug, as a schema: `confidence`, not `confidence_score`.
    let renamed = dir.path().join("renamed.db");
    let ddl = engine_db::ENGINE_DDL.replace("confidence_score REAL", "confidence REAL");
    Connection::open(&renamed)
        .unwrap()
        .execute_batch(&ddl)
        .unwrap();
    let err = backfill::replay(&renamed, &telemetry).unwrap_err();
    assert!(
        matches!(
            err,
            BackfillError::MissingColumn {
                table: "trade_logs",
                column: "confidence_score",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("no such column `confidence_score` in table `trade_logs`")
    );
    assert!(backfill::check_schema(&renamed).is_err());

    let no_errors = dir.path().join("no_errors.db");
    let ddl = engine_db::ENGINE_DDL.replace("error_logs", "error_log_archive");
    Connection::open(&no_errors)
        .unwrap()
        .execute_batch(&ddl)
        .unwrap();
    let err = backfill::replay(&no_errors, &telemetry).unwrap_err();
    assert!(
        matches!(
            err,
            BackfillError::MissingTable {
                table: "error_logs",
                ..
            }
        ),
        "{err}"
    );
    let options = ReplayOptions::new().include_errors(false);
    assert!(backfill::replay_with(&no_errors, &telemetry, options).is_ok());
}

#[test]
fn corrupt_pages_are_a_typed_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    engine_database(&path, 2000);
    let telemetry = quiet_telemetry();
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    // Wreck the b-tree page headers of every page after the schema page.
    for start in (2 * page..bytes.len()).step_by(page) {
        bytes[start..start + 12].fill(0xEE);
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = backfill::replay(&path, &telemetry).unwrap_err();
    assert!(matches!(err, BackfillError::Corrupt { .. }), "{err}");
}

#[test]
fn a_hot_journal_is_a_typed_error_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let live = temp_db(&dir);
    engine_database(&live, 2000);
    // A writer whose transaction spilled to the file, copied mid-way: the
    // copy has a hot journal that only a read-write connection may roll back.
    let writer = Connection::open(&live).unwrap();
    writer
        .execute_batch("PRAGMA cache_size = 2; BEGIN; UPDATE trade_logs SET pnl = pnl + 1;")
        .unwrap();
    let copy = dir.path().join("copy.db");
    std::fs::copy(&live, &copy).unwrap();
    std::fs::copy(
        dir.path().join("trading_logs.db-journal"),
        dir.path().join("copy.db-journal"),
    )
    .unwrap();
    writer.execute_batch("ROLLBACK").unwrap();
    let before = (
        std::fs::read(&copy).unwrap(),
        std::fs::read(dir.path().join("copy.db-journal")).unwrap(),
    );
    let err = backfill::replay(&copy, &quiet_telemetry()).unwrap_err();
    assert!(matches!(err, BackfillError::NeedsRecovery { .. }), "{err}");
    let after = (
        std::fs::read(&copy).unwrap(),
        std::fs::read(dir.path().join("copy.db-journal")).unwrap(),
    );
    assert!(
        before == after,
        "the database and its journal are untouched"
    );
}

#[test]
fn a_writer_holding_an_exclusive_lock_gives_busy_after_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    engine_database(&path, 10);
    let writer = Connection::open(&path).unwrap();
    writer.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let telemetry = quiet_telemetry();
    let options = ReplayOptions::new().busy_timeout(Duration::from_millis(200));
    let err = backfill::replay_with(&path, &telemetry, options).unwrap_err();
    assert!(matches!(err, BackfillError::Busy { .. }), "{err}");
    writer.execute_batch("ROLLBACK").unwrap();
    assert!(backfill::replay(&path, &telemetry).is_ok());
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
    // 1000 closed trades and 4 errors as read, then the 5 open rows at the end.
    assert_eq!(done, [300, 600, 900, 1009]);
    assert!(seen.iter().all(|p| p.rows_total == 1009));
}

// ── never written, never locked ──────────────────────────────────────────────

/// The bytes of the database and of its `-wal` file, if any.
fn fingerprint(path: &Path) -> (Vec<u8>, Option<Vec<u8>>) {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    (
        std::fs::read(path).unwrap(),
        std::fs::read(PathBuf::from(wal)).ok(),
    )
}

/// Runs every read operation once; returns the trades the replay recorded.
fn read_every_way(path: &Path, out_dir: &Path) -> u64 {
    let report = backfill::replay(path, &quiet_telemetry()).unwrap();
    backfill::check_schema(path).unwrap();
    let options = OpenMetricsOptions::new(Duration::from_secs(300)).starting_balance(10_000.0);
    backfill::write_openmetrics(path, Vec::new(), &options).unwrap();
    backfill::write_openmetrics_file(path, &out_dir.join("history.om"), &options).unwrap();
    let (mut follower, _) =
        Follower::start(path, &quiet_telemetry(), ReplayOptions::new()).unwrap();
    follower.poll().unwrap();
    report.trades_recorded()
}

fn never_written_while_a_writer_holds_a_transaction(journal_mode: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let (rows, _) = engine_database(&path, 500);
    let writer = Connection::open(&path).unwrap();
    let mode: String = writer
        .query_row(&format!("PRAGMA journal_mode = {journal_mode}"), [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(mode, journal_mode);
    engine_db::insert_close(&writer, &rows[0]); // committed: a WAL file with frames
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    engine_db::insert_close(&writer, &rows[1]); // not committed while we read
    let before = fingerprint(&path);
    if journal_mode == "wal" {
        assert!(
            before.1.as_ref().is_some_and(|w| !w.is_empty()),
            "WAL has frames"
        );
    }
    let recorded = read_every_way(&path, out.path());
    assert_eq!(fingerprint(&path), before, "{journal_mode}: bytes changed");
    let expected = rows.iter().filter_map(expected_trade).count() as u64;
    let first_committed = u64::from(expected_trade(&rows[0]).is_some());
    assert_eq!(
        recorded,
        expected + first_committed,
        "the open transaction is invisible"
    );
    writer.execute_batch("COMMIT").unwrap();
}

#[test]
fn the_database_is_never_written_in_rollback_journal_mode() {
    never_written_while_a_writer_holds_a_transaction("delete");
}

#[test]
fn the_database_and_its_wal_are_never_written_in_wal_mode() {
    never_written_while_a_writer_holds_a_transaction("wal");
}

// ── follow mode ──────────────────────────────────────────────────────────────

#[test]
fn follow_mode_records_exactly_the_rows_appended_since_the_last_poll() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let (history, errors) = engine_database(&path, 300);
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
    let polled = follower.poll().unwrap();
    let expected_new = appended.iter().filter_map(expected_trade).count() as u64;
    assert_eq!(
        (polled.trade_logs.rows, polled.trade_logs.open),
        (41, 1),
        "{polled}"
    );
    assert_eq!(polled.trades_recorded(), expected_new);
    assert_eq!(polled.errors_recorded(), 1);
    assert!(follower.watermark().trade_logs > first.watermark.trade_logs);
    assert_eq!(
        follower.poll().unwrap(),
        backfill::ReplayReport {
            watermark: follower.watermark(),
            ..Default::default()
        }
    );

    let (live, live_handle) = scrape::telemetry(Telemetry::builder());
    record_live(&live, &history, &errors, None);
    record_live(&live, &appended_in_id_order, &[Severity::Medium], None);
    scrape::assert_same_series(
        &scrape::scrape(&followed, &followed_handle),
        &scrape::scrape(&live, &live_handle),
    );
}

#[test]
fn a_follower_holds_no_lock_between_polls() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let (rows, _) = engine_database(&path, 50);
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

/// `(name{labels}, value, timestamp)` of a sample line.
fn sample_line(line: &str) -> (String, f64, f64) {
    let mut parts = line.rsplitn(3, ' ');
    let ts = parts.next().unwrap().parse().unwrap();
    let value = match parts.next().unwrap() {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().unwrap(),
    };
    (parts.next().unwrap().to_owned(), value, ts)
}

fn history(path: &Path, options: &OpenMetricsOptions) -> (String, backfill::HistoryReport) {
    let mut out = Vec::new();
    let report = backfill::write_openmetrics(path, &mut out, options).unwrap();
    (String::from_utf8(out).unwrap(), report)
}

#[test]
fn openmetrics_history_is_well_formed_for_promtool() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    engine_database(&path, 800);
    let options = OpenMetricsOptions::new(Duration::from_secs(300)).starting_balance(10_000.0);
    let (text, report) = history(&path, &options);
    assert_eq!(text.lines().last(), Some("# EOF"));
    assert!(
        report.steps > 800 && report.series > 40 && report.samples > report.steps,
        "{report:?}"
    );
    let (first, last) = report.span.unwrap();
    assert_eq!(report.steps, ((last - first) / 300.0) as u64 + 1);

    let mut families_done = std::collections::HashSet::new();
    let mut series_done = std::collections::HashSet::new();
    let (mut family, mut kind, mut helped) = (String::new(), String::new(), false);
    let (mut series, mut previous) = (String::new(), (f64::NEG_INFINITY, f64::NEG_INFINITY));
    for line in text.lines().filter(|l| *l != "# EOF") {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            family = rest.split(' ').next().unwrap().to_owned();
            assert!(
                families_done.insert(family.clone()),
                "family {family} is split"
            );
            (kind, helped) = (String::new(), true);
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, k) = rest.split_once(' ').unwrap();
            assert!(helped && name == family, "{line}");
            assert!(k == "counter" || k == "gauge", "{line}");
            kind = k.to_owned();
        } else if let Some(rest) = line.strip_prefix("# UNIT ") {
            assert_eq!(rest, format!("{family} seconds"));
            assert!(family.ends_with("_seconds"));
        } else {
            let (name, value, ts) = sample_line(line);
            let metric = name.split('{').next().unwrap();
            let expected = if kind == "counter" {
                format!("{family}_total")
            } else {
                family.clone()
            };
            assert_eq!(metric, expected, "sample outside its family: {line}");
            if name != series {
                assert!(series_done.insert(name.clone()), "series {name} is split");
                (series, previous) = (name.clone(), (f64::NEG_INFINITY, f64::NEG_INFINITY));
            }
            assert!(ts > previous.0, "timestamps must increase: {line}");
            assert_eq!(ts % 300.0, 0.0, "{line}");
            if kind == "counter" {
                assert!(value >= previous.1, "counter went down: {line}");
            }
            previous = (ts, value);
        }
    }
    for fabricated in [
        "uptime",
        "ticks",
        "build_info",
        "rejected",
        "physics",
        "rl_",
        "signals",
    ] {
        assert!(
            !text.contains(&format!("velocitytrader_{fabricated}")),
            "{fabricated}"
        );
    }
    assert!(families_done.contains("velocitytrader_trades"));
    assert!(families_done.contains("velocitytrader_max_drawdown"));
    assert!(families_done.contains("velocitytrader_errors"));
    assert!(text.contains("# UNIT velocitytrader_trade_duration_avg_seconds seconds"));
}

#[test]
fn openmetrics_samples_count_every_event_up_to_their_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let conn = engine_db::create(&path);
    let base = 1_749_999_960.0; // a multiple of 60
    for (offset, pnl) in [(10.0, 5.0), (70.0, -2.0), (200.0, 3.0), (240.0, 1.0)] {
        let row = CloseRow {
            timestamp: base + offset,
            agent_id: "SNIPER",
            instrument: "EURUSD+",
            timeframe: "M5",
            pnl,
            trade_duration: 30.0,
            confidence_score: 0.0,
        };
        engine_db::insert_close(&conn, &row);
    }
    engine_db::insert_error(&conn, base + 100.0, "CRITICAL");
    let (text, report) = history(&path, &OpenMetricsOptions::new(Duration::from_secs(60)));
    assert_eq!(report.span, Some((base + 60.0, base + 240.0)));
    let series = |name: &str| -> Vec<(f64, f64)> {
        text.lines()
            .filter(|l| l.starts_with(&format!("{name} ")))
            .map(|l| {
                let (_, v, t) = sample_line(l);
                (t - base, v)
            })
            .collect()
    };
    assert_eq!(
        series("velocitytrader_trades_total"),
        [(60.0, 1.0), (120.0, 2.0), (180.0, 2.0), (240.0, 4.0)]
    );
    assert_eq!(
        series("velocitytrader_pnl_total"),
        [(60.0, 5.0), (120.0, 3.0), (180.0, 3.0), (240.0, 7.0)]
    );
    assert_eq!(
        series("velocitytrader_profit_factor"),
        [
            (60.0, f64::INFINITY),
            (120.0, 2.5),
            (180.0, 2.5),
            (240.0, 4.5)
        ]
    );
    assert_eq!(
        series("velocitytrader_errors_critical_total"),
        [(60.0, 0.0), (120.0, 1.0), (180.0, 1.0), (240.0, 1.0)]
    );
    assert_eq!(
        series("velocitytrader_agent_trades_total{agent=\"sniper\"}"),
        [(60.0, 1.0), (120.0, 2.0), (180.0, 2.0), (240.0, 4.0)]
    );
}

#[test]
fn openmetrics_last_samples_equal_the_replayed_telemetry() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    engine_database(&path, 1200);
    let config = || Telemetry::builder().starting_balance(10_000.0);
    let (text, _) = history(
        &path,
        &OpenMetricsOptions::new(Duration::from_secs(600)).starting_balance(10_000.0),
    );
    let (replayed, handle) = scrape::telemetry(config());
    backfill::replay_with(
        &path,
        &replayed,
        ReplayOptions::new().starting_balance(10_000.0),
    )
    .unwrap();
    let live = scrape::scrape(&replayed, &handle);
    let mut last = std::collections::BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (name, value, _) = sample_line(line);
        let key = if name.contains('{') {
            name
        } else {
            format!("{name}{{}}")
        };
        last.insert(key, value);
    }
    assert!(last.len() > 40);
    for (key, value) in &last {
        let expected = live
            .get(key)
            .unwrap_or_else(|| panic!("{key} not in the live scrape"));
        assert!(
            value.to_bits() == expected.to_bits() || (value.is_nan() && expected.is_nan()),
            "{key}: {value} != {expected}"
        );
    }
}

#[test]
fn openmetrics_refuses_bad_options_and_never_overwrites_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    engine_database(&path, 100);
    let before = std::fs::read(&path).unwrap();
    let err =
        backfill::write_openmetrics(&path, Vec::new(), &OpenMetricsOptions::new(Duration::ZERO))
            .unwrap_err();
    assert!(
        matches!(err, BackfillError::InvalidOption { option: "step", .. }),
        "{err}"
    );
    let minute = OpenMetricsOptions::new(Duration::from_secs(60));
    let err = backfill::write_openmetrics_file(&path, &path, &minute).unwrap_err();
    assert!(
        matches!(err, BackfillError::OutputIsDatabase { .. }),
        "{err}"
    );
    let out = dir.path().join("history.om");
    let err =
        backfill::write_openmetrics_file(&path, &out, &minute.clone().max_steps(10)).unwrap_err();
    assert!(
        matches!(err, BackfillError::TooManySteps { max: 10, .. }),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        ["trading_logs.db"],
        "no partial output is left behind"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

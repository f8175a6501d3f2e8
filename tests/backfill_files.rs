//! Backfill robustness: bad, corrupt, locked and journaled files are typed
//! errors, and the engine's database is never written.
#![cfg(feature = "sqlite")]

#[path = "support/engine_db.rs"]
mod engine_db;
#[path = "common/exposition.rs"]
mod exposition;
#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/scrape.rs"]
mod scrape;

use std::path::{Path, PathBuf};
use std::time::Duration;

use engine_db::{expected_reward, expected_trade};
use fixtures::{engine_database, quiet_telemetry, temp_db};
use rusqlite::Connection;
use velocity_metrics::backfill::{
    self, BackfillError, Follower, OpenMetricsOptions, ReplayOptions,
};

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

/// The bytes of the database and of its `-wal` file, if any.
fn fingerprint(path: &Path) -> (Vec<u8>, Option<Vec<u8>>) {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    (
        std::fs::read(path).unwrap(),
        std::fs::read(PathBuf::from(wal)).ok(),
    )
}

/// Runs every read operation once; returns the trades and rewards the
/// replay recorded.
fn read_every_way(path: &Path, out_dir: &Path) -> (u64, u64) {
    let report = backfill::replay(path, &quiet_telemetry()).unwrap();
    backfill::check_schema(path).unwrap();
    let options = OpenMetricsOptions::new(Duration::from_secs(300)).starting_balance(10_000.0);
    backfill::write_openmetrics(path, Vec::new(), &options).unwrap();
    backfill::write_openmetrics_file(path, &out_dir.join("history.om"), &options).unwrap();
    let (mut follower, _) =
        Follower::start(path, &quiet_telemetry(), ReplayOptions::new()).unwrap();
    follower.poll().unwrap();
    (report.trades_recorded(), report.rewards_recorded())
}

fn never_written_while_a_writer_holds_a_transaction(journal_mode: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let path = temp_db(&dir);
    let db = engine_database(&path, 500);
    let rows = &db.trades;
    let writer = Connection::open(&path).unwrap();
    let mode: String = writer
        .query_row(&format!("PRAGMA journal_mode = {journal_mode}"), [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(mode, journal_mode);
    engine_db::insert_close(&writer, &rows[0]); // committed: a WAL file with frames
    engine_db::insert_reward(&writer, &db.rewards[0]);
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    engine_db::insert_close(&writer, &rows[1]); // not committed while we read
    engine_db::insert_reward(&writer, &db.rewards[1]);
    let before = fingerprint(&path);
    if journal_mode == "wal" {
        assert!(
            before.1.as_ref().is_some_and(|w| !w.is_empty()),
            "WAL has frames"
        );
    }
    let (recorded, rewards) = read_every_way(&path, out.path());
    assert_eq!(fingerprint(&path), before, "{journal_mode}: bytes changed");
    let expected = rows.iter().filter_map(expected_trade).count() as u64;
    let first_committed = u64::from(expected_trade(&rows[0]).is_some());
    assert_eq!(
        recorded,
        expected + first_committed,
        "the open transaction is invisible"
    );
    let expected = db.rewards.iter().filter_map(expected_reward).count() as u64;
    let first_committed = u64::from(expected_reward(&db.rewards[0]).is_some());
    assert!(expected > 200);
    assert_eq!(
        rewards,
        expected + first_committed,
        "the open transaction's reward is invisible"
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

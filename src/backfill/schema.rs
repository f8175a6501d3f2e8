//! The up-front schema check: the tables and columns the reader needs, by
//! name.

use std::path::Path;

use rusqlite::Connection;

use super::error::BackfillError;
use super::open::{DEFAULT_BUSY_TIMEOUT, Database};

/// Columns of `trade_logs` the reader uses (the table has 21; the others are
/// ignored).
pub const TRADE_LOGS_COLUMNS: &[&str] = &[
    "id",
    "timestamp",
    "agent_id",
    "instrument",
    "timeframe",
    "pnl",
    "trade_duration",
    "confidence_score",
];

/// Columns of `error_logs` the reader uses (the table has 12).
pub const ERROR_LOGS_COLUMNS: &[&str] = &["id", "timestamp", "severity"];

/// Columns of `reward_logs` the reader uses (the table has 15). The table
/// itself is optional: engines older than it have none.
pub const REWARD_LOGS_COLUMNS: &[&str] = &[
    "id",
    "timestamp",
    "agent_id",
    "immediate_reward",
    "q_values",
    "epsilon",
];

/// Checks, without reading any row, that the database at `path` has every
/// table and column the reader needs: `trade_logs` and `error_logs` with
/// their columns, and `reward_logs` with its columns if the table exists (a
/// database without it is legal; `performance_logs` is never read, so it is
/// not checked).
///
/// ```no_run
/// use velocity_metrics::backfill::{BackfillError, check_schema};
/// match check_schema("trading_logs.db".as_ref()) {
///     Err(BackfillError::MissingColumn { table, column, .. }) => {
///         eprintln!("`{table}` lacks `{column}`");
///     }
///     other => other?,
/// }
/// # Ok::<(), BackfillError>(())
/// ```
///
/// # Errors
/// [`BackfillError::MissingTable`] or [`BackfillError::MissingColumn`]
/// naming the first gap, or the errors of opening the file.
pub fn check_schema(path: &Path) -> Result<(), BackfillError> {
    let db = Database::open(path, DEFAULT_BUSY_TIMEOUT)?;
    db.snapshot(|conn| check(&db, conn, true, true).map(drop))
}

/// Checks `trade_logs`, `error_logs` when `errors` is set and `reward_logs`
/// when `rewards` is set; returns whether `reward_logs` is to be read (asked
/// for and present).
pub(crate) fn check(
    db: &Database,
    conn: &Connection,
    errors: bool,
    rewards: bool,
) -> Result<bool, BackfillError> {
    check_table(db, conn, "trade_logs", TRADE_LOGS_COLUMNS)?;
    if errors {
        check_table(db, conn, "error_logs", ERROR_LOGS_COLUMNS)?;
    }
    if rewards {
        return check_rewards(db, conn);
    }
    Ok(false)
}

/// Whether `reward_logs` exists; if it does, it must have its columns.
pub(crate) fn check_rewards(db: &Database, conn: &Connection) -> Result<bool, BackfillError> {
    if !has_table(db, conn, "reward_logs")? {
        return Ok(false);
    }
    check_table(db, conn, "reward_logs", REWARD_LOGS_COLUMNS)?;
    Ok(true)
}

/// Whether `table` exists (as a table, not a view).
fn has_table(db: &Database, conn: &Connection, table: &str) -> Result<bool, BackfillError> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
        [table],
        |row| row.get::<_, i64>(0),
    )
    .map(|n| n > 0)
    .map_err(|e| db.fail(e))
}

fn check_table(
    db: &Database,
    conn: &Connection,
    table: &'static str,
    needed: &'static [&'static str],
) -> Result<(), BackfillError> {
    let mut stmt = conn
        .prepare_cached("SELECT name FROM pragma_table_info(?1)")
        .map_err(|e| db.fail(e))?;
    let present: Vec<String> = stmt
        .query_map([table], |row| row.get::<_, String>(0))
        .and_then(Iterator::collect)
        .map_err(|e| db.fail(e))?;
    if present.is_empty() {
        return Err(BackfillError::MissingTable {
            path: db.path().to_path_buf(),
            table,
        });
    }
    for &column in needed {
        if !present.iter().any(|name| name.eq_ignore_ascii_case(column)) {
            return Err(BackfillError::MissingColumn {
                path: db.path().to_path_buf(),
                table,
                column,
            });
        }
    }
    Ok(())
}

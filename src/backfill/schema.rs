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

/// Checks, without reading any row, that the database at `path` has every
/// table and column the reader needs.
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
    db.snapshot(|conn| check(&db, conn, true))
}

/// Checks `trade_logs` and, when `errors` is set, `error_logs`.
pub(crate) fn check(db: &Database, conn: &Connection, errors: bool) -> Result<(), BackfillError> {
    check_table(db, conn, "trade_logs", TRADE_LOGS_COLUMNS)?;
    if errors {
        check_table(db, conn, "error_logs", ERROR_LOGS_COLUMNS)?;
    }
    Ok(())
}

fn check_table(
    db: &Database,
    conn: &Connection,
    table: &'static str,
    needed: &'static [&'static str],
) -> Result<(), BackfillError> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1)")
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

//! [`BackfillError`]: why a database could not be read (or history written).

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::ErrorCode;
use thiserror::Error;

/// A database could not be read as a whole. Problems confined to single rows
/// are not errors: they are skipped and counted in the
/// [`ReplayReport`](super::ReplayReport).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BackfillError {
    /// The file does not exist. It is never created.
    #[error("database file {} does not exist (it is opened read-only and never created)", path.display())]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file exists but could not be opened (a directory, no permission…).
    #[error("cannot open {} read-only: {source}", path.display())]
    Open {
        /// The path given.
        path: PathBuf,
        /// What SQLite or the file system said.
        #[source]
        source: rusqlite::Error,
    },
    /// The file is not an SQLite database.
    #[error("{} is not an SQLite database", path.display())]
    NotADatabase {
        /// The path given.
        path: PathBuf,
    },
    /// SQLite found corrupt pages.
    #[error("{} is corrupt: {detail}", path.display())]
    Corrupt {
        /// The path given.
        path: PathBuf,
        /// SQLite's message.
        detail: String,
    },
    /// A writer held its lock for longer than the busy timeout.
    #[error("{} stayed locked by a writer for {waited:?}; retry later or raise the busy timeout", path.display())]
    Busy {
        /// The path given.
        path: PathBuf,
        /// The busy timeout that expired.
        waited: Duration,
    },
    /// A crashed writer left a hot journal that only a read-write connection
    /// may roll back; this reader never writes, so it cannot.
    #[error(
        "{} has a hot journal left by an interrupted writer; open it once read-write (the engine or `sqlite3`) to recover it",
        path.display()
    )]
    NeedsRecovery {
        /// The path given.
        path: PathBuf,
    },
    /// A table the reader needs is missing.
    #[error("no such table `{table}` in {}", path.display())]
    MissingTable {
        /// The path given.
        path: PathBuf,
        /// The missing table.
        table: &'static str,
    },
    /// A column the reader needs is missing (for example `confidence_score`
    /// in a table that names it `confidence`).
    #[error("no such column `{column}` in table `{table}` of {}", path.display())]
    MissingColumn {
        /// The path given.
        path: PathBuf,
        /// The table.
        table: &'static str,
        /// The missing column.
        column: &'static str,
    },
    /// Any other SQLite failure while reading.
    #[error("reading {} failed: {source}", path.display())]
    Sqlite {
        /// The path given.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// An option is out of its domain.
    #[error("invalid option `{option}`: {reason}")]
    InvalidOption {
        /// The option's name.
        option: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// [`ReplayOptions::starting_balance`](super::ReplayOptions::starting_balance)
    /// disagrees with the telemetry's starting balance, which is the one that
    /// counts (it is the first equity peak). Nothing was read.
    #[error(
        "the replay options say the starting balance is {} but the telemetry's is {}; the telemetry holds the starting balance: build it with TelemetryBuilder::starting_balance({}) and drop ReplayOptions::starting_balance",
        crate::error::Readable(*.options),
        .telemetry.map_or_else(|| "not set".to_owned(), |b| crate::error::Readable(b).to_string()),
        crate::error::Readable(*.options)
    )]
    StartingBalanceMismatch {
        /// The balance the replay options gave.
        options: f64,
        /// The telemetry's starting balance, if it has one.
        telemetry: Option<f64>,
    },
    /// The history would need more steps than the configured limit.
    #[error(
        "the history needs more than {max} steps of {step:?}; choose a longer step or raise max_steps"
    )]
    TooManySteps {
        /// The step.
        step: Duration,
        /// The limit.
        max: u64,
    },
    /// The output path names the database itself.
    #[error("refusing to write history over the database {}", path.display())]
    OutputIsDatabase {
        /// The path given.
        path: PathBuf,
    },
    /// Writing the history failed.
    #[error("cannot write history to {}: {source}", path.display())]
    Write {
        /// The output path (`-` for a caller's writer).
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// `SQLITE_READONLY_ROLLBACK`: a hot journal needs a read-write connection.
const READONLY_ROLLBACK: i32 = 776;

/// Turns a SQLite error into the most specific variant.
pub(crate) fn classify(
    path: &std::path::Path,
    busy: Duration,
    e: rusqlite::Error,
) -> BackfillError {
    let path = path.to_path_buf();
    if let rusqlite::Error::SqliteFailure(code, message) = &e {
        match code.code {
            ErrorCode::NotADatabase => return BackfillError::NotADatabase { path },
            ErrorCode::DatabaseCorrupt => {
                let detail = message.clone().unwrap_or_else(|| e.to_string());
                return BackfillError::Corrupt { path, detail };
            }
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                return BackfillError::Busy { path, waited: busy };
            }
            ErrorCode::ReadOnly if code.extended_code == READONLY_ROLLBACK => {
                return BackfillError::NeedsRecovery { path };
            }
            ErrorCode::CannotOpen | ErrorCode::PermissionDenied => {
                return BackfillError::Open { path, source: e };
            }
            _ => {}
        }
    }
    BackfillError::Sqlite { path, source: e }
}

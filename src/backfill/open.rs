//! Opening the database read-only and reading it in one snapshot.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::error::{BackfillError, classify};

/// Default time to wait for a writer's lock.
pub(crate) const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A read-only connection and the path it was opened from.
pub(crate) struct Database {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
}

impl Database {
    /// Opens `path` read-only. Never creates the file, never writes, never
    /// checkpoints on close.
    pub(crate) fn open(path: &Path, busy_timeout: Duration) -> Result<Self, BackfillError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackfillError::NotFound {
                    path: path.to_path_buf(),
                });
            }
            Ok(meta) if meta.is_dir() => {
                return Err(BackfillError::Open {
                    path: path.to_path_buf(),
                    source: rusqlite::Error::InvalidPath(path.to_path_buf()),
                });
            }
            _ => {}
        }
        // No SQLITE_OPEN_CREATE: SQLite refuses to create a missing file.
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let fail = |e| classify(path, busy_timeout, e);
        let conn = Connection::open_with_flags(path, flags).map_err(fail)?;
        conn.busy_timeout(busy_timeout).map_err(fail)?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(fail)?;
        conn.pragma_update(None, "query_only", true).map_err(fail)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            busy_timeout,
        })
    }

    /// The path the database was opened from.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Classifies a SQLite error of this database.
    pub(crate) fn fail(&self, e: rusqlite::Error) -> BackfillError {
        classify(&self.path, self.busy_timeout, e)
    }

    /// Runs `read` inside one read transaction, so every query sees the same
    /// snapshot. The transaction is always ended, on error too.
    pub(crate) fn snapshot<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, BackfillError>,
    ) -> Result<T, BackfillError> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(|e| self.fail(e))?;
        let result = read(&self.conn);
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self.conn.execute_batch(end).map_err(|e| self.fail(e));
        let value = result?;
        ended?;
        Ok(value)
    }
}

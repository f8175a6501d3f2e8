//! Follow mode: record the rows an engine appends, polling by row id.

use std::fmt;
use std::path::Path;

use super::apply::Applier;
use super::error::BackfillError;
use super::open::Database;
use super::replay::{ReplayOptions, replay_into};
use super::report::{ReplayReport, Watermark};
use super::reward_rows::{REWARD_COLUMNS, RewardDecoder};
use super::rows::{ERROR_COLUMNS, TRADE_COLUMNS, TradeDecoder, decode_error};
use super::schema;
use crate::telemetry::Telemetry;

/// Polls a live `trading_logs.db` for rows appended since the last poll and
/// records them, for engines that write only to SQLite.
///
/// It reads `trade_logs`, `error_logs` and `reward_logs` as
/// [`replay`](super::replay) does (each optional table only when asked for;
/// a `reward_logs` created after the follower started is picked up from its
/// first row). It remembers the highest `id` read from each table (a
/// [`Watermark`]) and
/// each [`poll`](Self::poll) reads only `WHERE id > watermark` through the
/// rowid index, so a poll costs in proportion to the new rows, not to the
/// history. New rows are recorded in `id` (insertion) order, table by table
/// (trades, errors, rewards; the statistics of one table do not depend on
/// the others, so only the order within a table matters). Ids come from
/// `AUTOINCREMENT`, so they are never reused; a row changed in place by an
/// `UPDATE` after it was read is not seen again (the engine only inserts).
/// Between polls no transaction is open and no lock is held.
///
/// ```no_run
/// use std::time::Duration;
/// use velocity_metrics::Telemetry;
/// use velocity_metrics::backfill::{Follower, ReplayOptions};
///
/// let telemetry = Telemetry::builder().build();
/// let (mut follower, restored) =
///     Follower::start("trading_logs.db".as_ref(), &telemetry, ReplayOptions::new())?;
/// println!("restored: {restored}");
/// loop {
///     let new = follower.poll()?;
///     if new.trades_recorded() > 0 {
///         telemetry.publish();
///     }
///     std::thread::sleep(Duration::from_secs(5));
/// }
/// # Ok::<(), velocity_metrics::backfill::BackfillError>(())
/// ```
pub struct Follower {
    db: Database,
    applier: Applier,
    decoder: TradeDecoder,
    rewards: RewardDecoder,
    watermark: Watermark,
    errors: bool,
    /// `reward_logs` is to be read, and whether it was found.
    reward_table: RewardTable,
}

/// The optional `reward_logs` table, as far as the follower knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RewardTable {
    /// Not asked for.
    Ignored,
    /// Asked for, not (yet) in the database: looked for on every poll.
    Absent,
    /// Asked for and found (its columns checked).
    Present,
}

impl RewardTable {
    fn new(wanted: bool, present: bool) -> Self {
        match (wanted, present) {
            (false, _) => Self::Ignored,
            (true, false) => Self::Absent,
            (true, true) => Self::Present,
        }
    }
}

impl fmt::Debug for Follower {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Follower")
            .field("path", &self.db.path())
            .field("watermark", &self.watermark)
            .field("errors", &self.errors)
            .field("reward_table", &self.reward_table)
            .finish_non_exhaustive()
    }
}

impl Follower {
    /// Replays the whole database into `telemetry` (as
    /// [`replay_with`](super::replay_with)), then follows it from the end of
    /// that snapshot. The equity curve, if any, continues from the replay's
    /// last balance.
    ///
    /// # Errors
    /// As [`replay_with`](super::replay_with).
    pub fn start(
        path: &Path,
        telemetry: &Telemetry,
        mut options: ReplayOptions<'_>,
    ) -> Result<(Self, ReplayReport), BackfillError> {
        let balance = options.equity_start(telemetry)?;
        let db = Database::open(path, options.busy_timeout)?;
        let mut applier = Applier::new(telemetry, balance, options.errors);
        let report = replay_into(&db, &mut applier, &mut options)?;
        let present = !report.reward_logs.absent;
        let follower = Self {
            db,
            applier,
            decoder: TradeDecoder::new(),
            rewards: RewardDecoder::new(),
            watermark: report.watermark,
            errors: options.errors,
            reward_table: RewardTable::new(options.rewards, present),
        };
        Ok((follower, report))
    }

    /// Follows the database from `watermark` without replaying what came
    /// before (a zero watermark reads everything, in `id` order, on the first
    /// poll). With a telemetry starting balance, the equity curve continues
    /// from [`ReplayOptions::resume_balance`] (the balance at the
    /// watermark; default the starting balance); progress callbacks are not
    /// used.
    ///
    /// # Errors
    /// Opening the file or the schema check fails, or
    /// [`BackfillError::StartingBalanceMismatch`].
    pub fn resume(
        path: &Path,
        telemetry: &Telemetry,
        watermark: Watermark,
        options: &ReplayOptions<'_>,
    ) -> Result<Self, BackfillError> {
        let balance = options
            .equity_start(telemetry)?
            .map(|start| options.resume_balance.unwrap_or(start));
        let db = Database::open(path, options.busy_timeout)?;
        let present =
            db.snapshot(|conn| schema::check(&db, conn, options.errors, options.rewards))?;
        Ok(Self {
            db,
            applier: Applier::new(telemetry, balance, options.errors),
            decoder: TradeDecoder::new(),
            rewards: RewardDecoder::new(),
            watermark,
            errors: options.errors,
            reward_table: RewardTable::new(options.rewards, present),
        })
    }

    /// The highest ids read so far.
    #[must_use]
    pub fn watermark(&self) -> Watermark {
        self.watermark
    }

    /// The telemetry rows are recorded into.
    #[must_use]
    pub fn telemetry(&self) -> &Telemetry {
        self.applier.telemetry()
    }

    /// Reads and records the rows appended since the last poll (one read
    /// snapshot for all tables) and reports them.
    ///
    /// # Errors
    /// As [`replay`](super::replay); the watermark then stands after the last
    /// row recorded, and the next poll continues from there.
    pub fn poll(&mut self) -> Result<ReplayReport, BackfillError> {
        let mut report = ReplayReport {
            watermark: self.watermark,
            ..ReplayReport::default()
        };
        let Self {
            db,
            applier,
            decoder,
            rewards,
            watermark,
            errors,
            reward_table,
        } = self;
        let trade_sql = after_sql("trade_logs", TRADE_COLUMNS);
        let error_sql = after_sql("error_logs", ERROR_COLUMNS);
        let reward_sql = after_sql("reward_logs", REWARD_COLUMNS);
        // Rows are recorded as they are read and the watermark follows each
        // one, so after a failure the next poll resumes right after the last
        // recorded row and never counts a row twice.
        let read = db.snapshot(|conn| {
            let fail = |e| db.fail(e);
            let mut stmt = conn.prepare_cached(&trade_sql).map_err(fail)?;
            let mut rows = stmt.query([watermark.trade_logs]).map_err(fail)?;
            while let Some(row) = rows.next().map_err(fail)? {
                let (id, decoded) = decoder.decode(row).map_err(fail)?;
                applier.trade_row(id, decoded, &mut report);
            }
            if *errors {
                let mut stmt = conn.prepare_cached(&error_sql).map_err(fail)?;
                let mut rows = stmt.query([watermark.error_logs]).map_err(fail)?;
                while let Some(row) = rows.next().map_err(fail)? {
                    let (id, decoded) = decode_error(row).map_err(fail)?;
                    applier.error_row(id, decoded, &mut report);
                }
            }
            if *reward_table == RewardTable::Absent && schema::check_rewards(db, conn)? {
                *reward_table = RewardTable::Present;
            }
            report.reward_logs.absent = *reward_table == RewardTable::Absent;
            if *reward_table == RewardTable::Present {
                let mut stmt = conn.prepare_cached(&reward_sql).map_err(fail)?;
                let mut rows = stmt.query([watermark.reward_logs]).map_err(fail)?;
                while let Some(row) = rows.next().map_err(fail)? {
                    let (id, decoded) = rewards.decode(row).map_err(fail)?;
                    applier.reward_row(id, decoded, &mut report);
                }
            }
            Ok(())
        });
        *watermark = report.watermark;
        read.map(|()| report)
    }
}

/// Rows of `table` after a watermark, in insertion order: a range seek on
/// the rowid, so the cost is proportional to the rows returned.
fn after_sql(table: &str, columns: &str) -> String {
    format!("SELECT {columns} FROM {table} WHERE id > ?1 ORDER BY id")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_seek_the_rowid_instead_of_scanning() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE trade_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL,
                 agent_id TEXT, instrument TEXT, timeframe TEXT, pnl REAL, trade_duration REAL,
                 confidence_score REAL);
             CREATE INDEX idx_trade_agent_time ON trade_logs(agent_id, timestamp);
             CREATE TABLE error_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL,
                 severity TEXT);
             CREATE INDEX idx_error_severity_time ON error_logs(severity, timestamp);
             CREATE TABLE reward_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL,
                 agent_id TEXT, immediate_reward REAL, q_values TEXT, epsilon REAL);
             CREATE INDEX idx_reward_agent_time ON reward_logs(agent_id, timestamp);",
        )
        .unwrap();
        for (table, columns) in [
            ("trade_logs", TRADE_COLUMNS),
            ("error_logs", ERROR_COLUMNS),
            ("reward_logs", REWARD_COLUMNS),
        ] {
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", after_sql(table, columns)))
                .unwrap()
                .query_map([0], |row| row.get::<_, String>(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(plan.len(), 1, "{plan:?}");
            assert!(
                plan[0].contains("INTEGER PRIMARY KEY (rowid>?)"),
                "{plan:?}"
            );
        }
    }
}

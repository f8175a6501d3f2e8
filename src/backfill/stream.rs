//! One snapshot of the database as a single time-ordered stream of events:
//! closed trades, errors and learner rewards merged by timestamp.

use rusqlite::{Connection, Rows};

use super::error::BackfillError;
use super::open::Database;
use super::report::{Progress, ReplayReport};
use super::reward_rows::{REWARD_COLUMNS, RewardDecoder, RewardRow};
use super::rows::{ERROR_COLUMNS, ErrorRow, TRADE_COLUMNS, TradeDecoder, TradeRow, decode_error};
use super::schema;

/// One decoded row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Event {
    /// A `trade_logs` row.
    Trade(i64, TradeRow),
    /// An `error_logs` row: time and severity, or why it is skipped.
    Error(i64, ErrorRow),
    /// A `reward_logs` row: what the learner reported, or why it is skipped.
    Reward(i64, RewardRow),
}

impl Event {
    /// When the event happened; `None` for rows that record nothing.
    pub(crate) fn at(&self) -> Option<f64> {
        match self {
            Event::Trade(_, TradeRow::Closed(trade, _)) => Some(trade.closed_at),
            Event::Error(_, Ok((at, _))) => Some(*at),
            Event::Reward(_, Ok(reward)) => Some(reward.at),
            _ => None,
        }
    }
}

/// What to read and whom to tell how far along it is.
pub(crate) struct StreamOptions<'a> {
    pub(crate) errors: bool,
    pub(crate) rewards: bool,
    pub(crate) progress: Option<&'a mut dyn FnMut(Progress)>,
    pub(crate) every: u64,
}

struct Counter<'a> {
    progress: Option<&'a mut dyn FnMut(Progress)>,
    every: u64,
    done: u64,
    total: u64,
}

impl Counter<'_> {
    fn tick(&mut self) {
        self.done += 1;
        if self.done % self.every == 0 || self.done == self.total {
            self.report();
        }
    }

    fn report(&mut self) {
        if let Some(callback) = self.progress.as_mut() {
            callback(Progress {
                rows_done: self.done,
                rows_total: self.total.max(self.done),
            });
        }
    }
}

/// Rows in `table` (via its smallest index) and its highest id (via the
/// rowid): both cheap, unlike counting NULL pnl, which needs a full scan.
fn count(db: &Database, conn: &Connection, table: &str) -> Result<(u64, i64), BackfillError> {
    let sql = format!(
        "SELECT (SELECT count(*) FROM {table}), (SELECT coalesce(max(id), 0) FROM {table})"
    );
    conn.query_row(&sql, [], |r| {
        Ok((r.get::<_, i64>(0)?.unsigned_abs(), r.get::<_, i64>(1)?))
    })
    .map_err(|e| db.fail(e))
}

/// Reads every closed trade, and (as asked for and present) every error and
/// reward of the snapshot in time order (`timestamp`, then `id`; at equal
/// times trades, then errors, then rewards) and hands each to `on`. Open
/// rows are counted in `report` directly; a missing `reward_logs` is noted
/// in [`TableReport::absent`](super::TableReport::absent).
///
/// Progress counts rows of every table read: the closed trades, errors and
/// rewards as they are read, the open positions (which the query skips) in
/// the final call.
pub(crate) fn by_time(
    db: &Database,
    conn: &Connection,
    options: StreamOptions<'_>,
    report: &mut ReplayReport,
    mut on: impl FnMut(Event, &mut ReplayReport) -> Result<(), BackfillError>,
) -> Result<(), BackfillError> {
    let rewards = schema::check(db, conn, options.errors, options.rewards)?;
    report.reward_logs.absent = options.rewards && !rewards;
    let fail = |e| db.fail(e);
    let (trade_count, max_trade) = count(db, conn, "trade_logs")?;
    report.watermark.trade_logs = report.watermark.trade_logs.max(max_trade);
    let mut total = trade_count;
    if options.errors {
        let (errors, max_error) = count(db, conn, "error_logs")?;
        total += errors;
        report.watermark.error_logs = report.watermark.error_logs.max(max_error);
    }
    if rewards {
        let (reward_rows, max_reward) = count(db, conn, "reward_logs")?;
        total += reward_rows;
        report.watermark.reward_logs = report.watermark.reward_logs.max(max_reward);
    }
    let mut counter = Counter {
        progress: options.progress,
        every: options.every.max(1),
        done: 0,
        total,
    };
    let trade_sql = format!(
        "SELECT {TRADE_COLUMNS} FROM trade_logs WHERE pnl IS NOT NULL ORDER BY timestamp, id"
    );
    let error_sql = format!("SELECT {ERROR_COLUMNS} FROM error_logs ORDER BY timestamp, id");
    let reward_sql = format!("SELECT {REWARD_COLUMNS} FROM reward_logs ORDER BY timestamp, id");
    let mut trade_stmt = conn.prepare(&trade_sql).map_err(fail)?;
    let mut error_stmt = prepare_if(conn, options.errors, &error_sql).map_err(fail)?;
    let mut reward_stmt = prepare_if(conn, rewards, &reward_sql).map_err(fail)?;
    let mut trade_rows = trade_stmt.query([]).map_err(fail)?;
    let mut error_rows = query(error_stmt.as_mut()).map_err(fail)?;
    let mut reward_rows = query(reward_stmt.as_mut()).map_err(fail)?;
    let mut trade_decoder = TradeDecoder::new();
    let mut reward_decoder = RewardDecoder::new();
    // Source 0: trades, 1: errors, 2: rewards.
    let mut pull = |source: usize| -> rusqlite::Result<Option<Event>> {
        match source {
            0 => next(Some(&mut trade_rows), |r| {
                trade_decoder.decode(r).map(|(id, t)| Event::Trade(id, t))
            }),
            1 => next(error_rows.as_mut(), |r| {
                decode_error(r).map(|(id, e)| Event::Error(id, e))
            }),
            _ => next(reward_rows.as_mut(), |r| {
                reward_decoder.decode(r).map(|(id, w)| Event::Reward(id, w))
            }),
        }
    };
    let mut heads = [
        pull(0).map_err(fail)?,
        pull(1).map_err(fail)?,
        pull(2).map_err(fail)?,
    ];
    let mut closed = 0u64;
    while let Some(source) = earliest(&heads) {
        let event = heads[source].take();
        heads[source] = pull(source).map_err(fail)?;
        if let Some(event) = event {
            closed += u64::from(matches!(event, Event::Trade(..)));
            on(event, report)?;
            counter.tick();
        }
    }
    // Rows the query left out are the open positions of the same snapshot.
    let open = trade_count.saturating_sub(closed);
    report.trade_logs.rows += open;
    report.trade_logs.open += open;
    if counter.done < counter.total || counter.done == 0 {
        counter.done = counter.total;
        counter.report();
    }
    Ok(())
}

/// The source whose next event comes first: a row that records nothing (no
/// time) at once, then the earliest time; ties go to the lower source.
fn earliest(heads: &[Option<Event>; 3]) -> Option<usize> {
    let mut best: Option<(usize, Option<f64>)> = None;
    for (source, head) in heads.iter().enumerate() {
        let Some(event) = head else { continue };
        let at = event.at();
        let first = match (best, at) {
            (None, _) | (Some((_, Some(_))), None) => true,
            (Some((_, None)), _) => false,
            (Some((_, Some(b))), Some(a)) => a < b,
        };
        if first {
            best = Some((source, at));
        }
    }
    best.map(|(source, _)| source)
}

fn prepare_if<'c>(
    conn: &'c Connection,
    wanted: bool,
    sql: &str,
) -> rusqlite::Result<Option<rusqlite::Statement<'c>>> {
    wanted.then(|| conn.prepare(sql)).transpose()
}

fn query<'s>(stmt: Option<&'s mut rusqlite::Statement<'_>>) -> rusqlite::Result<Option<Rows<'s>>> {
    stmt.map(|s| s.query([])).transpose()
}

fn next(
    rows: Option<&mut Rows<'_>>,
    mut decode: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<Event>,
) -> rusqlite::Result<Option<Event>> {
    match rows {
        Some(rows) => rows.next()?.map(&mut decode).transpose(),
        None => Ok(None),
    }
}

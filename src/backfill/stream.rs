//! One snapshot of the database as a single time-ordered stream of events:
//! closed trades and errors merged by timestamp.

use rusqlite::{Connection, Rows};

use super::error::BackfillError;
use super::open::Database;
use super::report::{Progress, ReplayReport};
use super::rows::{ERROR_COLUMNS, ErrorRow, TRADE_COLUMNS, TradeDecoder, TradeRow, decode_error};
use super::schema;

/// One decoded row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Event {
    /// A `trade_logs` row.
    Trade(i64, TradeRow),
    /// An `error_logs` row: time and severity, or why it is skipped.
    Error(i64, ErrorRow),
}

impl Event {
    /// When the event happened; `None` for rows that record nothing.
    pub(crate) fn at(&self) -> Option<f64> {
        match self {
            Event::Trade(_, TradeRow::Closed(trade, _)) => Some(trade.closed_at),
            Event::Error(_, Ok((at, _))) => Some(*at),
            _ => None,
        }
    }
}

/// What to read and whom to tell how far along it is.
pub(crate) struct StreamOptions<'a> {
    pub(crate) errors: bool,
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

/// Reads every closed trade and (optionally) every error of the snapshot in
/// time order (`timestamp`, then `id`; trades before errors at equal times)
/// and hands each to `on`. Open rows are counted in `report` directly.
///
/// Progress counts rows of both tables: the closed trades and errors as they
/// are read, the open positions (which the query skips) in the final call.
pub(crate) fn by_time(
    db: &Database,
    conn: &Connection,
    options: StreamOptions<'_>,
    report: &mut ReplayReport,
    mut on: impl FnMut(Event, &mut ReplayReport) -> Result<(), BackfillError>,
) -> Result<(), BackfillError> {
    schema::check(db, conn, options.errors)?;
    let fail = |e| db.fail(e);
    let (trade_count, max_trade) = count(db, conn, "trade_logs")?;
    report.watermark.trade_logs = report.watermark.trade_logs.max(max_trade);
    let mut total = trade_count;
    if options.errors {
        let (errors, max_error) = count(db, conn, "error_logs")?;
        total += errors;
        report.watermark.error_logs = report.watermark.error_logs.max(max_error);
    }
    let mut counter = Counter {
        progress: options.progress,
        every: options.every.max(1),
        done: 0,
        total,
    };
    let mut decoder = TradeDecoder::new();
    let mut closed = 0u64;
    let trade_sql = format!(
        "SELECT {TRADE_COLUMNS} FROM trade_logs WHERE pnl IS NOT NULL ORDER BY timestamp, id"
    );
    let error_sql = format!("SELECT {ERROR_COLUMNS} FROM error_logs ORDER BY timestamp, id");
    let mut trade_stmt = conn.prepare(&trade_sql).map_err(fail)?;
    let mut error_stmt = if options.errors {
        Some(conn.prepare(&error_sql).map_err(fail)?)
    } else {
        None
    };
    let mut trade_rows = trade_stmt.query([]).map_err(fail)?;
    let mut error_rows = match error_stmt.as_mut() {
        Some(stmt) => Some(stmt.query([]).map_err(fail)?),
        None => None,
    };
    let mut next_trade = pull(&mut trade_rows, |r| {
        decoder.decode(r).map(|(id, t)| Event::Trade(id, t))
    })
    .map_err(fail)?;
    let mut next_error = pull_error(error_rows.as_mut()).map_err(fail)?;
    loop {
        let take_trade = match (&next_trade, &next_error) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(t), Some(e)) => match (t.at(), e.at()) {
                (None, _) => true,
                (_, None) => false,
                (Some(a), Some(b)) => a <= b,
            },
        };
        let event = if take_trade {
            let event = next_trade.take();
            next_trade = pull(&mut trade_rows, |r| {
                decoder.decode(r).map(|(id, t)| Event::Trade(id, t))
            })
            .map_err(fail)?;
            event
        } else {
            let event = next_error.take();
            next_error = pull_error(error_rows.as_mut()).map_err(fail)?;
            event
        };
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

fn pull(
    rows: &mut Rows<'_>,
    mut decode: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<Event>,
) -> rusqlite::Result<Option<Event>> {
    rows.next()?.map(&mut decode).transpose()
}

fn pull_error(rows: Option<&mut Rows<'_>>) -> rusqlite::Result<Option<Event>> {
    match rows {
        Some(rows) => pull(rows, |r| decode_error(r).map(|(id, e)| Event::Error(id, e))),
        None => Ok(None),
    }
}

//! Decoding one row into a [`Trade`] or an error severity, or a counted
//! [`SkipReason`]. Pure functions of the row's values: no I/O, no recording.

use rusqlite::Row;
use rusqlite::types::ValueRef;

use super::reasons::{Adjustment, SkipReason};
use crate::model::{Agent, Severity, Symbol, Timeframe, Trade};

/// Columns of the trade query, in this order (read by name in SQL, by
/// position in the result).
pub(crate) const TRADE_COLUMNS: &str =
    "id, timestamp, agent_id, instrument, timeframe, pnl, trade_duration, confidence_score";
/// Columns of the error query, in this order.
pub(crate) const ERROR_COLUMNS: &str = "id, timestamp, severity";

/// Latest accepted timestamp: 9999-12-31T23:59:59Z.
const MAX_TIMESTAMP: f64 = 253_402_300_799.0;
/// Distinct raw strings remembered per label column.
const CACHE_CAPACITY: usize = 64;

/// What one `trade_logs` row is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum TradeRow {
    /// A closed trade, with the values that had to be replaced.
    Closed(Trade, [Option<Adjustment>; 2]),
    /// NULL `pnl`: an open position.
    Open,
    /// Not usable.
    Skip(SkipReason),
}

/// A decoded `error_logs` row: time and severity, or why it is skipped.
pub(crate) type ErrorRow = Result<(f64, Severity), SkipReason>;

/// A parsed value, or why it cannot be used.
type Parsed<T> = Result<T, SkipReason>;

/// Parses raw column bytes once per distinct value.
pub(crate) struct Cache<T> {
    entries: Vec<(Box<[u8]>, Parsed<T>)>,
}

impl<T: Copy> Cache<T> {
    pub(crate) fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    pub(crate) fn get(&mut self, raw: &[u8], parse: impl FnOnce(&[u8]) -> Parsed<T>) -> Parsed<T> {
        if let Some((_, parsed)) = self.entries.iter().find(|(k, _)| **k == *raw) {
            return *parsed;
        }
        let parsed = parse(raw);
        if self.entries.len() < CACHE_CAPACITY {
            self.entries.push((raw.into(), parsed));
        }
        parsed
    }
}

/// Decodes `trade_logs` rows selected with [`TRADE_COLUMNS`].
pub(crate) struct TradeDecoder {
    agents: Cache<Agent>,
    symbols: Cache<Symbol>,
    timeframes: Cache<Timeframe>,
}

impl TradeDecoder {
    pub(crate) fn new() -> Self {
        Self {
            agents: Cache::new(),
            symbols: Cache::new(),
            timeframes: Cache::new(),
        }
    }

    /// The row's id and what it is.
    pub(crate) fn decode(&mut self, row: &Row<'_>) -> rusqlite::Result<(i64, TradeRow)> {
        let id = row.get::<_, i64>(0)?;
        Ok((
            id,
            self.decode_values(|i| row.get_ref(i).unwrap_or(ValueRef::Null)),
        ))
    }

    /// What a row is, given its values in [`TRADE_COLUMNS`] order (`value(0)`,
    /// the id, is not read).
    pub(crate) fn decode_values<'v>(&mut self, value: impl Fn(usize) -> ValueRef<'v>) -> TradeRow {
        match self.closed(value) {
            Ok(Some(closed)) => closed,
            Ok(None) => TradeRow::Open,
            Err(reason) => TradeRow::Skip(reason),
        }
    }

    fn closed<'v>(
        &mut self,
        value: impl Fn(usize) -> ValueRef<'v>,
    ) -> Result<Option<TradeRow>, SkipReason> {
        let pnl = match value(5) {
            ValueRef::Null => return Ok(None),
            v => number(v, "pnl")?,
        };
        if pnl.abs() > crate::error::MAX_ABS_AMOUNT {
            return Err(SkipReason::OutOfRange { column: "pnl" });
        }
        let closed_at = timestamp(value(1))?;
        let agent = self.agents.get(text(value(2), "agent_id")?, |raw| {
            label(raw, "agent_id", Agent::new)
        })?;
        let symbol = self.symbols.get(text(value(3), "instrument")?, |raw| {
            label(raw, "instrument", Symbol::new)
        })?;
        let timeframe = self.timeframes.get(text(value(4), "timeframe")?, |raw| {
            std::str::from_utf8(raw)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or(SkipReason::UnknownTimeframe)
        })?;
        let (duration_secs, duration_fix) = duration(value(6));
        let (confidence, confidence_fix) = confidence(value(7));
        let trade = Trade {
            agent,
            symbol,
            timeframe,
            regime: None,
            side: None,
            pnl,
            duration_secs,
            confidence,
            closed_at,
        };
        Ok(Some(TradeRow::Closed(
            trade,
            [duration_fix, confidence_fix],
        )))
    }
}

/// Decodes an `error_logs` row selected with [`ERROR_COLUMNS`]: id, time,
/// severity.
pub(crate) fn decode_error(row: &Row<'_>) -> rusqlite::Result<(i64, ErrorRow)> {
    let id = row.get::<_, i64>(0)?;
    let value = |i: usize| row.get_ref(i).unwrap_or(ValueRef::Null);
    Ok((id, decode_error_values(value(1), value(2))))
}

/// An error row's time and severity from their values.
pub(crate) fn decode_error_values(at: ValueRef<'_>, severity: ValueRef<'_>) -> ErrorRow {
    timestamp(at).and_then(|at| {
        let raw = text(severity, "severity")?;
        std::str::from_utf8(raw)
            .ok()
            .and_then(|s| s.parse::<Severity>().ok())
            .map(|severity| (at, severity))
            .ok_or(SkipReason::UnknownSeverity)
    })
}

#[allow(
    clippy::cast_precision_loss,
    reason = "an integer stored in a REAL column"
)]
pub(crate) fn number(value: ValueRef<'_>, column: &'static str) -> Result<f64, SkipReason> {
    let x = match value {
        ValueRef::Real(x) => x,
        ValueRef::Integer(i) => i as f64,
        ValueRef::Null => return Err(SkipReason::Missing { column }),
        ValueRef::Text(_) | ValueRef::Blob(_) => return Err(SkipReason::WrongType { column }),
    };
    if x.is_finite() {
        Ok(x)
    } else {
        Err(SkipReason::NotFinite { column })
    }
}

pub(crate) fn timestamp(value: ValueRef<'_>) -> Result<f64, SkipReason> {
    let at = number(value, "timestamp")?;
    if (0.0..=MAX_TIMESTAMP).contains(&at) {
        Ok(at)
    } else {
        Err(SkipReason::OutOfRange {
            column: "timestamp",
        })
    }
}

pub(crate) fn text<'a>(value: ValueRef<'a>, column: &'static str) -> Result<&'a [u8], SkipReason> {
    match value {
        ValueRef::Text(raw) => Ok(raw),
        ValueRef::Null => Err(SkipReason::Missing { column }),
        _ => Err(SkipReason::WrongType { column }),
    }
}

pub(crate) fn label<T, E>(
    raw: &[u8],
    column: &'static str,
    make: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, SkipReason> {
    std::str::from_utf8(raw)
        .ok()
        .and_then(|s| make(s).ok())
        .ok_or(SkipReason::InvalidLabel { column })
}

/// NULL → unknown (counted); negative, infinite or non-numeric → unknown
/// (counted). An unknown duration leaves the average duration alone.
fn duration(value: ValueRef<'_>) -> (Option<f64>, Option<Adjustment>) {
    match number(value, "trade_duration") {
        Ok(secs) if secs >= 0.0 => (Some(secs), None),
        Err(SkipReason::Missing { .. }) => (None, Some(Adjustment::DurationMissing)),
        _ => (None, Some(Adjustment::DurationInvalid)),
    }
}

/// Only a probability in (0, 1] is a confidence; 0.0 is the engine's
/// close-row constant; NULL is simply unknown.
fn confidence(value: ValueRef<'_>) -> (Option<f64>, Option<Adjustment>) {
    match number(value, "confidence_score") {
        Err(SkipReason::Missing { .. }) => (None, None),
        Ok(0.0) => (None, Some(Adjustment::ConfidencePlaceholder)),
        Ok(c) if (0.0..=1.0).contains(&c) => (Some(c), None),
        _ => (None, Some(Adjustment::ConfidenceOutOfRange)),
    }
}

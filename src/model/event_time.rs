//! When a time enters the library (a trade's close, an equity sample's
//! stamp): seconds since the Unix epoch, not negative, not milliseconds or
//! microseconds by mistake, not further ahead of the clock than a tolerance.
//! Backtests record past times freely: any date since 1970 is accepted.

use std::time::Duration;

use crate::error::{RecordError, non_negative};

/// Default of [`TelemetryConfig::future_tolerance`](crate::TelemetryConfig::future_tolerance):
/// five minutes, room for clocks that are not perfectly synchronised, far
/// less than the hours a broker's server time zone would add.
pub const DEFAULT_FUTURE_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Longest accepted future tolerance: one day. The daily series keep the two
/// latest trading days per shard, which stays exact only while no trade can
/// be stamped more than one day ahead.
pub const MAX_FUTURE_TOLERANCE: Duration = Duration::from_secs(86_400);

/// 1980-01-01T00:00:00Z: a value that reads as a date after this in a
/// smaller unit is taken for that unit by mistake.
const PLAUSIBLE_SINCE: f64 = 315_532_800.0;

/// The smaller units a timestamp is mistakenly given in, and their factor.
const SMALLER_UNITS: [(&str, u64); 3] = [
    ("milliseconds", 1_000),
    ("microseconds", 1_000_000),
    ("nanoseconds", 1_000_000_000),
];

/// Checks that `at` is a Unix time in seconds no later than
/// `clock + tolerance_secs`.
///
/// # Errors
/// [`RecordError::NotFinite`] (NaN, ±∞), [`RecordError::Negative`] (before
/// 1970), [`RecordError::TimeUnit`] (a date since 1980 in milli-, micro- or
/// nanoseconds), [`RecordError::InFuture`] (anything else too far ahead).
pub(crate) fn check_time(
    field: &'static str,
    at: f64,
    clock: f64,
    tolerance_secs: f64,
) -> Result<f64, RecordError> {
    let at = non_negative(field, at)?;
    let latest = clock + tolerance_secs;
    if at <= latest {
        return Ok(at);
    }
    for (unit, divisor) in SMALLER_UNITS {
        #[allow(
            clippy::cast_precision_loss,
            reason = "powers of ten up to 1e9 are exact"
        )]
        let as_seconds = at / divisor as f64;
        if (PLAUSIBLE_SINCE..=latest).contains(&as_seconds) {
            return Err(RecordError::TimeUnit {
                field,
                value: at,
                unit,
                divisor,
            });
        }
    }
    Err(RecordError::InFuture {
        field,
        value: at,
        clock,
        tolerance_secs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-26T00:00:00Z.
    const NOW: f64 = 1_795_651_200.0;

    fn check(at: f64) -> Result<f64, RecordError> {
        check_time("closed_at", at, NOW, 300.0)
    }

    #[test]
    fn past_present_and_slightly_ahead_are_accepted() {
        for at in [
            0.0,
            1.0,
            946_684_800.0,
            NOW - 86_400.0 * 365.0,
            NOW,
            NOW + 300.0,
        ] {
            assert_eq!(check(at), Ok(at), "{at}");
        }
    }

    #[test]
    fn each_mistake_is_named() {
        assert!(matches!(check(-1.0), Err(RecordError::Negative { .. })));
        assert!(matches!(
            check(f64::NAN),
            Err(RecordError::NotFinite { .. })
        ));
        for (at, unit) in [
            (NOW * 1e3, "milliseconds"),
            (NOW * 1e6, "microseconds"),
            (NOW * 1e9, "nanoseconds"),
            (1e12, "milliseconds"), // 2001-09-09 in ms
        ] {
            match check(at) {
                Err(RecordError::TimeUnit { unit: u, .. }) => assert_eq!(u, unit, "{at}"),
                other => panic!("{at}: {other:?}"),
            }
        }
        for at in [NOW + 301.0, NOW + 86_400.0, 2e9, 1e300] {
            assert!(
                matches!(check(at), Err(RecordError::InFuture { .. })),
                "{at}: {:?}",
                check(at)
            );
        }
    }

    #[test]
    fn messages_say_what_to_do() {
        let ms = check(NOW * 1e3).unwrap_err().to_string();
        assert_eq!(
            ms,
            "closed_at 1795651200000 looks like milliseconds since the Unix epoch, not seconds; divide it by 1000"
        );
        let ahead = check(1e300).unwrap_err().to_string();
        assert!(
            ahead.starts_with("closed_at 1e300 is 1e300 s ahead of the clock (1795651200)"),
            "{ahead}"
        );
        assert!(ahead.contains("not a broker's server time"), "{ahead}");
    }
}

//! The telemetry's view of time: which recorded times it admits (not
//! further ahead of the wall clock than the tolerance) and what "now" is
//! when it publishes (the wall clock, or a batch run's simulated time).

use std::sync::atomic::{AtomicU64, Ordering};

use super::AtomicOptionF64;
use crate::error::RecordError;
use crate::model::{check_time, unix_now_secs};

/// Admission of recorded times and the publish clock of one telemetry.
#[derive(Debug)]
pub(crate) struct TelemetryClock {
    tolerance_secs: f64,
    /// A wall-clock reading (f64 bits) no later than the real clock: a time
    /// at or before it plus the tolerance is admitted without reading the
    /// clock again. A stale reading only makes the fast check stricter.
    recent_wall: AtomicU64,
    /// The simulated time a batch run publishes at, once it has one.
    simulated_now: AtomicOptionF64,
}

impl TelemetryClock {
    pub(crate) fn new(tolerance_secs: f64) -> Self {
        Self {
            tolerance_secs,
            recent_wall: AtomicU64::new(unix_now_secs().to_bits()),
            simulated_now: AtomicOptionF64::none(),
        }
    }

    /// Checks a recorded time (see [`check_time`]): O(1), and the clock is
    /// read only for a time beyond the last reading plus the tolerance.
    pub(crate) fn admit(&self, field: &'static str, at: f64) -> Result<f64, RecordError> {
        let recent = f64::from_bits(self.recent_wall.load(Ordering::Relaxed));
        if (0.0..=recent + self.tolerance_secs).contains(&at) {
            return Ok(at);
        }
        let now = unix_now_secs();
        // Bits of non-negative floats order as the floats do.
        self.recent_wall
            .fetch_max(now.max(0.0).to_bits(), Ordering::Relaxed);
        check_time(field, at, now, self.tolerance_secs)
    }

    /// "Now" for the daily series: the simulated time if a batch run set
    /// one, else the wall clock.
    pub(crate) fn publish_now(&self) -> f64 {
        self.simulated_now.get().unwrap_or_else(unix_now_secs)
    }

    /// Publishes from now on as if the time were `at` (a batch run's
    /// checkpoint).
    #[cfg_attr(not(feature = "push"), allow(dead_code, reason = "batch mode only"))]
    pub(crate) fn set_simulated_now(&self, at: f64) {
        self.simulated_now.set(Some(at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_check_never_admits_what_the_full_check_refuses() {
        let clock = TelemetryClock::new(300.0);
        let now = unix_now_secs();
        assert!(clock.admit("at", now).is_ok());
        assert!(clock.admit("at", now + 200.0).is_ok());
        assert!(clock.admit("at", 0.0).is_ok());
        for at in [
            now + 400.0,
            now * 1000.0,
            -1.0,
            -0.5,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert!(clock.admit("at", at).is_err(), "{at}");
        }
    }

    #[test]
    fn publishing_follows_a_simulated_time_once_set() {
        let clock = TelemetryClock::new(300.0);
        assert!((clock.publish_now() - unix_now_secs()).abs() < 60.0);
        clock.set_simulated_now(1_000.0);
        assert!((clock.publish_now() - 1_000.0).abs() < f64::EPSILON);
    }
}

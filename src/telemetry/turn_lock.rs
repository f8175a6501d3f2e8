//! [`TurnLock`]: a lock that recording threads only ever try — they never
//! wait for it — and that a publisher waits for without parking on it; and
//! [`Backoff`], the way both wait.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::lock;

/// A value one thread at a time may change. The flag and the value share
/// cache lines of their own, so taking the turn brings the value along. The
/// inner `Mutex` is never contended (the flag decides who holds the turn);
/// it only makes the access safe.
///
/// A waiting thread does not stop others from taking the turn: a publisher
/// descheduled while it waits must not hold up recorders.
#[repr(align(128))]
pub(crate) struct TurnLock<T> {
    held: AtomicBool,
    value: Mutex<T>,
}

impl<T> std::fmt::Debug for TurnLock<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnLock")
            .field("held", &self.held.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl<T> TurnLock<T> {
    pub(crate) fn new(value: T) -> Self {
        Self {
            held: AtomicBool::new(false),
            value: Mutex::new(value),
        }
    }

    /// Takes the turn if nobody holds it; never waits. Reads before it
    /// writes, so threads finding the turn taken do not fight over its cache
    /// line.
    pub(crate) fn try_lock(&self) -> Option<TurnGuard<'_, T>> {
        if self.held.load(Ordering::Relaxed) || self.held.swap(true, Ordering::Acquire) {
            return None;
        }
        Some(TurnGuard {
            value: lock(&self.value),
            _release: Release(&self.held),
        })
    }

    /// Waits for the turn with a [`Backoff`].
    pub(crate) fn lock(&self) -> TurnGuard<'_, T> {
        let mut backoff = Backoff::new();
        loop {
            if let Some(guard) = self.try_lock() {
                return guard;
            }
            backoff.snooze();
        }
    }
}

/// The turn, held until dropped.
pub(crate) struct TurnGuard<'a, T> {
    // Fields drop in order: the value's mutex unlocks before the turn passes.
    value: MutexGuard<'a, T>,
    _release: Release<'a>,
}

struct Release<'a>(&'a AtomicBool);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl<T> std::ops::Deref for TurnGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::DerefMut for TurnGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

/// Waiting for another thread: busy-wait rounds of doubling length, then
/// yielding the core, then — once the wait has lasted [`Backoff::PATIENCE`],
/// long enough that the thread waited for is surely descheduled (more
/// runnable threads than cores) — short sleeps, so that it gets a core.
/// Callers start a new `Backoff` whenever they see progress. Never parks
/// the thread on a lock: waking a parked thread costs tens of microseconds,
/// and a queue of parked threads woken one by one (a convoy) costs that many
/// times over.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    step: u32,
    yielding_since: Option<Instant>,
}

impl Backoff {
    /// Busy-wait rounds (1 + 2 + … + 64 pause instructions, about a
    /// microsecond in all).
    const SPIN_ROUNDS: u32 = 7;
    /// How long to yield before sleeping: several times the longest turn
    /// a running thread holds anything waited for here.
    pub(crate) const PATIENCE: Duration = Duration::from_micros(30);
    /// Then sleeps of this length.
    const SLEEP: Duration = Duration::from_micros(50);

    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Waits a little, longer on each call.
    pub(crate) fn snooze(&mut self) {
        if self.step < Self::SPIN_ROUNDS {
            self.spin();
        } else if self
            .yielding_since
            .get_or_insert_with(Instant::now)
            .elapsed()
            < Self::PATIENCE
        {
            std::thread::yield_now();
        } else {
            std::thread::sleep(Self::SLEEP);
        }
    }

    /// Waits a little, longer on each call, but never sleeps: for a thread
    /// that others wait for.
    pub(crate) fn snooze_awake(&mut self) {
        if self.step < Self::SPIN_ROUNDS {
            self.spin();
        } else {
            std::thread::yield_now();
        }
    }

    fn spin(&mut self) {
        for _ in 0..1u32 << self.step {
            std::hint::spin_loop();
        }
        self.step += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn try_lock_never_waits_and_fails_while_held() {
        let turn = TurnLock::new(0);
        let mut held = turn.try_lock().unwrap();
        *held += 1;
        assert!(turn.try_lock().is_none());
        drop(held);
        assert_eq!(*turn.try_lock().unwrap(), 1);
        assert_eq!(*turn.lock(), 1, "lock takes a free turn at once");
        assert!(turn.try_lock().is_some(), "lock leaves the turn free");
    }

    #[test]
    fn two_waiters_both_get_their_turn() {
        let turn = Arc::new(TurnLock::new(0u32));
        let holder = turn.try_lock().unwrap();
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let turn = Arc::clone(&turn);
                std::thread::spawn(move || *turn.lock() += 1)
            })
            .collect();
        std::thread::sleep(Duration::from_millis(10));
        drop(holder);
        for w in waiters {
            w.join().unwrap();
        }
        assert_eq!(*turn.try_lock().unwrap(), 2);
    }
}

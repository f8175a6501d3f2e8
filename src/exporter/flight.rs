//! [`PublishFlight`]: concurrent scrapes share one publish in flight.
//!
//! A scrape that arrives while a publish runs waits for that publish and
//! renders what it produced, instead of queueing a publish of its own: eight
//! scrapes during a slow `on_publish` hook cost one hook call, not eight in a
//! row.

use std::sync::{Condvar, Mutex, PoisonError};

/// Publish counters: which publish started last, which finished last.
#[derive(Debug, Default)]
struct Rounds {
    running: bool,
    started: u64,
    finished: u64,
}

/// Runs at most one publish at a time; callers that arrive during one share
/// it.
#[derive(Debug, Default)]
pub(crate) struct PublishFlight {
    rounds: Mutex<Rounds>,
    finished: Condvar,
}

/// Marks its round finished when dropped, so a panicking publish cannot
/// leave waiters blocked for ever.
struct Finish<'a> {
    flight: &'a PublishFlight,
    round: u64,
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        let mut rounds = self
            .flight
            .rounds
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        rounds.running = false;
        rounds.finished = rounds.finished.max(self.round);
        drop(rounds);
        self.flight.finished.notify_all();
    }
}

impl PublishFlight {
    /// Runs `publish`, or — when a publish is in flight — waits for that one
    /// to finish instead. Returns whether this call published.
    pub(crate) fn publish_or_join(&self, publish: impl FnOnce()) -> bool {
        let mut rounds = self.rounds.lock().unwrap_or_else(PoisonError::into_inner);
        if rounds.running {
            let round = rounds.started;
            while rounds.finished < round {
                rounds = self
                    .finished
                    .wait(rounds)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            return false;
        }
        rounds.running = true;
        rounds.started += 1;
        let finish = Finish {
            flight: self,
            round: rounds.started,
        };
        drop(rounds);
        publish();
        drop(finish);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn callers_during_a_publish_share_it() {
        let flight = Arc::new(PublishFlight::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let started = Arc::new(std::sync::Barrier::new(2));
        let leader = {
            let (flight, calls, started) = (flight.clone(), calls.clone(), started.clone());
            std::thread::spawn(move || {
                flight.publish_or_join(|| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    started.wait();
                    std::thread::sleep(Duration::from_millis(200));
                })
            })
        };
        started.wait();
        let followers: Vec<_> = (0..4)
            .map(|_| {
                let (flight, calls) = (flight.clone(), calls.clone());
                std::thread::spawn(move || {
                    flight.publish_or_join(|| {
                        calls.fetch_add(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        assert!(leader.join().unwrap());
        for follower in followers {
            assert!(!follower.join().unwrap(), "a follower published");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // Nothing in flight now: the next caller publishes itself.
        assert!(flight.publish_or_join(|| {}));
    }

    #[test]
    fn a_panicking_publish_releases_its_waiters() {
        let flight = Arc::new(PublishFlight::default());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            flight.publish_or_join(|| panic!("hook failed"));
        }));
        assert!(result.is_err());
        assert!(flight.publish_or_join(|| {}));
    }
}

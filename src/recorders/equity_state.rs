//! How equity samples reach the equity book: checked, queued, and applied in
//! one order by whoever holds the book's turn, so recorders never wait for
//! each other, nor for the publisher, unless the queue is full.

use std::sync::atomic::Ordering;

use super::risk::EquityBook;
use crate::telemetry::{
    AtomicOptionF64, Backoff, SampleQueue, TelemetryConfig, TurnGuard, TurnLock, Wait,
};

/// Samples that may wait in the queue. Room for a few hundred microseconds
/// of sixteen threads recording flat out, so that a thread descheduled while
/// applying does not fill it; 256 KiB (a cache line per sample).
const QUEUED_SAMPLES: usize = 4096;

/// Most queued samples one turn applies: enough to amortise passing the turn
/// between cores (so applying outpaces any number of recording threads),
/// few enough that no call does more than a couple of microseconds of
/// others' work. The publisher applies whatever is left.
const APPLIED_PER_TURN: usize = 32;

/// The equity curve and the way samples reach it.
///
/// Samples must be applied in one order, but recorders must never wait for
/// each other: a recorder checks its sample, queues it, and — if nobody holds
/// the book's turn — applies up to [`APPLIED_PER_TURN`] queued samples.
/// Otherwise the holder, a later recorder or the publisher applies it. The
/// publisher waits for its turn (recorders never wait for it), applies what
/// was queued before it began, and reads the book in a short critical
/// section. A recorder waits only when the queue is full, and then it
/// applies samples itself whenever the turn is free, spinning and yielding
/// in between (see [`Backoff`]: it sleeps briefly only after
/// [`Backoff::PATIENCE`] without a sample taken); nothing parks on a lock. A sample's order
/// is its place in the queue; its time must not be older than the latest
/// time accepted by more than the tolerance.
#[derive(Debug)]
pub(crate) struct EquityState {
    book: TurnLock<EquityBook>,
    /// Samples in order. Its tail's companion word holds the latest sample
    /// time accepted (f64 bits), for the order check: every recorder updates
    /// both.
    queue: SampleQueue,
    tolerance_secs: f64,
    /// Open exposure in percent of equity, once reported.
    pub(super) exposure_percent: AtomicOptionF64,
}

impl EquityState {
    pub(crate) fn new(config: &TelemetryConfig) -> Self {
        Self {
            book: TurnLock::new(EquityBook::new(config)),
            queue: SampleQueue::with_capacity(QUEUED_SAMPLES, f64::NEG_INFINITY.to_bits()),
            tolerance_secs: config.equity_clock_tolerance.as_secs_f64(),
            exposure_percent: AtomicOptionF64::none(),
        }
    }

    /// Accepts `at` unless it is older than the latest accepted time by more
    /// than the tolerance (then returns that latest time).
    pub(super) fn admit(&self, at: f64) -> Result<(), f64> {
        let latest_at = self.queue.tail_companion();
        let mut latest_bits = latest_at.load(Ordering::Acquire);
        loop {
            let latest = f64::from_bits(latest_bits);
            if at < latest - self.tolerance_secs {
                return Err(latest);
            }
            if at <= latest {
                return Ok(());
            }
            match latest_at.compare_exchange_weak(
                latest_bits,
                at.to_bits(),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(current) => latest_bits = current,
            }
        }
    }

    /// Queues a checked sample and, if nobody else holds the book's turn,
    /// applies up to [`APPLIED_PER_TURN`] queued samples (more than one call
    /// adds: the queue then shrinks faster than recording calls fill it,
    /// whatever the number of threads).
    pub(super) fn submit(&self, balance: f64, equity: f64, at: f64) {
        let sample = [balance.to_bits(), equity.to_bits(), at.to_bits()];
        let mut backoff = Backoff::new();
        let mut taken = self.queue.taken();
        self.queue.push(sample, |wait| {
            // Full: apply if the turn is free, else let its holder work, and
            // be patient only while samples are being taken.
            if let Some(mut book) = self.book.try_lock() {
                self.apply_queued(&mut book, APPLIED_PER_TURN);
            }
            let now_taken = self.queue.taken();
            if now_taken != taken {
                taken = now_taken;
                backoff = Backoff::new();
            } else if wait == Wait::Reserved {
                backoff.snooze_awake();
            } else {
                backoff.snooze();
            }
        });
        if let Some(mut book) = self.book.try_lock() {
            self.apply_queued(&mut book, APPLIED_PER_TURN);
        }
    }

    /// Applies up to `limit` queued samples in order, stopping at one still
    /// being written; returns how many.
    fn apply_queued(&self, book: &mut EquityBook, limit: usize) -> usize {
        self.queue.pop_up_to(limit, |[balance, equity, at]| {
            book.record(
                f64::from_bits(balance),
                f64::from_bits(equity),
                f64::from_bits(at),
            );
        })
    }

    /// The book with every sample queued before this call applied (up to
    /// one still being written, which the next publish applies), for the
    /// publisher. Applies them a turn's worth at a time, so that recorders
    /// may help and a publisher descheduled between turns holds up nobody;
    /// keep the guard only while reading.
    pub(super) fn settled(&self) -> TurnGuard<'_, EquityBook> {
        let mut remaining = self.queue.queued();
        loop {
            let mut book = self.book.lock();
            let asked = remaining.min(APPLIED_PER_TURN);
            let applied = self.apply_queued(&mut book, asked);
            remaining -= applied;
            if remaining == 0 || applied < asked {
                return book;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;
    use std::time::{Duration, Instant};

    fn state() -> EquityState {
        EquityState::new(&TelemetryConfig {
            starting_balance: Some(10_000.0),
            ..TelemetryConfig::default()
        })
    }

    /// Recorders never wait for the publisher: while it holds the book, a
    /// recorder fills the whole queue without blocking; only the sample
    /// after that waits, and lands once the publisher is done. Every sample
    /// is then applied, in order.
    #[test]
    fn recorders_never_wait_for_the_publisher_until_the_queue_is_full() {
        let state = Arc::new(state());
        let capacity = state.queue.capacity();
        let book = state.settled();
        let submitted = Arc::new(AtomicUsize::new(0));
        let recording = {
            let (state, submitted) = (Arc::clone(&state), Arc::clone(&submitted));
            std::thread::spawn(move || {
                for i in 0..=capacity {
                    // One deep dip, the last sample, only the full sequence shows.
                    let equity = if i == capacity { 5_000.0 } else { 9_000.0 };
                    state.submit(equity, equity, 1_790_000_000.0);
                    submitted.fetch_add(1, Ordering::SeqCst);
                }
            })
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while submitted.load(Ordering::SeqCst) < capacity {
            assert!(
                Instant::now() < deadline,
                "a recorder waited for the publisher"
            );
            std::thread::yield_now();
        }
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(
            submitted.load(Ordering::SeqCst),
            capacity,
            "the sample beyond a full queue waits for room"
        );
        assert_eq!(
            book.equity_and_max_drawdown(),
            (None, None),
            "nothing applied yet"
        );
        drop(book);
        recording.join().unwrap();
        let book = state.settled();
        assert_eq!(book.equity_and_max_drawdown(), (Some(5_000.0), Some(0.5)));
        assert_eq!(state.queue.queued(), 0);
    }

    /// A recording call applies at most one turn's worth of others' samples.
    #[test]
    fn one_call_applies_a_bounded_number_of_queued_samples() {
        let state = state();
        let book = state.settled();
        for _ in 0..100 {
            state.submit(10_000.0, 10_000.0, 1_790_000_000.0);
        }
        drop(book);
        state.submit(10_000.0, 10_000.0, 1_790_000_000.0);
        assert_eq!(state.queue.queued(), 101 - APPLIED_PER_TURN);
        drop(state.settled());
        assert_eq!(state.queue.queued(), 0);
    }
}

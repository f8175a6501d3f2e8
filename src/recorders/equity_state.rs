//! How equity samples reach the equity book: checked, queued, and applied in
//! one order by whoever holds the book, so recorders never wait for each
//! other.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::risk::EquityBook;
use crate::telemetry::{AtomicOptionF64, SampleQueue, TelemetryConfig, lock};

/// Samples a recorder may queue before it applies them itself.
const QUEUED_SAMPLES: usize = 1024;

/// Most queued samples one recording call applies: enough to keep the queue
/// short with any number of recording threads (each call adds one), few
/// enough that no call does more than a bounded amount of others' work.
/// The publisher applies whatever is left.
const APPLIED_PER_CALL: usize = 4;

/// Samples a recording call applies to make room in a full queue.
const APPLIED_WHEN_FULL: usize = 16;

/// The equity curve and the way samples reach it.
///
/// Samples must be applied in one order, but recorders must never wait for
/// each other: a recorder checks its sample, queues it, and applies every
/// queued sample only if the book's lock is free (otherwise the holder
/// applies it). The publisher applies what is queued before it reads. A
/// sample's order is its place in the queue; its time must not be older than
/// the latest time accepted by more than the tolerance.
#[derive(Debug)]
pub(crate) struct EquityState {
    book: Mutex<EquityBook>,
    queue: SampleQueue,
    /// Latest sample time accepted (f64 bits), for the order check.
    latest_at: AtomicU64,
    tolerance_secs: f64,
    /// Open exposure in percent of equity, once reported.
    pub(super) exposure_percent: AtomicOptionF64,
}

impl EquityState {
    pub(crate) fn new(config: &TelemetryConfig) -> Self {
        Self {
            book: Mutex::new(EquityBook::new(config)),
            queue: SampleQueue::with_capacity(QUEUED_SAMPLES),
            latest_at: AtomicU64::new(f64::NEG_INFINITY.to_bits()),
            tolerance_secs: config.equity_clock_tolerance.as_secs_f64(),
            exposure_percent: AtomicOptionF64::none(),
        }
    }

    /// Accepts `at` unless it is older than the latest accepted time by more
    /// than the tolerance (then returns that latest time).
    pub(super) fn admit(&self, at: f64) -> Result<(), f64> {
        let mut latest_bits = self.latest_at.load(Ordering::Acquire);
        loop {
            let latest = f64::from_bits(latest_bits);
            if at < latest - self.tolerance_secs {
                return Err(latest);
            }
            if at <= latest {
                return Ok(());
            }
            match self.latest_at.compare_exchange_weak(
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

    /// Queues a checked sample and, if nobody else is applying, applies a
    /// few queued samples (more than one: the queue then shrinks faster than
    /// recording calls fill it, whatever the number of threads).
    pub(super) fn submit(&self, balance: f64, equity: f64, at: f64) {
        let sample = [balance.to_bits(), equity.to_bits(), at.to_bits()];
        while !self.queue.push(sample) {
            // Full (the holder of the book was descheduled, or the publisher
            // is reading): wait for the book, make room, queue behind.
            let mut book = lock(&self.book);
            self.apply_queued(&mut book, APPLIED_WHEN_FULL);
        }
        let mut book = match self.book.try_lock() {
            Ok(book) => book,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return,
        };
        self.apply_queued(&mut book, APPLIED_PER_CALL);
    }

    /// Applies up to `limit` queued samples in order; returns how many.
    fn apply_queued(&self, book: &mut EquityBook, limit: usize) -> usize {
        let mut applied = 0;
        while applied < limit {
            let Some([balance, equity, at]) = self.queue.pop() else {
                break;
            };
            book.record(
                f64::from_bits(balance),
                f64::from_bits(equity),
                f64::from_bits(at),
            );
            applied += 1;
        }
        applied
    }

    /// The book with every completed sample applied, for the publisher.
    pub(super) fn settled(&self) -> MutexGuard<'_, EquityBook> {
        let mut book = lock(&self.book);
        self.apply_queued(&mut book, usize::MAX);
        book
    }
}

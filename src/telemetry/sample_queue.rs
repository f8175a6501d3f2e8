//! A bounded multi-producer queue of fixed-size samples, for state that
//! must be updated in one order (an equity curve) by threads that must never
//! wait for each other: a recorder enqueues its sample and returns; whoever
//! holds the state's lock applies every queued sample, in queue order.
//!
//! The queue is Dmitry Vyukov's bounded MPMC ring (one sequence word per
//! cell), used with a single consumer at a time — the holder of the state's
//! lock. Payloads are atomics written and read with relaxed ordering inside
//! the cell's sequence handshake, so there is no `unsafe` and no data race.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Whether `sequence` is before `position` in wrapping order.
#[allow(
    clippy::cast_possible_wrap,
    reason = "the signed difference of two wrapping counters is the point"
)]
fn is_behind(sequence: usize, position: usize) -> bool {
    (sequence.wrapping_sub(position) as isize) < 0
}

/// Words in one sample.
pub(crate) const WORDS: usize = 3;

struct Cell {
    sequence: AtomicUsize,
    payload: [AtomicU64; WORDS],
}

/// The queue. `capacity` is a power of two.
pub(crate) struct SampleQueue {
    cells: Box<[Cell]>,
    mask: usize,
    tail: AtomicUsize,
    head: AtomicUsize,
}

impl std::fmt::Debug for SampleQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SampleQueue")
            .field("capacity", &self.cells.len())
            .field("queued", &self.queued())
            .finish_non_exhaustive()
    }
}

impl SampleQueue {
    /// A queue for at least `capacity` samples (rounded up to a power of two).
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(2).next_power_of_two();
        Self {
            cells: (0..capacity)
                .map(|i| Cell {
                    sequence: AtomicUsize::new(i),
                    payload: Default::default(),
                })
                .collect(),
            mask: capacity - 1,
            tail: AtomicUsize::new(0),
            head: AtomicUsize::new(0),
        }
    }

    /// Appends `sample`; `false` when the queue is full. Lock-free.
    pub(crate) fn push(&self, sample: [u64; WORDS]) -> bool {
        let mut position = self.tail.load(Ordering::Relaxed);
        loop {
            let cell = &self.cells[position & self.mask];
            let sequence = cell.sequence.load(Ordering::Acquire);
            if sequence == position {
                match self.tail.compare_exchange_weak(
                    position,
                    position.wrapping_add(1),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        for (word, value) in cell.payload.iter().zip(sample) {
                            word.store(value, Ordering::Relaxed);
                        }
                        cell.sequence
                            .store(position.wrapping_add(1), Ordering::Release);
                        return true;
                    }
                    Err(current) => position = current,
                }
            } else if is_behind(sequence, position) {
                // The cell still holds (or is receiving) the sample of one
                // lap ago: full.
                return false;
            } else {
                position = self.tail.load(Ordering::Relaxed);
            }
        }
    }

    /// Takes the oldest sample whose write is complete. Only the holder of
    /// the consumer's lock may call this.
    pub(crate) fn pop(&self) -> Option<[u64; WORDS]> {
        let position = self.head.load(Ordering::Relaxed);
        let cell = &self.cells[position & self.mask];
        if cell.sequence.load(Ordering::Acquire) != position.wrapping_add(1) {
            return None;
        }
        let sample = std::array::from_fn(|i| cell.payload[i].load(Ordering::Relaxed));
        cell.sequence
            .store(position.wrapping_add(self.mask + 1), Ordering::Release);
        self.head.store(position.wrapping_add(1), Ordering::Relaxed);
        Some(sample)
    }

    /// Samples enqueued and not yet taken (including ones still being
    /// written).
    pub(crate) fn queued(&self) -> usize {
        self.tail
            .load(Ordering::Acquire)
            .wrapping_sub(self.head.load(Ordering::Acquire))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn fifo_and_full() {
        let q = SampleQueue::with_capacity(3);
        for i in 0..4 {
            assert!(q.push([i, i + 1, i + 2]));
        }
        assert!(!q.push([9, 9, 9]), "capacity rounds up to 4");
        assert_eq!(q.queued(), 4);
        for i in 0..4 {
            assert_eq!(q.pop(), Some([i, i + 1, i + 2]));
        }
        assert_eq!(q.pop(), None);
        assert!(q.push([7, 7, 7]));
        assert_eq!(q.pop(), Some([7, 7, 7]));
    }

    #[test]
    fn concurrent_producers_lose_nothing_and_keep_their_own_order() {
        let q = Arc::new(SampleQueue::with_capacity(64));
        let consumer = Arc::new(Mutex::new(Vec::new()));
        let producers: Vec<_> = (0..4u64)
            .map(|p| {
                let (q, consumer) = (Arc::clone(&q), Arc::clone(&consumer));
                std::thread::spawn(move || {
                    for i in 0..20_000u64 {
                        while !q.push([p, i, 0]) {
                            if let Ok(mut seen) = consumer.try_lock() {
                                while let Some(s) = q.pop() {
                                    seen.push(s);
                                }
                            }
                        }
                    }
                })
            })
            .collect();
        for p in producers {
            p.join().unwrap();
        }
        let mut seen = consumer.lock().unwrap();
        while let Some(s) = q.pop() {
            seen.push(s);
        }
        assert_eq!(seen.len(), 80_000);
        for p in 0..4 {
            let own: Vec<u64> = seen.iter().filter(|s| s[0] == p).map(|s| s[1]).collect();
            assert_eq!(own, (0..20_000).collect::<Vec<_>>());
        }
    }
}

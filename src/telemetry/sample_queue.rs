//! A bounded queue of fixed-size samples, for state that must be updated in
//! one order (an equity curve) by threads that must never wait for each
//! other: a recorder appends its sample and returns; whoever holds the
//! state's turn takes queued samples, in queue order, and applies them.
//!
//! A producer reserves its position with one `fetch_add` on the tail (no
//! compare-and-swap loop: with many threads appending at once, no producer
//! retries because another one won, and positions are handed out first
//! come, first served), writes the sample into the position's cell and
//! stamps the cell with the position. The consumer reads cells in order,
//! stopping at one not yet stamped, and frees what it read by moving the
//! head once per batch: it never writes to a cell, so a sample costs one
//! cache-line transfer to the consumer and one back to the cell's next
//! producer, not two each way. A producer reserves only when
//! the queue has room, so a reserved cell is written at once: a producer
//! descheduled while it waits for room holds up nobody. While the queue is
//! full it calls the caller's `make_room` — which drains the queue if it
//! can, or backs off — rather than sleeping on a lock. Cells and the two
//! ends sit on cache lines of their own. Payloads are atomics written and
//! read with relaxed ordering inside the stamp's release and acquire, and
//! the head's, so there is no `unsafe` and no data race.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Words in one sample.
pub(crate) const WORDS: usize = 3;

/// Where a producer waiting for room stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// It holds no position yet: it may wait as long as it likes, even
    /// sleep.
    BeforeReserving,
    /// It holds a position whose cell still holds the sample of one lap
    /// before, about to be taken: later samples wait for its write, so it
    /// must not sleep.
    Reserved,
}

/// One cell on a cache line of its own: producers of neighbouring positions
/// write at the same moment and must not take the line from each other.
#[repr(align(64))]
struct Cell {
    /// `position + 1` once the sample of `position` is written in it (so a
    /// stamp from the lap before never matches).
    stamp: AtomicUsize,
    payload: [AtomicU64; WORDS],
}

/// What every producer writes: the tail, and the caller's word that each
/// push updates too (see [`SampleQueue::tail_companion`]). Two lines wide,
/// since x86 prefetches lines in pairs.
#[repr(align(128))]
struct ProducerLine {
    tail: AtomicUsize,
    companion: AtomicU64,
}

/// What only the consumer writes: the position of the oldest sample not
/// yet taken. Cells before it are free.
#[repr(align(128))]
struct ConsumerLine {
    head: AtomicUsize,
}

/// The queue. `capacity` is a power of two.
pub(crate) struct SampleQueue {
    producers: ProducerLine,
    consumer: ConsumerLine,
    cells: Box<[Cell]>,
    mask: usize,
}

impl std::fmt::Debug for SampleQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SampleQueue")
            .field("capacity", &self.capacity())
            .field("queued", &self.queued())
            .finish_non_exhaustive()
    }
}

impl SampleQueue {
    /// A queue for at least `capacity` samples (rounded up to a power of
    /// two). `companion` is the initial value of
    /// [`tail_companion`](Self::tail_companion).
    pub(crate) fn with_capacity(capacity: usize, companion: u64) -> Self {
        let capacity = capacity.max(2).next_power_of_two();
        Self {
            producers: ProducerLine {
                tail: AtomicUsize::new(0),
                companion: AtomicU64::new(companion),
            },
            consumer: ConsumerLine {
                head: AtomicUsize::new(0),
            },
            cells: (0..capacity)
                .map(|i: usize| Cell {
                    // As if written one lap before position `i`.
                    stamp: AtomicUsize::new(i.wrapping_sub(capacity).wrapping_add(1)),
                    payload: Default::default(),
                })
                .collect(),
            mask: capacity - 1,
        }
    }

    /// A word on the tail's cache line for state every producer updates
    /// just before it pushes (the equity path keeps its latest accepted time
    /// here): the update and the push then move one cache line between
    /// cores, not two.
    pub(crate) fn tail_companion(&self) -> &AtomicU64 {
        &self.producers.companion
    }

    /// Appends `sample` behind every sample whose position was reserved
    /// before it. While the queue is full, calls `make_room` (it should
    /// drain the queue, or back off while another thread does) until there
    /// is room; see [`Wait`] for how it may wait.
    pub(crate) fn push(&self, sample: [u64; WORDS], mut make_room: impl FnMut(Wait)) {
        // Reserve only once there is room (several producers may see the
        // last free cell at once: the few that then get a position beyond
        // it wait below, briefly, since the queue is being drained). The
        // head is read first, with acquire: it never passes a tail read
        // after it.
        loop {
            let head = self.consumer.head.load(Ordering::Acquire);
            let tail = self.producers.tail.load(Ordering::Relaxed);
            if tail.wrapping_sub(head) < self.capacity() {
                break;
            }
            make_room(Wait::BeforeReserving);
        }
        let position = self.producers.tail.fetch_add(1, Ordering::Relaxed);
        // The head never passes an unwritten position, so this difference
        // is never negative.
        while position.wrapping_sub(self.consumer.head.load(Ordering::Acquire)) >= self.capacity() {
            make_room(Wait::Reserved);
        }
        let cell = &self.cells[position & self.mask];
        for (word, value) in cell.payload.iter().zip(sample) {
            word.store(value, Ordering::Relaxed);
        }
        cell.stamp
            .store(position.wrapping_add(1), Ordering::Release);
    }

    /// Takes up to `limit` samples in order, oldest first, handing each to
    /// `take`, and stops early at one still being written; returns how many
    /// it took. Frees their cells at the end. Only one thread at a time may
    /// call this (the holder of the consumer's turn, whose own acquire and
    /// release order one consumer's head before the next's).
    pub(crate) fn pop_up_to(&self, limit: usize, mut take: impl FnMut([u64; WORDS])) -> usize {
        let head = self.consumer.head.load(Ordering::Relaxed);
        let mut taken = 0;
        while taken < limit {
            let position = head.wrapping_add(taken);
            let cell = &self.cells[position & self.mask];
            if cell.stamp.load(Ordering::Acquire) != position.wrapping_add(1) {
                break;
            }
            take(std::array::from_fn(|i| {
                cell.payload[i].load(Ordering::Relaxed)
            }));
            taken += 1;
        }
        if taken > 0 {
            self.consumer
                .head
                .store(head.wrapping_add(taken), Ordering::Release);
        }
        taken
    }

    /// Samples taken since the queue was made (wrapping): a change means
    /// the consumer made progress.
    pub(crate) fn taken(&self) -> usize {
        self.consumer.head.load(Ordering::Relaxed)
    }

    /// Positions reserved and not yet taken: samples written, being written,
    /// or waiting for a full queue's cell (so it may exceed the capacity by
    /// the number of producers waiting).
    pub(crate) fn queued(&self) -> usize {
        self.producers
            .tail
            .load(Ordering::Acquire)
            .wrapping_sub(self.consumer.head.load(Ordering::Acquire))
    }

    /// Samples the queue holds when full.
    pub(crate) fn capacity(&self) -> usize {
        self.mask + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::{Arc, Mutex};

    fn pop(q: &SampleQueue) -> Option<[u64; WORDS]> {
        let mut sample = None;
        q.pop_up_to(1, |s| sample = Some(s));
        sample
    }

    #[test]
    fn fifo_and_full() {
        let q = SampleQueue::with_capacity(3, 0);
        for i in 0..4 {
            q.push([i, i + 1, i + 2], |_| panic!("room for four"));
        }
        assert_eq!(
            (q.capacity(), q.queued()),
            (4, 4),
            "capacity rounds up to 4"
        );
        // A fifth producer waits for room; its `make_room` is asked until
        // the consumer frees a cell.
        let mut asked = 0;
        q.push([9, 9, 9], |wait| {
            assert_eq!(wait, Wait::BeforeReserving);
            asked += 1;
            if asked == 3 {
                assert_eq!(pop(&q), Some([0, 1, 2]));
            }
        });
        assert_eq!(asked, 3);
        let mut taken = Vec::new();
        assert_eq!(q.pop_up_to(2, |s| taken.push(s)), 2);
        assert_eq!(taken, [[1, 2, 3], [2, 3, 4]]);
        // Both cells are free at once.
        q.push([7, 7, 7], |_| panic!("room"));
        q.push([8, 8, 8], |_| panic!("room"));
        assert_eq!(q.queued(), 4);
        let mut rest = Vec::new();
        assert_eq!(q.pop_up_to(usize::MAX, |s| rest.push(s)), 4);
        assert_eq!(rest, [[3, 4, 5], [9, 9, 9], [7, 7, 7], [8, 8, 8]]);
        assert_eq!((pop(&q), q.queued()), (None, 0));
    }

    /// Cells of neighbouring positions never share a cache line, nor the ends.
    #[test]
    fn cells_and_ends_have_cache_lines_of_their_own() {
        assert_eq!(std::mem::align_of::<Cell>(), 64);
        assert_eq!(std::mem::size_of::<Cell>(), 64);
        assert_eq!(std::mem::align_of::<ProducerLine>(), 128);
        assert_eq!(std::mem::align_of::<ConsumerLine>(), 128);
    }

    /// More producers than cells, a consumer taking turns with them: nothing
    /// is lost or duplicated, each producer's samples keep its own order, and
    /// a sample never lands ahead of one whose push had returned before it
    /// began (each sample carries how many pushes had returned when it
    /// began; at least that many samples must precede it).
    #[test]
    fn producers_beyond_capacity_lose_nothing_and_queue_in_call_order() {
        const PRODUCERS: u64 = 8;
        const PER_PRODUCER: u64 = 20_000;
        let q = Arc::new(SampleQueue::with_capacity(4, 0));
        let consumer = Arc::new(Mutex::new(Vec::new()));
        let returned = Arc::new(AtomicUsize::new(0));
        let drain = |q: &SampleQueue, seen: &mut Vec<[u64; WORDS]>| {
            q.pop_up_to(usize::MAX, |s| seen.push(s));
        };
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let (q, consumer, returned) =
                    (Arc::clone(&q), Arc::clone(&consumer), Arc::clone(&returned));
                std::thread::spawn(move || {
                    for i in 0..PER_PRODUCER {
                        let before = returned.load(Ordering::SeqCst) as u64;
                        q.push([p, i, before], |_| {
                            if let Ok(mut seen) = consumer.try_lock() {
                                drain(&q, &mut seen);
                            } else {
                                std::thread::yield_now();
                            }
                        });
                        returned.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        let stop = Arc::new(AtomicBool::new(false));
        let side_consumer = {
            let (q, consumer, stop) = (Arc::clone(&q), Arc::clone(&consumer), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    drain(&q, &mut consumer.lock().unwrap());
                    std::thread::yield_now();
                }
            })
        };
        for p in producers {
            p.join().unwrap();
        }
        stop.store(true, Ordering::Release);
        side_consumer.join().unwrap();
        let mut seen = consumer.lock().unwrap();
        drain(&q, &mut seen);
        assert_eq!(seen.len() as u64, PRODUCERS * PER_PRODUCER);
        for p in 0..PRODUCERS {
            let own: Vec<u64> = seen.iter().filter(|s| s[0] == p).map(|s| s[1]).collect();
            assert_eq!(own, (0..PER_PRODUCER).collect::<Vec<_>>());
        }
        for (place, s) in seen.iter().enumerate() {
            assert!(
                place as u64 >= s[2],
                "sample {s:?} at {place}: {} pushes had returned before it began",
                s[2]
            );
        }
    }
}

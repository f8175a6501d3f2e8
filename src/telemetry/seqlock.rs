//! A sequence lock for state with one writer at a time and readers that must
//! never block it.
//!
//! Writers (serialised by the caller, e.g. a shard's mutex) bump a version to
//! odd before writing and to even after; readers copy what they need and
//! retry when the version moved. The protected fields are atomics accessed
//! with relaxed loads and stores ([`SharedU64`], [`SharedF64`]): plain moves
//! on common hardware, no read-modify-write, and no data race in Rust's
//! memory model.

use std::sync::atomic::{AtomicU64, Ordering, fence};

/// The version word of one seqlock-protected region.
#[derive(Debug, Default)]
pub(crate) struct SeqLock {
    version: AtomicU64,
}

impl SeqLock {
    /// Runs `write` as one update. The caller guarantees that no other
    /// writer runs concurrently (it holds the region's writer lock).
    pub(crate) fn write<R>(&self, write: impl FnOnce() -> R) -> R {
        let version = self.version.load(Ordering::Relaxed);
        self.version
            .store(version.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        let result = write();
        self.version
            .store(version.wrapping_add(2), Ordering::Release);
        result
    }

    /// Returns what `read` copied during a moment with no write in progress.
    /// `read` may run several times; it must only load.
    pub(crate) fn read<T>(&self, read: impl Fn() -> T) -> T {
        let mut attempts: u32 = 0;
        loop {
            let before = self.version.load(Ordering::Acquire);
            if before & 1 == 0 {
                let value = read();
                fence(Ordering::Acquire);
                if self.version.load(Ordering::Relaxed) == before {
                    return value;
                }
            }
            attempts = attempts.saturating_add(1);
            if attempts < 64 {
                std::hint::spin_loop();
            } else {
                // A writer was descheduled mid-update: let it finish.
                std::thread::yield_now();
            }
        }
    }
}

/// A `u64` field of a seqlock-protected region.
#[derive(Debug, Default)]
pub(crate) struct SharedU64(AtomicU64);

impl SharedU64 {
    pub(crate) fn new(value: u64) -> Self {
        Self(AtomicU64::new(value))
    }

    /// Sets the value (writer only).
    pub(crate) fn set(&self, value: u64) {
        self.0.store(value, Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Adds `n` (writer only).
    pub(crate) fn add(&self, n: u64) {
        self.0
            .store(self.get().saturating_add(n), Ordering::Relaxed);
    }
}

/// An `f64` field of a seqlock-protected region.
#[derive(Debug)]
pub(crate) struct SharedF64(AtomicU64);

impl SharedF64 {
    pub(crate) fn new(value: f64) -> Self {
        Self(AtomicU64::new(value.to_bits()))
    }

    pub(crate) fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }

    /// Sets the value (writer only).
    pub(crate) fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }

    /// Adds `x` (writer only).
    pub(crate) fn add(&self, x: f64) {
        self.set(self.get() + x);
    }

    /// Raises the value to `x` if `x` is larger (writer only).
    pub(crate) fn raise_to(&self, x: f64) {
        if x > self.get() {
            self.set(x);
        }
    }
}

impl Default for SharedF64 {
    fn default() -> Self {
        Self::new(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Two fields always written together must always be read together.
    #[test]
    fn readers_see_whole_updates_only() {
        struct Pair {
            lock: SeqLock,
            a: SharedU64,
            b: SharedU64,
        }
        let pair = Arc::new(Pair {
            lock: SeqLock::default(),
            a: SharedU64::default(),
            b: SharedU64::default(),
        });
        let writer = {
            let pair = Arc::clone(&pair);
            std::thread::spawn(move || {
                for _ in 0..200_000 {
                    pair.lock.write(|| {
                        pair.a.add(1);
                        pair.b.add(1);
                    });
                }
            })
        };
        let mut last = 0;
        while !writer.is_finished() {
            let (a, b) = pair.lock.read(|| (pair.a.get(), pair.b.get()));
            assert_eq!(a, b);
            assert!(a >= last);
            last = a;
        }
        writer.join().unwrap();
        assert_eq!(pair.lock.read(|| pair.a.get()), 200_000);
    }
}

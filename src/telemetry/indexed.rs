//! Handle sets stored by dense index, created on first use.

use std::sync::OnceLock;

/// A fixed-capacity table of handle sets. The capacity is the label's
/// cardinality limit (plus the overflow slot), known when the telemetry is
/// built, so a lookup is one bounds check and one atomic load: no lock, no
/// hashing, no allocation once a slot exists.
#[derive(Debug)]
pub(crate) struct IndexedHandles<T> {
    slots: Box<[OnceLock<Box<T>>]>,
}

impl<T> IndexedHandles<T> {
    /// A table for indices `0..capacity`.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            slots: (0..capacity).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Runs `f` on the handles at `index`, creating them with `init` first.
    /// An index beyond the capacity (impossible: slots are bounded by the same
    /// limit) falls back to the last slot rather than panicking.
    pub(crate) fn with<R>(
        &self,
        index: usize,
        init: impl FnOnce() -> T,
        f: impl FnOnce(&T) -> R,
    ) -> R {
        let slot = &self.slots[index.min(self.slots.len().saturating_sub(1))];
        f(slot.get_or_init(|| Box::new(init())))
    }
}

//! Bounded mapping from label values to dense per-telemetry slots.
//!
//! Each [`crate::Telemetry`] keeps per-agent and per-symbol state in tables
//! indexed by slot. The first `limit` distinct values get their own slot;
//! every later value shares the overflow slot, exported as [`OVERFLOW_LABEL`],
//! and each event routed there is counted in
//! `velocitytrader_label_overflow_total`. The values live in the telemetry
//! (at most `limit` of them) and are freed with it.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::model::LabelValue;

/// Label value that collects everything beyond the cardinality limit.
pub const OVERFLOW_LABEL: &str = "__overflow__";

/// A resolved slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    /// Dense index, `0..=limit`; `limit` is the overflow slot.
    pub(crate) index: usize,
    /// Whether this is the overflow slot.
    pub(crate) overflow: bool,
}

/// Value → slot map for one label (agent or symbol).
///
/// Lookups are lock-free: an open-addressing index (at most half full) of
/// `(hash high bits, slot + 1)` words over the precomputed hash of the value,
/// confirmed by comparing the stored value. Assigning a new slot takes a
/// mutex; values beyond the limit are never stored, so their lookups stay
/// lock-free too once the table is full.
pub(crate) struct LabelSlots {
    index: Box<[AtomicU64]>,
    values: Box<[OnceLock<LabelValue>]>,
    assigned: AtomicUsize,
    insert: Mutex<()>,
    limit: usize,
    overflowed: AtomicU64,
}

impl std::fmt::Debug for LabelSlots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabelSlots")
            .field("limit", &self.limit)
            .field("assigned", &self.assigned.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

const EMPTY: u64 = 0;

impl LabelSlots {
    /// At most `limit` distinct values (at least 1) get their own slot.
    pub(crate) fn new(limit: usize) -> Self {
        let limit = limit.clamp(1, u32::MAX as usize - 1);
        let buckets = (limit * 2).next_power_of_two().max(16);
        Self {
            index: (0..buckets).map(|_| AtomicU64::new(EMPTY)).collect(),
            values: (0..limit).map(|_| OnceLock::new()).collect(),
            assigned: AtomicUsize::new(0),
            insert: Mutex::new(()),
            limit,
            overflowed: AtomicU64::new(0),
        }
    }

    /// Slots in use, the overflow slot included: the length a per-slot table
    /// needs (`limit + 1`).
    pub(crate) fn capacity(&self) -> usize {
        self.limit + 1
    }

    fn find(&self, value: &LabelValue) -> Option<usize> {
        let hash = value.hash64();
        let tag = hash >> 32;
        let mask = self.index.len() - 1;
        #[allow(clippy::cast_possible_truncation, reason = "masked to the table size")]
        let mut position = (hash as usize) & mask;
        loop {
            let entry = self.index[position].load(Ordering::Acquire);
            if entry == EMPTY {
                return None;
            }
            #[allow(clippy::cast_possible_truncation, reason = "low 32 bits hold slot + 1")]
            let slot = (entry & 0xFFFF_FFFF) as usize - 1;
            if entry >> 32 == tag && self.values[slot].get() == Some(value) {
                return Some(slot);
            }
            position = (position + 1) & mask;
        }
    }

    fn store(&self, value: &LabelValue, slot: usize) {
        let hash = value.hash64();
        let mask = self.index.len() - 1;
        #[allow(clippy::cast_possible_truncation, reason = "masked to the table size")]
        let mut position = (hash as usize) & mask;
        while self.index[position].load(Ordering::Relaxed) != EMPTY {
            position = (position + 1) & mask;
        }
        let entry = ((hash >> 32) << 32) | (slot as u64 + 1);
        self.index[position].store(entry, Ordering::Release);
    }

    fn overflow(&self) -> Slot {
        self.overflowed.fetch_add(1, Ordering::Relaxed);
        Slot {
            index: self.limit,
            overflow: true,
        }
    }

    /// The slot for `value`, assigning one if the limit allows.
    pub(crate) fn resolve(&self, value: &LabelValue) -> Slot {
        if let Some(index) = self.find(value) {
            return Slot {
                index,
                overflow: false,
            };
        }
        if self.assigned.load(Ordering::Acquire) >= self.limit {
            return self.overflow();
        }
        let _guard = crate::telemetry::lock(&self.insert);
        if let Some(index) = self.find(value) {
            return Slot {
                index,
                overflow: false,
            };
        }
        let index = self.assigned.load(Ordering::Relaxed);
        if index >= self.limit {
            return self.overflow();
        }
        // The value is set before the index entry that leads to it, and the
        // count is raised last, so a reader never finds a slot without value.
        let _ = self.values[index].set(*value);
        self.store(value, index);
        self.assigned.store(index + 1, Ordering::Release);
        Slot {
            index,
            overflow: false,
        }
    }

    /// The exported label value of slot `index`.
    pub(crate) fn label(&self, index: usize) -> &str {
        self.values
            .get(index)
            .and_then(OnceLock::get)
            .map_or(OVERFLOW_LABEL, LabelValue::as_str)
    }

    /// Events routed to the overflow slot so far.
    pub(crate) fn overflowed(&self) -> u64 {
        self.overflowed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Symbol;

    fn value(name: &str) -> LabelValue {
        *Symbol::new(name).unwrap().value()
    }

    #[test]
    fn excess_values_share_the_overflow_slot_and_are_counted() {
        let slots = LabelSlots::new(2);
        let a = slots.resolve(&value("a"));
        let b = slots.resolve(&value("b"));
        assert_eq!((a.index, b.index, a.overflow), (0, 1, false));
        assert_eq!(slots.resolve(&value("a")), a);
        let c = slots.resolve(&value("c"));
        let d = slots.resolve(&value("d"));
        assert_eq!(
            c,
            Slot {
                index: 2,
                overflow: true
            }
        );
        assert_eq!(d, c);
        assert_eq!(slots.resolve(&value("c")), c);
        assert_eq!(slots.overflowed(), 3);
        assert_eq!(
            (slots.label(0), slots.label(1), slots.label(2)),
            ("a", "b", OVERFLOW_LABEL)
        );
        assert_eq!(slots.capacity(), 3);
    }

    #[test]
    fn many_values_resolve_to_distinct_stable_slots() {
        let slots = LabelSlots::new(1000);
        for i in 0..1000 {
            assert_eq!(slots.resolve(&value(&format!("S{i}"))).index, i);
        }
        for i in (0..1000).rev() {
            let slot = slots.resolve(&value(&format!("S{i}")));
            assert_eq!((slot.index, slot.overflow), (i, false));
            assert_eq!(slots.label(i), format!("S{i}"));
        }
        assert!(slots.resolve(&value("one too many")).overflow);
    }

    #[test]
    fn concurrent_first_sightings_agree() {
        let slots = std::sync::Arc::new(LabelSlots::new(64));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let slots = std::sync::Arc::clone(&slots);
                std::thread::spawn(move || {
                    (0..64)
                        .map(|i| slots.resolve(&value(&format!("T{i}"))).index)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let results: Vec<Vec<usize>> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert!(results.windows(2).all(|w| w[0] == w[1]));
        let mut sorted = results[0].clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..64).collect::<Vec<_>>());
    }
}

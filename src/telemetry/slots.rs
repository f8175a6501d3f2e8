//! Bounded mapping from interned label ids to dense per-telemetry slots.
//!
//! Each [`crate::Telemetry`] keeps per-agent and per-symbol state in vectors
//! indexed by slot. The first `limit` distinct values get their own slot; every
//! later value shares the overflow slot, exported as [`OVERFLOW_LABEL`], and
//! each event routed there is counted in `velocitytrader_label_overflow_total`.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::model::MAX_INTERNED_NAMES;

/// Label value that collects everything beyond the cardinality limit.
pub const OVERFLOW_LABEL: &str = "__overflow__";

const UNASSIGNED: u32 = u32::MAX;
const PAGE: usize = 256;
const PAGES: usize = MAX_INTERNED_NAMES.div_ceil(PAGE);

/// A resolved slot: its index and the label value to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) index: usize,
    pub(crate) label: &'static str,
}

type Page = [AtomicU32; PAGE];

/// Id → slot map for one label (agent or symbol).
///
/// Reads are lock-free: a two-level table indexed by the interned id (pages
/// of 256 entries allocated on first use). Assigning a new slot takes a mutex.
#[derive(Debug)]
pub(crate) struct LabelSlots {
    pages: Box<[OnceLock<Box<Page>>]>,
    labels: Mutex<Vec<&'static str>>,
    limit: usize,
    overflowed: AtomicU64,
}

impl LabelSlots {
    /// At most `limit` distinct values (at least 1) get their own slot.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            pages: (0..PAGES).map(|_| OnceLock::new()).collect(),
            labels: Mutex::new(Vec::new()),
            limit: limit.max(1),
            overflowed: AtomicU64::new(0),
        }
    }

    fn entry(&self, id: usize) -> Option<&AtomicU32> {
        let page = self.pages.get(id / PAGE)?;
        let page =
            page.get_or_init(|| Box::new(std::array::from_fn(|_| AtomicU32::new(UNASSIGNED))));
        Some(&page[id % PAGE])
    }

    /// The slot for interned id `id` with label value `label`.
    pub(crate) fn resolve(&self, id: usize, label: &'static str) -> Slot {
        let Some(entry) = self.entry(id) else {
            return self.overflow_slot(&mut crate::telemetry::lock(&self.labels));
        };
        let index = entry.load(Ordering::Acquire);
        if index != UNASSIGNED {
            let index = index as usize;
            if index == self.limit {
                self.overflowed.fetch_add(1, Ordering::Relaxed);
                return Slot {
                    index,
                    label: OVERFLOW_LABEL,
                };
            }
            return Slot { index, label };
        }
        let mut labels = crate::telemetry::lock(&self.labels);
        let index = entry.load(Ordering::Acquire);
        if index != UNASSIGNED {
            drop(labels);
            return self.resolve(id, label);
        }
        if labels.len() < self.limit {
            labels.push(label);
            let index = labels.len() - 1;
            entry.store(
                u32::try_from(index).unwrap_or(UNASSIGNED - 1),
                Ordering::Release,
            );
            return Slot { index, label };
        }
        entry.store(
            u32::try_from(self.limit).unwrap_or(UNASSIGNED - 1),
            Ordering::Release,
        );
        self.overflow_slot(&mut labels)
    }

    fn overflow_slot(&self, labels: &mut Vec<&'static str>) -> Slot {
        if labels.len() == self.limit {
            labels.push(OVERFLOW_LABEL);
        }
        self.overflowed.fetch_add(1, Ordering::Relaxed);
        Slot {
            index: self.limit,
            label: OVERFLOW_LABEL,
        }
    }

    /// Label values of all slots, in slot order (overflow last, if used).
    pub(crate) fn labels(&self) -> Vec<&'static str> {
        crate::telemetry::lock(&self.labels).clone()
    }

    /// Events routed to the overflow slot so far.
    pub(crate) fn overflowed(&self) -> u64 {
        self.overflowed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excess_values_share_the_overflow_slot_and_are_counted() {
        let slots = LabelSlots::new(2);
        let a = slots.resolve(10, "a");
        let b = slots.resolve(3, "b");
        assert_eq!((a.index, b.index), (0, 1));
        assert_eq!(slots.resolve(10, "a"), a);
        let c = slots.resolve(7, "c");
        let d = slots.resolve(8, "d");
        assert_eq!(
            c,
            Slot {
                index: 2,
                label: OVERFLOW_LABEL
            }
        );
        assert_eq!(d, c);
        assert_eq!(slots.resolve(7, "c"), c);
        assert_eq!(slots.overflowed(), 3);
        assert_eq!(slots.labels(), vec!["a", "b", OVERFLOW_LABEL]);
    }
}

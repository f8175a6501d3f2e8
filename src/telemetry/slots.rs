//! Bounded mapping from interned label ids to dense per-telemetry slots.
//!
//! Each [`crate::Telemetry`] keeps per-agent and per-symbol state in vectors
//! indexed by slot. The first `limit` distinct values get their own slot; every
//! later value shares the overflow slot, exported as [`OVERFLOW_LABEL`], and
//! each event routed there is counted in `velocitytrader_label_overflow_total`.

use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Label value that collects everything beyond the cardinality limit.
pub const OVERFLOW_LABEL: &str = "__overflow__";

const UNASSIGNED: u32 = u32::MAX;

/// A resolved slot: its index and the label value to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) index: usize,
    pub(crate) label: &'static str,
}

#[derive(Debug, Default)]
struct SlotTable {
    by_id: Vec<u32>,
    labels: Vec<&'static str>,
}

/// Id → slot map for one label (agent or symbol).
#[derive(Debug)]
pub(crate) struct LabelSlots {
    table: RwLock<SlotTable>,
    limit: usize,
    overflowed: AtomicU64,
}

impl LabelSlots {
    /// At most `limit` distinct values (at least 1) get their own slot.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            table: RwLock::new(SlotTable::default()),
            limit: limit.max(1),
            overflowed: AtomicU64::new(0),
        }
    }

    /// The slot for interned id `id` with label value `label`.
    pub(crate) fn resolve(&self, id: usize, label: &'static str) -> Slot {
        {
            let table = self
                .table
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(&index) = table.by_id.get(id)
                && index != UNASSIGNED
            {
                return self.slot(&table, index as usize);
            }
        }
        let mut table = self
            .table
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if table.by_id.len() <= id {
            table.by_id.resize(id + 1, UNASSIGNED);
        }
        if table.by_id[id] == UNASSIGNED {
            let own = table.labels.len() < self.limit;
            let index = if own {
                table.labels.push(label);
                table.labels.len() - 1
            } else {
                self.overflow_index(&mut table)
            };
            table.by_id[id] = u32::try_from(index).unwrap_or(UNASSIGNED - 1);
        }
        let index = table.by_id[id] as usize;
        self.slot(&table, index)
    }

    fn overflow_index(&self, table: &mut SlotTable) -> usize {
        if table.labels.len() == self.limit {
            table.labels.push(OVERFLOW_LABEL);
        }
        self.limit
    }

    fn slot(&self, table: &SlotTable, index: usize) -> Slot {
        if index == self.limit {
            self.overflowed.fetch_add(1, Ordering::Relaxed);
        }
        Slot {
            index,
            label: table.labels[index],
        }
    }

    /// Label values of all slots, in slot order (overflow last, if used).
    pub(crate) fn labels(&self) -> Vec<&'static str> {
        self.table
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .labels
            .clone()
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

//! The listener's own accounting: connections it dropped and requests it
//! rejected, as catalogue counters that exist at 0 from the start.

use std::sync::Arc;
#[cfg(test)]
use std::sync::atomic::{AtomicU64, Ordering};

use metrics::{Counter, Key, Label, Recorder};

use crate::catalogue::{self, MetricDef};
pub(crate) use crate::catalogue::{DropReason, RejectReason};

/// One counter per reason, registered (at 0) on the endpoint's recorder.
#[derive(Debug, Clone)]
pub(crate) struct EndpointCounters {
    dropped: Arc<[Tally; DropReason::ALL.len()]>,
    rejected: Arc<[Tally; RejectReason::ALL.len()]>,
}

/// A counter handle and the same count kept here, readable.
#[derive(Debug)]
struct Tally {
    counter: Counter,
    #[cfg(test)]
    count: AtomicU64,
}

impl Tally {
    fn new(recorder: Option<&dyn Recorder>, def: &MetricDef, reason: &'static str) -> Self {
        let counter = recorder.map_or_else(Counter::noop, |recorder| {
            let key = Key::from_parts(def.name, vec![Label::new("reason", reason)]);
            let counter = recorder.register_counter(&key, &catalogue::metadata());
            counter.increment(0);
            counter
        });
        Self {
            counter,
            #[cfg(test)]
            count: AtomicU64::new(0),
        }
    }

    fn add(&self) {
        self.counter.increment(1);
        #[cfg(test)]
        self.count.fetch_add(1, Ordering::Relaxed);
    }
}

impl EndpointCounters {
    /// Registers every counter on `recorder`, at 0, with its help text.
    pub(crate) fn register(recorder: &dyn Recorder) -> Self {
        for def in [
            &catalogue::ENDPOINT_CONNECTIONS_DROPPED_TOTAL,
            &catalogue::ENDPOINT_REQUESTS_REJECTED_TOTAL,
        ] {
            recorder.describe_counter(def.name.into(), None, def.help_text().into());
        }
        Self::with(Some(recorder))
    }

    /// Counters attached to no recorder.
    #[cfg(test)]
    pub(crate) fn detached() -> Self {
        Self::with(None)
    }

    fn with(recorder: Option<&dyn Recorder>) -> Self {
        Self {
            dropped: Arc::new(DropReason::ALL.map(|r| {
                Tally::new(
                    recorder,
                    &catalogue::ENDPOINT_CONNECTIONS_DROPPED_TOTAL,
                    r.label(),
                )
            })),
            rejected: Arc::new(RejectReason::ALL.map(|r| {
                Tally::new(
                    recorder,
                    &catalogue::ENDPOINT_REQUESTS_REJECTED_TOTAL,
                    r.label(),
                )
            })),
        }
    }

    pub(crate) fn dropped(&self, reason: DropReason) {
        self.dropped[reason.index()].add();
    }

    pub(crate) fn rejected(&self, reason: RejectReason) {
        self.rejected[reason.index()].add();
    }

    /// How many connections were dropped for `reason` so far.
    #[cfg(test)]
    pub(crate) fn dropped_count(&self, reason: DropReason) -> u64 {
        self.dropped[reason.index()].count.load(Ordering::Relaxed)
    }
}

//! The library's own accounting: rejected input, label overflow, publish
//! failures, build info.

use metrics::Counter;

use crate::catalogue as cat;
use crate::error::RecordError;
use crate::telemetry::{LazyCounter, Sink, Stage};

/// Handles of the meta series.
#[cfg_attr(
    not(feature = "push"),
    allow(dead_code, reason = "push series: batch mode only")
)]
pub(crate) struct MetaHandles {
    /// One counter per [`RecordError::REASONS`] entry.
    rejected: [Counter; RecordError::REASONS.len()],
    agent_overflow: Counter,
    symbol_overflow: Counter,
    publish_failures: [Counter; Stage::ALL.len()],
    push_failures: [LazyCounter; cat::PUSH_FAILURE_REASONS.len()],
    sink: Sink,
}

impl MetaHandles {
    pub(crate) fn new(sink: &Sink, engine_version: Option<&str>) -> Self {
        sink.gauge(
            &cat::BUILD_INFO,
            &[env!("CARGO_PKG_VERSION"), engine_version.unwrap_or("")],
        )
        .set(1.0);
        let overflow = |label| sink.counter(&cat::LABEL_OVERFLOW_TOTAL, &[label]);
        Self {
            rejected: std::array::from_fn(|i| {
                sink.counter(&cat::REJECTED_EVENTS_TOTAL, &[RecordError::REASONS[i]])
            }),
            agent_overflow: overflow("agent"),
            symbol_overflow: overflow("symbol"),
            publish_failures: Stage::ALL
                .map(|stage| sink.counter(&cat::PUBLISH_FAILURES_TOTAL, &[stage.label()])),
            push_failures: std::array::from_fn(|i| {
                LazyCounter::new(
                    sink,
                    &cat::PUSH_FAILURES_TOTAL,
                    &[cat::PUSH_FAILURE_REASONS[i]],
                )
            }),
            sink: sink.clone(),
        }
    }

    pub(crate) fn count_rejection(&self, error: &RecordError) {
        self.rejected[error.reason_index()].increment(1);
    }

    pub(crate) fn count_publish_failure(&self, stage: Stage) {
        if let Some(i) = Stage::ALL.iter().position(|s| *s == stage) {
            self.publish_failures[i].increment(1);
        }
    }

    /// Registers the push failure counters at 0 (batch mode starts).
    #[cfg_attr(not(feature = "push"), allow(dead_code, reason = "batch mode only"))]
    pub(crate) fn register_push_series(&self) {
        for counter in &self.push_failures {
            counter.register(&self.sink);
        }
    }

    #[cfg_attr(not(feature = "push"), allow(dead_code, reason = "batch mode only"))]
    pub(crate) fn count_push_failure(&self, reason: &str) {
        if let Some(i) = cat::PUSH_FAILURE_REASONS.iter().position(|r| *r == reason) {
            self.push_failures[i].increment(&self.sink, 1);
        }
    }

    pub(crate) fn publish_overflow(&self, agents: u64, symbols: u64) {
        self.agent_overflow.absolute(agents);
        self.symbol_overflow.absolute(symbols);
    }
}

//! The library's own accounting: rejected input, label overflow, publish
//! failures, build info.

use metrics::Counter;

use crate::catalogue as cat;
use crate::error::RecordError;
use crate::telemetry::{Sink, Stage};

/// Handles of the meta series.
pub(crate) struct MetaHandles {
    not_finite: Counter,
    negative: Counter,
    out_of_range: Counter,
    out_of_order: Counter,
    agent_overflow: Counter,
    symbol_overflow: Counter,
    publish_failures: [Counter; Stage::ALL.len()],
}

impl MetaHandles {
    pub(crate) fn new(sink: &Sink) -> Self {
        sink.gauge(&cat::BUILD_INFO, &[env!("CARGO_PKG_VERSION")])
            .set(1.0);
        let rejected = |reason| sink.counter(&cat::REJECTED_EVENTS_TOTAL, &[reason]);
        let overflow = |label| sink.counter(&cat::LABEL_OVERFLOW_TOTAL, &[label]);
        Self {
            not_finite: rejected("not_finite"),
            negative: rejected("negative"),
            out_of_range: rejected("out_of_range"),
            out_of_order: rejected("out_of_order"),
            agent_overflow: overflow("agent"),
            symbol_overflow: overflow("symbol"),
            publish_failures: Stage::ALL
                .map(|stage| sink.counter(&cat::PUBLISH_FAILURES_TOTAL, &[stage.label()])),
        }
    }

    pub(crate) fn count_rejection(&self, error: &RecordError) {
        match error {
            RecordError::NotFinite { .. } => &self.not_finite,
            RecordError::Negative { .. } => &self.negative,
            RecordError::OutOfRange { .. } => &self.out_of_range,
            RecordError::OutOfOrder { .. } => &self.out_of_order,
        }
        .increment(1);
    }

    pub(crate) fn count_publish_failure(&self, stage: Stage) {
        if let Some(i) = Stage::ALL.iter().position(|s| *s == stage) {
            self.publish_failures[i].increment(1);
        }
    }

    pub(crate) fn publish_overflow(&self, agents: u64, symbols: u64) {
        self.agent_overflow.absolute(agents);
        self.symbol_overflow.absolute(symbols);
    }
}

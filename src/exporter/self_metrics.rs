//! The listener's own accounting: connections it dropped and requests it
//! rejected, as catalogue counters that exist at 0 from the start.

use std::sync::Arc;
#[cfg(test)]
use std::sync::atomic::{AtomicU64, Ordering};

use metrics::{Counter, Key, Label, Recorder};

use crate::catalogue::{self, MetricDef};

/// Why the listener closed or refused a connection
/// (`velocitytrader_endpoint_connections_dropped_total{reason}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DropReason {
    /// Closed to make room for a new connection at the cap.
    Evicted,
    /// Refused at the cap: every connection was mid-request.
    Refused,
    /// No request within the header timeout, or idle keep-alive too long.
    Timeout,
    /// The TLS handshake failed or timed out.
    TlsHandshake,
    /// `accept` failed (e.g. out of descriptors).
    AcceptFailed,
}

impl DropReason {
    const ALL: [Self; 5] = [
        Self::Evicted,
        Self::Refused,
        Self::Timeout,
        Self::TlsHandshake,
        Self::AcceptFailed,
    ];

    const fn label(self) -> &'static str {
        match self {
            Self::Evicted => "evicted",
            Self::Refused => "refused",
            Self::Timeout => "timeout",
            Self::TlsHandshake => "tls_handshake",
            Self::AcceptFailed => "accept_failed",
        }
    }
}

/// Why the listener answered a request without serving it
/// (`velocitytrader_endpoint_requests_rejected_total{reason}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RejectReason {
    /// Missing or wrong basic-auth credentials (401).
    Unauthorized,
    /// Too many password checks queued; answered 401 unchecked.
    AuthBusy,
    /// Client outside the allow-list (403).
    Forbidden,
    /// The publish outlasted the scraper's timeout (503).
    ScrapeTimeout,
}

impl RejectReason {
    const ALL: [Self; 4] = [
        Self::Unauthorized,
        Self::AuthBusy,
        Self::Forbidden,
        Self::ScrapeTimeout,
    ];

    const fn label(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::AuthBusy => "auth_busy",
            Self::Forbidden => "forbidden",
            Self::ScrapeTimeout => "scrape_timeout",
        }
    }
}

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
        if let Some(i) = DropReason::ALL.iter().position(|r| *r == reason) {
            self.dropped[i].add();
        }
    }

    pub(crate) fn rejected(&self, reason: RejectReason) {
        if let Some(i) = RejectReason::ALL.iter().position(|r| *r == reason) {
            self.rejected[i].add();
        }
    }

    /// How many connections were dropped for `reason` so far.
    #[cfg(test)]
    pub(crate) fn dropped_count(&self, reason: DropReason) -> u64 {
        DropReason::ALL
            .iter()
            .position(|r| *r == reason)
            .map_or(0, |i| self.dropped[i].count.load(Ordering::Relaxed))
    }
}

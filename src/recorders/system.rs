//! Engine health: status, MT5 link, uptime, ticks, signals, errors, DB latency.

use std::time::Duration;

use crate::catalogue as cat;
use crate::model::Severity;
use crate::telemetry::{LazyCounter, LazyGauge, LazyHistogram, Role, Sink, Telemetry, count_f64};

/// Handles of the system series.
///
/// Series only the engine itself can supply (uptime, ticks, signals,
/// errors) are registered at 0 when the telemetry is built for
/// [`Role::Engine`], so that `increase()` sees the first event; for
/// [`Role::DatabaseReader`] they have no sample until something is recorded,
/// because a database reader has no such numbers to give.
pub(crate) struct SystemHandles {
    sink: Sink,
    status: LazyGauge,
    mt5: LazyGauge,
    uptime: LazyGauge,
    ticks: LazyCounter,
    signals: LazyCounter,
    errors: [LazyCounter; 4],
    critical: LazyCounter,
    active_symbols: LazyGauge,
    websocket_clients: LazyGauge,
    db_latency_ms: LazyGauge,
    db_duration: LazyHistogram,
}

impl SystemHandles {
    pub(crate) fn new(sink: &Sink, role: Role) -> Self {
        let error_counter = |s: Severity| LazyCounter::new(sink, &cat::ERRORS_TOTAL, &[s.label()]);
        let handles = Self {
            sink: sink.clone(),
            status: LazyGauge::new(sink, &cat::SYSTEM_STATUS, &[]),
            mt5: LazyGauge::new(sink, &cat::MT5_CONNECTION, &[]),
            uptime: LazyGauge::new(sink, &cat::UPTIME_SECONDS, &[]),
            ticks: LazyCounter::new(sink, &cat::TICKS_PROCESSED_TOTAL, &[]),
            signals: LazyCounter::new(sink, &cat::SIGNALS_GENERATED_TOTAL, &[]),
            errors: [
                error_counter(Severity::Critical),
                error_counter(Severity::High),
                error_counter(Severity::Medium),
                error_counter(Severity::Low),
            ],
            critical: LazyCounter::new(sink, &cat::ERRORS_CRITICAL_TOTAL, &[]),
            active_symbols: LazyGauge::new(sink, &cat::ACTIVE_SYMBOLS, &[]),
            websocket_clients: LazyGauge::new(sink, &cat::WEBSOCKET_CLIENTS, &[]),
            db_latency_ms: LazyGauge::new(sink, &cat::DB_QUERY_LATENCY_MS, &[]),
            db_duration: LazyHistogram::new(sink, &cat::DB_QUERY_DURATION_SECONDS, &[]),
        };
        if role == Role::Engine {
            handles.ticks.register(sink);
            handles.signals.register(sink);
            handles.register_error_series();
        }
        handles
    }

    /// Registers the error counters at 0 (the engine's own, or a reader that
    /// read the whole error log and so knows the true count).
    pub(crate) fn register_error_series(&self) {
        for counter in &self.errors {
            counter.register(&self.sink);
        }
        self.critical.register(&self.sink);
    }

    pub(crate) fn publish_uptime(&self, uptime: Duration) {
        self.uptime.set(&self.sink, Some(uptime.as_secs_f64()));
    }

    pub(crate) fn count_signal(&self) {
        self.signals.increment(&self.sink, 1);
    }
}

fn flag(on: bool) -> f64 {
    if on { 1.0 } else { 0.0 }
}

impl Telemetry {
    /// Reports whether the engine's trading loop is running. Liveness of the
    /// process itself is Prometheus' `up`; this is the engine's own verdict.
    pub fn set_system_status(&self, running: bool) {
        let s = &self.inner.system;
        s.status.set(&s.sink, Some(flag(running)));
    }

    /// Reports whether the MT5 terminal is connected.
    pub fn set_mt5_connected(&self, connected: bool) {
        let s = &self.inner.system;
        s.mt5.set(&s.sink, Some(flag(connected)));
    }

    /// Counts processed market ticks.
    pub fn add_ticks(&self, ticks: u64) {
        let s = &self.inner.system;
        s.ticks.increment(&s.sink, ticks);
    }

    /// Registers the error counters at 0, for a database reader that reads
    /// the whole error log (an engine has them from the start).
    #[cfg_attr(
        not(feature = "sqlite"),
        allow(dead_code, reason = "database readers only")
    )]
    pub(crate) fn register_error_series(&self) {
        self.inner.system.register_error_series();
    }

    /// Counts one engine error of the given severity.
    pub fn record_error(&self, severity: Severity) {
        let s = &self.inner.system;
        s.errors[severity.index()].increment(&s.sink, 1);
        if severity == Severity::Critical {
            s.critical.increment(&s.sink, 1);
        }
    }

    /// Sets the number of symbols being traded.
    pub fn set_active_symbols(&self, symbols: u64) {
        let s = &self.inner.system;
        s.active_symbols.set(&s.sink, Some(count_f64(symbols)));
    }

    /// Sets the number of connected websocket clients.
    pub fn set_websocket_clients(&self, clients: u64) {
        let s = &self.inner.system;
        s.websocket_clients.set(&s.sink, Some(count_f64(clients)));
    }

    /// Records one database query's latency (histogram in seconds, plus the
    /// legacy `velocitytrader_db_query_latency_ms` gauge).
    pub fn record_db_query(&self, latency: Duration) {
        let s = &self.inner.system;
        s.db_duration.record(&s.sink, latency.as_secs_f64());
        s.db_latency_ms
            .set(&s.sink, Some(latency.as_secs_f64() * 1000.0));
    }
}

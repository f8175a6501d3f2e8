//! Engine health: status, MT5 link, uptime, ticks, signals, errors, DB latency.

use std::time::Duration;

use metrics::{Counter, Gauge, Histogram};

use crate::catalogue as cat;
use crate::model::Severity;
use crate::telemetry::{LazyGauge, Sink, Telemetry, count_f64};

/// Handles of the system series, registered when the telemetry is built.
pub(crate) struct SystemHandles {
    sink: Sink,
    status: LazyGauge,
    mt5: LazyGauge,
    uptime: Gauge,
    ticks: Counter,
    signals: Counter,
    errors: [Counter; 4],
    critical: Counter,
    active_symbols: LazyGauge,
    websocket_clients: LazyGauge,
    db_latency_ms: LazyGauge,
    db_duration: Histogram,
}

impl SystemHandles {
    pub(crate) fn new(sink: &Sink) -> Self {
        let error_counter = |s: Severity| sink.counter(&cat::ERRORS_TOTAL, &[s.label()]);
        Self {
            sink: sink.clone(),
            status: LazyGauge::new(&cat::SYSTEM_STATUS, &[]),
            mt5: LazyGauge::new(&cat::MT5_CONNECTION, &[]),
            uptime: sink.gauge(&cat::UPTIME_SECONDS, &[]),
            ticks: sink.counter(&cat::TICKS_PROCESSED_TOTAL, &[]),
            signals: sink.counter(&cat::SIGNALS_GENERATED_TOTAL, &[]),
            errors: [
                error_counter(Severity::Critical),
                error_counter(Severity::High),
                error_counter(Severity::Medium),
                error_counter(Severity::Low),
            ],
            critical: sink.counter(&cat::ERRORS_CRITICAL_TOTAL, &[]),
            active_symbols: LazyGauge::new(&cat::ACTIVE_SYMBOLS, &[]),
            websocket_clients: LazyGauge::new(&cat::WEBSOCKET_CLIENTS, &[]),
            db_latency_ms: LazyGauge::new(&cat::DB_QUERY_LATENCY_MS, &[]),
            db_duration: sink.histogram(&cat::DB_QUERY_DURATION_SECONDS, &[]),
        }
    }

    pub(crate) fn publish_uptime(&self, uptime: Duration) {
        self.uptime.set(uptime.as_secs_f64());
    }

    pub(crate) fn count_signal(&self) {
        self.signals.increment(1);
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
        self.inner.system.ticks.increment(ticks);
    }

    /// Counts one engine error of the given severity.
    pub fn record_error(&self, severity: Severity) {
        let s = &self.inner.system;
        s.errors[severity.index()].increment(1);
        if severity == Severity::Critical {
            s.critical.increment(1);
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
        s.db_duration.record(latency.as_secs_f64());
        s.db_latency_ms
            .set(&s.sink, Some(latency.as_secs_f64() * 1000.0));
    }
}

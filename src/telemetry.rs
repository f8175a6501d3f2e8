//! [`Telemetry`]: the recorder state behind every `record_*` call.

mod config;
mod indexed;
mod sink;
mod slots;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use config::{TelemetryBuilder, TelemetryConfig};
pub(crate) use indexed::IndexedHandles;
pub(crate) use sink::{LazyGauge, Sink, count_f64};
pub(crate) use slots::LabelSlots;
pub use slots::OVERFLOW_LABEL;

use crate::error::RecordError;
use crate::model::Timeframe;
use crate::recorders::{
    AgentHandles, EquityBook, MarketHandles, MetaHandles, PublishState, QuoteHandles,
    SystemHandles, TradeShards,
};

pub(crate) struct Inner {
    pub(crate) config: TelemetryConfig,
    pub(crate) sink: Sink,
    pub(crate) started: Instant,
    pub(crate) agents: LabelSlots,
    pub(crate) symbols: LabelSlots,
    pub(crate) trades: TradeShards,
    pub(crate) equity: Mutex<EquityBook>,
    pub(crate) market: IndexedHandles<MarketHandles>,
    pub(crate) quotes: IndexedHandles<QuoteHandles>,
    pub(crate) agent_live: IndexedHandles<AgentHandles>,
    pub(crate) system: SystemHandles,
    pub(crate) meta: MetaHandles,
    pub(crate) publish: Mutex<PublishState>,
}

/// Live trading telemetry: exact running statistics published as Prometheus
/// series through the `metrics` facade.
///
/// Cheap to clone (an `Arc`); every method takes `&self` and is safe to call
/// from many threads. Recording updates O(1) accumulators under a short lock;
/// derived series (win rates, ratios, drawdowns…) are written to the metric
/// handles by [`Telemetry::publish`], which the exporter runs on a timer
/// (`publish_interval`, default 1 s) and `Exporter::render` runs before
/// rendering, so the cost of a scrape depends on the number of series, never
/// on the number of trades recorded.
///
/// ```
/// use std::sync::Arc;
/// use velocity_metrics::{Agent, Symbol, Telemetry, Timeframe, Trade};
///
/// let recorder = Arc::new(metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder());
/// let handle = recorder.handle();
/// let telemetry = Telemetry::builder().build_with_recorder(recorder);
/// let eurusd = Symbol::new("EURUSD+")?;
/// telemetry.record_trade(&Trade::closed(Agent::SNIPER, eurusd, Timeframe::M5, 12.5))?;
/// telemetry.publish();
/// assert!(handle.render().contains("velocitytrader_agent_trades_total{agent=\"sniper\"} 1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Telemetry {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telemetry")
            .field("config", &self.inner.config)
            .field("sink", &self.inner.sink)
            .finish()
    }
}

impl Telemetry {
    /// A builder with the default [`TelemetryConfig`].
    pub fn builder() -> TelemetryBuilder {
        TelemetryBuilder::default()
    }

    fn new(config: TelemetryConfig, sink: Sink) -> Self {
        let config = config.sanitized();
        sink.describe_all();
        let inner = Inner {
            agents: LabelSlots::new(config.max_agents),
            symbols: LabelSlots::new(config.max_symbols),
            trades: TradeShards::new(),
            equity: Mutex::new(EquityBook::new(&config)),
            market: IndexedHandles::with_capacity(
                (config.max_symbols.max(1) + 1) * Timeframe::ALL.len(),
            ),
            quotes: IndexedHandles::with_capacity(config.max_symbols.max(1) + 1),
            agent_live: IndexedHandles::with_capacity(config.max_agents.max(1) + 1),
            system: SystemHandles::new(&sink),
            meta: MetaHandles::new(&sink),
            publish: Mutex::new(PublishState::new(&sink)),
            started: Instant::now(),
            config,
            sink,
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The configuration this telemetry was built with.
    #[must_use]
    pub fn config(&self) -> &TelemetryConfig {
        &self.inner.config
    }

    /// Writes every derived series (ratios, averages, drawdowns, uptime …)
    /// to its metric handle. Cost is proportional to the number of label
    /// sets, not to the number of events recorded.
    pub fn publish(&self) {
        let inner = &*self.inner;
        let mut state = lock(&inner.publish);
        crate::recorders::publish_trades(inner, &mut state);
        crate::recorders::publish_risk(inner, &mut state);
        inner.system.publish_uptime(inner.started.elapsed());
        inner
            .meta
            .publish_overflow(inner.agents.overflowed(), inner.symbols.overflowed());
    }

    /// Starts a background thread that calls [`Telemetry::publish`] every
    /// `interval` until the returned guard is dropped.
    #[must_use = "publishing stops when the guard is dropped"]
    pub fn spawn_publisher(&self, interval: Duration) -> PublisherGuard {
        let stop = Arc::new(AtomicBool::new(false));
        let telemetry = self.clone();
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("velocity-metrics-publisher".into())
            .spawn(move || {
                while !flag.load(Ordering::Acquire) {
                    telemetry.publish();
                    std::thread::park_timeout(interval);
                }
            })
            .ok();
        PublisherGuard { stop, thread }
    }

    /// Counts a refused event and hands the error back.
    pub(crate) fn reject(&self, error: RecordError) -> RecordError {
        self.inner.meta.count_rejection(&error);
        error
    }
}

/// Keeps a [`Telemetry::spawn_publisher`] thread running; dropping it stops
/// the thread after one final publish.
#[derive(Debug)]
pub struct PublisherGuard {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for PublisherGuard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

/// Locks `mutex`, recovering the data if another thread panicked while
/// holding it (every update leaves the state consistent between statements
/// that can panic, and none of them panic).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

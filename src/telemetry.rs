//! [`Telemetry`]: the recorder state behind every `record_*` call.

mod atomic_option;
mod clock;
mod config;
mod constant_labels;
mod indexed;
mod publish;
mod sample_queue;
mod seqlock;
mod sink;
mod slots;
mod turn_lock;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

pub(crate) use atomic_option::{AtomicOptionF64, from_option_bits, option_bits};
pub(crate) use clock::TelemetryClock;
pub(crate) use config::trading_day;
pub use config::{Role, TelemetryBuilder, TelemetryConfig};
#[cfg(feature = "push")]
pub(crate) use constant_labels::validate_grouping_labels;
pub use constant_labels::{MAX_CONSTANT_LABEL_BYTES, RESERVED_LABEL_NAMES};
pub(crate) use constant_labels::{validate_constant_labels, validate_constant_value};
pub(crate) use indexed::IndexedHandles;
pub use publish::PublisherGuard;
pub(crate) use publish::{PublishHooks, Stage};
pub(crate) use sample_queue::{SampleQueue, Wait};
pub(crate) use seqlock::{SeqLock, SharedF64, SharedU64};
pub(crate) use sink::{LazyCounter, LazyGauge, LazyHistogram, Sink, SinkTarget, count_f64};
pub(crate) use slots::LabelSlots;
pub use slots::OVERFLOW_LABEL;
pub(crate) use turn_lock::{Backoff, TurnGuard, TurnLock};

use crate::error::RecordError;
use crate::model::Timeframe;
use crate::recorders::{
    AgentHandles, BarCounters, BarHandles, EquityState, ExecutionHandles, MarketHandles,
    MetaHandles, MicrostructureHandles, OrderHandles, PublishState, QuoteHandles, RewardHandles,
    RiskEngineHandles, RunControlHandles, SystemHandles, TradeBook,
};

pub(crate) struct Inner {
    pub(crate) config: TelemetryConfig,
    pub(crate) sink: Sink,
    pub(crate) started: Instant,
    pub(crate) clock: TelemetryClock,
    pub(crate) agents: LabelSlots,
    pub(crate) symbols: LabelSlots,
    pub(crate) trades: TradeBook,
    pub(crate) equity: EquityState,
    pub(crate) market: IndexedHandles<MarketHandles>,
    pub(crate) quotes: IndexedHandles<QuoteHandles>,
    pub(crate) agent_live: IndexedHandles<AgentHandles>,
    pub(crate) system: SystemHandles,
    pub(crate) risk_engine: RiskEngineHandles,
    pub(crate) exposure: IndexedHandles<LazyGauge>,
    pub(crate) orders: IndexedHandles<OrderHandles>,
    pub(crate) execution: ExecutionHandles,
    pub(crate) bars: IndexedHandles<BarHandles>,
    pub(crate) microstructure: IndexedHandles<MicrostructureHandles>,
    pub(crate) bar_counters: BarCounters,
    pub(crate) rl_rewards: IndexedHandles<RewardHandles>,
    pub(crate) run_control: RunControlHandles,
    pub(crate) meta: MetaHandles,
    pub(crate) publish: Mutex<PublishState>,
    pub(crate) hooks: PublishHooks,
}

/// Live trading telemetry: exact running statistics published as Prometheus
/// series through the `metrics` facade.
///
/// Cheap to clone (an `Arc`); every method takes `&self` and is safe to call
/// from many threads. Recording updates O(1) accumulators; derived series
/// (win rates, ratios, drawdowns…) are written to the metric handles by
/// [`Telemetry::publish`]. An [`Exporter`](crate::exporter::Exporter) runs
/// it on every scrape, so a scrape is never stale and its cost depends on the
/// number of series, never on the number of trades recorded. With a
/// recorder of your own, call `publish` before each render.
///
/// ```
/// use velocity_metrics::{Agent, Symbol, Telemetry, Timeframe, Trade};
///
/// let (telemetry, handle) = Telemetry::builder().build_prometheus();
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
            .finish_non_exhaustive()
    }
}

impl Telemetry {
    /// A builder with the default [`TelemetryConfig`].
    pub fn builder() -> TelemetryBuilder {
        TelemetryBuilder::default()
    }

    pub(crate) fn new(config: TelemetryConfig, target: SinkTarget) -> Self {
        let config = config.sanitized();
        let sink = Sink::new(target, config.constant_labels.clone());
        sink.describe_all();
        let agents = LabelSlots::new(config.max_agents);
        let symbols = LabelSlots::new(config.max_symbols);
        let inner = Inner {
            trades: TradeBook::new(agents.capacity(), symbols.capacity()),
            equity: EquityState::new(&config),
            market: IndexedHandles::with_capacity(symbols.capacity() * Timeframe::ALL.len()),
            quotes: IndexedHandles::with_capacity(symbols.capacity()),
            agent_live: IndexedHandles::with_capacity(agents.capacity()),
            risk_engine: RiskEngineHandles::new(&sink, config.role),
            exposure: IndexedHandles::with_capacity(symbols.capacity()),
            orders: IndexedHandles::with_capacity(symbols.capacity()),
            execution: ExecutionHandles::new(&sink),
            bars: IndexedHandles::with_capacity(symbols.capacity() * Timeframe::ALL.len()),
            microstructure: IndexedHandles::with_capacity(symbols.capacity()),
            bar_counters: BarCounters::new(&sink, config.role),
            rl_rewards: IndexedHandles::with_capacity(agents.capacity()),
            run_control: RunControlHandles::new(&sink, config.role, agents.capacity()),
            agents,
            symbols,
            system: SystemHandles::new(&sink, config.role),
            meta: MetaHandles::new(&sink, config.engine_version.as_deref()),
            publish: Mutex::new(PublishState::new(&sink, config.role)),
            hooks: PublishHooks::default(),
            started: Instant::now(),
            clock: TelemetryClock::new(config.future_tolerance.as_secs_f64()),
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

    /// The constant labels on every series of this telemetry.
    #[must_use]
    pub fn constant_labels(&self) -> &[(String, String)] {
        &self.inner.config.constant_labels
    }

    /// Whether `self` and `other` are the same telemetry (clones of one).
    #[must_use]
    pub fn same_as(&self, other: &Telemetry) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Registers the batch-mode push failure counters at 0.
    #[cfg(feature = "push")]
    pub(crate) fn register_push_series(&self) {
        self.inner.meta.register_push_series();
    }

    /// Counts one failed push.
    #[cfg(feature = "push")]
    pub(crate) fn count_push_failure(&self, reason: &str) {
        self.inner.meta.count_push_failure(reason);
    }

    /// A batch run's checkpoint time, checked as a recorded time is
    /// (nothing counted: a checkpoint is not an event).
    #[cfg(feature = "push")]
    pub(crate) fn admit_simulated_time(&self, at: f64) -> Result<f64, RecordError> {
        self.inner.clock.admit("simulated_at", at)
    }

    /// Publishes as of simulated time `at` from now on, and shows the span
    /// simulated so far.
    #[cfg(feature = "push")]
    pub(crate) fn set_simulated_now(&self, at: f64) {
        self.inner.clock.set_simulated_now(at);
        self.inner.run_control.reach_simulated_time(at);
    }

    /// Whether a time would be admitted (see [`TelemetryClock::admit`]),
    /// without counting a refusal.
    #[cfg(feature = "sqlite")]
    pub(crate) fn admits_time(&self, at: f64) -> Result<f64, RecordError> {
        self.inner.clock.admit("closed_at", at)
    }

    /// Counts a refused event and hands the error back.
    pub(crate) fn reject(&self, error: RecordError) -> RecordError {
        self.inner.meta.count_rejection(&error);
        error
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

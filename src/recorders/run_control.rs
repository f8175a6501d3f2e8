//! Run control: session, phase, the runs of this process
//! (`velocitytrader_run_info`) and their duration, instance switches, and
//! the engine process's CPU time and resident memory.

use std::sync::Mutex;
use std::time::Instant;

use metrics::{Counter, Gauge};

use crate::catalogue as cat;
use crate::error::{RecordError, in_range};
use crate::model::{Agent, RunInfo};
use crate::telemetry::{AtomicOptionF64, IndexedHandles, LazyGauge, Role, Sink, Telemetry, lock};

/// Most runs one telemetry remembers in `velocitytrader_run_info` (each is a
/// series: the current one at 1, earlier ones at 0).
pub const MAX_RUNS: usize = 64;

/// The runs started in this telemetry.
#[derive(Default)]
struct RunBook {
    runs: Vec<(RunInfo, Gauge)>,
    current: Option<usize>,
    started: Option<Instant>,
}

/// Handles of the run-control series.
pub(crate) struct RunControlHandles {
    sink: Sink,
    role: Role,
    session: LazyGauge,
    phase: LazyGauge,
    primary_ratio: LazyGauge,
    run_duration: LazyGauge,
    runs: Mutex<RunBook>,
    switches: IndexedHandles<Counter>,
    cpu_seconds: LazyGauge,
    resident_memory: LazyGauge,
    simulated_start: LazyGauge,
    simulated_end: LazyGauge,
    /// The first checkpoint's simulated time, once there is one.
    simulated_start_at: AtomicOptionF64,
}

impl RunControlHandles {
    pub(crate) fn new(sink: &Sink, role: Role, agent_slots: usize) -> Self {
        let gauge = |def| LazyGauge::new(sink, def, &[]);
        Self {
            sink: sink.clone(),
            role,
            session: gauge(&cat::SESSION_ACTIVE),
            phase: gauge(&cat::CURRENT_PHASE),
            primary_ratio: gauge(&cat::PRIMARY_INSTANCE_RATIO),
            run_duration: gauge(&cat::RUN_DURATION_SECONDS),
            runs: Mutex::new(RunBook::default()),
            switches: IndexedHandles::with_capacity(agent_slots),
            cpu_seconds: gauge(&cat::PROCESS_CPU_SECONDS),
            resident_memory: gauge(&cat::PROCESS_RESIDENT_MEMORY_BYTES),
            simulated_start: gauge(&cat::RUN_SIMULATED_START_TIMESTAMP_SECONDS),
            simulated_end: gauge(&cat::RUN_SIMULATED_END_TIMESTAMP_SECONDS),
            simulated_start_at: AtomicOptionF64::none(),
        }
    }

    /// A batch run reached simulated time `at` (its checkpoints only move
    /// forward): the first sets the start, every one the end.
    #[cfg_attr(not(feature = "push"), allow(dead_code, reason = "batch mode only"))]
    pub(crate) fn reach_simulated_time(&self, at: f64) {
        if self.simulated_start_at.get().is_none() {
            self.simulated_start_at.set(Some(at));
            self.simulated_start.set(&self.sink, Some(at));
        }
        self.simulated_end.set(&self.sink, Some(at));
    }

    /// Writes the current run's duration and, for an engine (feature
    /// `process`), the process's CPU time and resident memory.
    pub(crate) fn publish(&self) {
        let started = lock(&self.runs).started;
        if let Some(started) = started {
            self.run_duration
                .set(&self.sink, Some(started.elapsed().as_secs_f64()));
        }
        if self.role == Role::Engine {
            self.publish_process();
        }
    }

    #[cfg(feature = "process")]
    #[allow(clippy::cast_precision_loss, reason = "bytes stay far below 2^53")]
    fn publish_process(&self) {
        let process = metrics_process::collector::collect();
        if let Some(cpu) = process.cpu_seconds_total {
            self.cpu_seconds.set(&self.sink, Some(cpu));
        }
        if let Some(bytes) = process.resident_memory_bytes {
            self.resident_memory.set(&self.sink, Some(bytes as f64));
        }
    }

    #[cfg(not(feature = "process"))]
    fn publish_process(&self) {
        let _ = (&self.cpu_seconds, &self.resident_memory);
    }
}

impl Telemetry {
    /// Reports whether a trading session is active.
    pub fn set_session_active(&self, active: bool) {
        let h = &self.inner.run_control;
        h.session.set(&h.sink, Some(if active { 1.0 } else { 0.0 }));
    }

    /// Sets the engine's current phase number.
    pub fn set_phase(&self, phase: u8) {
        let h = &self.inner.run_control;
        h.phase.set(&h.sink, Some(f64::from(phase)));
    }

    /// Starts `run`: its `velocitytrader_run_info` series becomes 1, the
    /// previous run's 0, and `velocitytrader_run_duration_seconds` counts
    /// from now. Starting a run seen before (same id and hash) starts it
    /// again. At most [`MAX_RUNS`] distinct runs per telemetry.
    ///
    /// # Errors
    /// [`RecordError::LimitReached`] for a new run beyond [`MAX_RUNS`];
    /// nothing changes then.
    pub fn start_run(&self, run: &RunInfo) -> Result<(), RecordError> {
        let h = &self.inner.run_control;
        let mut book = lock(&h.runs);
        let index = match book.runs.iter().position(|(known, _)| known == run) {
            Some(index) => index,
            None if book.runs.len() >= MAX_RUNS => {
                drop(book);
                return Err(self.reject(RecordError::LimitReached {
                    what: "runs",
                    limit: MAX_RUNS,
                }));
            }
            None => {
                let gauge = h
                    .sink
                    .gauge(&cat::RUN_INFO, &[run.run_id(), run.config_hash()]);
                book.runs.push((*run, gauge));
                book.runs.len() - 1
            }
        };
        if let Some(previous) = book.current.filter(|&p| p != index) {
            book.runs[previous].1.set(0.0);
        }
        book.runs[index].1.set(1.0);
        book.current = Some(index);
        book.started = Some(Instant::now());
        Ok(())
    }

    /// Counts one switch of `agent`'s live model instance (beyond the agent
    /// cardinality limit, under `__overflow__`). An engine's agents have the
    /// series at 0 from their first signal, position or learner report, so
    /// `increase()` sees the first switch.
    pub fn record_instance_switch(&self, agent: Agent) {
        let slot = self.inner.agents.resolve(agent.value());
        self.with_switch_counter(slot.index, |counter| counter.increment(1));
    }

    /// Runs `f` on the instance-switch counter of agent slot `index`,
    /// registering it (at 0) first.
    pub(crate) fn with_switch_counter(&self, index: usize, f: impl FnOnce(&Counter)) {
        let inner = &*self.inner;
        inner.run_control.switches.with(
            index,
            || {
                inner
                    .sink
                    .counter(&cat::INSTANCE_SWITCHES_TOTAL, &[inner.agents.label(index)])
            },
            f,
        );
    }

    /// Sets the share of decisions taken by the primary instances (0–1).
    ///
    /// # Errors
    /// [`RecordError`] for a value that is not finite or outside 0..=1.
    pub fn set_primary_instance_ratio(&self, ratio: f64) -> Result<(), RecordError> {
        let ratio =
            in_range("primary_instance_ratio", ratio, 0.0, 1.0).map_err(|e| self.reject(e))?;
        let h = &self.inner.run_control;
        h.primary_ratio.set(&h.sink, Some(ratio));
        Ok(())
    }
}

//! [`BatchRun`]: a backtest's telemetry and what carries it out — pushes
//! of its state to a Pushgateway (periodic, final, on drop) and the import
//! of its whole curve, checkpoint by checkpoint, into a store.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use super::grouping::check_grouping;
use super::import::Timeline;
use super::pusher::{Import, Pusher};
use super::transport::{Connection, Transport};
use super::{BatchTargets, PushError};
use crate::error::RecordError;
use crate::exporter::{Exporter, ExporterError};
use crate::telemetry::{Telemetry, lock};

/// Bytes of stamped samples gathered before they are sent.
const IMPORT_BATCH_BYTES: usize = 4 << 20;

/// What a finished run pushed and imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PushReport {
    /// Successful pushes, the final one included.
    pub pushes: u64,
    /// Failed pushes and imports (each also counted in
    /// `velocitytrader_push_failures_total{reason}`).
    pub failures: u64,
    /// Whether the group was deleted after the final push.
    pub deleted: bool,
    /// Successful import requests.
    pub imports: u64,
    /// Samples imported (each a series at one checkpoint's simulated time).
    pub imported_samples: u64,
}

/// The periodic thread's stop signal.
type Stop = Arc<(Mutex<bool>, Condvar)>;

/// A backtest's telemetry, carried out to a Pushgateway (its final state)
/// and/or a store (its whole curve at its simulated times). Record into
/// [`telemetry`](Self::telemetry), call [`checkpoint`](Self::checkpoint)
/// with the simulated time after each step; [`finish`](Self::finish) (or
/// drop) sends what is left and pushes the final state. Built by
/// [`ExporterBuilder::build_push`](crate::exporter::ExporterBuilder::build_push).
pub struct BatchRun {
    pusher: Arc<Pusher>,
    periodic: Option<(Stop, JoinHandle<()>)>,
    finished: bool,
}

impl std::fmt::Debug for BatchRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchRun")
            .field("push", &self.pusher.push.as_ref().map(|(t, _)| t))
            .field("import", &self.pusher.import.as_ref().map(|i| &i.target))
            .field("report", &*lock(&self.pusher.report))
            .finish_non_exhaustive()
    }
}

impl BatchRun {
    /// `has_mode`: the served series carry a `mode` label already.
    pub(crate) fn start(
        exporter: Exporter,
        targets: BatchTargets,
        has_mode: bool,
    ) -> Result<Self, ExporterError> {
        let transport = Transport::new().map_err(|e| ExporterError::Runtime(e.to_string()))?;
        exporter.telemetry().register_push_series();
        let pusher = Arc::new(Pusher {
            exporter: Arc::new(exporter),
            push: targets.push.map(|t| {
                let connection = Connection::new(t.remote.clone());
                (t, connection)
            }),
            import: targets.import.map(|target| Import {
                connection: Connection::new(target.remote.clone()),
                target,
                add_mode: !has_mode,
            }),
            transport,
            sending: Mutex::new(()),
            report: Mutex::new(PushReport::default()),
            timeline: Mutex::new(Timeline::default()),
        });
        let interval = pusher.push.as_ref().and_then(|(t, _)| t.interval());
        let periodic = interval.map(|interval| {
            let stop: Stop = Arc::new((Mutex::new(false), Condvar::new()));
            let (signal, worker) = (Arc::clone(&stop), Arc::clone(&pusher));
            let thread = std::thread::spawn(move || {
                let (stopped, wake) = &*signal;
                let mut done = lock(stopped);
                loop {
                    done = wake
                        .wait_timeout(done, interval)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0;
                    if *done {
                        break;
                    }
                    drop(done);
                    let _ = worker.push();
                    done = lock(stopped);
                }
            });
            (stop, thread)
        });
        Ok(Self {
            pusher,
            periodic,
            finished: false,
        })
    }

    /// The telemetry the run records into.
    #[must_use]
    pub fn telemetry(&self) -> &Telemetry {
        self.pusher.exporter.telemetry()
    }

    /// The exporter behind the run (render, scrape, add telemetries); an
    /// `Arc`, so a binding or another thread can keep rendering it after
    /// [`finish`](Self::finish) (the final state).
    #[must_use]
    pub fn exporter(&self) -> &Arc<Exporter> {
        &self.pusher.exporter
    }

    /// Pushes the current state to the Pushgateway now (nothing without
    /// one).
    ///
    /// # Errors
    /// [`PushError`]; the failure is also counted. A push whose series a
    /// grouping label would rewrite is refused before anything is sent
    /// ([`PushError::GroupingConflict`]).
    pub fn push_now(&self) -> Result<(), PushError> {
        self.pusher.push()
    }

    /// Marks simulated time `simulated_at` (seconds since the Unix epoch):
    /// call it after recording each step of the backtest. The telemetry then
    /// publishes as of that time (today's P&L and drawdown are the simulated
    /// day's), `velocitytrader_run_simulated_start_timestamp_seconds` /
    /// `…_end_…` show the span simulated so far, and with an
    /// [`ImportTarget`](super::ImportTarget) the run's state is stamped with that time for the
    /// store: the whole curve lands on the dates it simulated. A checkpoint
    /// at the time of the previous one replaces it. Stamped samples are sent
    /// in batches of a few MiB and at [`finish`](Self::finish).
    ///
    /// ```no_run
    /// # #[cfg(feature = "push")]
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use velocity_metrics::exporter::{ExporterBuilder, ImportTarget};
    /// use velocity_metrics::{Agent, Symbol, Timeframe, Trade};
    /// let run = ExporterBuilder::new()
    ///     .build_push(ImportTarget::new("http://127.0.0.1:8428", "bt-2026-11-27")?)?;
    /// let eurusd = Symbol::new("EURUSD+")?;
    /// let mut balance = 10_000.0;
    /// for hour in 0..30 * 24 {
    ///     let at = 1_790_000_000.0 + 3_600.0 * f64::from(hour); // the simulated clock
    ///     let pnl = if hour % 3 == 0 { -4.0 } else { 3.0 };
    ///     run.telemetry().record_trade(&Trade::closed(Agent::SNIPER, eurusd, Timeframe::H1, pnl).with_closed_at(at))?;
    ///     balance += pnl;
    ///     run.telemetry().record_equity(balance, balance, at)?;
    ///     run.checkpoint(at)?;
    /// }
    /// let report = run.finish()?; // sends what is left
    /// # drop(report); Ok(()) }
    /// # #[cfg(not(feature = "push"))]
    /// # fn main() {}
    /// ```
    ///
    /// # Errors
    /// [`PushError::Checkpoint`] for a time that is not seconds since the
    /// epoch (negative, milliseconds, further ahead than the telemetry's
    /// future tolerance) or is earlier than the previous checkpoint;
    /// [`PushError::GroupingConflict`] when a series carries a `run_id`
    /// other than the import's; the [`PushError`] of a batch that could not
    /// be sent (counted; those samples are not sent again).
    #[allow(
        clippy::cast_possible_truncation,
        reason = "an admitted time in ms is far inside i64"
    )]
    pub fn checkpoint(&self, simulated_at: f64) -> Result<(), PushError> {
        let telemetry = self.telemetry();
        let at = telemetry
            .admit_simulated_time(simulated_at)
            .map_err(PushError::Checkpoint)?;
        let at_ms = (at * 1000.0).round() as i64;
        let mut timeline = lock(&self.pusher.timeline);
        if let Some(previous) = timeline.latest_ms().filter(|&p| at_ms < p) {
            #[allow(clippy::cast_precision_loss, reason = "epoch ms stay below 2^53")]
            let previous = previous as f64 / 1000.0;
            return Err(PushError::Checkpoint(RecordError::OutOfOrder {
                at,
                previous,
            }));
        }
        telemetry.set_simulated_now(at);
        let Some(import) = &self.pusher.import else {
            return Ok(());
        };
        let mut sent = Ok(());
        if timeline.len() >= IMPORT_BATCH_BYTES {
            let (text, samples) = timeline.take_before(at_ms);
            sent = self.pusher.import(text, samples);
        }
        let text = self.pusher.exporter.render();
        check_grouping(&text, &import.target.labels())?;
        timeline.add(&text, at_ms);
        sent
    }

    /// Stops periodic pushing, sends the pending checkpoints, pushes the
    /// final state, and deletes the group if
    /// [`PushTarget::delete_on_finish`](super::PushTarget::delete_on_finish) was set.
    ///
    /// # Errors
    /// The first [`PushError`] of the import, the final push or the delete
    /// (each is attempted; the group is not deleted when the final push
    /// failed).
    pub fn finish(mut self) -> Result<PushReport, PushError> {
        self.finish_inner()
    }

    fn finish_inner(&mut self) -> Result<PushReport, PushError> {
        self.finished = true;
        if let Some((stop, thread)) = self.periodic.take() {
            *lock(&stop.0) = true;
            stop.1.notify_all();
            let _ = thread.join();
        }
        let imported = self.pusher.flush();
        let pushed = self.pusher.push();
        let deleted = match (&pushed, &self.pusher.push) {
            (Ok(()), Some((target, _))) if target.deletes_on_finish() => self.pusher.delete(),
            _ => Ok(()),
        };
        imported.and(pushed).and(deleted)?;
        Ok(*lock(&self.pusher.report))
    }
}

impl Drop for BatchRun {
    /// A run dropped without [`finish`](BatchRun::finish) (an early return,
    /// a panic unwinding) still sends its checkpoints and pushes its final
    /// state; a failure is counted.
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.finish_inner();
        }
    }
}

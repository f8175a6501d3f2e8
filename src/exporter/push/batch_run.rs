//! [`BatchRun`]: a backtest's telemetry and the pushes that carry it to the
//! Pushgateway — periodic, final, and on drop.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use super::{PushError, PushTarget};
use crate::exporter::Exporter;
use crate::telemetry::{Telemetry, lock};

/// What a finished run pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PushReport {
    /// Successful pushes, the final one included.
    pub pushes: u64,
    /// Failed pushes (each also counted in
    /// `velocitytrader_push_failures_total{reason}`).
    pub failures: u64,
    /// Whether the group was deleted after the final push.
    pub deleted: bool,
}

/// Push state shared with the periodic thread.
struct Pusher {
    exporter: Exporter,
    target: PushTarget,
    report: Mutex<PushReport>,
}

impl Pusher {
    /// Publishes, renders and pushes (pushes are serialised, so they land in
    /// order).
    fn push(&self) -> Result<(), PushError> {
        let mut report = lock(&self.report);
        let body = self.exporter.render();
        match self.target.send("PUT", &body) {
            Ok(()) => {
                report.pushes += 1;
                Ok(())
            }
            Err(error) => {
                report.failures += 1;
                self.exporter.telemetry().count_push_failure(error.reason());
                Err(error)
            }
        }
    }
}

/// The periodic thread's stop signal.
type Stop = Arc<(Mutex<bool>, Condvar)>;

/// A backtest's telemetry, pushed to a Pushgateway. Record into
/// [`telemetry`](Self::telemetry); [`finish`](Self::finish) (or drop) pushes
/// the final state. Built by
/// [`ExporterBuilder::build_push`](crate::exporter::ExporterBuilder::build_push).
pub struct BatchRun {
    pusher: Arc<Pusher>,
    periodic: Option<(Stop, JoinHandle<()>)>,
    finished: bool,
}

impl std::fmt::Debug for BatchRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchRun")
            .field("target", &self.pusher.target.url())
            .field("report", &*lock(&self.pusher.report))
            .finish_non_exhaustive()
    }
}

impl BatchRun {
    pub(crate) fn start(exporter: Exporter, target: PushTarget) -> Self {
        exporter.telemetry().register_push_series();
        let pusher = Arc::new(Pusher {
            exporter,
            target,
            report: Mutex::new(PushReport::default()),
        });
        let periodic = pusher.target.interval().map(|interval| {
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
        Self {
            pusher,
            periodic,
            finished: false,
        }
    }

    /// The telemetry the run records into.
    #[must_use]
    pub fn telemetry(&self) -> &Telemetry {
        self.pusher.exporter.telemetry()
    }

    /// The exporter behind the run (render, scrape, add telemetries).
    #[must_use]
    pub fn exporter(&self) -> &Exporter {
        &self.pusher.exporter
    }

    /// Pushes the current state now.
    ///
    /// # Errors
    /// [`PushError`]; the failure is also counted.
    pub fn push_now(&self) -> Result<(), PushError> {
        self.pusher.push()
    }

    /// Stops periodic pushing, pushes the final state, and deletes the group
    /// if [`PushTarget::delete_on_finish`] was set.
    ///
    /// # Errors
    /// The final push's or the delete's [`PushError`] (the group is not
    /// deleted when the final push failed).
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
        self.pusher.push()?;
        if self.pusher.target.deletes_on_finish() {
            self.pusher.target.send("DELETE", "").inspect_err(|error| {
                self.telemetry().count_push_failure(error.reason());
            })?;
            lock(&self.pusher.report).deleted = true;
        }
        Ok(*lock(&self.pusher.report))
    }
}

impl Drop for BatchRun {
    /// A run dropped without [`finish`](BatchRun::finish) (an early return,
    /// a panic unwinding) still pushes its final state; a failure is counted.
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.finish_inner();
        }
    }
}

//! The publish step: derived series written to their handles, in stages that
//! cannot take each other down, plus user hooks and an optional timer.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{Telemetry, lock};

/// A callback run at every publish, before the telemetry's own stages.
type Hook = Arc<dyn Fn(&Telemetry) + Send + Sync>;

/// The hooks registered with [`Telemetry::on_publish`].
#[derive(Default)]
pub(crate) struct PublishHooks {
    hooks: RwLock<Vec<Hook>>,
}

/// One stage of a publish; a panic in it is caught and counted under its
/// name, and the other stages still run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Hook,
    Trades,
    Risk,
    System,
}

impl Stage {
    pub(crate) const ALL: [Stage; 4] = [Stage::Hook, Stage::Trades, Stage::Risk, Stage::System];

    /// Every `stage` label value, in the order of [`Stage::ALL`].
    pub(crate) const LABELS: [&'static str; 4] = [
        Stage::Hook.label(),
        Stage::Trades.label(),
        Stage::Risk.label(),
        Stage::System.label(),
    ];

    pub(crate) const fn label(self) -> &'static str {
        match self {
            Stage::Hook => "hook",
            Stage::Trades => "trades",
            Stage::Risk => "risk",
            Stage::System => "system",
        }
    }
}

impl Telemetry {
    /// Writes every derived series (ratios, averages, drawdowns, uptime …)
    /// to its metric handle. Cost is proportional to the number of label
    /// sets, not to the number of events recorded.
    ///
    /// Runs the [`on_publish`](Self::on_publish) hooks first, then the
    /// telemetry's own stages. A panic in any of them is caught, counted in
    /// `velocitytrader_publish_failures_total{stage}`, and the remaining
    /// stages still run; the next publish tries again. Returns the number of
    /// stages that failed (0 normally).
    pub fn publish(&self) -> usize {
        let inner = &*self.inner;
        let mut failed = 0;
        let hooks: Vec<Hook> = inner
            .hooks
            .hooks
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        for hook in hooks {
            failed += usize::from(!self.guarded(Stage::Hook, || hook(self)));
        }
        let mut state = lock(&inner.publish);
        failed += usize::from(!self.guarded(Stage::Trades, || {
            crate::recorders::publish_trades(inner, &mut state);
        }));
        failed += usize::from(!self.guarded(Stage::Risk, || {
            crate::recorders::publish_risk(inner, &mut state);
            crate::recorders::publish_budget(inner, &state.risk_engine);
        }));
        drop(state);
        failed += usize::from(!self.guarded(Stage::System, || {
            if inner.config.role == super::Role::Engine {
                inner.system.publish_uptime(inner.started.elapsed());
            }
            inner.run_control.publish();
            inner
                .meta
                .publish_overflow(inner.agents.overflowed(), inner.symbols.overflowed());
        }));
        failed
    }

    /// Runs `stage`, catching and counting a panic. `true` on success.
    fn guarded(&self, stage: Stage, run: impl FnOnce()) -> bool {
        let ok = catch_unwind(AssertUnwindSafe(run)).is_ok();
        if !ok {
            self.inner.meta.count_publish_failure(stage);
        }
        ok
    }

    /// Registers `hook` to run at the start of every [`publish`](Self::publish)
    /// — e.g. to copy values the engine keeps elsewhere (open exposure,
    /// connected clients) into the telemetry just before each scrape. A panic
    /// in a hook is caught and counted (`stage="hook"`); it does not stop the
    /// other hooks or the publish.
    ///
    /// ```
    /// # let telemetry = velocity_metrics::Telemetry::builder().build();
    /// telemetry.on_publish(|t| t.set_websocket_clients(3));
    /// telemetry.publish();
    /// ```
    pub fn on_publish(&self, hook: impl Fn(&Telemetry) + Send + Sync + 'static) {
        self.inner
            .hooks
            .hooks
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(Arc::new(hook));
    }

    /// Starts a background thread that calls [`Telemetry::publish`] every
    /// `interval` (at least 10 ms) until the returned guard is dropped, then
    /// publishes once more.
    ///
    /// Only for telemetries that nobody renders on demand (a recorder of your
    /// own that pushes, for example): an
    /// [`Exporter`](crate::exporter::Exporter) already publishes on every
    /// scrape and needs no timer.
    #[must_use = "publishing stops when the guard is dropped"]
    pub fn spawn_publisher(&self, interval: Duration) -> PublisherGuard {
        let interval = interval.max(Duration::from_millis(10));
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
        PublisherGuard {
            stop,
            thread,
            telemetry: self.clone(),
        }
    }
}

/// Keeps a [`Telemetry::spawn_publisher`] thread running; dropping it stops
/// the thread, waits for it, and publishes one final time so the last
/// recorded events reach the handles.
pub struct PublisherGuard {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    telemetry: Telemetry,
}

impl std::fmt::Debug for PublisherGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublisherGuard")
            .field("running", &self.thread.is_some())
            .finish_non_exhaustive()
    }
}

impl Drop for PublisherGuard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
        self.telemetry.publish();
    }
}

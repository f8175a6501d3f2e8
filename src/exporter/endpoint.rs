//! [`Exporter`]: one recorder, the telemetries registered with it, and the
//! one place that publishes and renders them.

use std::net::SocketAddr;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{PrometheusHandle, PrometheusRecorder};

use super::ExporterError;
use super::exposition::spell_special_values;
use super::worker::Worker;
use crate::telemetry::{Telemetry, TelemetryBuilder, lock};

/// Content type of the Prometheus text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A recorder shared by the endpoint, its telemetries and (after
/// `install`) the `metrics` macros.
#[derive(Debug, Clone)]
pub(crate) struct SharedRecorder(pub(crate) Arc<PrometheusRecorder>);

impl Recorder for SharedRecorder {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.0.describe_counter(key, unit, description);
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.0.describe_gauge(key, unit, description);
    }
    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.0.describe_histogram(key, unit, description);
    }
    fn register_counter(&self, key: &Key, metadata: &Metadata<'_>) -> Counter {
        self.0.register_counter(key, metadata)
    }
    fn register_gauge(&self, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        self.0.register_gauge(key, metadata)
    }
    fn register_histogram(&self, key: &Key, metadata: &Metadata<'_>) -> Histogram {
        self.0.register_histogram(key, metadata)
    }
}

/// What one scrape answers: status, content type and body, the same for the
/// built-in listener and for an engine serving `/metrics` itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scrape {
    /// HTTP status: 200, or 503 while the exporter is not ready.
    pub status: u16,
    /// `Content-Type` header value.
    pub content_type: &'static str,
    /// The exposition text (or why it is not served).
    pub body: String,
}

/// State shared by an [`Exporter`] and its background worker.
pub(crate) struct Endpoint {
    pub(crate) recorder: SharedRecorder,
    pub(crate) handle: PrometheusHandle,
    global_labels: Vec<(String, String)>,
    engine_version: Option<String>,
    telemetries: RwLock<Vec<Telemetry>>,
    ready: AtomicBool,
}

impl Endpoint {
    pub(crate) fn new(
        recorder: PrometheusRecorder,
        global_labels: Vec<(String, String)>,
        engine_version: Option<String>,
    ) -> Self {
        let handle = recorder.handle();
        Self {
            recorder: SharedRecorder(Arc::new(recorder)),
            handle,
            global_labels,
            engine_version,
            telemetries: RwLock::new(Vec::new()),
            ready: AtomicBool::new(true),
        }
    }

    pub(crate) fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::Release);
    }

    pub(crate) fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Builds a telemetry on this endpoint's recorder, refusing one whose
    /// series would collide with a telemetry already here.
    pub(crate) fn attach(&self, builder: TelemetryBuilder) -> Result<Telemetry, ExporterError> {
        let builder = match (
            &self.engine_version,
            &builder.current_config().engine_version,
        ) {
            (Some(version), None) => builder.engine_version(Some(version)),
            _ => builder,
        };
        let labels = builder.current_config().constant_labels.clone();
        if let Some((name, _)) = labels
            .iter()
            .find(|(name, _)| self.global_labels.iter().any(|(g, _)| g == name))
        {
            return Err(ExporterError::LabelClash { name: name.clone() });
        }
        let mut telemetries = self
            .telemetries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let same = |t: &Telemetry| {
            let mut a = t.constant_labels().to_vec();
            let mut b = labels.clone();
            a.sort();
            b.sort();
            a == b
        };
        if telemetries.iter().any(same) {
            return Err(ExporterError::DuplicateTelemetry { labels });
        }
        let recorder: Arc<dyn Recorder + Send + Sync> = Arc::new(self.recorder.clone());
        let telemetry = builder.build_with_recorder(recorder);
        telemetries.push(telemetry.clone());
        Ok(telemetry)
    }

    /// Publishes every telemetry, then renders the exposition text.
    pub(crate) fn render(&self) -> String {
        let telemetries = self
            .telemetries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        for telemetry in &telemetries {
            telemetry.publish();
        }
        spell_special_values(self.handle.render())
    }

    pub(crate) fn scrape(&self) -> Scrape {
        if self.is_ready() {
            Scrape {
                status: 200,
                content_type: CONTENT_TYPE,
                body: self.render(),
            }
        } else {
            Scrape {
                status: 503,
                content_type: "text/plain; charset=utf-8",
                body: "not ready: velocity_metrics is restoring state; scrape again shortly\n"
                    .to_owned(),
            }
        }
    }
}

/// A running endpoint and the telemetry it serves.
///
/// Owned (from [`ExporterBuilder::build`](super::ExporterBuilder::build) or
/// [`build_embedded`](super::ExporterBuilder::build_embedded)): dropping it
/// or calling [`shutdown`](Self::shutdown) stops its listener and background
/// work and frees the port. Process-wide (from
/// [`install`](super::ExporterBuilder::install), a `&'static Exporter`): it
/// serves for the rest of the process, whatever is done with the reference,
/// until [`shutdown`](Self::shutdown).
///
/// Every scrape publishes first (see [`Telemetry::publish`]), so what it
/// shows is never older than the scrape itself.
pub struct Exporter {
    pub(crate) endpoint: Arc<Endpoint>,
    telemetry: Telemetry,
    listen: Option<SocketAddr>,
    worker: Mutex<Option<Worker>>,
    pub(crate) installed_at: Option<&'static Location<'static>>,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter")
            .field("listen", &self.listen)
            .field("ready", &self.endpoint.is_ready())
            .field("running", &lock(&self.worker).is_some())
            .finish_non_exhaustive()
    }
}

impl Exporter {
    pub(crate) fn new(
        endpoint: Arc<Endpoint>,
        telemetry: Telemetry,
        listen: Option<SocketAddr>,
        worker: Worker,
        installed_at: Option<&'static Location<'static>>,
    ) -> Self {
        Self {
            endpoint,
            telemetry,
            listen,
            worker: Mutex::new(Some(worker)),
            installed_at,
        }
    }

    /// The telemetry this endpoint was built with.
    #[must_use]
    pub fn telemetry(&self) -> &Telemetry {
        &self.telemetry
    }

    /// Builds another telemetry served by this endpoint — another account
    /// or strategy in the same process. Its constant labels (see
    /// [`TelemetryBuilder::label`]) must differ from those of every
    /// telemetry already served, so their series stay distinct.
    ///
    /// # Errors
    /// [`ExporterError::DuplicateTelemetry`] for the same constant labels,
    /// [`ExporterError::LabelClash`] for a label the exporter sets globally.
    pub fn add_telemetry(&self, builder: TelemetryBuilder) -> Result<Telemetry, ExporterError> {
        self.endpoint.attach(builder)
    }

    /// The address `/metrics` is served on, as bound (a requested port 0
    /// shows the port the system chose); `None` for an embedded exporter.
    #[must_use]
    pub fn listen_address(&self) -> Option<SocketAddr> {
        self.listen
    }

    /// Publishes every telemetry, then renders the exposition text exactly
    /// as a scrape would see it (regardless of readiness).
    #[must_use]
    pub fn render(&self) -> String {
        self.endpoint.render()
    }

    /// What a scrape of `/metrics` answers right now: the rendered text with
    /// status 200, or status 503 while the exporter is not ready (see
    /// [`ExporterBuilder::start_unready`](super::ExporterBuilder::start_unready)).
    /// Serve this from your own HTTP server to get exactly the built-in
    /// listener's behaviour.
    #[must_use]
    pub fn scrape(&self) -> Scrape {
        self.endpoint.scrape()
    }

    /// Marks the exporter ready: scrapes are answered from now on. Call it
    /// after restoring state (e.g. `backfill::replay`), so that no scrape
    /// ever sees counters lower than the restored ones.
    pub fn set_ready(&self) {
        self.endpoint.set_ready(true);
    }

    /// Whether scrapes are answered (see [`set_ready`](Self::set_ready)).
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.endpoint.is_ready()
    }

    /// The underlying `metrics-exporter-prometheus` handle.
    #[must_use]
    pub fn prometheus_handle(&self) -> &PrometheusHandle {
        &self.endpoint.handle
    }

    /// Stops serving and background work and frees the port; returns once
    /// the worker thread has ended (bounded by one render). Idempotent.
    /// Recording still works afterwards, and [`render`](Self::render) too.
    pub fn shutdown(&self) {
        let worker = lock(&self.worker).take();
        if let Some(worker) = worker {
            worker.stop();
        }
    }

    /// Whether the listener and background work are running.
    #[must_use]
    pub fn is_running(&self) -> bool {
        lock(&self.worker).is_some()
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        self.shutdown();
    }
}

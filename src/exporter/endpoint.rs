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
use super::flight::PublishFlight;
#[cfg(feature = "protobuf")]
use super::native_histograms::NativeHistograms;
use super::negotiate::{CONTENT_TYPE, ExpositionFormat, accepts_gzip};
use super::scrape::{Scrape, ScrapeResponse};
use super::worker::Worker;
use crate::telemetry::{Telemetry, TelemetryBuilder, lock};

/// A recorder shared by the endpoint, its telemetries and (after
/// `install`) the `metrics` macros.
#[derive(Debug, Clone)]
pub(crate) struct SharedRecorder {
    prometheus: Arc<PrometheusRecorder>,
    #[cfg(feature = "protobuf")]
    natives: Arc<NativeHistograms>,
}

impl Recorder for SharedRecorder {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.prometheus.describe_counter(key, unit, description);
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.prometheus.describe_gauge(key, unit, description);
    }
    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.prometheus.describe_histogram(key, unit, description);
    }
    fn register_counter(&self, key: &Key, metadata: &Metadata<'_>) -> Counter {
        self.prometheus.register_counter(key, metadata)
    }
    fn register_gauge(&self, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        self.prometheus.register_gauge(key, metadata)
    }
    fn register_histogram(&self, key: &Key, metadata: &Metadata<'_>) -> Histogram {
        let classic = self.prometheus.register_histogram(key, metadata);
        #[cfg(feature = "protobuf")]
        let classic = self.natives.fan_out(key, classic);
        classic
    }
}

/// State shared by an [`Exporter`] and its background worker.
pub(crate) struct Endpoint {
    pub(crate) recorder: SharedRecorder,
    pub(crate) handle: PrometheusHandle,
    global_labels: Vec<(String, String)>,
    engine_version: Option<String>,
    telemetries: RwLock<Vec<Telemetry>>,
    ready: AtomicBool,
    flight: PublishFlight,
}

impl Endpoint {
    pub(crate) fn new(
        recorder: PrometheusRecorder,
        global_labels: Vec<(String, String)>,
        engine_version: Option<String>,
    ) -> Self {
        let handle = recorder.handle();
        Self {
            recorder: SharedRecorder {
                prometheus: Arc::new(recorder),
                #[cfg(feature = "protobuf")]
                natives: Arc::new(NativeHistograms::new(&global_labels)),
            },
            handle,
            global_labels,
            engine_version,
            telemetries: RwLock::new(Vec::new()),
            ready: AtomicBool::new(true),
            flight: PublishFlight::default(),
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

    /// Publishes every telemetry — or, while a publish is in flight, waits
    /// for that one instead (concurrent scrapes share it).
    pub(crate) fn publish(&self) {
        self.flight.publish_or_join(|| {
            let telemetries = self
                .telemetries
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            for telemetry in &telemetries {
                telemetry.publish();
            }
        });
    }

    /// Folds recorded histogram samples into their buckets.
    pub(crate) fn run_upkeep(&self) {
        self.handle.run_upkeep();
        #[cfg(feature = "protobuf")]
        self.recorder.natives.run_upkeep();
    }

    /// The Prometheus text of what was last published.
    fn render_text(&self) -> String {
        spell_special_values(self.handle.render())
    }

    /// What was last published, in `format`.
    pub(crate) fn render_format(&self, format: ExpositionFormat) -> Vec<u8> {
        match format {
            ExpositionFormat::PrometheusText => self.render_text().into_bytes(),
            ExpositionFormat::OpenMetrics => {
                super::openmetrics::from_prometheus_text(&self.render_text()).into_bytes()
            }
            #[cfg(feature = "protobuf")]
            ExpositionFormat::Protobuf => {
                super::protobuf::render(&self.render_text(), &self.recorder.natives)
            }
        }
    }

    /// Publishes every telemetry, then renders the exposition text.
    pub(crate) fn render(&self) -> String {
        self.publish();
        self.render_text()
    }

    pub(crate) fn scrape(&self) -> Scrape {
        if self.is_ready() {
            Scrape {
                status: 200,
                content_type: CONTENT_TYPE,
                body: self.render(),
            }
        } else {
            Scrape::not_ready()
        }
    }

    /// A scrape in the format and encoding the request headers ask for.
    pub(crate) fn scrape_for(
        &self,
        accept: Option<&str>,
        accept_encoding: Option<&str>,
    ) -> ScrapeResponse {
        if !self.is_ready() {
            return ScrapeResponse::from(Scrape::not_ready());
        }
        let format = ExpositionFormat::negotiate(accept);
        self.publish();
        ScrapeResponse::ok(
            format,
            self.render_format(format),
            accepts_gzip(accept_encoding),
        )
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

    /// What the built-in listener answers a `GET /metrics` with these
    /// request headers: the format `accept` asks for (Prometheus text,
    /// OpenMetrics 1.0, or protobuf with feature `protobuf`; see
    /// [`ExpositionFormat::negotiate`](super::ExpositionFormat::negotiate)),
    /// gzip-compressed when `accept_encoding` allows it. Pass the header
    /// values as received (`None` when absent) and send the response's
    /// status, headers and body as they are. Concurrent calls share one
    /// publish.
    #[must_use]
    pub fn scrape_for(
        &self,
        accept: Option<&str>,
        accept_encoding: Option<&str>,
    ) -> ScrapeResponse {
        self.endpoint.scrape_for(accept, accept_encoding)
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

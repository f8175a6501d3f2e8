//! The Prometheus endpoint: a builder over `metrics-exporter-prometheus`.
//!
//! ```no_run
//! use velocity_metrics::exporter::ExporterBuilder;
//! let exporter = ExporterBuilder::new()          // 0.0.0.0:9090, like the original
//!     .global_label("account", "live-1")
//!     .allow_client("10.0.0.0/8")?
//!     .install()?;                               // serves /metrics; free functions now record here
//! velocity_metrics::set_mt5_connected(true);
//! # drop(exporter);
//! # Ok::<(), velocity_metrics::exporter::ExporterError>(())
//! ```

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use thiserror::Error;

use crate::catalogue;
use crate::telemetry::{PublisherGuard, Telemetry, TelemetryBuilder};

/// Default listen address, as the original exporter: every interface, port 9090.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), 9090);

/// Default buckets of `velocitytrader_db_query_duration_seconds`.
pub const DEFAULT_DB_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Starting the endpoint failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExporterError {
    /// Another process (often Prometheus itself) holds the port.
    #[error(
        "cannot listen on {address}: address already in use (is Prometheus or another exporter on this port? choose another with ExporterBuilder::listen_address)"
    )]
    AddressInUse {
        /// The requested address.
        address: SocketAddr,
    },
    /// Binding failed for another reason (permissions, unknown interface…).
    #[error("cannot listen on {address}: {reason}")]
    Bind {
        /// The requested address.
        address: SocketAddr,
        /// What the operating system said.
        reason: String,
    },
    /// An allow-list entry is not an IP address or network.
    #[error("invalid client allow-list entry {entry:?}: expected an IP address or CIDR network")]
    InvalidAllowList {
        /// The rejected entry.
        entry: String,
    },
    /// Histogram buckets were empty or not finite and increasing.
    #[error("invalid histogram buckets {0:?}: need at least one finite bound, strictly increasing")]
    InvalidBuckets(Vec<f64>),
    /// A global `metrics` recorder or `velocity_metrics` default is installed
    /// already (a free function such as `record_trade` called before
    /// `install` creates the default: install first).
    #[error(
        "a global metrics recorder or velocity_metrics default is installed already; call ExporterBuilder::install before any record_* free function"
    )]
    AlreadyInstalled,
    /// The exporter's runtime or thread could not start.
    #[error("cannot start the exporter runtime: {0}")]
    Runtime(String),
}

/// Configures and starts the `/metrics` endpoint.
#[derive(Debug, Clone)]
#[must_use]
pub struct ExporterBuilder {
    listen: SocketAddr,
    allowed: Vec<String>,
    global_labels: Vec<(String, String)>,
    db_buckets: Vec<f64>,
    publish_interval: Duration,
    telemetry: TelemetryBuilder,
}

impl Default for ExporterBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ExporterBuilder {
    /// Defaults: [`DEFAULT_LISTEN`], every client allowed, no global labels,
    /// [`DEFAULT_DB_BUCKETS`], publish every second.
    pub fn new() -> Self {
        Self {
            listen: DEFAULT_LISTEN,
            allowed: Vec::new(),
            global_labels: Vec::new(),
            db_buckets: DEFAULT_DB_BUCKETS.to_vec(),
            publish_interval: Duration::from_secs(1),
            telemetry: Telemetry::builder(),
        }
    }

    /// Address to serve `/metrics` on.
    pub fn listen_address(mut self, address: SocketAddr) -> Self {
        self.listen = address;
        self
    }

    /// Port to serve on, keeping the interface.
    pub fn port(mut self, port: u16) -> Self {
        self.listen.set_port(port);
        self
    }

    /// Only clients in `network` (an address or CIDR, e.g. `10.0.0.0/8`) may
    /// scrape; call again to allow more. Without any call, all may.
    ///
    /// # Errors
    /// [`ExporterError::InvalidAllowList`] for an unparsable entry.
    pub fn allow_client(mut self, network: &str) -> Result<Self, ExporterError> {
        PrometheusBuilder::new()
            .add_allowed_address(network)
            .map_err(|_| ExporterError::InvalidAllowList {
                entry: network.to_owned(),
            })?;
        self.allowed.push(network.to_owned());
        Ok(self)
    }

    /// A label added to every series (`instance`, `account`, `region`…).
    pub fn global_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.global_labels.push((key.into(), value.into()));
        self
    }

    /// Buckets (seconds) of the DB latency histogram.
    ///
    /// # Errors
    /// [`ExporterError::InvalidBuckets`] unless non-empty, finite and strictly increasing.
    pub fn db_buckets(mut self, bounds: &[f64]) -> Result<Self, ExporterError> {
        let valid = !bounds.is_empty()
            && bounds.iter().all(|b| b.is_finite())
            && bounds.windows(2).all(|w| w[0] < w[1]);
        if !valid {
            return Err(ExporterError::InvalidBuckets(bounds.to_vec()));
        }
        self.db_buckets = bounds.to_vec();
        Ok(self)
    }

    /// How often derived series are refreshed (at least 10 ms). Default 1 s;
    /// keep it below the scrape interval.
    pub fn publish_interval(mut self, interval: Duration) -> Self {
        self.publish_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// Statistics configuration (limits, return period, starting balance…).
    pub fn telemetry(mut self, telemetry: TelemetryBuilder) -> Self {
        self.telemetry = telemetry;
        self
    }

    /// Starts the endpoint with its own recorder, leaving the process-wide
    /// `metrics` recorder and the free functions alone; record through
    /// [`Exporter::telemetry`].
    ///
    /// # Errors
    /// [`ExporterError`]; a busy port is [`ExporterError::AddressInUse`].
    pub fn build(self) -> Result<Exporter, ExporterError> {
        let (recorder, handle) = self.start()?;
        let telemetry = self
            .telemetry
            .clone()
            .build_with_recorder(Arc::new(recorder));
        Ok(Exporter::new(
            handle,
            telemetry,
            self.listen,
            self.publish_interval,
        ))
    }

    /// Starts the endpoint, installs its recorder as the process-wide
    /// `metrics` recorder and makes its telemetry the default of the free
    /// functions (`velocity_metrics::record_trade` …).
    ///
    /// # Errors
    /// [`ExporterError`]; [`ExporterError::AlreadyInstalled`] when a global
    /// recorder or default telemetry exists already.
    pub fn install(self) -> Result<Exporter, ExporterError> {
        // Checked first so a refused install starts nothing.
        if crate::global::is_set() {
            return Err(ExporterError::AlreadyInstalled);
        }
        let (recorder, handle) = self.start()?;
        metrics::set_global_recorder(recorder).map_err(|_| ExporterError::AlreadyInstalled)?;
        let telemetry = self.telemetry.clone().build();
        crate::global::set_global(telemetry.clone())
            .map_err(|_| ExporterError::AlreadyInstalled)?;
        Ok(Exporter::new(
            handle,
            telemetry,
            self.listen,
            self.publish_interval,
        ))
    }

    fn prometheus_builder(&self) -> Result<PrometheusBuilder, ExporterError> {
        let mut builder = PrometheusBuilder::new()
            .with_http_listener(self.listen)
            .set_buckets_for_metric(
                Matcher::Full(catalogue::DB_QUERY_DURATION_SECONDS.name.to_owned()),
                &self.db_buckets,
            )
            .map_err(|_| ExporterError::InvalidBuckets(self.db_buckets.clone()))?;
        for entry in &self.allowed {
            builder = builder.add_allowed_address(entry.as_str()).map_err(|_| {
                ExporterError::InvalidAllowList {
                    entry: entry.clone(),
                }
            })?;
        }
        for (key, value) in &self.global_labels {
            builder = builder.add_global_label(key, value);
        }
        Ok(builder)
    }

    /// Binds the listener and runs it on a dedicated thread.
    fn start(
        &self,
    ) -> Result<
        (
            metrics_exporter_prometheus::PrometheusRecorder,
            PrometheusHandle,
        ),
        ExporterError,
    > {
        check_port_free(self.listen)?;
        let builder = self.prometheus_builder()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ExporterError::Runtime(e.to_string()))?;
        let (recorder, exporter) = {
            let _guard = runtime.enter();
            builder
                .build()
                .map_err(|e| map_build_error(e, self.listen))?
        };
        std::thread::Builder::new()
            .name("velocity-metrics-exporter".into())
            .spawn(move || runtime.block_on(exporter))
            .map_err(|e| ExporterError::Runtime(e.to_string()))?;
        let handle = recorder.handle();
        Ok((recorder, handle))
    }
}

fn check_port_free(address: SocketAddr) -> Result<(), ExporterError> {
    match TcpListener::bind(address) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            Err(ExporterError::AddressInUse { address })
        }
        Err(e) => Err(ExporterError::Bind {
            address,
            reason: e.to_string(),
        }),
    }
}

fn map_build_error(error: BuildError, address: SocketAddr) -> ExporterError {
    match error {
        BuildError::FailedToCreateHTTPListener(reason)
            if reason.to_lowercase().contains("in use") =>
        {
            ExporterError::AddressInUse { address }
        }
        BuildError::FailedToCreateHTTPListener(reason) => ExporterError::Bind { address, reason },
        other => ExporterError::Runtime(other.to_string()),
    }
}

/// A running endpoint and the telemetry it serves.
///
/// The HTTP listener runs for the rest of the process; dropping the
/// `Exporter` stops only the background publisher.
#[derive(Debug)]
pub struct Exporter {
    handle: PrometheusHandle,
    telemetry: Telemetry,
    listen: SocketAddr,
    _publisher: PublisherGuard,
}

impl Exporter {
    fn new(
        handle: PrometheusHandle,
        telemetry: Telemetry,
        listen: SocketAddr,
        interval: Duration,
    ) -> Self {
        let publisher = telemetry.spawn_publisher(interval);
        Self {
            handle,
            telemetry,
            listen,
            _publisher: publisher,
        }
    }

    /// The telemetry whose series this endpoint serves.
    #[must_use]
    pub fn telemetry(&self) -> &Telemetry {
        &self.telemetry
    }

    /// The address `/metrics` is served on.
    #[must_use]
    pub fn listen_address(&self) -> SocketAddr {
        self.listen
    }

    /// Publishes, then renders the exposition text exactly as a scrape would
    /// see it (for embedding in your own HTTP server, or tests).
    #[must_use]
    pub fn render(&self) -> String {
        self.telemetry.publish();
        self.handle.render()
    }

    /// The underlying `metrics-exporter-prometheus` handle.
    #[must_use]
    pub fn prometheus_handle(&self) -> &PrometheusHandle {
        &self.handle
    }
}

//! [`ExporterBuilder`]: configuration, validated as it is given, and the
//! three ways to start: `build`, `build_embedded`, `install`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

use super::endpoint::{Endpoint, Exporter};
use super::limits::Limits;
#[cfg(feature = "tls")]
use super::security::{Security, WebConfig};
use super::worker::{Serving, Worker};
use super::{ExporterError, install};
use crate::catalogue::{self, MetricDef, MetricKind};
use crate::telemetry::{Telemetry, TelemetryBuilder, validate_constant_labels};

/// Default listen address: loopback only, port 9090. An account's numbers
/// never reach the network unless the engine chooses an address with
/// [`ExporterBuilder::listen_address`] (the original listened on every
/// interface: `.listen_address("0.0.0.0:9090".parse()?)` does that).
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 9090);

/// Default buckets of `velocitytrader_db_query_duration_seconds`.
pub const DEFAULT_DB_BUCKETS: &[f64] = catalogue::DB_QUERY_BUCKETS;

/// How often histogram samples are folded into their buckets in the
/// background, bounding the memory of unscraped samples.
pub const DEFAULT_UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The parts of a configuration that shape the recorder and the telemetry:
/// an existing process-wide telemetry can be served by `install` only if
/// they are the same.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RecorderShape {
    pub(crate) global_labels: Vec<(String, String)>,
    pub(crate) buckets: Vec<(&'static str, Vec<f64>)>,
    pub(crate) telemetry: crate::TelemetryConfig,
}

/// Configures and starts the `/metrics` endpoint.
///
/// ```no_run
/// use velocity_metrics::exporter::ExporterBuilder;
/// let exporter = ExporterBuilder::new()          // 127.0.0.1:9090
///     .global_label("account", "live-1")?
///     .install()?;                               // serves and publishes until shutdown
/// velocity_metrics::set_mt5_connected(true);     // free functions record here
/// # let _ = exporter;
/// # Ok::<(), velocity_metrics::exporter::ExporterError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ExporterBuilder {
    listen: SocketAddr,
    allowed: Vec<IpNet>,
    global_labels: Vec<(String, String)>,
    buckets: Vec<(&'static str, Vec<f64>)>,
    upkeep: Duration,
    start_unready: bool,
    engine_version: Option<String>,
    telemetry: TelemetryBuilder,
    pub(super) limits: Limits,
    #[cfg(feature = "tls")]
    pub(super) security: Security,
    #[cfg(feature = "tls")]
    pub(super) web_config: WebConfig,
}

impl Default for ExporterBuilder {
    fn default() -> Self {
        Self::new()
    }
}

fn default_buckets() -> Vec<(&'static str, Vec<f64>)> {
    catalogue::METRICS
        .iter()
        .filter(|m| m.kind == MetricKind::Histogram)
        .map(|m| (m.name, catalogue::default_buckets(m).to_vec()))
        .collect()
}

fn check_buckets(bounds: &[f64]) -> Result<(), ExporterError> {
    let valid = !bounds.is_empty()
        && bounds.iter().all(|b| b.is_finite())
        && bounds.windows(2).all(|w| w[0] < w[1]);
    if valid {
        Ok(())
    } else {
        Err(ExporterError::InvalidBuckets(bounds.to_vec()))
    }
}

impl ExporterBuilder {
    /// Defaults: [`DEFAULT_LISTEN`], every client allowed, no global labels,
    /// the catalogue's default histogram buckets, ready at once.
    pub fn new() -> Self {
        Self {
            listen: DEFAULT_LISTEN,
            allowed: Vec::new(),
            global_labels: Vec::new(),
            buckets: default_buckets(),
            upkeep: DEFAULT_UPKEEP_INTERVAL,
            start_unready: false,
            engine_version: None,
            telemetry: Telemetry::builder(),
            limits: Limits::default(),
            #[cfg(feature = "tls")]
            security: Security::default(),
            #[cfg(feature = "tls")]
            web_config: WebConfig::default(),
        }
    }

    /// Address to serve `/metrics` on (default [`DEFAULT_LISTEN`], loopback;
    /// port 0: any free port, see [`Exporter::listen_address`]). Another
    /// interface makes the account's numbers reachable from the network:
    /// serve it with TLS and basic auth (feature `tls`,
    /// [`web_config_file`](Self::web_config_file)) or at least
    /// [`allow_client`](Self::allow_client).
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
    /// scrape; others get 403. Call again to allow more. Without any call,
    /// all may.
    ///
    /// # Errors
    /// [`ExporterError::InvalidAllowList`] for an unparsable entry.
    pub fn allow_client(mut self, network: &str) -> Result<Self, ExporterError> {
        let parsed = network
            .parse::<IpNet>()
            .or_else(|_| network.parse::<IpAddr>().map(IpNet::from))
            .map_err(|_| ExporterError::InvalidAllowList {
                entry: network.to_owned(),
            })?;
        self.allowed.push(parsed);
        Ok(self)
    }

    /// A label added to every series this endpoint serves (its telemetries'
    /// and the `metrics` macros'), e.g. `region` or `account`.
    ///
    /// # Errors
    /// [`ExporterError::InvalidLabel`] when the name is not a Prometheus
    /// label name, is reserved (`job`, `instance`, `le`, `quantile`, or a
    /// catalogue label such as `agent`), repeats an earlier global label, or
    /// the value is empty, longer than
    /// [`MAX_CONSTANT_LABEL_BYTES`](crate::telemetry::MAX_CONSTANT_LABEL_BYTES)
    /// or holds a control character.
    pub fn global_label(mut self, name: &str, value: &str) -> Result<Self, ExporterError> {
        let mut labels = self.global_labels.clone();
        labels.push((name.to_owned(), value.to_owned()));
        validate_constant_labels(&labels)?;
        self.global_labels = labels;
        Ok(self)
    }

    /// Identifies this engine in a fleet: `engine`, `account` and `mode` as
    /// global labels on every series served (the engine's own `metrics`
    /// series included), and its build as `engine_version` on
    /// `velocitytrader_build_info`. See [`EngineIdentity`](crate::EngineIdentity)
    /// for cardinality guidance.
    ///
    /// # Errors
    /// [`ExporterError::InvalidLabel`] when a global label of the same name
    /// was set already.
    pub fn identity(mut self, identity: &crate::EngineIdentity) -> Result<Self, ExporterError> {
        let mut labels = self.global_labels.clone();
        labels.extend(identity.labels());
        validate_constant_labels(&labels)?;
        self.global_labels = labels;
        self.engine_version = identity.version().map(str::to_owned);
        Ok(self)
    }

    /// Buckets (seconds) of the DB latency histogram.
    ///
    /// # Errors
    /// [`ExporterError::InvalidBuckets`] unless non-empty, finite and strictly increasing.
    pub fn db_buckets(self, bounds: &[f64]) -> Result<Self, ExporterError> {
        self.buckets(&catalogue::DB_QUERY_DURATION_SECONDS, bounds)
    }

    /// Buckets of any catalogue histogram.
    ///
    /// # Errors
    /// [`ExporterError::InvalidBuckets`] unless non-empty, finite and
    /// strictly increasing, or if `metric` is not a histogram.
    pub fn buckets(mut self, metric: &MetricDef, bounds: &[f64]) -> Result<Self, ExporterError> {
        check_buckets(bounds)?;
        let Some(entry) = self
            .buckets
            .iter_mut()
            .find(|(name, _)| *name == metric.name)
        else {
            return Err(ExporterError::InvalidBuckets(bounds.to_vec()));
        };
        entry.1 = bounds.to_vec();
        Ok(self)
    }

    /// How often histogram samples are folded into buckets in the
    /// background (default [`DEFAULT_UPKEEP_INTERVAL`], at least 100 ms).
    pub fn upkeep_interval(mut self, interval: Duration) -> Self {
        self.upkeep = interval.max(Duration::from_millis(100));
        self
    }

    /// Starts not ready: `/metrics` answers 503 (and `/ready` too) until
    /// [`Exporter::set_ready`]. Use it to restore state before the first
    /// scrape, so Prometheus never sees counters start from 0 and then jump
    /// (a false counter reset that `increase()` would count again).
    pub fn start_unready(mut self) -> Self {
        self.start_unready = true;
        self
    }

    /// Statistics configuration (limits, return period, starting balance,
    /// constant labels…).
    pub fn telemetry(mut self, telemetry: TelemetryBuilder) -> Self {
        self.telemetry = telemetry;
        self
    }

    pub(crate) fn shape(&self) -> RecorderShape {
        RecorderShape {
            global_labels: self.global_labels.clone(),
            buckets: self.buckets.clone(),
            telemetry: self.telemetry_builder().current_config().clone(),
        }
    }

    /// A new endpoint with this builder's recorder configuration and no
    /// telemetry yet.
    pub(crate) fn endpoint(&self) -> Result<Arc<Endpoint>, ExporterError> {
        let mut builder = PrometheusBuilder::new();
        for (name, bounds) in &self.buckets {
            builder = builder
                .set_buckets_for_metric(Matcher::Full((*name).to_owned()), bounds)
                .map_err(|_| ExporterError::InvalidBuckets(bounds.clone()))?;
        }
        for (key, value) in &self.global_labels {
            builder = builder.add_global_label(key, value);
        }
        Ok(Arc::new(Endpoint::new(
            builder.build_recorder(),
            self.global_labels.clone(),
            self.engine_version.clone(),
        )))
    }

    /// The telemetry configuration, with the identity's engine build.
    pub(crate) fn telemetry_builder(&self) -> TelemetryBuilder {
        match &self.engine_version {
            Some(version) => self.telemetry.clone().engine_version(Some(version)),
            None => self.telemetry.clone(),
        }
    }

    pub(crate) fn bind(&self) -> Result<TcpListener, ExporterError> {
        let address = self.listen;
        TcpListener::bind(address).map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => ExporterError::AddressInUse { address },
            _ => ExporterError::Bind {
                address,
                reason: e.to_string(),
            },
        })
    }

    /// Starts the worker for `endpoint` and wraps it in an [`Exporter`].
    pub(crate) fn start(
        &self,
        endpoint: Arc<Endpoint>,
        telemetry: Telemetry,
        listener: Option<TcpListener>,
        installed_at: Option<&'static Location<'static>>,
    ) -> Result<Exporter, ExporterError> {
        let bound = match &listener {
            Some(l) => Some(l.local_addr().map_err(|e| ExporterError::Bind {
                address: self.listen,
                reason: e.to_string(),
            })?),
            None => None,
        };
        endpoint.set_ready(!self.start_unready);
        let serving = listener.map(|listener| Serving {
            listener,
            allowed: self.allowed.clone(),
            limits: self.limits,
            #[cfg(feature = "tls")]
            security: self.security.clone(),
        });
        let worker = Worker::spawn(Arc::clone(&endpoint), serving, self.upkeep)?;
        Ok(Exporter::new(
            endpoint,
            telemetry,
            bound,
            worker,
            installed_at,
        ))
    }

    /// Starts the endpoint with its own recorder, leaving the process-wide
    /// `metrics` recorder and the free functions alone; record through
    /// [`Exporter::telemetry`]. Dropping the exporter (or
    /// [`Exporter::shutdown`]) stops it and frees the port.
    ///
    /// # Errors
    /// [`ExporterError`]; a busy port is [`ExporterError::AddressInUse`].
    pub fn build(self) -> Result<Exporter, ExporterError> {
        let endpoint = self.endpoint()?;
        let telemetry = endpoint.attach(self.telemetry_builder())?;
        let listener = self.bind()?;
        self.start(endpoint, telemetry, Some(listener), None)
    }

    /// Like [`build`](Self::build) without a listener, for engines that serve
    /// `/metrics` from their own HTTP server: answer each request with
    /// [`Exporter::scrape`] (or [`Exporter::render`]). Names, types, help,
    /// buckets and readiness are exactly the built-in listener's. A
    /// background thread folds histogram samples (see
    /// [`upkeep_interval`](Self::upkeep_interval)) until the exporter is
    /// dropped.
    ///
    /// # Errors
    /// [`ExporterError`] for invalid buckets or labels, or when the
    /// background thread cannot start.
    pub fn build_embedded(self) -> Result<Exporter, ExporterError> {
        let endpoint = self.endpoint()?;
        let telemetry = endpoint.attach(self.telemetry_builder())?;
        self.start(endpoint, telemetry, None, None)
    }

    /// Starts a batch run for a backtest: an embedded exporter whose state
    /// goes to a Prometheus Pushgateway ([`PushTarget`](super::PushTarget):
    /// periodically if it says so, and once more when the run finishes or
    /// is dropped), to `VictoriaMetrics` at simulated times
    /// ([`ImportTarget`](super::ImportTarget), one sample set per
    /// [`checkpoint`](super::BatchRun::checkpoint)), or both
    /// ([`PushTarget::and_import`](super::PushTarget::and_import)). See
    /// [`BatchRun`](super::BatchRun).
    ///
    /// # Errors
    /// [`ExporterError`] as for [`build_embedded`](Self::build_embedded);
    /// [`ExporterError::LabelClash`] when a grouping label of the push
    /// target is also a global or constant label (the Pushgateway would
    /// rewrite it on every push).
    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    pub fn build_push(
        self,
        targets: impl Into<super::BatchTargets>,
    ) -> Result<super::BatchRun, ExporterError> {
        let targets = targets.into();
        let telemetry_labels = self.telemetry.current_config().constant_labels.clone();
        let mut labels = self.global_labels.iter().chain(&telemetry_labels);
        let grouping = targets
            .push_target()
            .map_or(&[][..], super::PushTarget::grouping_labels);
        if let Some((name, _)) = grouping
            .iter()
            .find(|(name, _)| labels.clone().any(|(n, _)| n == name))
        {
            return Err(ExporterError::LabelClash { name: name.clone() });
        }
        let has_mode = labels.any(|(n, _)| n == "mode");
        let exporter = self.build_embedded()?;
        super::BatchRun::start(exporter, targets, has_mode)
    }

    /// Starts the process-wide endpoint: it serves and publishes for the
    /// rest of the process — whatever is done with the returned reference —
    /// until [`Exporter::shutdown`]. Its recorder becomes the process-wide
    /// `metrics` recorder (so the engine's own `metrics::counter!` series are
    /// served too) and its telemetry the default of the free functions
    /// (`velocity_metrics::record_trade` …).
    ///
    /// Events recorded through the free functions before `install` are kept:
    /// they went to the process-wide telemetry, which `install` then serves —
    /// provided this builder does not change its configuration (global
    /// labels, buckets, telemetry settings); otherwise `install` refuses with
    /// [`ExporterError::DefaultCreatedEarly`], naming the first call.
    ///
    /// # Errors
    /// [`ExporterError`]; nothing is bound, started or installed then.
    #[track_caller]
    pub fn install(self) -> Result<&'static Exporter, ExporterError> {
        install::install(&self, Location::caller())
    }
}

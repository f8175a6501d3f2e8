//! [`ExporterError`]: everything that can go wrong starting an endpoint.

use std::net::SocketAddr;
use std::panic::Location;

use thiserror::Error;

use crate::error::LabelError;

/// Starting or configuring the endpoint failed. Nothing was started, bound
/// or installed when this is returned.
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
    /// A global or constant label was refused (bad name, reserved name,
    /// repeated name, empty / too long / control-character value).
    #[error("invalid label: {0}")]
    InvalidLabel(#[from] LabelError),
    /// A global label and a telemetry's constant label have the same name.
    #[error(
        "label {name:?} is both a global label of the exporter and a constant label of a telemetry"
    )]
    LabelClash {
        /// The name given twice.
        name: String,
    },
    /// Two telemetries on one endpoint must differ in their constant labels,
    /// or their series would overwrite each other.
    #[error(
        "a telemetry with the constant labels {labels:?} is served by this endpoint already; give each telemetry a distinct label such as `account`"
    )]
    DuplicateTelemetry {
        /// The constant labels both telemetries have.
        labels: Vec<(String, String)>,
    },
    /// `install` was called before in this process.
    #[error(
        "the process-wide exporter was installed already, at {at}; use the exporter that install() returned, or ExporterBuilder::build() for another endpoint"
    )]
    AlreadyInstalled {
        /// Where the first `install` was called.
        at: &'static Location<'static>,
    },
    /// `install` was called after the process-wide exporter was shut down:
    /// it cannot be restarted (its recorder stays the process's `metrics`
    /// recorder, which is set once per process).
    #[error(
        "the process-wide exporter installed at {at} was shut down, and a process-wide endpoint cannot be restarted (the metrics recorder is set once per process); use ExporterBuilder::build() for an endpoint you can stop and start again"
    )]
    InstalledShutDown {
        /// Where the first `install` was called.
        at: &'static Location<'static>,
    },
    /// A free function (`velocity_metrics::record_trade` …) or
    /// `velocity_metrics::set_global` created the process-wide telemetry
    /// before `install`, with a configuration this builder would change.
    #[error(
        "the process-wide telemetry was created at {first_use} before install(), {why}; call ExporterBuilder::install before any velocity_metrics free function, or install without changing the configuration"
    )]
    DefaultCreatedEarly {
        /// Where the process-wide telemetry was created.
        first_use: &'static Location<'static>,
        /// Why it cannot be served as it is.
        why: &'static str,
    },
    /// Another `metrics` recorder is installed process-wide (by this program
    /// or a library), so this exporter cannot become the recorder of the
    /// `metrics` macros.
    #[error(
        "another metrics recorder is installed as the process-wide recorder; use ExporterBuilder::build (no global recorder needed) and velocity_metrics::set_global(exporter.telemetry().clone()) for the free functions"
    )]
    GlobalRecorderTaken,
    /// The TLS, basic-auth or web configuration was refused (feature `tls`).
    #[cfg(feature = "tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    #[error("web configuration refused: {0}")]
    WebConfig(#[from] super::WebConfigError),
    /// The exporter's runtime or thread could not start.
    #[error("cannot start the exporter runtime: {0}")]
    Runtime(String),
}

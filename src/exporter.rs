//! The Prometheus endpoint: a builder over `metrics-exporter-prometheus`,
//! with its own HTTP listener, readiness, shutdown, and an embedded mode for
//! engines that serve `/metrics` themselves.
//!
//! Three ways to start, one [`Exporter`] type:
//!
//! | | listener | `metrics` macros, free functions | stops when |
//! |---|---|---|---|
//! | [`ExporterBuilder::install`] | yes | recorded here | [`Exporter::shutdown`] (never by drop) |
//! | [`ExporterBuilder::build`] | yes | not touched | dropped or shut down |
//! | [`ExporterBuilder::build_embedded`] | no: serve [`Exporter::scrape_for`] yourself | not touched | dropped or shut down |
//!
//! Every scrape publishes before rendering, so it is never stale
//! (concurrent scrapes share one publish). Paths: `/metrics` (the
//! exposition in the format the scraper negotiates, gzip-compressed when it
//! accepts that; 503 while not ready), `/ready` and `/`.
//!
//! The listener binds loopback unless told otherwise, bounds its
//! connections, timeouts and header sizes, publishes and renders off the
//! thread that accepts connections, and — with feature `tls` — serves
//! HTTPS, mutual TLS and basic auth from an exporter-toolkit web
//! configuration file. See the README's "Exposing the endpoint".
//!
//! ```no_run
//! use velocity_metrics::exporter::ExporterBuilder;
//! let exporter = ExporterBuilder::new().install()?; // 127.0.0.1:9090 (loopback)
//! velocity_metrics::set_mt5_connected(true);
//! # let _ = exporter;
//! # Ok::<(), velocity_metrics::exporter::ExporterError>(())
//! ```

mod bare;
mod builder;
mod connections;
mod endpoint;
mod error;
mod exposition;
mod flight;
mod install;
mod limits;
#[cfg(feature = "protobuf")]
mod native_histogram;
#[cfg(feature = "protobuf")]
mod native_histograms;
mod negotiate;
mod openmetrics;
#[cfg(feature = "protobuf")]
mod protobuf;
#[cfg(feature = "push")]
mod push;
mod scrape;
#[cfg(feature = "tls")]
mod security;
mod self_metrics;
mod server;
mod worker;

pub use bare::prometheus_builder;
pub(crate) use builder::RecorderShape;
pub use builder::{DEFAULT_DB_BUCKETS, DEFAULT_LISTEN, DEFAULT_UPKEEP_INTERVAL, ExporterBuilder};
pub(crate) use endpoint::Endpoint;
pub use endpoint::Exporter;
pub use error::ExporterError;
pub use limits::{
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_KEEP_ALIVE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_HEADER_BYTES, DEFAULT_SCRAPE_TIMEOUT,
};
/// The exporter crate this module builds on, for engines that need its
/// types (e.g. [`metrics_exporter_prometheus::PrometheusHandle`]).
pub use metrics_exporter_prometheus;
pub use negotiate::{
    CONTENT_TYPE, ExpositionFormat, OPENMETRICS_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE,
};
#[cfg(feature = "push")]
#[cfg_attr(docsrs, doc(cfg(feature = "push")))]
pub use push::{
    Auth, BatchRun, BatchTargets, DEFAULT_PUSH_JOB, ImportTarget, PushError, PushReport,
    PushTarget, SecretText,
};
pub use scrape::{Scrape, ScrapeResponse};
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub use security::{ClientAuth, TlsVersion, WebConfigError};

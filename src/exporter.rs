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
//! | [`ExporterBuilder::build_embedded`] | no: serve [`Exporter::scrape`] yourself | not touched | dropped or shut down |
//!
//! Every scrape publishes before rendering, so it is never stale. Paths:
//! `/metrics` (the exposition; 503 while not ready) and `/ready`.
//!
//! ```no_run
//! use velocity_metrics::exporter::ExporterBuilder;
//! let exporter = ExporterBuilder::new().install()?; // 0.0.0.0:9090, like the original
//! velocity_metrics::set_mt5_connected(true);
//! # let _ = exporter;
//! # Ok::<(), velocity_metrics::exporter::ExporterError>(())
//! ```

mod bare;
mod builder;
mod endpoint;
mod error;
mod exposition;
mod install;
#[cfg(feature = "push")]
mod push;
mod worker;

pub use bare::prometheus_builder;
pub(crate) use builder::RecorderShape;
pub use builder::{DEFAULT_DB_BUCKETS, DEFAULT_LISTEN, DEFAULT_UPKEEP_INTERVAL, ExporterBuilder};
pub(crate) use endpoint::Endpoint;
pub use endpoint::{CONTENT_TYPE, Exporter, Scrape};
pub use error::ExporterError;
/// The exporter crate this module builds on, for engines that need its
/// types (e.g. [`metrics_exporter_prometheus::PrometheusHandle`]).
pub use metrics_exporter_prometheus;
#[cfg(feature = "push")]
#[cfg_attr(docsrs, doc(cfg(feature = "push")))]
pub use push::{
    Auth, BatchRun, BatchTargets, DEFAULT_PUSH_JOB, ImportTarget, PushError, PushReport,
    PushTarget, SecretText,
};

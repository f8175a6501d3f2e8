#![deny(missing_docs)]
#![warn(clippy::pedantic)]
//! Generates the monitoring assets of velocity_metrics from typed
//! definitions: Grafana dashboards, Prometheus recording and alerting rules
//! with their promtool tests and runbooks, objectives, the Alertmanager
//! configuration, and the deploy files of both stacks.
//!
//! `cargo xtask assets` writes them; `cargo xtask assets --check` (run by
//! CI and by `tests/drift.rs`) fails when a committed file differs.
//!
//! Panels, rules and objectives name series through the catalogue's
//! [`MetricDef`](velocity_metrics::catalogue::MetricDef) constants, so a
//! definition cannot name a series the catalogue lacks: this compiles …
//!
//! ```
//! use velocity_metrics::catalogue::ORDER_FILL_DURATION_SECONDS;
//! use xtask::grafana::panel::timeseries;
//! use xtask::promql::{RATE, histogram_quantile, m, rate, sum_by};
//!
//! let p99 = histogram_quantile(0.99, sum_by(&["le"], rate(m(ORDER_FILL_DURATION_SECONDS).bucket(), RATE)));
//! let _panel = timeseries(8, 8, "Fill latency", "99th percentile of fills.").q("p99", p99);
//! ```
//!
//! … and the same with a series renamed (or removed) from the catalogue does not:
//!
//! ```compile_fail,E0432
//! use velocity_metrics::catalogue::ORDER_FILL_LATENCY_SECONDS;
//! use xtask::grafana::panel::timeseries;
//! use xtask::promql::{RATE, histogram_quantile, m, rate, sum_by};
//!
//! let p99 = histogram_quantile(0.99, sum_by(&["le"], rate(m(ORDER_FILL_LATENCY_SECONDS).bucket(), RATE)));
//! let _panel = timeseries(8, 8, "Fill latency", "99th percentile of fills.").q("p99", p99);
//! ```

pub mod alertmanager;
pub mod assets;
pub mod defs;
pub mod deploy;
pub mod files;
pub mod grafana;
pub mod promql;
pub mod rules;
pub mod runbooks;
pub mod yaml;

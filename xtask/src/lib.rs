//! Generates the monitoring assets of velocity_metrics from typed
//! definitions: Grafana dashboards, Prometheus recording and alerting rules
//! with their promtool tests and runbooks, objectives, the Alertmanager
//! configuration, and the deploy files of both stacks.

pub mod defs;
pub mod grafana;
pub mod promql;
pub mod rules;
pub mod assets;
pub mod files;
pub mod yaml;

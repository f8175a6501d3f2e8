//! # velocity_metrics
//!
//! In-process Prometheus telemetry for the VelocityPTrader trading engine.
#![deny(missing_docs)]
#![warn(clippy::pedantic)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod catalogue;
pub mod error;
#[cfg(feature = "exporter")]
#[cfg_attr(docsrs, doc(cfg(feature = "exporter")))]
pub mod exporter;
mod global;
pub mod model;

pub use error::{AlreadyInstalled, LabelError, ParseError, RecordError};
pub use global::*;
pub use model::{Agent, Regime, Severity, Side, Symbol, Timeframe, Trade};
pub mod recorders;
pub mod stats;
pub mod telemetry;

pub use recorders::{PhysicsReading, RlSnapshot};
pub use telemetry::{PublisherGuard, Telemetry, TelemetryBuilder, TelemetryConfig};

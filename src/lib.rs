//! # velocity_metrics
//!
//! In-process Prometheus telemetry for the VelocityPTrader trading engine.
#![deny(missing_docs)]
#![warn(clippy::pedantic)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod catalogue;
pub mod error;
pub mod model;

pub use error::{LabelError, ParseError, RecordError};
pub use model::{Agent, Regime, Severity, Side, Symbol, Timeframe, Trade};

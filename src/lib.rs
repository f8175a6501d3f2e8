//! # velocity_metrics
//!
//! In-process Prometheus telemetry for the VelocityPTrader trading engine:
//! typed recorders the engine calls directly, exact running trading
//! statistics (win rate, profit factor, drawdown, Sharpe, Sortino, Calmar,
//! VaR, streaks …) per agent, symbol, regime and timeframe, served on
//! `:9090/metrics` through [`metrics`] and `metrics-exporter-prometheus`.
//!
//! ```
//! use velocity_metrics::{Agent, Regime, Symbol, Telemetry, Timeframe, Trade};
//!
//! let (telemetry, scrape) = Telemetry::builder().starting_balance(10_000.0).build_prometheus();
//!
//! let eurusd = Symbol::new("EURUSD+")?;
//! let trade = Trade::closed(Agent::BERSERKER, eurusd, Timeframe::M5, 25.0).with_regime(Regime::Chaotic);
//! telemetry.record_trade(&trade)?;
//! telemetry.record_equity(10_025.0, 10_025.0, trade.closed_at)?;
//!
//! telemetry.publish(); // the exporter does this on a timer
//! assert!(scrape.render().contains("velocitytrader_regime_trades_total{regime=\"CHAOTIC\"} 1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! In an engine, install the HTTP endpoint once and use the free functions:
//!
//! ```no_run
//! use velocity_metrics::{exporter::ExporterBuilder, record_trade, Agent, Symbol, Timeframe, Trade};
//! let _exporter = ExporterBuilder::new().install()?; // serves 127.0.0.1:9090/metrics
//! record_trade(&Trade::closed(Agent::SNIPER, Symbol::new("XAUUSD+")?, Timeframe::H1, -12.0))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Map
//! - [`model`]: typed inputs ([`Trade`], [`Agent`], [`Symbol`], [`Regime`], [`Timeframe`]).
//! - [`telemetry`]: [`Telemetry`], its configuration and publish step.
//! - [`recorders`]: the `record_*` methods, one module per group of series:
//!   trades, agents, market, risk, system, and the risk engine (breakers,
//!   decisions, daily limits), execution quality, instrument bars, RL rewards
//!   and run control.
//! - [`catalogue`]: every exported series with its unit and labels.
//! - [`assets`]: the bundled Grafana dashboards, alert rules and deploy files.
//! - [`stats`]: the pure statistics (no I/O), tested against quantstats/empyrical vectors.
//! - `exporter` (feature `exporter`, default): the `/metrics` endpoint.
//! - `backfill` (feature `sqlite`): restore from and follow `trading_logs.db`,
//!   write history for `promtool tsdb create-blocks-from openmetrics`.
//!
//! ## Bad input
//! Every recorder validates its numbers: NaN/±Inf, negative durations and
//! out-of-range fractions return a [`RecordError`], record nothing, and are
//! counted in `velocitytrader_rejected_events_total{reason}`. Label values
//! are checked when an [`Agent`]/[`Symbol`] is created ([`LabelError`]);
//! past the configured cardinality limit they are recorded under
//! [`telemetry::OVERFLOW_LABEL`] and counted in
//! `velocitytrader_label_overflow_total{label}`.
#![deny(missing_docs)]
#![warn(clippy::pedantic)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod assets;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub mod backfill;
pub mod catalogue;
pub mod error;
#[cfg(feature = "exporter")]
#[cfg_attr(docsrs, doc(cfg(feature = "exporter")))]
pub mod exporter;
mod global;
pub mod model;
pub mod recorders;
pub mod stats;
pub mod telemetry;

pub use error::{AlreadyInstalled, LabelError, MAX_ABS_AMOUNT, ParseError, RecordError};
pub use global::*;
pub use model::{
    Agent, Bar, BreakerReason, EngineIdentity, Fill, Mode, OrderRejectReason, Regime, RiskDecision,
    RiskLimits, RlTraining, RunInfo, Severity, Side, Symbol, Timeframe, Trade,
};
pub use recorders::{MAX_RUNS, PhysicsReading, RlSnapshot};
pub use telemetry::{PublisherGuard, Role, Telemetry, TelemetryBuilder, TelemetryConfig};

/// The README's Rust examples compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

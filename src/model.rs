//! Typed inputs for the recorders: [`Trade`], [`Agent`], [`Symbol`],
//! [`Regime`], [`Timeframe`], [`Side`], [`Severity`]; for the risk engine,
//! execution, bars, learners and runs: [`BreakerReason`], [`RiskDecision`],
//! [`RiskLimits`], [`OrderRejectReason`], [`Fill`], [`Bar`], [`RlTraining`],
//! [`RunInfo`].
//!
//! Strings from the engine are parsed once, at the boundary; recorders take
//! only these types, so a typo cannot create a new series.

mod bar;
mod enums;
mod event_time;
mod identity;
mod label;
mod order;
mod outcomes;
mod regime;
mod risk_limits;
mod rl;
mod run;
mod trade;

pub use bar::Bar;
pub use enums::{Severity, Side, Timeframe};
pub(crate) use event_time::check_time;
pub use event_time::{DEFAULT_FUTURE_TOLERANCE, MAX_FUTURE_TOLERANCE};
pub use identity::{EngineIdentity, Mode};
pub(crate) use label::LabelValue;
pub use label::{Agent, MAX_LABEL_BYTES, Symbol};
pub use order::Fill;
pub use outcomes::{BreakerReason, OrderRejectReason, RiskDecision};
pub use regime::Regime;
pub use risk_limits::RiskLimits;
pub use rl::RlTraining;
pub use run::RunInfo;
pub use trade::Trade;
pub(crate) use trade::unix_now_secs;

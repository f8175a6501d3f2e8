//! Typed inputs for the recorders: [`Trade`], [`Agent`], [`Symbol`],
//! [`Regime`], [`Timeframe`], [`Side`], [`Severity`].
//!
//! Strings from the engine are parsed once, at the boundary; recorders take
//! only these types, so a typo cannot create a new series.

mod enums;
mod identity;
mod label;
mod regime;
mod trade;

pub use enums::{Severity, Side, Timeframe};
pub use identity::{EngineIdentity, Mode};
pub(crate) use label::LabelValue;
pub use label::{Agent, MAX_LABEL_BYTES, Symbol};
pub use regime::Regime;
pub use trade::Trade;

//! Market state per symbol and timeframe: regime, physics indicators, quotes.

use std::sync::atomic::{AtomicU8, Ordering};

use metrics::Counter;
use serde::{Deserialize, Serialize};

use crate::catalogue as cat;
use crate::error::{RecordError, finite, non_negative};
use crate::model::{Regime, Symbol, Timeframe};
use crate::telemetry::{LazyGauge, Sink, Telemetry};

const TIMEFRAMES: usize = Timeframe::ALL.len();

/// One reading of the physics engine for a symbol and timeframe.
///
/// `damping_ratio` is the physical ζ (below 1 underdamped, 1 critical,
/// above 1 overdamped — see [`crate::stats::Oscillator`] to estimate it from an
/// AR(2) fit); `natural_frequency` is `ω_n` in radians per second. Either is
/// `None` when the engine could not estimate it, and then has no sample.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PhysicsReading {
    /// Momentum, signed, price units per second.
    pub momentum: f64,
    /// Velocity (first derivative of mid price), signed.
    pub velocity: f64,
    /// Acceleration, signed, price units per second².
    pub acceleration: f64,
    /// Market energy (≥ 0), engine units.
    pub energy: f64,
    /// Damping ratio ζ (≥ 0).
    pub damping_ratio: Option<f64>,
    /// Natural angular frequency `ω_n` (≥ 0), radians per second.
    pub natural_frequency: Option<f64>,
}

impl PhysicsReading {
    /// Checks every field.
    ///
    /// # Errors
    /// [`RecordError`] naming the first NaN/±Inf or negative field.
    pub fn validate(&self) -> Result<(), RecordError> {
        finite("momentum", self.momentum)?;
        finite("velocity", self.velocity)?;
        finite("acceleration", self.acceleration)?;
        non_negative("energy", self.energy)?;
        if let Some(zeta) = self.damping_ratio {
            non_negative("damping_ratio", zeta)?;
        }
        if let Some(omega) = self.natural_frequency {
            non_negative("natural_frequency", omega)?;
        }
        Ok(())
    }
}

/// Handles for one (symbol, timeframe).
pub(crate) struct MarketHandles {
    regime: LazyGauge,
    changes: Counter,
    last_regime: AtomicU8,
    momentum: LazyGauge,
    velocity: LazyGauge,
    acceleration: LazyGauge,
    energy: LazyGauge,
    damping_ratio: LazyGauge,
    natural_frequency: LazyGauge,
}

impl MarketHandles {
    fn new(sink: &Sink, symbol: &str, timeframe: Timeframe) -> Self {
        let labels = [symbol, timeframe.as_str()];
        Self {
            regime: LazyGauge::new(sink, &cat::REGIME_CURRENT, &labels),
            changes: sink.counter(&cat::REGIME_CHANGES_TOTAL, &labels),
            last_regime: AtomicU8::new(0),
            momentum: LazyGauge::new(sink, &cat::PHYSICS_MOMENTUM, &labels),
            velocity: LazyGauge::new(sink, &cat::PHYSICS_VELOCITY, &labels),
            acceleration: LazyGauge::new(sink, &cat::PHYSICS_ACCELERATION, &labels),
            energy: LazyGauge::new(sink, &cat::PHYSICS_ENERGY, &labels),
            damping_ratio: LazyGauge::new(sink, &cat::PHYSICS_DAMPING_RATIO, &labels),
            natural_frequency: LazyGauge::new(sink, &cat::PHYSICS_NATURAL_FREQUENCY, &labels),
        }
    }
}

/// Handles for one symbol's quote.
pub(crate) struct QuoteHandles {
    price: LazyGauge,
    spread: LazyGauge,
}

impl Telemetry {
    /// Runs `f` on the handles of (`symbol`, `timeframe`). A symbol beyond
    /// the cardinality limit has no handles: its last-value series would mix
    /// instruments under [`OVERFLOW_LABEL`](crate::telemetry::OVERFLOW_LABEL),
    /// so the update is dropped and counted in
    /// `velocitytrader_label_overflow_total{label="symbol"}` instead.
    fn with_market(
        &self,
        symbol: Symbol,
        timeframe: Timeframe,
        f: impl FnOnce(&Sink, &MarketHandles),
    ) {
        let inner = &*self.inner;
        let slot = inner.symbols.resolve(symbol.value());
        if slot.overflow {
            return;
        }
        let index = slot.index * TIMEFRAMES + timeframe.index();
        inner.market.with(
            index,
            || MarketHandles::new(&inner.sink, inner.symbols.label(slot.index), timeframe),
            |h| f(&inner.sink, h),
        );
    }

    /// Sets the current regime of `symbol` on `timeframe` and counts a change
    /// when it differs from the previous one. Beyond the symbol cardinality
    /// limit the update is counted as overflow and dropped (see
    /// [`TelemetryConfig::max_symbols`](crate::TelemetryConfig::max_symbols)).
    pub fn record_regime(&self, symbol: Symbol, timeframe: Timeframe, regime: Regime) {
        self.with_market(symbol, timeframe, |sink, h| {
            let code = regime.code();
            // Unchanged regime (the common case): the gauge holds it already.
            if h.last_regime.load(Ordering::Acquire) == code {
                return;
            }
            let previous = h.last_regime.swap(code, Ordering::AcqRel);
            if previous != 0 && previous != code {
                h.changes.increment(1);
            }
            // Another thread may change the regime between our swap and set;
            // repeat until the gauge shows the latest stored regime.
            let mut shown = code;
            loop {
                h.regime.set(sink, Some(f64::from(shown)));
                let latest = h.last_regime.load(Ordering::Acquire);
                if latest == shown {
                    break;
                }
                shown = latest;
            }
        });
    }

    /// Sets the physics indicators of `symbol` on `timeframe` (dropped and
    /// counted as overflow beyond the symbol cardinality limit).
    ///
    /// # Errors
    /// [`RecordError`] when [`PhysicsReading::validate`] fails; nothing is
    /// updated then.
    pub fn record_physics(
        &self,
        symbol: Symbol,
        timeframe: Timeframe,
        reading: &PhysicsReading,
    ) -> Result<(), RecordError> {
        reading.validate().map_err(|e| self.reject(e))?;
        self.with_market(symbol, timeframe, |sink, h| {
            h.momentum.set(sink, Some(reading.momentum));
            h.velocity.set(sink, Some(reading.velocity));
            h.acceleration.set(sink, Some(reading.acceleration));
            h.energy.set(sink, Some(reading.energy));
            if reading.damping_ratio.is_some() {
                h.damping_ratio.set(sink, reading.damping_ratio);
            }
            if reading.natural_frequency.is_some() {
                h.natural_frequency.set(sink, reading.natural_frequency);
            }
        });
        Ok(())
    }

    /// Sets the latest quote of `symbol`: mid price and spread (ask − bid,
    /// price units). Dropped and counted as overflow beyond the symbol
    /// cardinality limit.
    ///
    /// # Errors
    /// [`RecordError`] for NaN/±Inf prices, a negative bid, or `ask < bid`.
    pub fn record_quote(&self, symbol: Symbol, bid: f64, ask: f64) -> Result<(), RecordError> {
        let check = || -> Result<(), RecordError> {
            non_negative("bid", bid)?;
            finite("ask", ask)?;
            if ask < bid {
                return Err(RecordError::OutOfRange {
                    field: "ask",
                    value: ask,
                    min: bid,
                    max: f64::INFINITY,
                });
            }
            Ok(())
        };
        check().map_err(|e| self.reject(e))?;
        let inner = &*self.inner;
        let slot = inner.symbols.resolve(symbol.value());
        if slot.overflow {
            return Ok(());
        }
        let sink = &inner.sink;
        let init = || {
            let label = [inner.symbols.label(slot.index)];
            QuoteHandles {
                price: LazyGauge::new(sink, &cat::SYMBOL_PRICE, &label),
                spread: LazyGauge::new(sink, &cat::SYMBOL_SPREAD, &label),
            }
        };
        inner.quotes.with(slot.index, init, |h| {
            h.price.set(sink, Some(f64::midpoint(bid, ask)));
            h.spread.set(sink, Some(ask - bid));
        });
        Ok(())
    }
}

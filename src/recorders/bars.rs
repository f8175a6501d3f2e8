//! Instrument bars per symbol and timeframe (last OHLC and volume, realised
//! volatility and ATR computed here), bars processed, and the
//! microstructure indicators the engine reports per symbol (VPIN, spread
//! stress).

use std::sync::Mutex;

use crate::catalogue as cat;
use crate::error::{RecordError, in_range, non_negative};
use crate::model::{Bar, Symbol, Timeframe};
use crate::stats::{AverageTrueRange, RealizedVolatility};
use crate::telemetry::{LazyCounter, LazyGauge, Role, Sink, Telemetry, lock};

const TIMEFRAMES: usize = Timeframe::ALL.len();

/// The bar statistics of one (symbol, timeframe).
struct BarStats {
    atr: AverageTrueRange,
    volatility: RealizedVolatility,
}

/// Handles and statistics of one (symbol, timeframe). Bars are
/// low-frequency, so one small lock orders them; the gauges are written
/// under it and always show the latest bar's values.
pub(crate) struct BarHandles {
    stats: Mutex<BarStats>,
    open: LazyGauge,
    high: LazyGauge,
    low: LazyGauge,
    close: LazyGauge,
    volume: LazyGauge,
    volatility: LazyGauge,
    atr: LazyGauge,
}

impl BarHandles {
    fn new(sink: &Sink, symbol: &str, timeframe: Timeframe) -> Self {
        let l = [symbol, timeframe.as_str()];
        Self {
            stats: Mutex::new(BarStats {
                atr: AverageTrueRange::new(),
                volatility: RealizedVolatility::new(),
            }),
            open: LazyGauge::new(sink, &cat::PRICE_OPEN, &l),
            high: LazyGauge::new(sink, &cat::PRICE_HIGH, &l),
            low: LazyGauge::new(sink, &cat::PRICE_LOW, &l),
            close: LazyGauge::new(sink, &cat::PRICE_CLOSE, &l),
            volume: LazyGauge::new(sink, &cat::VOLUME_CURRENT, &l),
            volatility: LazyGauge::new(sink, &cat::VOLATILITY_CURRENT, &l),
            atr: LazyGauge::new(sink, &cat::ATR_14, &l),
        }
    }
}

/// Handles of one symbol's microstructure indicators.
pub(crate) struct MicrostructureHandles {
    vpin: LazyGauge,
    vpin_threshold: LazyGauge,
    stress: LazyGauge,
    stress_threshold: LazyGauge,
}

/// The label-free bar series.
pub(crate) struct BarCounters {
    processed: LazyCounter,
}

impl BarCounters {
    /// An engine counts bars from 0; a database reader has none to count.
    pub(crate) fn new(sink: &Sink, role: Role) -> Self {
        let processed = LazyCounter::new(sink, &cat::BARS_PROCESSED_TOTAL, &[]);
        if role == Role::Engine {
            processed.register(sink);
        }
        Self { processed }
    }
}

impl Telemetry {
    /// Records one completed bar of `symbol` on `timeframe`: its open, high,
    /// low, close and volume as last-value gauges, the ATR(14) and the
    /// realised volatility over 20 returns ([`AverageTrueRange`],
    /// [`RealizedVolatility`], exactly as the `stats` types compute them on
    /// the same bars; no sample until defined), and one bar processed.
    ///
    /// Beyond the symbol cardinality limit the bar still counts as
    /// processed, but its last-value series are dropped (counted as
    /// overflow) rather than mixed across instruments.
    ///
    /// # Errors
    /// [`RecordError`] when [`Bar::validate`] fails (the statistics' own
    /// refusals, [`BarError`](crate::stats::BarError), map to the same
    /// errors); nothing is recorded and the refusal is counted.
    pub fn record_bar(
        &self,
        symbol: Symbol,
        timeframe: Timeframe,
        bar: &Bar,
    ) -> Result<(), RecordError> {
        bar.validate().map_err(|e| self.reject(e))?;
        let inner = &*self.inner;
        let slot = inner.symbols.resolve(symbol.value());
        let mut refused = None;
        if !slot.overflow {
            let sink = &inner.sink;
            inner.bars.with(
                slot.index * TIMEFRAMES + timeframe.index(),
                || BarHandles::new(sink, inner.symbols.label(slot.index), timeframe),
                |h| {
                    let mut stats = lock(&h.stats);
                    // The bar passed `validate`, which checks everything the
                    // statistics check, so neither refuses it; were one to,
                    // the error is returned and nothing is shown.
                    let atr = match stats.atr.push(bar.high, bar.low, bar.close) {
                        Ok(atr) => atr,
                        Err(e) => {
                            refused = Some(RecordError::from(e));
                            return;
                        }
                    };
                    let volatility = match stats.volatility.push(bar.close) {
                        Ok(v) => v,
                        Err(e) => {
                            refused = Some(RecordError::from(e));
                            return;
                        }
                    };
                    h.open.set(sink, Some(bar.open));
                    h.high.set(sink, Some(bar.high));
                    h.low.set(sink, Some(bar.low));
                    h.close.set(sink, Some(bar.close));
                    h.volume.set(sink, bar.volume);
                    h.volatility.set(sink, volatility.map(|v| v * 100.0));
                    h.atr.set(sink, atr);
                },
            );
        }
        if let Some(error) = refused {
            return Err(self.reject(error));
        }
        inner.bar_counters.processed.increment(&inner.sink, 1);
        Ok(())
    }

    /// Counts `bars` processed without recording their OHLC (e.g. bars of
    /// symbols the engine does not chart). They add up with the bars of
    /// [`record_bar`](Self::record_bar) in
    /// `velocitytrader_bars_processed_total`: count each bar once, by one of
    /// the two.
    pub fn add_bars_processed(&self, bars: u64) {
        let inner = &*self.inner;
        inner.bar_counters.processed.increment(&inner.sink, bars);
    }

    /// Runs `f` on `symbol`'s microstructure handles; beyond the symbol
    /// limit the update is dropped (counted as overflow).
    fn with_microstructure(&self, symbol: Symbol, f: impl FnOnce(&Sink, &MicrostructureHandles)) {
        let inner = &*self.inner;
        let slot = inner.symbols.resolve(symbol.value());
        if slot.overflow {
            return;
        }
        let sink = &inner.sink;
        let init = || {
            let l = [inner.symbols.label(slot.index)];
            MicrostructureHandles {
                vpin: LazyGauge::new(sink, &cat::VPIN, &l),
                vpin_threshold: LazyGauge::new(sink, &cat::VPIN_THRESHOLD, &l),
                stress: LazyGauge::new(sink, &cat::SPREAD_STRESS_INDEX, &l),
                stress_threshold: LazyGauge::new(sink, &cat::SPREAD_STRESS_THRESHOLD, &l),
            }
        };
        inner.microstructure.with(slot.index, init, |h| f(sink, h));
    }

    /// Sets `symbol`'s VPIN (a fraction 0–1, as the engine computes it) and,
    /// when given, the threshold at which the engine acts; `None` leaves the
    /// threshold as last reported.
    ///
    /// # Errors
    /// [`RecordError`] for a value that is not finite or outside 0..=1.
    pub fn set_vpin(
        &self,
        symbol: Symbol,
        vpin: f64,
        threshold: Option<f64>,
    ) -> Result<(), RecordError> {
        let check = || -> Result<(), RecordError> {
            in_range("vpin", vpin, 0.0, 1.0)?;
            if let Some(t) = threshold {
                in_range("vpin_threshold", t, 0.0, 1.0)?;
            }
            Ok(())
        };
        check().map_err(|e| self.reject(e))?;
        self.with_microstructure(symbol, |sink, h| {
            h.vpin.set(sink, Some(vpin));
            if threshold.is_some() {
                h.vpin_threshold.set(sink, threshold);
            }
        });
        Ok(())
    }

    /// Sets `symbol`'s spread stress index (≥ 0, engine-defined) and, when
    /// given, its threshold; `None` leaves the threshold as last reported.
    ///
    /// # Errors
    /// [`RecordError`] for a value that is not finite or negative.
    pub fn set_spread_stress(
        &self,
        symbol: Symbol,
        index: f64,
        threshold: Option<f64>,
    ) -> Result<(), RecordError> {
        let check = || -> Result<(), RecordError> {
            non_negative("spread_stress_index", index)?;
            if let Some(t) = threshold {
                non_negative("spread_stress_threshold", t)?;
            }
            Ok(())
        };
        check().map_err(|e| self.reject(e))?;
        self.with_microstructure(symbol, |sink, h| {
            h.stress.set(sink, Some(index));
            if threshold.is_some() {
                h.stress_threshold.set(sink, threshold);
            }
        });
        Ok(())
    }
}

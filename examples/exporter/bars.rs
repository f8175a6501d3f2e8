//! The simulated bar builder: OHLCV bars per symbol and timeframe from the
//! simulated mid prices (after a warm-up from history, so ATR(14) and the
//! realised volatility are defined from the start), and the engine's VPIN
//! and spread-stress readings with their thresholds.

use velocity_metrics::{Bar, RecordError, Symbol, Telemetry, Timeframe};

use crate::rng::Rng;

/// Time is accelerated: a bar of one minute completes every second.
const TICKS_PER_MINUTE: u64 = 10;
/// Bars loaded from history at start-up, before the live ones.
const WARM_UP_BARS: usize = 30;
const VPIN_THRESHOLD: f64 = 0.7;
const STRESS_THRESHOLD: f64 = 3.0;

struct Chart {
    timeframe: Timeframe,
    ticks_per_bar: u64,
    ticks: u64,
    bar: Bar,
}

/// One symbol's charts and microstructure readings.
pub struct Instrument {
    symbol: Symbol,
    charts: Vec<Chart>,
    vpin: f64,
}

fn minutes(timeframe: Timeframe) -> u64 {
    match timeframe {
        Timeframe::M1 => 1,
        Timeframe::M5 => 5,
        Timeframe::M15 => 15,
        Timeframe::M30 => 30,
        Timeframe::H1 => 60,
        Timeframe::H4 => 240,
        _ => 1_440,
    }
}

/// A bar from `open` to `close` with a little range beyond both.
fn bar_between(rng: &mut Rng, open: f64, close: f64, wick: f64, ticks: u64) -> Bar {
    #[allow(clippy::cast_precision_loss, reason = "a few hundred ticks")]
    let volume = (ticks as f64 * (80.0 + 40.0 * rng.next_f64())).round();
    Bar {
        open,
        high: open.max(close) + wick * rng.next_f64(),
        low: open.min(close) - wick * rng.next_f64(),
        close,
        volume: Some(volume),
    }
}

impl Instrument {
    /// Records `WARM_UP_BARS` historical bars per timeframe ending at `mid`
    /// (a random walk with the tick size `step`), as an engine loading its
    /// indicators' history does.
    pub fn warm_up(
        t: &Telemetry,
        rng: &mut Rng,
        symbol: Symbol,
        timeframes: &[Timeframe],
        mid: f64,
        step: f64,
    ) -> Result<Self, RecordError> {
        let mut charts = Vec::new();
        for &timeframe in timeframes {
            let ticks_per_bar = minutes(timeframe) * TICKS_PER_MINUTE;
            #[allow(clippy::cast_precision_loss, reason = "small counts")]
            let sigma = step * (ticks_per_bar as f64).sqrt();
            // Walk back from `mid`, then record forwards.
            let mut closes = vec![mid; WARM_UP_BARS + 1];
            for i in (0..WARM_UP_BARS).rev() {
                closes[i] = (closes[i + 1] - rng.normal() * sigma).max(mid * 0.5);
            }
            for pair in closes.windows(2) {
                let bar = bar_between(rng, pair[0], pair[1], sigma * 0.3, ticks_per_bar);
                t.record_bar(symbol, timeframe, &bar)?;
            }
            charts.push(Chart {
                timeframe,
                ticks_per_bar,
                ticks: 0,
                bar: bar_between(rng, mid, mid, 0.0, 0),
            });
        }
        Ok(Self {
            symbol,
            charts,
            vpin: 0.35,
        })
    }

    /// Adds one tick at `mid` to every chart; a chart whose bar is complete
    /// records it and starts the next.
    pub fn tick(&mut self, t: &Telemetry, rng: &mut Rng, mid: f64) -> Result<(), RecordError> {
        for chart in &mut self.charts {
            let bar = &mut chart.bar;
            if chart.ticks == 0 {
                *bar = bar_between(rng, mid, mid, 0.0, 0);
            }
            bar.high = bar.high.max(mid);
            bar.low = bar.low.min(mid);
            bar.close = mid;
            bar.volume = bar
                .volume
                .map(|v| v + (80.0 + 40.0 * rng.next_f64()).round());
            chart.ticks += 1;
            if chart.ticks == chart.ticks_per_bar {
                t.record_bar(self.symbol, chart.timeframe, bar)?;
                chart.ticks = 0;
            }
        }
        Ok(())
    }

    /// The engine's VPIN and spread-stress readings, once a second: VPIN
    /// wanders around 0.35 (`toxic` pushes it to about 0.85, above the
    /// 0.7 threshold); stress is the spread over its typical value
    /// (`spike` above the threshold of 3).
    pub fn microstructure(
        &mut self,
        t: &Telemetry,
        rng: &mut Rng,
        spread_ratio: f64,
        toxic: bool,
        spike: bool,
    ) -> Result<(), RecordError> {
        let target = if toxic { 0.85 } else { 0.35 };
        self.vpin = (self.vpin + 0.3 * (target - self.vpin) + 0.03 * rng.normal()).clamp(0.0, 1.0);
        t.set_vpin(self.symbol, self.vpin, Some(VPIN_THRESHOLD))?;
        let stress = if spike { 3.6 } else { spread_ratio };
        t.set_spread_stress(self.symbol, stress, Some(STRESS_THRESHOLD))
    }
}

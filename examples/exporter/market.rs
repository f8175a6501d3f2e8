//! The simulated markets: six symbols whose mid price, spread, regime and
//! physics indicators move every tick.

use std::time::Duration;

use velocity_metrics::stats::{from_ar2, to_ar2};
use velocity_metrics::{LabelError, PhysicsReading, Regime, Symbol, Telemetry, Timeframe};

use crate::rng::Rng;

/// One tick of simulated time.
pub const TICK: Duration = Duration::from_millis(100);
/// Symbol, starting mid price and typical move per tick.
const SYMBOLS: [(&str, f64, f64); 6] = [
    ("EURUSD+", 1.0850, 0.00008),
    ("GBPUSD+", 1.2710, 0.00012),
    ("USDJPY+", 151.20, 0.012),
    ("XAUUSD+", 2385.0, 0.35),
    ("BTCUSD+", 67_250.0, 18.0),
    ("US30+", 39_120.0, 2.5),
];
/// The number of simulated symbols (the overflow scenario's limit).
pub const SYMBOL_COUNT: usize = SYMBOLS.len();
pub const TIMEFRAMES: [Timeframe; 3] = [Timeframe::M1, Timeframe::M5, Timeframe::H1];

pub struct Market {
    pub symbol: Symbol,
    pub mid: f64,
    /// Typical move per tick (and typical spread).
    pub step: f64,
    /// The spread of the last quote.
    pub spread: f64,
    velocity: f64,
    pub regime: Regime,
}

/// The six markets at their starting prices.
pub fn open_markets() -> Result<Vec<Market>, LabelError> {
    SYMBOLS
        .iter()
        .map(|&(name, mid, step)| {
            Ok(Market {
                symbol: Symbol::new(name)?,
                mid,
                step,
                spread: step,
                velocity: 0.0,
                regime: Regime::CriticallyDamped,
            })
        })
        .collect()
}

/// Moves `market` one tick and records its quote, regime and physics.
pub fn step_market(
    t: &Telemetry,
    rng: &mut Rng,
    market: &mut Market,
) -> Result<(), Box<dyn std::error::Error>> {
    let dt = TICK.as_secs_f64();
    let previous_velocity = market.velocity;
    let move_ = rng.normal() * market.step * volatility_multiplier(market.regime);
    market.mid += move_;
    market.velocity = move_ / dt;
    market.spread = market.step * (0.5 + rng.next_f64());
    t.record_quote(
        market.symbol,
        market.mid - market.spread / 2.0,
        market.mid + market.spread / 2.0,
    )?;
    if rng.chance(0.01) {
        market.regime = rng.pick(&Regime::ALL);
    }
    let (zeta, omega) = oscillator_for(market.regime, rng);
    for timeframe in TIMEFRAMES {
        t.record_regime(market.symbol, timeframe, market.regime);
        let reading = PhysicsReading {
            momentum: market.velocity,
            velocity: market.velocity,
            acceleration: (market.velocity - previous_velocity) / dt,
            energy: 0.5 * market.velocity * market.velocity,
            damping_ratio: Some(zeta),
            natural_frequency: Some(omega),
        };
        t.record_physics(market.symbol, timeframe, &reading)?;
    }
    Ok(())
}

fn volatility_multiplier(regime: Regime) -> f64 {
    match regime {
        Regime::Chaotic => 1.5,
        Regime::Underdamped => 1.2,
        Regime::CriticallyDamped => 1.0,
        Regime::Overdamped => 0.8,
    }
}

/// A damping ratio and natural frequency typical of the regime, passed
/// through an AR(2) round trip as an engine's fit would produce them.
fn oscillator_for(regime: Regime, rng: &mut Rng) -> (f64, f64) {
    let zeta = match regime {
        Regime::Chaotic => 0.1,
        Regime::Underdamped => 0.4,
        Regime::CriticallyDamped => 1.0,
        Regime::Overdamped => 2.0,
    } * (1.0 + 0.05 * rng.normal()).max(0.5);
    let omega = 0.3 * (1.0 + 0.1 * rng.normal()).max(0.2);
    to_ar2(zeta, omega, 1.0)
        .and_then(|(phi1, phi2)| from_ar2(phi1, phi2, 1.0))
        .map_or((zeta, omega), |o| (o.damping_ratio, o.natural_frequency))
}

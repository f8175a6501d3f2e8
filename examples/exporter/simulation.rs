//! The simulated engine: two agents trading six symbols on three
//! timeframes, regimes, physics, the equity curve, the RL learner and the
//! occasional error, driven by a [`Scenario`].

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use velocity_metrics::stats::{from_ar2, to_ar2};
use velocity_metrics::{
    Agent, PhysicsReading, Regime, RlSnapshot, Severity, Side, Symbol, Telemetry, TelemetryBuilder,
    Timeframe, Trade,
};

use crate::rng::Rng;
use crate::scenario::{ONSET, Scenario};

const TICK: Duration = Duration::from_millis(100);
const SYMBOLS: [(&str, f64, f64); 6] = [
    ("EURUSD+", 1.0850, 0.00008),
    ("GBPUSD+", 1.2710, 0.00012),
    ("USDJPY+", 151.20, 0.012),
    ("XAUUSD+", 2385.0, 0.35),
    ("BTCUSD+", 67_250.0, 18.0),
    ("US30+", 39_120.0, 2.5),
];
const TIMEFRAMES: [Timeframe; 3] = [Timeframe::M1, Timeframe::M5, Timeframe::H1];

struct Market {
    symbol: Symbol,
    mid: f64,
    step: f64,
    velocity: f64,
    regime: Regime,
}

struct Learner {
    agent: Agent,
    epsilon: f64,
    buffer: u64,
}

fn now_unix() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The statistics settings of the simulated engine: accelerated time (one
/// return period is one second, annualised as if it were a trading day).
pub fn telemetry_config(scenario: Scenario) -> TelemetryBuilder {
    let config = velocity_metrics::Telemetry::builder()
        .starting_balance(10_000.0)
        .return_period(Duration::from_secs(1))
        .periods_per_year(252.0);
    if scenario == Scenario::Overflow {
        config.max_symbols(SYMBOLS.len())
    } else {
        config
    }
}

/// Trades into `t` for `duration` (forever if `None`), then marks the
/// engine stopped and publishes. `engine` picks the random stream.
pub fn simulate(
    t: &Telemetry,
    duration: Option<Duration>,
    scenario: Scenario,
    engine: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Rng::for_engine(engine);
    let mut markets = SYMBOLS
        .iter()
        .map(|&(name, mid, step)| {
            Ok(Market {
                symbol: Symbol::new(name)?,
                mid,
                step,
                velocity: 0.0,
                regime: Regime::CriticallyDamped,
            })
        })
        .collect::<Result<Vec<_>, velocity_metrics::LabelError>>()?;
    let mut learners = [
        Learner {
            agent: Agent::BERSERKER,
            epsilon: 0.15,
            buffer: 0,
        },
        Learner {
            agent: Agent::SNIPER,
            epsilon: 0.05,
            buffer: 0,
        },
    ];
    let started = Instant::now();
    let mut balance = 10_000.0;
    let mut open_pnl = 0.0;
    let mut peak_equity = balance;
    let mut tick: u64 = 0;
    t.set_system_status(true);
    t.set_mt5_connected(true);
    t.set_websocket_clients(2);
    #[allow(clippy::cast_possible_truncation)]
    t.set_active_symbols(markets.len() as u64);
    if scenario == Scenario::Stale {
        // The only trade closed five hours ago; none closes while ticks flow.
        let trade = Trade::closed(Agent::SNIPER, markets[0].symbol, Timeframe::H1, 12.5)
            .with_closed_at(now_unix() - 5.0 * 3600.0);
        t.record_trade(&trade)?;
        balance += trade.pnl;
    }
    while duration.is_none_or(|d| started.elapsed() < d) {
        tick += 1;
        let faulty = started.elapsed() >= ONSET;
        if faulty {
            match scenario {
                Scenario::Disconnect => t.set_mt5_connected(false),
                Scenario::Stopped => t.set_system_status(false),
                _ => {}
            }
        }
        if scenario.ticks(faulty) {
            t.add_ticks(markets.len() as u64);
            for market in &mut markets {
                step_market(t, &mut rng, market)?;
            }
        }
        for learner in &mut learners {
            if rng.chance(0.3) {
                t.record_signal(learner.agent);
            }
            t.set_active_positions(learner.agent, (rng.next_f64() * 4.0).floor() as u64);
            if scenario.trades(faulty) && rng.chance(0.25) {
                let market = &markets[(tick as usize + learner.buffer as usize) % markets.len()];
                let base_edge = if learner.agent == Agent::SNIPER {
                    0.15
                } else {
                    0.05
                };
                let (edge, size) = scenario.edge_and_size(base_edge);
                let pnl = ((rng.normal() + edge) * size * 100.0).round() / 100.0;
                let trade = Trade::closed(learner.agent, market.symbol, rng.pick(&TIMEFRAMES), pnl)
                    .with_regime(market.regime)
                    .with_side(if rng.chance(0.5) {
                        Side::Buy
                    } else {
                        Side::Sell
                    })
                    .with_duration_secs(30.0 + rng.next_f64() * 900.0)
                    .with_confidence(0.4 + rng.next_f64() * 0.55);
                t.record_trade(&trade)?;
                balance += pnl;
            }
            learner.buffer = (learner.buffer + 8).min(10_000);
            t.add_rl_experiences(learner.agent, 8);
            let stuck = scenario == Scenario::RlStuck && learner.agent == Agent::BERSERKER;
            if tick % 10 == 0 {
                learner.epsilon = if stuck {
                    0.9
                } else {
                    (learner.epsilon * 0.995).max(0.01)
                };
                t.add_rl_episodes(learner.agent, 1);
            }
            #[allow(clippy::cast_precision_loss)]
            let progress = learner.buffer as f64 / 10_000.0;
            let confidence = if stuck {
                0.2
            } else {
                (0.5 + 0.4 * progress + 0.05 * rng.normal()).clamp(0.0, 1.0)
            };
            t.record_rl(
                learner.agent,
                &RlSnapshot {
                    exploration_rate: learner.epsilon,
                    learning_progress: progress,
                    experience_buffer_size: learner.buffer,
                    model_confidence: confidence,
                },
            )?;
        }
        if faulty && scenario == Scenario::Drawdown {
            // Open positions go against the book: equity 68 % of its peak.
            open_pnl = 0.68 * peak_equity - balance;
        } else {
            open_pnl = (open_pnl * 0.9 + rng.normal() * 15.0).clamp(-400.0, 400.0);
        }
        peak_equity = f64::max(peak_equity, balance + open_pnl);
        t.record_equity(balance, balance + open_pnl, now_unix())?;
        t.set_risk_exposure((12.0 + rng.normal() * 3.0).clamp(0.0, 100.0))?;
        t.record_db_query(Duration::from_secs_f64(
            scenario.db_query_secs(faulty, rng.next_f64()),
        ));
        record_errors(t, &mut rng, scenario.error_chances(faulty));
        if faulty {
            misbehave(t, scenario, tick)?;
        }
        std::thread::sleep(TICK);
    }
    t.set_system_status(false);
    t.publish();
    Ok(())
}

/// Logs errors with the given chances per tick: (low or medium, high, critical).
fn record_errors(t: &Telemetry, rng: &mut Rng, (minor, high, critical): (f64, f64, f64)) {
    if rng.chance(minor) {
        t.record_error(rng.pick(&[Severity::Low, Severity::Low, Severity::Medium]));
    }
    if rng.chance(high) {
        t.record_error(Severity::High);
    }
    if rng.chance(critical) {
        t.record_error(Severity::Critical);
    }
}

/// The faults that are input to the telemetry itself, once a second.
fn misbehave(
    t: &Telemetry,
    scenario: Scenario,
    tick: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    if tick % 10 != 0 {
        return Ok(());
    }
    match scenario {
        Scenario::Overflow => {
            // A symbol the engine never declared, beyond the limit of six.
            let symbol = Symbol::new(&format!("SIM{}+", tick / 10 % 50))?;
            t.record_trade(&Trade::closed(Agent::SNIPER, symbol, Timeframe::M1, 0.0))?;
        }
        Scenario::Rejected => {
            // Refused and counted as `not_finite`; the error is the point.
            let _refused = t.set_risk_exposure(f64::NAN);
        }
        _ => {}
    }
    Ok(())
}

fn step_market(
    t: &Telemetry,
    rng: &mut Rng,
    market: &mut Market,
) -> Result<(), Box<dyn std::error::Error>> {
    let dt = TICK.as_secs_f64();
    let previous_velocity = market.velocity;
    let move_ = rng.normal() * market.step * volatility_multiplier(market.regime);
    market.mid += move_;
    market.velocity = move_ / dt;
    let spread = market.step * (0.5 + rng.next_f64());
    t.record_quote(
        market.symbol,
        market.mid - spread / 2.0,
        market.mid + spread / 2.0,
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

//! A simulated VelocityPTrader engine exporting every series on :9090.
//!
//! ```text
//! cargo run --example exporter                      # serve on 0.0.0.0:9090 until Ctrl-C
//! cargo run --example exporter -- --port 9191 --duration 60
//! cargo run --example exporter -- --scenario drawdown   # demonstrate an alert
//! curl -s localhost:9090/metrics | grep velocitytrader_win_rate
//! ```
//!
//! Two agents trade six symbols on three timeframes; regimes change, physics
//! indicators move, the equity curve follows closed and open P&L, the RL
//! learner's exploration decays, and occasional low-severity errors are
//! logged. Time is accelerated: one return period is one second (annualised
//! as if it were a trading day), so Sharpe, Sortino, Calmar and VaR have data
//! within seconds.
//!
//! By default (`--scenario calm`) the engine is healthy and no alert of
//! `alerts/velocitytrader.rules.yml` fires (only the always-firing
//! `VelocityTraderWatchdog`). `--scenario NAME` demonstrates one alert: the
//! engine runs healthy for five seconds, then the fault starts and stays, and
//! the alert fires after its rule's `for:` (times with the shipped rules):
//!
//! | scenario | fault | alert |
//! |---|---|---|
//! | `drawdown` | equity drops to 68 % of its peak, trading stops | `VelocityTraderDrawdownCritical` ~1 min (`DrawdownHigh` ~5 min, inhibited) |
//! | `disconnect` | MT5 disconnected: no quotes, no trades | `VelocityTraderMT5Disconnected` ~2 min |
//! | `stopped` | trading loop stopped, process still serving | `VelocityTraderEngineStopped` ~5 min |
//! | `stale` | ticks flow, last trade closed 5 h ago | `VelocityTraderNoRecentTrades` ~15 min |
//! | `errors` | high and critical errors every second | `VelocityTraderCriticalErrors` at once, `VelocityTraderHighErrorRate` ~5 min |
//! | `slow-db` | database queries take ~1 s | `VelocityTraderSlowDatabase` ~10 min |
//! | `losing` | win rate ~27 %, small amounts | `VelocityTraderLowWinRate` ~30 min; `ProfitFactorBelowOne`, `AgentUnderperforming`, `AgentLosingMoney` ~1 h |
//! | `rl-stuck` | ε stuck at 0.9, confidence 0.2 | `VelocityTraderRLLowModelConfidence` ~32 min, `VelocityTraderRLHighExploration` ~70 min |
//! | `overflow` | symbols beyond the cardinality limit | `VelocityTraderLabelOverflow` at once |
//! | `rejected` | non-finite values refused by the recorders | `VelocityTraderRejectedEvents` ~15 min |
//!
//! `VelocityTraderTargetDown` needs no scenario: stop the example.

#[path = "exporter/scenario.rs"]
mod scenario;

use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use velocity_metrics::exporter::ExporterBuilder;
use velocity_metrics::stats::{from_ar2, to_ar2};
use velocity_metrics::{
    Agent, PhysicsReading, Regime, RlSnapshot, Severity, Side, Symbol, Telemetry, Timeframe, Trade,
};

use scenario::{ONSET, Scenario};

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

struct Options {
    port: u16,
    duration: Option<Duration>,
    scenario: Scenario,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        port: 9090,
        duration: None,
        scenario: Scenario::Calm,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--port" => {
                options.port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?
            }
            "--duration" => {
                let secs: f64 = value("--duration")?
                    .parse()
                    .map_err(|e| format!("--duration: {e}"))?;
                if !(secs.is_finite() && secs > 0.0) {
                    return Err("--duration must be a positive number of seconds".into());
                }
                options.duration = Some(Duration::from_secs_f64(secs));
            }
            "--scenario" => options.scenario = Scenario::parse(&value("--scenario")?)?,
            "-h" | "--help" => {
                return Err(format!(
                    "usage: exporter [--port 9090] [--duration SECONDS] [--scenario NAME]\n\
                     scenarios (the alert each demonstrates):\n{}",
                    Scenario::help()
                ));
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(options)
}

/// xorshift64*: deterministic, dependency-free randomness for the simulation.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        #[allow(clippy::cast_precision_loss)]
        let unit = bits as f64 / (1u64 << 53) as f64;
        unit
    }

    fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    fn normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(1e-12);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let i = (self.next_f64() * items.len() as f64) as usize;
        items[i.min(items.len() - 1)]
    }
}

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

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut telemetry_config = Telemetry::builder()
        .starting_balance(10_000.0)
        .return_period(Duration::from_secs(1))
        .periods_per_year(252.0);
    if options.scenario == Scenario::Overflow {
        telemetry_config = telemetry_config.max_symbols(SYMBOLS.len());
    }
    let exporter = match ExporterBuilder::new()
        .port(options.port)
        .telemetry(telemetry_config)
        .install()
    {
        Ok(exporter) => exporter,
        Err(error) => {
            eprintln!("exporter: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(address) = exporter.listen_address() {
        println!(
            "serving http://{address}/metrics (simulated engine, scenario {})",
            options.scenario.name()
        );
    }
    match simulate(exporter.telemetry(), options.duration, options.scenario) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("simulation: {error}");
            ExitCode::FAILURE
        }
    }
}

fn simulate(
    t: &Telemetry,
    duration: Option<Duration>,
    scenario: Scenario,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
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

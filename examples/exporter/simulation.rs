//! The simulated engine: two agents trading six symbols on three
//! timeframes behind a risk engine and an order router, with bars,
//! regimes, physics, the equity curve, the RL learners, the run and the
//! occasional error, driven by a [`Scenario`].

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use velocity_metrics::{Agent, RiskDecision, Telemetry, TelemetryBuilder};

use crate::bars::Instrument;
use crate::desk::RiskDesk;
use crate::learner::Learner;
use crate::market::{Market, SYMBOL_COUNT, TICK, TIMEFRAMES, open_markets, step_market};
use crate::rng::Rng;
use crate::scenario::{ONSET, Scenario};
use crate::{faults, orders, run};

const STARTING_BALANCE: f64 = 100_000.0;
const SECONDS_PER_DAY: f64 = 86_400.0;

pub fn now_unix() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The statistics settings of the simulated engine: accelerated time (one
/// return period is one second, annualised as if it were a trading day).
pub fn telemetry_config(scenario: Scenario) -> TelemetryBuilder {
    let config = velocity_metrics::Telemetry::builder()
        .starting_balance(STARTING_BALANCE)
        .return_period(Duration::from_secs(1))
        .periods_per_year(252.0);
    if scenario == Scenario::Overflow {
        config.max_symbols(SYMBOL_COUNT)
    } else {
        config
    }
}

/// What the simulation is asked to run.
pub struct Plan<'a> {
    /// How long; forever if `None`.
    pub duration: Option<Duration>,
    pub scenario: Scenario,
    /// The engine's name: picks the random stream and names the run.
    pub engine: Option<&'a str>,
    /// A batch run's id (its Pushgateway grouping key), for `start_run`.
    pub run_id: Option<&'a str>,
    /// A batch run's checkpoint, called with the simulation's time once a
    /// second.
    pub checkpoint: Option<Checkpoint<'a>>,
}

/// A batch run's checkpoint at a simulated time.
pub type Checkpoint<'a> = &'a dyn Fn(f64) -> Result<(), Box<dyn std::error::Error>>;

/// The engine's state between ticks.
struct Engine<'a> {
    t: &'a Telemetry,
    scenario: Scenario,
    rng: Rng,
    markets: Vec<Market>,
    instruments: Vec<Instrument>,
    desk: RiskDesk,
    learners: [Learner; 2],
    balance: f64,
    open_pnl: f64,
    peak_equity: f64,
    /// The current UTC day (the telemetry's default trading day) and the
    /// closed P&L within it, which the risk desk holds against its limit.
    day: i64,
    day_pnl: f64,
}

/// Trades into `t` as `plan` says, then ends the session, marks the engine
/// stopped and publishes.
pub fn simulate(t: &Telemetry, plan: &Plan<'_>) -> Result<(), Box<dyn std::error::Error>> {
    let scenario = plan.scenario;
    let mut rng = Rng::for_engine(plan.engine);
    let markets = open_markets()?;
    let instruments = markets
        .iter()
        .map(|m| Instrument::warm_up(t, &mut rng, m.symbol, &TIMEFRAMES, m.mid, m.step))
        .collect::<Result<Vec<_>, _>>()?;
    let desk = RiskDesk::open(t, markets.len())?;
    let learners = [
        Learner::new(Agent::BERSERKER, 0.15),
        Learner::new(Agent::SNIPER, 0.05),
    ];
    let agents = learners.each_ref().map(|l| l.agent);
    run::begin(t, scenario, plan.engine, plan.run_id, &agents)?;
    let mut engine = Engine {
        t,
        scenario,
        rng,
        markets,
        instruments,
        desk,
        learners,
        balance: STARTING_BALANCE,
        open_pnl: 0.0,
        peak_equity: STARTING_BALANCE,
        day: utc_day(now_unix()),
        day_pnl: 0.0,
    };
    t.set_system_status(true);
    t.set_mt5_connected(true);
    t.set_websocket_clients(2);
    t.set_active_symbols(SYMBOL_COUNT as u64);
    if scenario == Scenario::Stale {
        engine.balance += faults::stale_trade(t, engine.markets[0].symbol)?;
    }
    let started = Instant::now();
    let mut tick: u64 = 0;
    while plan.duration.is_none_or(|d| started.elapsed() < d) {
        tick += 1;
        let faulty = started.elapsed() >= ONSET;
        engine.tick(tick, faulty)?;
        if tick % 10 == 0 {
            engine.each_second(tick, faulty, started.elapsed().as_secs())?;
            if let Some(checkpoint) = plan.checkpoint {
                checkpoint(now_unix())?;
            }
        }
        std::thread::sleep(TICK);
    }
    run::end(t);
    t.set_system_status(false);
    t.publish();
    Ok(())
}

#[allow(clippy::cast_possible_truncation, reason = "days since 1970")]
fn utc_day(unix: f64) -> i64 {
    (unix / SECONDS_PER_DAY).floor() as i64
}

impl Engine<'_> {
    fn tick(&mut self, tick: u64, faulty: bool) -> Result<(), Box<dyn std::error::Error>> {
        let (t, scenario) = (self.t, self.scenario);
        faults::connectivity(t, scenario, faulty);
        if scenario.ticks(faulty) {
            t.add_ticks(self.markets.len() as u64);
            for (market, instrument) in self.markets.iter_mut().zip(&mut self.instruments) {
                step_market(t, &mut self.rng, market)?;
                instrument.tick(t, &mut self.rng, market.mid)?;
            }
        }
        let trading = scenario.trades(faulty) && self.desk.trading();
        let slow_risk = faulty && scenario == Scenario::SlowRisk;
        let mut positions = 0;
        for learner in &mut self.learners {
            if self.rng.chance(0.3) {
                t.record_signal(learner.agent);
                let decision = self.desk.decide(t, &mut self.rng, slow_risk);
                if trading && matches!(decision, RiskDecision::Approve | RiskDecision::ReduceSize) {
                    let market = &self.markets[self.rng.index(self.markets.len())];
                    orders::route(
                        t,
                        &mut self.rng,
                        market.symbol,
                        market.spread,
                        scenario,
                        faulty,
                    )?;
                }
            }
            positions += learner.hold_positions(t, &mut self.rng);
            if trading && self.rng.chance(0.25) {
                let market = &self.markets[self.rng.index(self.markets.len())];
                let pnl = learner.close_trade(t, &mut self.rng, market, scenario, faulty)?;
                self.balance += pnl;
                self.day_pnl += pnl;
            }
            learner.learn(t, &mut self.rng, scenario, tick)?;
        }
        self.desk.set_positions(positions);
        if faulty && scenario == Scenario::Drawdown {
            // Open positions go against the book: equity 68 % of its peak.
            self.open_pnl = 0.68 * self.peak_equity - self.balance;
        } else {
            self.open_pnl = (self.open_pnl * 0.9 + self.rng.normal() * 15.0).clamp(-400.0, 400.0);
        }
        let equity = self.balance + self.open_pnl;
        self.peak_equity = self.peak_equity.max(equity);
        t.record_equity(self.balance, equity, now_unix())?;
        t.set_risk_exposure((12.0 + self.rng.normal() * 3.0).clamp(0.0, 100.0))?;
        faults::background(t, &mut self.rng, scenario, faulty);
        if faulty {
            faults::misbehave(t, scenario, tick)?;
        }
        Ok(())
    }

    /// The once-a-second work: a new trading day, the risk desk's review,
    /// the microstructure readings and the run's state.
    fn each_second(
        &mut self,
        tick: u64,
        faulty: bool,
        elapsed_secs: u64,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let (t, scenario) = (self.t, self.scenario);
        let today = utc_day(now_unix());
        if today != self.day {
            self.day = today;
            self.day_pnl = 0.0;
        }
        let symbols: Vec<_> = self.markets.iter().map(|m| m.symbol).collect();
        self.desk.review(
            t,
            &mut self.rng,
            scenario,
            faulty,
            tick,
            self.day_pnl,
            &symbols,
        )?;
        let spike = scenario == Scenario::Calm && RiskDesk::calm_spike(tick);
        for (i, (instrument, market)) in self.instruments.iter_mut().zip(&self.markets).enumerate()
        {
            // The first symbol carries the demonstrated stress.
            let toxic = i == 0 && faulty && scenario == Scenario::Vpin;
            let ratio = market.spread / market.step;
            instrument.microstructure(t, &mut self.rng, ratio, toxic, spike && i == 0)?;
        }
        let agents = self.learners.each_ref().map(|l| l.agent);
        run::each_second(t, &mut self.rng, elapsed_secs, &agents)?;
        Ok(())
    }
}

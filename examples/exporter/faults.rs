//! The engine's background noise (database queries, minor errors) and the
//! faults the scenarios inject: a lost MT5 link, a stopped loop, a stale
//! trade, error bursts, label overflow and refused input.

use std::time::Duration;

use velocity_metrics::{Agent, RecordError, Severity, Symbol, Telemetry, Timeframe, Trade};

use crate::rng::Rng;
use crate::scenario::Scenario;
use crate::simulation::now_unix;

/// `disconnect` and `stopped` once their fault has started.
pub fn connectivity(t: &Telemetry, scenario: Scenario, faulty: bool) {
    if faulty {
        match scenario {
            Scenario::Disconnect => t.set_mt5_connected(false),
            Scenario::Stopped => t.set_system_status(false),
            _ => {}
        }
    }
}

/// `stale`: the only trade closed five hours ago; returns its P&L.
pub fn stale_trade(t: &Telemetry, symbol: Symbol) -> Result<f64, RecordError> {
    let trade = Trade::closed(Agent::SNIPER, symbol, Timeframe::H1, 12.5)
        .with_closed_at(now_unix() - 5.0 * 3600.0);
    t.record_trade(&trade)?;
    Ok(trade.pnl)
}

/// Every tick: a database query and, by chance, errors.
pub fn background(t: &Telemetry, rng: &mut Rng, scenario: Scenario, faulty: bool) {
    t.record_db_query(Duration::from_secs_f64(
        scenario.db_query_secs(faulty, rng.next_f64()),
    ));
    let (minor, high, critical) = scenario.error_chances(faulty);
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
pub fn misbehave(
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

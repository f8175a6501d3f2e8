//! The simulated order router: every order the risk engine lets through is
//! submitted and then rejected, cancelled, or filled (sometimes in two
//! parts), with its latency, slippage and the spread at the fill.

use std::time::Duration;

use velocity_metrics::{Fill, OrderRejectReason, RecordError, Symbol, Telemetry};

use crate::rng::Rng;
use crate::scenario::Scenario;

const REASONS: [OrderRejectReason; 4] = [
    OrderRejectReason::Broker,
    OrderRejectReason::InsufficientMargin,
    OrderRejectReason::InvalidPrice,
    OrderRejectReason::Timeout,
];

/// Share of orders the broker rejects.
fn reject_chance(scenario: Scenario, faulty: bool) -> f64 {
    if faulty && scenario == Scenario::Rejects {
        0.3
    } else {
        0.02
    }
}

/// Time from submission to a fill: 20–100 ms, and beyond the 500 ms
/// objective for 0.1 % of fills (20 % in `slow-fills`).
fn fill_latency(rng: &mut Rng, scenario: Scenario, faulty: bool) -> Duration {
    let slow = if faulty && scenario == Scenario::SlowFills {
        0.2
    } else {
        0.001
    };
    let secs = if rng.chance(slow) {
        0.6 + 1.4 * rng.next_f64()
    } else {
        0.02 + 0.08 * rng.next_f64() * rng.next_f64()
    };
    Duration::from_secs_f64(secs)
}

/// Submits one order on `symbol`, quoted with `spread`, and records what
/// becomes of it.
pub fn route(
    t: &Telemetry,
    rng: &mut Rng,
    symbol: Symbol,
    spread: f64,
    scenario: Scenario,
    faulty: bool,
) -> Result<(), RecordError> {
    t.record_order_submitted(symbol);
    if rng.chance(reject_chance(scenario, faulty)) {
        t.record_order_rejected(symbol, rng.pick(&REASONS));
        return Ok(());
    }
    if rng.chance(0.03) {
        t.record_order_cancelled(symbol);
        return Ok(());
    }
    // Slippage: mostly a fraction of the spread against the trader.
    let fill = |partial: bool, rng: &mut Rng| {
        t.record_order_filled(
            symbol,
            &Fill {
                latency: fill_latency(rng, scenario, faulty),
                slippage: spread * (0.05 + 0.2 * rng.normal()),
                spread,
                partial,
            },
        )
    };
    if rng.chance(0.1) {
        fill(true, rng)?;
    }
    fill(false, rng)
}

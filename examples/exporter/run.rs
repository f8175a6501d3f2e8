//! The simulated run control: the run (its id and configuration hash), the
//! trading session, the engine's phase, switches of the agents' live model
//! instances and the share of decisions the primary instances take.

use std::error::Error;

use velocity_metrics::{Agent, RunInfo, Telemetry};

use crate::rng::Rng;
use crate::scenario::Scenario;

/// Seconds each of the engine's three phases lasts before the next begins.
const PHASE_SECS: u64 = 120;

/// FNV-1a of `text` as 16 hex digits: the run's configuration hash.
fn config_hash(text: &str) -> String {
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
    for byte in text.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3);
    }
    format!("{hash:016x}")
}

/// Starts the run: `run_id` when given (a batch run's id, which must match
/// its Pushgateway grouping key), else the engine's name and the start time.
/// Each agent starts on its primary model instance: one switch each.
pub fn begin(
    t: &Telemetry,
    scenario: Scenario,
    engine: Option<&str>,
    run_id: Option<&str>,
    agents: &[Agent],
) -> Result<(), Box<dyn Error>> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let started_unix = crate::simulation::now_unix() as u64;
    let id = run_id.map_or_else(
        || format!("{}-{started_unix}", engine.unwrap_or("sim")),
        str::to_owned,
    );
    let hash = config_hash(&format!("exporter --scenario {}", scenario.name()));
    t.start_run(&RunInfo::new(&id, &hash)?)?;
    t.set_session_active(true);
    t.set_phase(1);
    t.set_primary_instance_ratio(0.85)?;
    for &agent in agents {
        t.record_instance_switch(agent);
    }
    Ok(())
}

/// Once a second: the phase, the primary-instance share and, rarely, an
/// agent switching its live model instance.
pub fn each_second(
    t: &Telemetry,
    rng: &mut Rng,
    elapsed_secs: u64,
    agents: &[Agent],
) -> Result<(), Box<dyn Error>> {
    #[allow(clippy::cast_possible_truncation, reason = "0, 1 or 2")]
    t.set_phase(1 + (elapsed_secs / PHASE_SECS % 3) as u8);
    t.set_primary_instance_ratio((0.85 + 0.05 * rng.normal()).clamp(0.0, 1.0))?;
    for &agent in agents {
        if rng.chance(0.02) {
            t.record_instance_switch(agent);
        }
    }
    Ok(())
}

/// The session ends with the simulation.
pub fn end(t: &Telemetry) {
    t.set_session_active(false);
}

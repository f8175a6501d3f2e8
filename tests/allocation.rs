//! Once a label set is known, recording allocates nothing (counting
//! allocator; this file holds one test so no other test allocates meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use metrics_exporter_prometheus::PrometheusBuilder;
use velocity_metrics::{
    Agent, PhysicsReading, Regime, RlSnapshot, Severity, Symbol, Telemetry, Timeframe, Trade,
};

struct CountingAllocator;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: delegates to the system allocator, only counting calls.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn recording_known_label_sets_does_not_allocate() {
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let telemetry = Telemetry::builder().build_with_recorder(recorder);
    let symbols: Vec<Symbol> = (0..30)
        .map(|i| Symbol::new(&format!("ALLOC{i}")).unwrap())
        .collect();
    let trades: Vec<Trade> = (0..960)
        .map(|i| {
            let agent = if i % 2 == 0 {
                Agent::BERSERKER
            } else {
                Agent::SNIPER
            };
            Trade::closed(
                agent,
                symbols[i % 30],
                Timeframe::ALL[i % 4],
                if i % 3 == 0 { -2.0 } else { 3.0 },
            )
            .with_regime(Regime::ALL[(i / 4) % 4])
            .with_confidence(0.6)
            .with_duration_secs(12.0)
        })
        .collect();
    let reading = PhysicsReading {
        momentum: 1.0,
        velocity: 1.0,
        acceleration: 0.1,
        energy: 2.0,
        damping_ratio: Some(0.5),
        natural_frequency: Some(0.2),
    };
    let rl = RlSnapshot {
        exploration_rate: 0.1,
        learning_progress: 0.5,
        experience_buffer_size: 10,
        model_confidence: 0.7,
    };
    let record_everything = |round: usize| {
        for trade in &trades {
            telemetry.record_trade(trade).unwrap();
        }
        for &symbol in &symbols {
            telemetry.record_regime(symbol, Timeframe::M5, Regime::ALL[round % 4]);
            telemetry
                .record_physics(symbol, Timeframe::M5, &reading)
                .unwrap();
            telemetry.record_quote(symbol, 1.0, 1.1).unwrap();
        }
        for agent in [Agent::BERSERKER, Agent::SNIPER] {
            telemetry.record_signal(agent);
            telemetry.set_active_positions(agent, 2);
            telemetry.record_rl(agent, &rl).unwrap();
            telemetry.add_rl_experiences(agent, 5);
        }
        #[allow(clippy::cast_precision_loss)]
        telemetry
            .record_equity(
                10_000.0,
                10_000.0 + round as f64,
                1_790_000_000.0 + round as f64,
            )
            .unwrap();
        telemetry.record_error(Severity::Medium);
        telemetry.add_ticks(100);
    };
    record_everything(0); // first sight of every label set registers handles
    telemetry.publish();

    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for round in 1..=50 {
        record_everything(round);
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(
        allocations, 0,
        "{allocations} allocations while recording 48,000 trades and 3,000 market updates"
    );
}

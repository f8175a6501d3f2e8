//! Once a label set is known, recording allocates nothing (counting
//! allocator; this file holds one test so no other test allocates meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use metrics::Recorder;
use metrics_exporter_prometheus::PrometheusBuilder;
use velocity_metrics::{
    Agent, Bar, BreakerReason, Fill, OrderRejectReason, PhysicsReading, Regime, RiskDecision,
    RiskLimits, RlSnapshot, RlTraining, RunInfo, Severity, Symbol, Telemetry, Timeframe, Trade,
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
        record_advanced(&telemetry, &symbols, round);
    };
    // First sight of every label set (each regime, breaker and rejection
    // reason; ATR and volatility once defined, after 21 bars) registers
    // handles.
    for round in 0..21 {
        record_everything(round);
    }
    telemetry.publish();

    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for round in 21..71 {
        record_everything(round);
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(
        allocations, 0,
        "{allocations} allocations while recording 48,000 trades, 3,000 market updates and every advanced recorder"
    );
    histogram_recorders_allocate_no_more_than_raw_histograms(&telemetry, symbols[0]);
}

/// Every recorder of the risk-engine, execution, bar, learner and run-control
/// groups except the two that feed histograms (see below).
#[allow(clippy::cast_precision_loss)]
fn record_advanced(telemetry: &Telemetry, symbols: &[Symbol], round: usize) {
    let limits = RiskLimits {
        daily_loss_limit: Some(500.0),
        daily_drawdown_limit_percent: Some(5.0),
        max_positions: Some(6),
        max_position_size: Some(1.0),
        consecutive_losses_limit: Some(4),
    };
    let run = RunInfo::new("alloc-run", "hash").unwrap();
    let r = round as f64;
    telemetry.reset_circuit_breaker();
    telemetry.trip_circuit_breaker(BreakerReason::ALL[round % 8]);
    telemetry.set_trading_halted(round % 2 == 0);
    telemetry.set_risk_budget(10.0 + r, 100.0).unwrap();
    telemetry.set_risk_score(r % 100.0).unwrap();
    telemetry.set_risk_limits(&limits).unwrap();
    telemetry.set_open_positions(3);
    telemetry.start_run(&run).unwrap();
    telemetry.set_session_active(true);
    telemetry.set_phase(2);
    telemetry.set_primary_instance_ratio(0.8).unwrap();
    telemetry.add_bars_processed(3);
    for (i, &symbol) in symbols.iter().enumerate() {
        let close = 1.0 + (r + i as f64) * 0.001;
        let bar = Bar {
            open: close,
            high: close + 0.002,
            low: close - 0.002,
            close,
            volume: Some(10.0),
        };
        telemetry.record_bar(symbol, Timeframe::M5, &bar).unwrap();
        telemetry.set_vpin(symbol, 0.4, Some(0.7)).unwrap();
        telemetry.set_spread_stress(symbol, 1.2, Some(3.0)).unwrap();
        telemetry.set_symbol_exposure(symbol, 1_000.0 + r).unwrap();
        telemetry.record_order_submitted(symbol);
        telemetry.record_order_cancelled(symbol);
        telemetry.record_order_rejected(symbol, OrderRejectReason::ALL[round % 7]);
    }
    for agent in [Agent::BERSERKER, Agent::SNIPER] {
        telemetry.record_rl_reward(agent, 0.25).unwrap();
        telemetry.record_rl_episode_reward(agent, 3.0).unwrap();
        telemetry
            .record_rl_training(
                agent,
                &RlTraining {
                    loss: 0.1,
                    q_value: r,
                },
            )
            .unwrap();
        telemetry.set_rl_q_value(agent, r - 1.0).unwrap();
        telemetry.set_rl_exploration_rate(agent, 0.15).unwrap();
        telemetry.record_instance_switch(agent);
    }
}

/// `record_risk_decision` and `record_order_filled` feed histograms, whose
/// samples metrics-exporter-prometheus buffers in blocks of 64 until the
/// next render: that buffer is the exporter's, and a raw histogram handle
/// fills it just the same. Our code adds no allocation of its own.
fn histogram_recorders_allocate_no_more_than_raw_histograms(telemetry: &Telemetry, symbol: Symbol) {
    const CALLS: usize = 6_400;
    let fill = Fill {
        latency: std::time::Duration::from_millis(3),
        slippage: 0.0001,
        spread: 0.0002,
        partial: false,
    };
    telemetry.record_risk_decision(RiskDecision::Approve, std::time::Duration::from_micros(90));
    telemetry.record_order_filled(symbol, &fill).unwrap();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for i in 0..CALLS {
        telemetry.record_risk_decision(
            RiskDecision::ALL[i % 4],
            std::time::Duration::from_micros(90),
        );
        telemetry.record_order_filled(symbol, &fill).unwrap();
    }
    let ours = ALLOCATIONS.load(Ordering::Relaxed) - before;

    let raw = PrometheusBuilder::new().build_recorder();
    let meta = metrics::Metadata::new("alloc", metrics::Level::INFO, None);
    let histograms: Vec<metrics::Histogram> = (0..3)
        .map(|i| raw.register_histogram(&metrics::Key::from_name(format!("raw_{i}")), &meta))
        .collect();
    let counters: Vec<metrics::Counter> = (0..2)
        .map(|i| raw.register_counter(&metrics::Key::from_name(format!("raw_{i}_total")), &meta))
        .collect();
    for h in &histograms {
        h.record(1.0);
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..CALLS {
        counters[0].increment(1);
        histograms[0].record(0.00009);
        counters[1].increment(1);
        histograms[1].record(0.003);
        histograms[2].record(0.0001);
    }
    let baseline = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert!(
        ours <= baseline,
        "{ours} allocations for {CALLS} decisions and fills, raw histograms: {baseline}"
    );
}

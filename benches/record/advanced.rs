//! The recorders of the risk-engine, execution, bar, learner and run-control
//! groups, each beside raw `metrics` handles doing the same handle
//! operations, measured in the same run.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::Criterion;
use metrics::{Counter, Gauge, Histogram, Key, Recorder};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusRecorder};
use velocity_metrics::{
    Agent, Bar, BreakerReason, Fill, OrderRejectReason, RiskDecision, RiskLimits, RlTraining,
    RunInfo, Symbol, Telemetry, Timeframe,
};

/// Raw handles of a Prometheus recorder, registered once.
struct Raw {
    gauges: Vec<Gauge>,
    counters: Vec<Counter>,
    histograms: Vec<Histogram>,
}

impl Raw {
    fn new(recorder: &PrometheusRecorder) -> Self {
        let meta = metrics::Metadata::new("bench", metrics::Level::INFO, None);
        Self {
            gauges: (0..8)
                .map(|i| {
                    recorder.register_gauge(&Key::from_name(format!("raw_adv_gauge_{i}")), &meta)
                })
                .collect(),
            counters: (0..2)
                .map(|i| {
                    recorder.register_counter(&Key::from_name(format!("raw_adv_{i}_total")), &meta)
                })
                .collect(),
            histograms: (0..2)
                .map(|i| {
                    recorder.register_histogram(&Key::from_name(format!("raw_adv_hist_{i}")), &meta)
                })
                .collect(),
        }
    }

    fn set(&self, n: usize, value: f64) {
        for gauge in &self.gauges[..n] {
            gauge.set(black_box(value));
        }
    }
}

/// Runs `ours` and `baseline` as two functions of one group.
fn pair(
    c: &mut Criterion,
    group: &str,
    ours: (&str, &mut dyn FnMut()),
    baseline: (&str, &mut dyn FnMut()),
) {
    let mut g = c.benchmark_group(group);
    let (name, f) = ours;
    g.bench_function(name, |b| b.iter(&mut *f));
    let (name, f) = baseline;
    g.bench_function(name, |b| b.iter(&mut *f));
    g.finish();
}

#[allow(
    clippy::too_many_lines,
    reason = "one pair per recorder, in catalogue order"
)]
pub fn bench_advanced(c: &mut Criterion) {
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let raw = Raw::new(&recorder);
    let t = Telemetry::builder().build_with_recorder(recorder.clone());
    let eurusd = Symbol::new("BENCH00+").unwrap();
    let limits = RiskLimits {
        daily_loss_limit: Some(500.0),
        daily_drawdown_limit_percent: Some(5.0),
        max_positions: Some(6),
        max_position_size: Some(1.0),
        consecutive_losses_limit: Some(4),
    };
    let fill = Fill {
        latency: Duration::from_millis(12),
        slippage: 0.00002,
        spread: 0.00008,
        partial: false,
    };
    let training = RlTraining {
        loss: 0.02,
        q_value: 1.5,
    };
    let runs = [
        RunInfo::new("bench-a", "h").unwrap(),
        RunInfo::new("bench-b", "h").unwrap(),
    ];
    // Every label set seen once, every statistic defined.
    t.reset_circuit_breaker();
    t.record_risk_decision(RiskDecision::Approve, Duration::from_micros(90));
    t.set_risk_limits(&limits).unwrap();
    t.set_symbol_exposure(eurusd, 1.0).unwrap();
    t.record_order_filled(eurusd, &fill).unwrap();
    t.record_order_rejected(eurusd, OrderRejectReason::Broker);
    t.set_vpin(eurusd, 0.3, Some(0.7)).unwrap();
    t.set_spread_stress(eurusd, 1.0, Some(3.0)).unwrap();
    t.record_rl_training(Agent::SNIPER, &training).unwrap();
    t.record_rl_reward(Agent::SNIPER, 0.1).unwrap();
    t.record_rl_episode_reward(Agent::SNIPER, 1.0).unwrap();
    t.set_rl_exploration_rate(Agent::SNIPER, 0.15).unwrap();
    t.record_instance_switch(Agent::SNIPER);
    for run in &runs {
        t.start_run(run).unwrap();
    }
    let mut close = 1.1;
    let mut next_bar = move || {
        close = if close > 1.2 { 1.1 } else { close + 0.0001 };
        Bar {
            open: close - 0.0001,
            high: close + 0.0002,
            low: close - 0.0003,
            close,
            volume: Some(100.0),
        }
    };
    for _ in 0..30 {
        t.record_bar(eurusd, Timeframe::M5, &next_bar()).unwrap();
    }

    // Risk engine.
    pair(
        c,
        "trip_circuit_breaker",
        ("velocity_metrics::trip_circuit_breaker", &mut || {
            t.trip_circuit_breaker(black_box(BreakerReason::Vpin))
        }),
        ("baseline: 1 counter increment + 1 gauge set", &mut || {
            raw.counters[0].increment(1);
            raw.set(1, 1.0);
        }),
    );
    pair(
        c,
        "reset_circuit_breaker",
        ("velocity_metrics::reset_circuit_breaker", &mut || {
            t.reset_circuit_breaker()
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 0.0)),
    );
    pair(
        c,
        "set_trading_halted",
        ("velocity_metrics::set_trading_halted", &mut || {
            t.set_trading_halted(black_box(true))
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 1.0)),
    );
    let mut i = 0usize;
    pair(
        c,
        "record_risk_decision",
        ("velocity_metrics::record_risk_decision", &mut || {
            i = i.wrapping_add(1);
            t.record_risk_decision(
                RiskDecision::ALL[i % 4],
                black_box(Duration::from_micros(120)),
            );
        }),
        (
            "baseline: 1 counter increment + 1 histogram record",
            &mut || {
                raw.counters[0].increment(1);
                raw.histograms[0].record(black_box(0.000_12));
            },
        ),
    );
    pair(
        c,
        "set_risk_budget",
        ("velocity_metrics::set_risk_budget", &mut || {
            t.set_risk_budget(black_box(120.0), black_box(400.0))
                .unwrap()
        }),
        ("baseline: 3 gauge sets", &mut || raw.set(3, 120.0)),
    );
    pair(
        c,
        "set_risk_score",
        ("velocity_metrics::set_risk_score", &mut || {
            t.set_risk_score(black_box(42.0)).unwrap()
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 42.0)),
    );
    pair(
        c,
        "set_risk_limits",
        ("velocity_metrics::set_risk_limits", &mut || {
            t.set_risk_limits(black_box(&limits)).unwrap()
        }),
        ("baseline: 5 gauge sets", &mut || raw.set(5, 500.0)),
    );
    pair(
        c,
        "set_open_positions",
        ("velocity_metrics::set_open_positions", &mut || {
            t.set_open_positions(black_box(3))
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 3.0)),
    );
    pair(
        c,
        "set_symbol_exposure",
        ("velocity_metrics::set_symbol_exposure", &mut || {
            t.set_symbol_exposure(eurusd, black_box(1_250.0)).unwrap()
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 1_250.0)),
    );

    // Execution.
    pair(
        c,
        "record_order_submitted",
        ("velocity_metrics::record_order_submitted", &mut || {
            t.record_order_submitted(black_box(eurusd))
        }),
        ("baseline: 1 counter increment", &mut || {
            raw.counters[0].increment(1)
        }),
    );
    pair(
        c,
        "record_order_filled",
        ("velocity_metrics::record_order_filled", &mut || {
            t.record_order_filled(eurusd, black_box(&fill)).unwrap()
        }),
        (
            "baseline: 1 counter increment + 2 histogram records + 1 gauge set",
            &mut || {
                raw.counters[0].increment(1);
                raw.histograms[0].record(black_box(0.012));
                raw.histograms[1].record(black_box(0.000_02));
                raw.set(1, 0.000_08);
            },
        ),
    );
    pair(
        c,
        "record_order_cancelled",
        ("velocity_metrics::record_order_cancelled", &mut || {
            t.record_order_cancelled(black_box(eurusd))
        }),
        ("baseline: 1 counter increment", &mut || {
            raw.counters[0].increment(1)
        }),
    );
    pair(
        c,
        "record_order_rejected",
        ("velocity_metrics::record_order_rejected", &mut || {
            t.record_order_rejected(eurusd, black_box(OrderRejectReason::Broker))
        }),
        ("baseline: 1 counter increment", &mut || {
            raw.counters[0].increment(1)
        }),
    );

    // Bars.
    let bars: Vec<Bar> = (0..64).map(|_| next_bar()).collect();
    let mut j = 0usize;
    pair(
        c,
        "record_bar",
        (
            "velocity_metrics::record_bar (OHLC, volume, ATR, volatility)",
            &mut || {
                j = j.wrapping_add(1);
                t.record_bar(eurusd, Timeframe::M5, black_box(&bars[j % 64]))
                    .unwrap();
            },
        ),
        ("baseline: 7 gauge sets + 1 counter increment", &mut || {
            raw.set(7, 1.1);
            raw.counters[1].increment(1);
        }),
    );
    pair(
        c,
        "add_bars_processed",
        ("velocity_metrics::add_bars_processed", &mut || {
            t.add_bars_processed(black_box(1))
        }),
        ("baseline: 1 counter increment", &mut || {
            raw.counters[1].increment(1)
        }),
    );
    pair(
        c,
        "set_vpin",
        ("velocity_metrics::set_vpin", &mut || {
            t.set_vpin(eurusd, black_box(0.4), Some(0.7)).unwrap()
        }),
        ("baseline: 2 gauge sets", &mut || raw.set(2, 0.4)),
    );
    pair(
        c,
        "set_spread_stress",
        ("velocity_metrics::set_spread_stress", &mut || {
            t.set_spread_stress(eurusd, black_box(1.2), Some(3.0))
                .unwrap()
        }),
        ("baseline: 2 gauge sets", &mut || raw.set(2, 1.2)),
    );

    // RL.
    pair(
        c,
        "record_rl_reward",
        ("velocity_metrics::record_rl_reward", &mut || {
            t.record_rl_reward(Agent::SNIPER, black_box(0.25)).unwrap()
        }),
        ("baseline: 1 gauge increment", &mut || {
            raw.gauges[0].increment(black_box(0.25))
        }),
    );
    pair(
        c,
        "record_rl_episode_reward",
        ("velocity_metrics::record_rl_episode_reward", &mut || {
            t.record_rl_episode_reward(Agent::SNIPER, black_box(3.5))
                .unwrap()
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 3.5)),
    );
    pair(
        c,
        "record_rl_training",
        ("velocity_metrics::record_rl_training", &mut || {
            t.record_rl_training(Agent::SNIPER, black_box(&training))
                .unwrap()
        }),
        ("baseline: 1 counter increment + 2 gauge sets", &mut || {
            raw.counters[0].increment(1);
            raw.set(2, 0.02);
        }),
    );

    pair(
        c,
        "set_rl_q_value",
        ("velocity_metrics::set_rl_q_value", &mut || {
            t.set_rl_q_value(Agent::SNIPER, black_box(1.25)).unwrap()
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 1.25)),
    );
    pair(
        c,
        "set_rl_exploration_rate",
        ("velocity_metrics::set_rl_exploration_rate", &mut || {
            t.set_rl_exploration_rate(Agent::SNIPER, black_box(0.15))
                .unwrap()
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 0.15)),
    );

    // Run control.
    let mut k = 0usize;
    pair(
        c,
        "start_run",
        (
            "velocity_metrics::start_run (alternating between two known runs)",
            &mut || {
                k = k.wrapping_add(1);
                t.start_run(black_box(&runs[k % 2])).unwrap();
            },
        ),
        (
            "baseline: 2 gauge sets + 1 clock read (the run's start)",
            &mut || {
                raw.set(2, 1.0);
                black_box(std::time::Instant::now());
            },
        ),
    );
    pair(
        c,
        "set_session_active",
        ("velocity_metrics::set_session_active", &mut || {
            t.set_session_active(black_box(true))
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 1.0)),
    );
    pair(
        c,
        "set_phase",
        ("velocity_metrics::set_phase", &mut || {
            t.set_phase(black_box(2))
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 2.0)),
    );
    pair(
        c,
        "record_instance_switch",
        ("velocity_metrics::record_instance_switch", &mut || {
            t.record_instance_switch(black_box(Agent::SNIPER))
        }),
        ("baseline: 1 counter increment", &mut || {
            raw.counters[0].increment(1)
        }),
    );
    pair(
        c,
        "set_primary_instance_ratio",
        ("velocity_metrics::set_primary_instance_ratio", &mut || {
            t.set_primary_instance_ratio(black_box(0.8)).unwrap()
        }),
        ("baseline: 1 gauge set", &mut || raw.set(1, 0.8)),
    );
}

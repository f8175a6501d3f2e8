//! Hot-path and scrape costs, each beside a raw `metrics` baseline measured
//! in the same run (see BENCHMARKS.md for figures and how to reproduce).
//!
//! Cardinality: 2 agents × 30 symbols × 4 regimes × 4 timeframes.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use metrics::{Counter, Gauge, Key, Label, Recorder};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use velocity_metrics::exporter::ExporterBuilder;
use velocity_metrics::{
    Agent, Fill, PhysicsReading, Regime, RiskDecision, Symbol, Telemetry, Timeframe, Trade,
};

#[path = "record/advanced.rs"]
mod advanced;

const TIMEFRAMES: [Timeframe; 4] = [Timeframe::M1, Timeframe::M5, Timeframe::M15, Timeframe::H1];

fn recorder() -> Arc<PrometheusRecorder> {
    Arc::new(PrometheusBuilder::new().build_recorder())
}

fn realistic_trades() -> Vec<Trade> {
    let symbols: Vec<Symbol> = (0..30)
        .map(|i| Symbol::new(&format!("BENCH{i:02}+")).unwrap())
        .collect();
    let mut trades = Vec::new();
    for (i, &symbol) in symbols.iter().enumerate() {
        for agent in [Agent::BERSERKER, Agent::SNIPER] {
            for (j, regime) in Regime::ALL.into_iter().enumerate() {
                for (k, tf) in TIMEFRAMES.into_iter().enumerate() {
                    let pnl = if (i + j + k) % 3 == 0 { -7.5 } else { 11.25 };
                    trades.push(
                        Trade::closed(agent, symbol, tf, pnl)
                            .with_regime(regime)
                            .with_duration_secs(60.0)
                            .with_confidence(0.7),
                    );
                }
            }
        }
    }
    trades
}

fn telemetry_with_all_series(trades: &[Trade]) -> (Telemetry, PrometheusHandle) {
    let recorder = recorder();
    let handle = recorder.handle();
    let telemetry = Telemetry::builder().build_with_recorder(recorder);
    for trade in trades {
        telemetry.record_trade(trade).unwrap();
    }
    telemetry.publish();
    (telemetry, handle)
}

/// Ten counters per trade: trades + win-or-loss for global, agent, symbol,
/// regime and timeframe — what `record_trade` accounts for.
fn raw_counters(recorder: &PrometheusRecorder, n: usize) -> Vec<[Counter; 10]> {
    let meta = metrics::Metadata::new("bench", metrics::Level::INFO, None);
    (0..n)
        .map(|i| {
            std::array::from_fn(|c| {
                let key = Key::from_parts(
                    format!("raw_counter_{c}_total"),
                    vec![Label::new("set", i.to_string())],
                );
                recorder.register_counter(&key, &meta)
            })
        })
        .collect()
}

fn bench_record_trade(c: &mut Criterion) {
    let trades = realistic_trades();
    let (telemetry, _handle) = telemetry_with_all_series(&trades);
    let raw_recorder = recorder();
    let raw = raw_counters(&raw_recorder, trades.len());
    let mut group = c.benchmark_group("record_trade");
    let mut i = 0;
    group.bench_function("velocity_metrics::record_trade", |b| {
        b.iter(|| {
            i = (i + 1) % trades.len();
            telemetry.record_trade(black_box(&trades[i])).unwrap();
        });
    });
    let mut j = 0;
    group.bench_function("baseline: 10 raw counter increments", |b| {
        b.iter(|| {
            j = (j + 1) % raw.len();
            for counter in &raw[j] {
                counter.increment(black_box(1));
            }
        });
    });
    group.finish();
}

fn bench_market_updates(c: &mut Criterion) {
    let recorder = recorder();
    let telemetry = Telemetry::builder().build_with_recorder(recorder.clone());
    let symbol = Symbol::new("BENCH00+").unwrap();
    let reading = PhysicsReading {
        momentum: 0.1,
        velocity: 0.1,
        acceleration: -0.01,
        energy: 2.0,
        damping_ratio: Some(0.7),
        natural_frequency: Some(0.3),
    };
    telemetry
        .record_physics(symbol, Timeframe::M5, &reading)
        .unwrap();
    telemetry
        .record_equity(10_000.0, 10_000.0, 1_790_000_000.0)
        .unwrap();
    let meta = metrics::Metadata::new("bench", metrics::Level::INFO, None);
    let gauges: Vec<Gauge> = (0..6)
        .map(|g| recorder.register_gauge(&Key::from_name(format!("raw_gauge_{g}")), &meta))
        .collect();
    let mut group = c.benchmark_group("market_updates");
    group.bench_function("velocity_metrics::record_physics (6 gauges)", |b| {
        b.iter(|| {
            telemetry
                .record_physics(symbol, Timeframe::M5, black_box(&reading))
                .unwrap()
        });
    });
    group.bench_function("baseline: 6 raw gauge sets", |b| {
        b.iter(|| {
            for gauge in &gauges {
                gauge.set(black_box(0.5));
            }
        });
    });
    group.bench_function("velocity_metrics::record_regime", |b| {
        b.iter(|| telemetry.record_regime(symbol, Timeframe::M5, black_box(Regime::Underdamped)));
    });
    group.bench_function("baseline: 1 raw gauge set", |b| {
        b.iter(|| gauges[0].set(black_box(2.0)))
    });
    let mut at = 1_790_000_000.0;
    group.bench_function("velocity_metrics::record_equity", |b| {
        b.iter(|| {
            at += 0.001;
            telemetry
                .record_equity(black_box(10_000.0), black_box(10_010.0), at)
                .unwrap();
        });
    });
    group.bench_function("baseline: 2 raw gauge sets", |b| {
        b.iter(|| {
            gauges[0].set(black_box(10_000.0));
            gauges[1].set(black_box(10_010.0));
        });
    });
    group.finish();
}

fn bench_scrape(c: &mut Criterion) {
    let trades = realistic_trades();
    let mut group = c.benchmark_group("scrape");
    group.measurement_time(Duration::from_secs(4));
    for total in [1_000usize, 10_000_000] {
        let (telemetry, handle) = telemetry_with_all_series(&trades);
        for i in 0..total.saturating_sub(trades.len()) {
            telemetry.record_trade(&trades[i % trades.len()]).unwrap();
        }
        group.bench_function(format!("publish + render after {total} trades"), |b| {
            b.iter(|| {
                telemetry.publish();
                black_box(handle.render())
            });
        });
    }
    let (_, handle) = telemetry_with_all_series(&trades);
    let series = exposition_series(&handle.render());
    let raw_recorder = recorder();
    let raw_handle = raw_recorder.handle();
    let raw = raw_counters(&raw_recorder, series.div_ceil(10));
    group.bench_function(
        format!("baseline: render {} raw counters", raw.len() * 10),
        |b| {
            b.iter_batched(
                || raw[0][0].increment(1),
                |()| black_box(raw_handle.render()),
                BatchSize::SmallInput,
            );
        },
    );
    group.finish();
}

/// The two recorders that feed the latency histograms, on an exporter's
/// telemetry (with feature `protobuf` each sample also feeds the native
/// histogram) beside the same calls on a plain recorder, in the same run.
fn bench_latency_histograms_on_an_exporter(c: &mut Criterion) {
    let exporter = ExporterBuilder::new()
        .upkeep_interval(Duration::from_millis(200))
        .build_embedded()
        .unwrap();
    let served = exporter.telemetry();
    let plain = Telemetry::builder().build_with_recorder(Arc::new(
        velocity_metrics::exporter::prometheus_builder().build_recorder(),
    ));
    let symbol = Symbol::new("BENCH00+").unwrap();
    let fill = Fill {
        latency: Duration::from_millis(12),
        slippage: 0.000_02,
        spread: 0.000_08,
        partial: false,
    };
    for t in [served, &plain] {
        t.record_order_filled(symbol, &fill).unwrap();
        for decision in RiskDecision::ALL {
            t.record_risk_decision(*decision, Duration::from_micros(90));
        }
    }
    let mut group = c.benchmark_group("latency histograms on an exporter");
    for (name, t) in [("exporter", served), ("plain recorder", &plain)] {
        group.bench_function(format!("record_order_filled ({name})"), |b| {
            b.iter(|| t.record_order_filled(symbol, black_box(&fill)).unwrap());
        });
        let mut i = 0usize;
        group.bench_function(format!("record_risk_decision ({name})"), |b| {
            b.iter(|| {
                i = i.wrapping_add(1);
                t.record_risk_decision(
                    RiskDecision::ALL[i % 4],
                    black_box(Duration::from_micros(120)),
                );
            });
        });
    }
    group.finish();
}

fn exposition_series(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .count()
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    targets = bench_record_trade, bench_market_updates, bench_scrape, advanced::bench_advanced, bench_latency_histograms_on_an_exporter
}
criterion_main!(benches);

//! Contention: two threads recording trades while a third publishes and
//! renders 100 times a second, against one thread recording alone, in the
//! same run. Reported time is per `record_trade` per thread, so
//! throughput ratio = single-threaded time / contended time.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use metrics_exporter_prometheus::PrometheusBuilder;
use velocity_metrics::{Agent, Regime, Symbol, Telemetry, Timeframe, Trade};

fn trades() -> Vec<Trade> {
    let symbols: Vec<Symbol> = (0..30)
        .map(|i| Symbol::new(&format!("CONT{i:02}+")).unwrap())
        .collect();
    (0..960)
        .map(|i| {
            let agent = if i % 2 == 0 {
                Agent::BERSERKER
            } else {
                Agent::SNIPER
            };
            let tf = [Timeframe::M1, Timeframe::M5, Timeframe::M15, Timeframe::H1][i % 4];
            Trade::closed(
                agent,
                symbols[i % 30],
                tf,
                if i % 3 == 0 { -5.0 } else { 8.0 },
            )
            .with_regime(Regime::ALL[(i / 4) % 4])
        })
        .collect()
}

fn record_n(telemetry: &Telemetry, trades: &[Trade], n: u64, offset: usize) {
    for i in 0..n {
        #[allow(clippy::cast_possible_truncation)]
        let trade = &trades[(i as usize + offset) % trades.len()];
        telemetry.record_trade(black_box(trade)).unwrap();
    }
}

fn bench_contention(c: &mut Criterion) {
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    let telemetry = Telemetry::builder().build_with_recorder(recorder);
    let trades = Arc::new(trades());
    record_n(&telemetry, &trades, trades.len() as u64, 0);

    let mut group = c.benchmark_group("contention");
    group.bench_function("1 thread recording", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            record_n(&telemetry, &trades, iters, 0);
            start.elapsed()
        });
    });
    group.bench_function("2 threads recording + scrape at 100 Hz (per thread)", |b| {
        b.iter_custom(|iters| {
            let stop = Arc::new(AtomicBool::new(false));
            let scraper = {
                let (telemetry, handle, stop) =
                    (telemetry.clone(), handle.clone(), Arc::clone(&stop));
                thread::spawn(move || {
                    while !stop.load(Ordering::Acquire) {
                        telemetry.publish();
                        black_box(handle.render());
                        thread::sleep(Duration::from_millis(10));
                    }
                })
            };
            let workers: Vec<_> = (0..2)
                .map(|w| {
                    let (telemetry, trades) = (telemetry.clone(), Arc::clone(&trades));
                    thread::spawn(move || {
                        let start = Instant::now();
                        record_n(&telemetry, &trades, iters, w * 7);
                        start.elapsed()
                    })
                })
                .collect();
            let per_thread: Duration = workers
                .into_iter()
                .map(|w| w.join().unwrap())
                .max()
                .unwrap();
            stop.store(true, Ordering::Release);
            scraper.join().unwrap();
            per_thread
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3));
    targets = bench_contention
}
criterion_main!(benches);

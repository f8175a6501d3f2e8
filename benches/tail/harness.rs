//! What the tail-latency benches share: an engine-like telemetry with raw
//! `metrics` handles beside it, the operations they time, a timed run of one
//! operation on several threads under a 100 Hz publisher, and percentiles.
//!
//! Each call is timed on its own: criterion reports means of batches, which
//! hide exactly the rare slow calls measured here.

#![allow(
    dead_code,
    reason = "each bench binary uses its own part of the harness"
)]

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use metrics::{Counter, Gauge, Key, Label, Recorder};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use velocity_metrics::{Agent, PhysicsReading, Regime, Symbol, Telemetry, Timeframe, Trade};

/// One operation under test, called with the thread index and call number.
pub type Op = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// A telemetry with every label set known, and raw handles on the same
/// recorder for the baselines.
pub struct Setup {
    pub telemetry: Telemetry,
    pub handle: PrometheusHandle,
    pub trades: Arc<Vec<Trade>>,
    pub raw_counters: Arc<Vec<[Counter; 10]>>,
    pub raw_gauges: Arc<Vec<Gauge>>,
    pub symbols: Arc<Vec<Symbol>>,
}

/// The physics reading every bench records.
pub const READING: PhysicsReading = PhysicsReading {
    momentum: 0.1,
    velocity: 0.1,
    acceleration: -0.01,
    energy: 2.0,
    damping_ratio: Some(0.7),
    natural_frequency: Some(0.3),
};

/// 2 agents × 30 symbols × 4 timeframes × 4 regimes, all recorded once.
pub fn setup() -> Setup {
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    let telemetry = Telemetry::builder().build_with_recorder(recorder.clone());
    let symbols: Vec<Symbol> = (0..30)
        .map(|i| Symbol::new(&format!("TAIL{i:02}+")).unwrap())
        .collect();
    let tfs = [Timeframe::M1, Timeframe::M5, Timeframe::M15, Timeframe::H1];
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
                tfs[i % 4],
                if i % 3 == 0 { -5.0 } else { 8.0 },
            )
            .with_regime(Regime::ALL[(i / 4) % 4])
            .with_duration_secs(60.0)
        })
        .collect();
    for trade in &trades {
        telemetry.record_trade(trade).unwrap();
    }
    for &symbol in &symbols {
        for tf in tfs {
            telemetry.record_physics(symbol, tf, &READING).unwrap();
            telemetry.record_regime(symbol, tf, Regime::Underdamped);
        }
        telemetry.record_quote(symbol, 1.0, 1.1).unwrap();
    }
    telemetry.record_equity_now(10_000.0, 10_000.0).unwrap();
    let meta = metrics::Metadata::new("bench", metrics::Level::INFO, None);
    let raw_counters: Vec<[Counter; 10]> = (0..trades.len())
        .map(|i| {
            std::array::from_fn(|c| {
                let key = Key::from_parts(
                    format!("raw_counter_{c}_total"),
                    vec![Label::new("set", i.to_string())],
                );
                recorder.register_counter(&key, &meta)
            })
        })
        .collect();
    let raw_gauges: Vec<Gauge> = (0..6)
        .map(|g| recorder.register_gauge(&Key::from_name(format!("raw_gauge_{g}")), &meta))
        .collect();
    telemetry.publish();
    Setup {
        telemetry,
        handle,
        trades: Arc::new(trades),
        raw_counters: Arc::new(raw_counters),
        raw_gauges: Arc::new(raw_gauges),
        symbols: Arc::new(symbols),
    }
}

pub fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// `record_trade`, each thread walking the 960 label sets from its own offset.
pub fn record_trade(s: &Setup) -> Op {
    let (t, trades) = (s.telemetry.clone(), Arc::clone(&s.trades));
    Arc::new(move |th, i| {
        let trade = &trades[(i + th * 7) % trades.len()];
        t.record_trade(black_box(trade)).unwrap();
    })
}

/// Baseline of `record_trade`: ten raw counter increments, same walk.
pub fn ten_counters(s: &Setup) -> Op {
    let raw = Arc::clone(&s.raw_counters);
    Arc::new(move |th, i| {
        for c in &raw[(i + th * 7) % raw.len()] {
            c.increment(black_box(1));
        }
    })
}

#[allow(clippy::cast_precision_loss)]
fn equity_of(i: usize) -> f64 {
    10_000.0 + (i % 100) as f64
}

/// `record_equity` with the caller's clock.
pub fn record_equity(s: &Setup) -> Op {
    let t = s.telemetry.clone();
    Arc::new(move |_, i| {
        let equity = equity_of(i);
        t.record_equity(black_box(equity), black_box(equity), now_secs())
            .unwrap();
    })
}

/// `record_equity_now`.
pub fn record_equity_now(s: &Setup) -> Op {
    let t = s.telemetry.clone();
    Arc::new(move |_, i| {
        let equity = equity_of(i);
        t.record_equity_now(black_box(equity), black_box(equity))
            .unwrap();
    })
}

/// Baseline of the equity recorders: two raw gauge sets (balance, equity),
/// shared by every thread as the account's two series are.
pub fn two_gauges(s: &Setup) -> Op {
    let gauges = Arc::clone(&s.raw_gauges);
    Arc::new(move |_, i| {
        gauges[0].set(black_box(equity_of(i)));
        gauges[1].set(black_box(10_000.0));
    })
}

/// How one operation is driven.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    /// Recording threads, all calling the operation as fast as they can.
    pub threads: usize,
    /// Timed calls per thread (after a tenth as many untimed ones).
    pub calls: usize,
    /// Only thread 0's calls are timed (the others provide the load).
    pub first_thread_only: bool,
    /// A thread stops early once its warm-up and timed calls took this long.
    pub time_limit: Duration,
}

/// Latencies (ns, sorted) of `op` under `load`, while a publisher publishes
/// and renders every 10 ms.
pub fn run(setup: &Setup, op: &Op, load: Load) -> Vec<u32> {
    let stop = Arc::new(AtomicBool::new(false));
    let publisher = {
        let (telemetry, handle, stop) = (
            setup.telemetry.clone(),
            setup.handle.clone(),
            Arc::clone(&stop),
        );
        thread::spawn(move || {
            while !stop.load(Ordering::Acquire) {
                telemetry.publish();
                black_box(handle.render());
                thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let start = Arc::new(Barrier::new(load.threads));
    let workers: Vec<_> = (0..load.threads)
        .map(|t| {
            let (op, start) = (Arc::clone(op), Arc::clone(&start));
            thread::spawn(move || {
                let began = Instant::now();
                let in_time = |i: usize| i % 1024 != 0 || began.elapsed() < load.time_limit;
                for i in (0..load.calls / 10).take_while(|&i| in_time(i)) {
                    op(t, i);
                }
                let mut latencies = Vec::with_capacity(load.calls);
                start.wait();
                for i in (0..load.calls).take_while(|&i| in_time(i)) {
                    let call = Instant::now();
                    op(t, i);
                    let took = call.elapsed();
                    latencies.push(u32::try_from(took.as_nanos()).unwrap_or(u32::MAX));
                }
                latencies
            })
        })
        .collect();
    let mut all: Vec<u32> = workers
        .into_iter()
        .enumerate()
        .flat_map(|(t, w)| {
            let latencies = w.join().unwrap();
            if load.first_thread_only && t > 0 {
                Vec::new()
            } else {
                latencies
            }
        })
        .collect();
    stop.store(true, Ordering::Release);
    publisher.join().unwrap();
    all.sort_unstable();
    all
}

/// p50, p99, p99.9, p99.99, max of sorted latencies.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
pub fn percentiles(sorted: &[u32]) -> [u32; 5] {
    let at = |q: f64| sorted[((sorted.len() as f64 - 1.0) * q).round() as usize];
    [
        at(0.5),
        at(0.99),
        at(0.999),
        at(0.9999),
        *sorted.last().unwrap(),
    ]
}

/// `ours / theirs` for each percentile, formatted `1.23×`.
pub fn ratios(ours: [u32; 5], theirs: [u32; 5]) -> [String; 5] {
    std::array::from_fn(|i| format!("{:.2}×", f64::from(ours[i]) / f64::from(theirs[i].max(1))))
}

/// Runs `op` and its baseline `rounds` times each, alternating (baseline
/// first), and returns (ours, baseline) latencies, sorted.
pub fn alternate(
    setup: &Setup,
    op: &Op,
    baseline: &Op,
    load: Load,
    rounds: usize,
) -> (Vec<u32>, Vec<u32>) {
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        theirs.extend(run(setup, baseline, load));
        ours.extend(run(setup, op, load));
    }
    ours.sort_unstable();
    theirs.sort_unstable();
    (ours, theirs)
}

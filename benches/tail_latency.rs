//! Tail latency of the hot path under load: two threads recording while a
//! third publishes and renders 100 times a second, each `record_*` call timed
//! on its own, beside raw `metrics` handle operations measured the same way,
//! under the same load, in the same run (phases alternate: baseline, ours,
//! baseline, ours).
//!
//! ```text
//! cargo bench --bench tail_latency            # prints a Markdown table
//! TAIL_CALLS=500000 cargo bench --bench tail_latency
//! ```
//!
//! A dedicated latency-histogram bench rather than criterion: criterion
//! reports means of batches, which hide exactly the rare slow calls measured
//! here.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use metrics::{Counter, Gauge, Key, Label, Recorder};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use velocity_metrics::{Agent, PhysicsReading, Regime, Symbol, Telemetry, Timeframe, Trade};

const THREADS: usize = 2;
const ROUNDS: usize = 2;

/// One operation under test, called with the thread index and call number.
type Op = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// One row pair of the table: an operation and its raw baseline, and whose
/// latencies count.
struct Case {
    name: &'static str,
    op: Op,
    baseline_name: &'static str,
    baseline: Op,
    /// Only thread 0's calls are timed (thread 1 provides the load).
    first_thread_only: bool,
}

struct Setup {
    telemetry: Telemetry,
    handle: PrometheusHandle,
    trades: Arc<Vec<Trade>>,
    raw_counters: Arc<Vec<[Counter; 10]>>,
    raw_gauges: Arc<Vec<Gauge>>,
    symbols: Arc<Vec<Symbol>>,
}

fn setup() -> Setup {
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
    let reading = PhysicsReading {
        momentum: 0.1,
        velocity: 0.1,
        acceleration: -0.01,
        energy: 2.0,
        damping_ratio: Some(0.7),
        natural_frequency: Some(0.3),
    };
    for trade in &trades {
        telemetry.record_trade(trade).unwrap();
    }
    for &symbol in &symbols {
        for tf in tfs {
            telemetry.record_physics(symbol, tf, &reading).unwrap();
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

fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Latencies (ns) of `calls` calls of `op` on each of [`THREADS`] threads,
/// while a publisher publishes and renders every 10 ms.
fn run(setup: &Setup, op: &Op, calls: usize, first_thread_only: bool) -> Vec<u32> {
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
    let start = Arc::new(Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (op, start) = (Arc::clone(op), Arc::clone(&start));
            thread::spawn(move || {
                for i in 0..calls / 10 {
                    op(t, i);
                }
                let mut latencies = Vec::with_capacity(calls);
                start.wait();
                for i in 0..calls {
                    let began = Instant::now();
                    op(t, i);
                    let took = began.elapsed();
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
            if first_thread_only && t > 0 {
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
fn percentiles(sorted: &[u32]) -> [u32; 5] {
    let at = |q: f64| sorted[((sorted.len() as f64 - 1.0) * q).round() as usize];
    [
        at(0.5),
        at(0.99),
        at(0.999),
        at(0.9999),
        *sorted.last().unwrap(),
    ]
}

fn cases(s: &Setup) -> Vec<Case> {
    let t = s.telemetry.clone();
    let trades = Arc::clone(&s.trades);
    let record_trade: Op = Arc::new(move |th, i| {
        let trade = &trades[(i + th * 7) % trades.len()];
        t.record_trade(black_box(trade)).unwrap();
    });
    let raw = Arc::clone(&s.raw_counters);
    let ten_counters: Op = Arc::new(move |th, i| {
        for c in &raw[(i + th * 7) % raw.len()] {
            c.increment(black_box(1));
        }
    });
    let t = s.telemetry.clone();
    let record_equity: Op = Arc::new(move |_, i| {
        let equity = 10_000.0 + (i % 100) as f64;
        t.record_equity(black_box(equity), black_box(equity), now_secs())
            .unwrap();
    });
    let t = s.telemetry.clone();
    let record_equity_now: Op = Arc::new(move |_, i| {
        let equity = 10_000.0 + (i % 100) as f64;
        t.record_equity_now(black_box(equity), black_box(equity))
            .unwrap();
    });
    let gauges = Arc::clone(&s.raw_gauges);
    let two_gauges: Op = Arc::new(move |_, i| {
        gauges[0].set(black_box(10_000.0 + (i % 100) as f64));
        gauges[1].set(black_box(10_000.0));
    });
    let gauges = Arc::clone(&s.raw_gauges);
    let two_gauges_quote: Op = Arc::new(move |_, _| {
        gauges[2].set(black_box(1.05));
        gauges[3].set(black_box(0.1));
    });
    let (t, symbols) = (s.telemetry.clone(), Arc::clone(&s.symbols));
    let record_quote: Op = Arc::new(move |th, i| {
        let symbol = symbols[(i + th) % symbols.len()];
        t.record_quote(symbol, black_box(1.0), black_box(1.1))
            .unwrap();
    });
    let (t, symbols) = (s.telemetry.clone(), Arc::clone(&s.symbols));
    let reading = PhysicsReading {
        momentum: 0.1,
        velocity: 0.1,
        acceleration: -0.01,
        energy: 2.0,
        damping_ratio: Some(0.7),
        natural_frequency: Some(0.3),
    };
    let record_physics: Op = Arc::new(move |th, i| {
        let symbol = symbols[(i + th) % symbols.len()];
        t.record_physics(symbol, Timeframe::M5, black_box(&reading))
            .unwrap();
    });
    let gauges = Arc::clone(&s.raw_gauges);
    let six_gauges: Op = Arc::new(move |_, _| {
        for g in gauges.iter() {
            g.set(black_box(0.5));
        }
    });
    let (t, symbols) = (s.telemetry.clone(), Arc::clone(&s.symbols));
    let record_regime: Op = Arc::new(move |th, i| {
        let symbol = symbols[(i + th) % symbols.len()];
        t.record_regime(symbol, Timeframe::M5, black_box(Regime::Underdamped));
    });
    let gauges = Arc::clone(&s.raw_gauges);
    let one_gauge: Op = Arc::new(move |_, _| gauges[4].set(black_box(2.0)));
    // The engine's shape: one thread records equity while another records
    // trades (thread 0 timed), against the same raw handle work.
    let (equity, trade) = (Arc::clone(&record_equity), Arc::clone(&record_trade));
    let equity_beside_trades: Op =
        Arc::new(move |th, i| if th == 0 { equity(th, i) } else { trade(th, i) });
    let (gauges, counters) = (Arc::clone(&two_gauges), Arc::clone(&ten_counters));
    let gauges_beside_counters: Op = Arc::new(move |th, i| {
        if th == 0 {
            gauges(th, i)
        } else {
            counters(th, i)
        }
    });
    let case = |name, op, baseline_name, baseline, first_thread_only| Case {
        name,
        op,
        baseline_name,
        baseline,
        first_thread_only,
    };
    vec![
        case(
            "record_trade",
            record_trade,
            "10 raw counter increments",
            ten_counters,
            false,
        ),
        case(
            "record_equity, beside a thread recording trades",
            equity_beside_trades,
            "2 raw gauge sets, beside 10 counter increments",
            gauges_beside_counters,
            true,
        ),
        case(
            "record_equity (own clock), 2 threads at once",
            record_equity,
            "2 raw gauge sets",
            Arc::clone(&two_gauges),
            false,
        ),
        case(
            "record_equity_now, 2 threads at once",
            record_equity_now,
            "2 raw gauge sets",
            two_gauges,
            false,
        ),
        case(
            "record_quote",
            record_quote,
            "2 raw gauge sets",
            two_gauges_quote,
            false,
        ),
        case(
            "record_physics",
            record_physics,
            "6 raw gauge sets",
            six_gauges,
            false,
        ),
        case(
            "record_regime (unchanged)",
            record_regime,
            "1 raw gauge set",
            one_gauge,
            false,
        ),
    ]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is accepted.
    let calls: usize = std::env::var("TAIL_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let setup = setup();
    println!(
        "{THREADS} recording threads, publish + render at 100 Hz, {calls} timed calls per thread per phase, {ROUNDS} alternating rounds (ns)\n"
    );
    println!("| operation | p50 | p99 | p99.9 | p99.99 | max |");
    println!("|---|---|---|---|---|---|");
    for Case {
        name,
        op,
        baseline_name: base_name,
        baseline: base,
        first_thread_only,
    } in cases(&setup)
    {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            theirs.extend(run(&setup, &base, calls, first_thread_only));
            ours.extend(run(&setup, &op, calls, first_thread_only));
        }
        ours.sort_unstable();
        theirs.sort_unstable();
        let (a, b) = (percentiles(&ours), percentiles(&theirs));
        let row = |p: [u32; 5]| p.map(|v| v.to_string()).join(" | ");
        println!("| `{name}` | {} |", row(a));
        println!("| baseline: {base_name} | {} |", row(b));
        let ratio = |i: usize| f64::from(a[i]) / f64::from(b[i].max(1));
        println!(
            "| ratio | {:.2}× | {:.2}× | {:.2}× | {:.2}× | {:.2}× |",
            ratio(0),
            ratio(1),
            ratio(2),
            ratio(3),
            ratio(4)
        );
    }
}

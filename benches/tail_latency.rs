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
//! The same operations at 2, 4, 8 and 16 threads: `benches/many_cores.rs`.

#[path = "tail/harness.rs"]
mod harness;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use harness::{Load, Op, READING, Setup, alternate, percentiles, ratios};
use velocity_metrics::{Regime, Timeframe};

const THREADS: usize = 2;
const ROUNDS: usize = 2;

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

fn cases(s: &Setup) -> Vec<Case> {
    let record_trade = harness::record_trade(s);
    let ten_counters = harness::ten_counters(s);
    let record_equity = harness::record_equity(s);
    let record_equity_now = harness::record_equity_now(s);
    let two_gauges = harness::two_gauges(s);
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
    let record_physics: Op = Arc::new(move |th, i| {
        let symbol = symbols[(i + th) % symbols.len()];
        t.record_physics(symbol, Timeframe::M5, black_box(&READING))
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
    let setup = harness::setup();
    println!(
        "{THREADS} recording threads, publish + render at 100 Hz, {calls} timed calls per thread per phase, {ROUNDS} alternating rounds (ns)\n"
    );
    println!("| operation | p50 | p99 | p99.9 | p99.99 | max |");
    println!("|---|---|---|---|---|---|");
    for Case {
        name,
        op,
        baseline_name,
        baseline,
        first_thread_only,
    } in cases(&setup)
    {
        let load = Load {
            threads: THREADS,
            calls,
            first_thread_only,
            time_limit: Duration::MAX,
        };
        let (ours, theirs) = alternate(&setup, &op, &baseline, load, ROUNDS);
        let (a, b) = (percentiles(&ours), percentiles(&theirs));
        let row = |p: [u32; 5]| p.map(|v| v.to_string()).join(" | ");
        println!("| `{name}` | {} |", row(a));
        println!("| baseline: {baseline_name} | {} |", row(b));
        println!("| ratio | {} |", ratios(a, b).join(" | "));
    }
}

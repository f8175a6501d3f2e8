//! Tail latency at many cores: `record_trade` and `record_equity_now` at 2,
//! 4, 8 and 16 recording threads (each thread calling as fast as it can)
//! while another thread publishes and renders 100 times a second, beside raw
//! `metrics` handle operations doing the equivalent work under the same load
//! in the same run (phases alternate: baseline, ours, baseline, ours). Every
//! call is timed on its own. Prints a Markdown table and the core count of
//! the machine it ran on; the last column counts calls of 50 µs or more (a
//! thread descheduled, or waiting for one that is).
//!
//! ```text
//! cargo bench --bench many_cores
//! cargo bench --bench many_cores -- --threads 2,4 --calls 50000
//! ```
//!
//! Built as a static binary to run on another machine (no files needed
//! beside it):
//!
//! ```text
//! RUSTFLAGS="-C target-feature=+crt-static" cargo bench --no-run --bench many_cores \
//!     --target x86_64-unknown-linux-gnu
//! target/x86_64-unknown-linux-gnu/release/deps/many_cores-<hash> --bench
//! ```
//!
//! Flags: `--threads LIST` (default `2,4,8,16`), `--calls N` timed calls per
//! thread per phase (default 500,000), `--rounds N` (default 2),
//! `--phase-secs S`: a thread stops a phase early after S seconds (default
//! 5), which bounds the whole run to about 4 × 2 × 2 × 2 × S seconds.

#[path = "tail/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use harness::{Load, Op, Setup, alternate, percentiles, ratios};

/// What to run, from the command line.
struct Plan {
    threads: Vec<usize>,
    calls: usize,
    rounds: usize,
    phase_secs: u64,
}

const USAGE: &str = "usage: many_cores [--bench] [--threads 2,4,8,16] [--calls 500000] [--rounds 2] [--phase-secs 5]";

fn parse_args() -> Result<Plan, String> {
    let mut plan = Plan {
        threads: vec![2, 4, 8, 16],
        calls: 500_000,
        rounds: 2,
        phase_secs: 5,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |text: &str| {
            text.parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or(format!("not a positive number: {text:?}"))
        };
        match flag.as_str() {
            // `cargo bench` passes `--bench`.
            "--bench" => {}
            "--threads" => {
                plan.threads = value()?.split(',').map(number).collect::<Result<_, _>>()?;
            }
            "--calls" => plan.calls = number(&value()?)?,
            "--rounds" => plan.rounds = number(&value()?)?,
            "--phase-secs" => plan.phase_secs = number(&value()?)? as u64,
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    Ok(plan)
}

/// The CPU's model name, from /proc/cpuinfo (Linux).
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|name| name.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}

/// The two operations and their baselines.
fn cases(s: &Setup) -> [(&'static str, Op, &'static str, Op); 2] {
    [
        (
            "`record_trade`",
            harness::record_trade(s),
            "10 raw counter increments",
            harness::ten_counters(s),
        ),
        (
            "`record_equity_now`",
            harness::record_equity_now(s),
            "2 raw gauge sets",
            harness::two_gauges(s),
        ),
    ]
}

fn main() {
    let plan = match parse_args() {
        Ok(plan) => plan,
        Err(problem) => {
            eprintln!("{problem}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let began = Instant::now();
    let setup = harness::setup();
    println!(
        "Machine: {cores} cores (`available_parallelism`), {}. {} timed calls per thread per phase \
         (a thread stops a phase after {} s), {} alternating rounds, publish + render at 100 Hz \
         on one more thread. Nanoseconds per call, timer included.\n",
        cpu_model(),
        plan.calls,
        plan.phase_secs,
        plan.rounds
    );
    println!(
        "| threads | operation | calls timed | p50 | p99 | p99.9 | p99.99 | max | calls ≥ 50 µs |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut summary = Vec::new();
    for &threads in &plan.threads {
        let load = Load {
            threads,
            calls: plan.calls,
            first_thread_only: false,
            time_limit: Duration::from_secs(plan.phase_secs),
        };
        for (name, op, baseline_name, baseline) in cases(&setup) {
            let (ours, theirs) = alternate(&setup, &op, &baseline, load, plan.rounds);
            let (a, b) = (percentiles(&ours), percentiles(&theirs));
            let row = |p: [u32; 5]| p.map(|v| v.to_string()).join(" | ");
            // Sorted: the calls from the first one at or over 50 µs on.
            let slow = |sorted: &[u32]| sorted.len() - sorted.partition_point(|&ns| ns < 50_000);
            println!(
                "| {threads} | {name} | {} | {} | {} |",
                ours.len(),
                row(a),
                slow(&ours)
            );
            println!(
                "| {threads} | baseline: {baseline_name} | {} | {} | {} |",
                theirs.len(),
                row(b),
                slow(&theirs)
            );
            let ratio = ratios(a, b);
            println!("| {threads} | ratio | | {} | |", ratio.join(" | "));
            summary.push(format!(
                "{name} at {threads} threads: p99.9 {} ns against {} ns, {}",
                a[2], b[2], ratio[2]
            ));
        }
    }
    println!();
    for line in summary {
        println!("- {line}");
    }
    if plan.threads.iter().any(|&t| t > cores) {
        println!("- more recording threads than cores: those rows measure time slicing too");
    }
    println!("- whole run: {:.0} s", began.elapsed().as_secs_f64());
}

//! Ingestion of a fleet, measured on this machine for BENCHMARKS.md
//! ("Fleet"): 20 example engines, each with its own identity, scraped every
//! 5 s (the shipped interval) by vmagent with the shipped configuration and
//! remote-written to VictoriaMetrics (tests/common/fleet.rs). Prints the
//! series and bytes of one engine's scrape, the samples per second the
//! store ingests, and vmagent's and VictoriaMetrics' CPU and RSS (from
//! /proc); asserts that every engine's every sample arrives.
//!
//! `cargo test --all-features --test fleet_ingestion -- --include-ignored --nocapture`
//! (about 100 s). `FLEET_SCRAPE_SECS=1` scrapes every second instead (five
//! times the samples from the same series).

#[path = "common/alertmanager.rs"]
mod alertmanager;
#[path = "common/capacity.rs"]
mod capacity;
#[path = "common/example_engines.rs"]
mod example_engines;
#[path = "common/fleet.rs"]
mod fleet;
#[path = "common/fleet_config.rs"]
mod fleet_config;
#[path = "common/net.rs"]
mod net;

use std::process::Command;
use std::time::{Duration, Instant};

use example_engines::{engine, example_binary, wait_until};
use fleet::{Settings, Stack};
use net::{ChildGroup, get};

const ENGINES: usize = 20;
const WARM_UP: Duration = Duration::from_secs(20);
const MEASURE: Duration = Duration::from_secs(60);

/// CPU seconds (user + system) and resident memory (KiB) of a process.
fn usage(pid: u32) -> (f64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (ticks / clock_ticks(), rss)
}

fn clock_ticks() -> f64 {
    let out = Command::new("getconf").arg("CLK_TCK").output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(100.0)
}

/// Sum of a counter family in a `/metrics` page.
fn counter(port: u16, name: &str) -> f64 {
    let (_, body) = get(port, "/metrics").unwrap();
    body.lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

fn scalar(stack: &Stack, promql: &str) -> f64 {
    let result = stack
        .query(promql)
        .unwrap_or_else(|e| panic!("{promql}: {e}"));
    result[0]["value"][1].as_str().unwrap().parse().unwrap()
}

#[test]
#[ignore = "needs victoria-metrics, vmagent and prometheus-pushgateway; measures ingestion for BENCHMARKS.md"]
fn twenty_engines_through_vmagent_into_victoriametrics() {
    let scrape_secs: u64 = std::env::var("FLEET_SCRAPE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let interval: &'static str = Box::leak(format!("{scrape_secs}s").into_boxed_str());
    let binary = example_binary();
    let stack = Stack::start(&Settings {
        interval,
        engines: ENGINES,
        webhook: None,
    });
    let engines: Vec<ChildGroup> = stack
        .engine_ports
        .iter()
        .enumerate()
        .map(|(i, port)| {
            let name = format!("sim-{i:02}");
            let account = format!("acc-{i:02}");
            let mode = if i % 4 == 0 { "paper" } else { "live" };
            engine(
                &binary,
                *port,
                &["--engine", &name, "--account", &account, "--mode", mode],
            )
        })
        .collect();
    wait_until(
        "every engine in VictoriaMetrics",
        Duration::from_secs(90),
        || {
            stack
                .query("count(velocitytrader_build_info{job=\"velocitytrader\"})")
                .is_ok_and(|r| r[0]["value"][1] == ENGINES.to_string().as_str())
        },
    );
    std::thread::sleep(WARM_UP);

    // One engine's scrape, as vmagent gets it (identity labels included).
    let (_, page) = get(stack.engine_ports[0], "/metrics").unwrap();
    let samples = page
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count();
    let bytes = page.len();

    let (vm, agent) = (stack.pid("victoriametrics"), stack.pid("vmagent"));
    let vm_port = stack.ports.victoriametrics;
    let agent_port = stack.ports.vmagent;
    let rows_before = counter(vm_port, "vm_rows_inserted_total");
    let sent_before = counter(agent_port, "vmagent_remotewrite_bytes_sent_total");
    let (vm_cpu_before, _) = usage(vm);
    let (agent_cpu_before, _) = usage(agent);
    let started = Instant::now();
    let (mut vm_rss, mut agent_rss) = (0, 0);
    while started.elapsed() < MEASURE {
        std::thread::sleep(Duration::from_secs(5));
        vm_rss = vm_rss.max(usage(vm).1);
        agent_rss = agent_rss.max(usage(agent).1);
    }
    let secs = started.elapsed().as_secs_f64();
    let ingested = (counter(vm_port, "vm_rows_inserted_total") - rows_before) / secs;
    let sent = (counter(agent_port, "vmagent_remotewrite_bytes_sent_total") - sent_before) / secs;
    let vm_cpu = (usage(vm).0 - vm_cpu_before) / secs;
    let agent_cpu = (usage(agent).0 - agent_cpu_before) / secs;

    let up = scalar(&stack, "sum(up{job=\"velocitytrader\"})");
    let per_scrape = scalar(
        &stack,
        "avg(scrape_samples_scraped{job=\"velocitytrader\"})",
    );
    let active = scalar(&stack, "count({job=\"velocitytrader\"})");
    let expected = ENGINES as f64 * (per_scrape + 5.0) / scrape_secs as f64;
    // Storage: bytes on disk per sample stored so far (small data compresses
    // worse than a day's).
    get(vm_port, "/internal/force_flush").unwrap();
    let disk = counter(vm_port, "vm_data_size_bytes") / counter(vm_port, "vm_rows");
    eprintln!(
        "one engine: {samples} samples, {bytes} bytes per scrape ({:.0} bytes/sample)\n\
         {ENGINES} engines every {scrape_secs} s: {active} active engine series; \
         engines' samples {expected:.0}/s (incl. vmagent's 5 per target), \
         VictoriaMetrics ingests {ingested:.0} samples/s in all (self-monitoring included); \
         vmagent sends {:.1} KiB/s\n\
         CPU: VictoriaMetrics {:.1} %, vmagent {:.1} % of one core; \
         RSS: VictoriaMetrics {} MiB, vmagent {} MiB; disk {disk:.2} bytes/sample",
        bytes as f64 / samples as f64,
        sent / 1024.0,
        vm_cpu * 100.0,
        agent_cpu * 100.0,
        vm_rss / 1024,
        agent_rss / 1024,
    );
    assert_eq!(up, ENGINES as f64, "every engine scraped");
    // Every engine sample arrives: at least what the engines expose (the
    // rest is the stack's own series), and the scrape vmagent saw is the
    // page fetched here, give or take series appearing meanwhile.
    assert!(ingested >= expected * 0.95, "{ingested} < {expected}");
    assert!(
        (per_scrape - samples as f64).abs() <= samples as f64 * 0.05,
        "{per_scrape} vs {samples}"
    );
    assert!(active >= ENGINES as f64 * per_scrape * 0.95, "{active}");
    // The README's capacity table: series per engine in the store (the
    // engine's own plus vmagent's per-target series) and samples per scrape.
    let per_engine = active / ENGINES as f64;
    eprintln!("series per engine in the store: {per_engine:.0}");
    let readme = capacity::readme_capacity();
    capacity::assert_close(
        "series per engine in the store",
        per_engine,
        capacity::figure(&readme, "series per engine in the store"),
        0.1,
    );
    capacity::assert_close(
        "samples per scrape",
        per_scrape,
        capacity::figure(&readme, "samples per scrape"),
        0.1,
    );
    drop(engines);
}

//! The endpoint cannot be starved or made to exhaust the engine's
//! descriptors: the example exporter runs as its own process with the common
//! limit of 1,024 descriptors, this test opens 2,000 idle connections to it,
//! and a scrape still answers within 100 ms while the process holds a
//! bounded number of descriptors and counts what it dropped.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;

use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use net::{ChildGroup, build_example, free_port};
use velocity_metrics::exporter::DEFAULT_MAX_CONNECTIONS;

const FLOOD: usize = 2_000;

fn open_descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

/// A complete scrape on a fresh connection: (status, body, time taken).
fn timed_scrape(port: u16) -> (u16, String, Duration) {
    let started = Instant::now();
    let (status, body) = net::get(port, "/metrics").unwrap();
    (status, body, started.elapsed())
}

fn dropped(body: &str) -> f64 {
    exposition::parse(body)
        .unwrap()
        .samples
        .iter()
        .filter(|s| s.name == "velocitytrader_endpoint_connections_dropped_total")
        .map(|s| s.value)
        .sum()
}

#[test]
fn two_thousand_idle_connections_neither_starve_a_scrape_nor_exhaust_descriptors() {
    let binary = build_example("exporter");
    let port = free_port();
    let address: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut engine = ChildGroup::spawn(
        Command::new("sh")
            .arg("-c")
            .arg("ulimit -n 1024 && exec \"$0\" \"$@\"")
            .arg(&binary)
            .args(["--port", &port.to_string(), "--duration", "300"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let pid = engine.id();
    let started = Instant::now();
    while !matches!(net::get(port, "/ready"), Ok((200, _))) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "exporter never answered"
        );
        assert!(engine.exited().is_none(), "exporter exited");
        std::thread::sleep(Duration::from_millis(100));
    }
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    assert!(
        limits.lines().any(|l| l.starts_with("Max open files") && l.split_whitespace().nth(3) == Some("1024")),
        "the exporter runs with 1,024 descriptors:\n{limits}"
    );
    let baseline = open_descriptors(pid);

    // The flood: connections that never send a byte, all held open.
    let mut flood = Vec::with_capacity(FLOOD);
    for _ in 0..FLOOD {
        if let Ok(stream) = TcpStream::connect_timeout(&address, Duration::from_secs(2)) {
            flood.push(stream);
        }
    }
    assert!(
        flood.len() > 1_500,
        "only {} connections opened",
        flood.len()
    );

    let mut slowest = Duration::ZERO;
    let mut most_descriptors = 0;
    let mut last_body = String::new();
    for _ in 0..10 {
        let (status, body, took) = timed_scrape(port);
        assert_eq!(status, 200, "a scrape during the flood failed: {body}");
        slowest = slowest.max(took);
        most_descriptors = most_descriptors.max(open_descriptors(pid));
        last_body = body;
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        slowest < Duration::from_millis(100),
        "a scrape took {slowest:?} with {} idle connections open",
        flood.len()
    );
    assert!(
        most_descriptors <= baseline + DEFAULT_MAX_CONNECTIONS + 8,
        "{most_descriptors} descriptors open (before the flood: {baseline}, cap {DEFAULT_MAX_CONNECTIONS})"
    );
    let counted = dropped(&last_body);
    eprintln!(
        "{} idle connections: slowest scrape {slowest:?}, at most {most_descriptors} descriptors \
         (before: {baseline}), {counted} connections dropped and counted",
        flood.len()
    );
    assert!(
        counted >= (flood.len() - DEFAULT_MAX_CONNECTIONS) as f64,
        "{counted} dropped connections counted for {} opened",
        flood.len()
    );
    assert!(engine.exited().is_none(), "the exporter died");
    drop(flood);
    engine.kill();
}

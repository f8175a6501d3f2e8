//! The README's capacity figures are measured, not written by hand: the
//! example exporter as a fleet engine runs it (identity labels on every
//! series), scraped after warm-up as Prometheus and vmagent scrape it (text
//! and gzip), must match the README's table within 10 %, and the 500-engine
//! rows must follow from the per-engine ones. (Series per engine in the
//! store: `tests/fleet_ingestion.rs`.)

#[path = "common/capacity.rs"]
mod capacity;
#[path = "common/net.rs"]
mod net;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use capacity::{assert_close, figure, readme_capacity};
use net::{ChildGroup, build_example, free_port};

/// The body of `GET /metrics`, with `Accept-Encoding: gzip` if asked.
fn scrape(port: u16, gzip: bool) -> Vec<u8> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let encoding = if gzip {
        "Accept-Encoding: gzip\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n{encoding}\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    assert!(
        head.starts_with("http/1.0 200") || head.starts_with("http/1.1 200"),
        "{head}"
    );
    assert_eq!(head.contains("content-encoding: gzip"), gzip, "{head}");
    raw[split + 4..].to_vec()
}

fn samples(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count()
}

#[test]
fn the_readme_capacity_figures_are_the_measured_ones() {
    let binary = build_example("exporter");
    let port = free_port();
    let mut engine = ChildGroup::spawn(
        Command::new(&binary)
            .args(["--port", &port.to_string(), "--duration", "120"])
            .args([
                "--engine",
                "sim-01",
                "--account",
                "acc-01",
                "--mode",
                "live",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    // Warm-up: every label set the simulation produces has appeared once
    // the sample count stops changing.
    let started = Instant::now();
    let mut last = 0;
    loop {
        std::thread::sleep(Duration::from_secs(3));
        assert!(engine.exited().is_none(), "the example exited");
        if TcpStream::connect(("127.0.0.1", port)).is_err() {
            continue;
        }
        let now = samples(&String::from_utf8(scrape(port, false)).unwrap());
        if now == last && started.elapsed() > Duration::from_secs(12) {
            break;
        }
        last = now;
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the sample count never settled"
        );
    }
    let (mut plain, mut gzip, mut count) = (0.0, 0.0, 0.0);
    for _ in 0..3 {
        let text = String::from_utf8(scrape(port, false)).unwrap();
        count += samples(&text) as f64 / 3.0;
        plain += text.len() as f64 / 3.0;
        gzip += scrape(port, true).len() as f64 / 3.0;
    }
    eprintln!(
        "one engine: {count:.0} samples, {plain:.0} bytes per scrape, {gzip:.0} with gzip ({:.1}x smaller)",
        plain / gzip
    );
    let readme = readme_capacity();
    assert_close(
        "samples per scrape",
        count,
        figure(&readme, "samples per scrape"),
        0.1,
    );
    assert_close(
        "bytes per scrape, uncompressed",
        plain,
        figure(&readme, "bytes per scrape, uncompressed"),
        0.1,
    );
    assert_close(
        "bytes per scrape, gzip",
        gzip,
        figure(&readme, "bytes per scrape, gzip"),
        0.1,
    );

    // The 500-engine rows follow from the per-engine ones.
    let series = figure(&readme, "series per engine in the store");
    assert_close(
        "500 engines: active series",
        500.0 * series,
        figure(&readme, "500 engines: active series"),
        0.01,
    );
    assert_close(
        "500 engines: samples per second",
        500.0 * series / 5.0,
        figure(&readme, "500 engines: samples per second (5 s scrapes)"),
        0.01,
    );
    assert_close(
        "500 engines: text per round",
        500.0 * figure(&readme, "bytes per scrape, uncompressed"),
        figure(
            &readme,
            "500 engines: scrape traffic per 5 s round, uncompressed",
        ),
        0.02,
    );
    assert_close(
        "500 engines: gzip per round",
        500.0 * figure(&readme, "bytes per scrape, gzip"),
        figure(&readme, "500 engines: scrape traffic per 5 s round, gzip"),
        0.02,
    );
    engine.kill();
}

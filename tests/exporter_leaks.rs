//! Building and dropping exporters leaks no threads, sockets or ports (one
//! test in this binary, so no other test starts threads meanwhile).

#![cfg(feature = "exporter")]

#[path = "common/net.rs"]
mod net;

use std::net::{SocketAddr, TcpListener};

use velocity_metrics::exporter::ExporterBuilder;
use velocity_metrics::{Agent, Symbol, Timeframe, Trade};

/// Entries of a /proc/self directory (Linux): threads or open descriptors.
fn count(dir: &str) -> usize {
    std::fs::read_dir(dir).expect("Linux /proc").count()
}

#[test]
fn twenty_build_scrape_drop_cycles_leave_no_thread_socket_or_port_behind() {
    let trade = Trade::closed(
        Agent::SNIPER,
        Symbol::new("EURUSD+").unwrap(),
        Timeframe::M5,
        1.0,
    );
    // One cycle first, so lazily created process state exists before counting.
    drop(
        ExporterBuilder::new()
            .listen_address(([127, 0, 0, 1], 0).into())
            .build()
            .unwrap(),
    );
    let threads = count("/proc/self/task");
    let descriptors = count("/proc/self/fd");
    let mut addresses: Vec<SocketAddr> = Vec::new();
    for _ in 0..20 {
        let exporter = ExporterBuilder::new()
            .listen_address(([127, 0, 0, 1], 0).into())
            .build()
            .unwrap();
        exporter.telemetry().record_trade(&trade).unwrap();
        let address = exporter.listen_address().unwrap();
        let (status, _) = net::get(address.port(), "/metrics").unwrap();
        assert_eq!(status, 200);
        addresses.push(address);
    }
    assert_eq!(count("/proc/self/task"), threads, "threads leaked");
    assert_eq!(count("/proc/self/fd"), descriptors, "descriptors leaked");
    for address in addresses {
        TcpListener::bind(address).unwrap_or_else(|e| panic!("{address} still bound: {e}"));
    }
}

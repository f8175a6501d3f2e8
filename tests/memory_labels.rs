//! A dropped telemetry frees everything it learned: label values, slots,
//! handles (one test in this binary, so resident memory is its own).

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusBuilder;
use velocity_metrics::{Agent, Symbol, Telemetry, Timeframe, Trade};

/// Resident set size in bytes, from /proc/self/statm (Linux).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm (Linux)");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

fn cycle(round: usize) {
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    let telemetry = Telemetry::builder().build_with_recorder(recorder);
    for i in 0..256 {
        let symbol = Symbol::new(&format!("R{round}-{i}")).unwrap();
        let agent = Agent::new(&format!("agent-{}-{}", round, i % 32)).unwrap();
        telemetry
            .record_trade(&Trade::closed(agent, symbol, Timeframe::M5, 1.0))
            .unwrap();
    }
    telemetry.publish();
    let _ = handle.render();
}

#[test]
fn memory_after_two_hundred_telemetries_is_within_two_mib_of_after_twenty() {
    for round in 0..20 {
        cycle(round);
    }
    let after_twenty = resident_bytes();
    for round in 20..220 {
        cycle(round);
    }
    let after_two_hundred = resident_bytes();
    let growth = after_two_hundred.saturating_sub(after_twenty);
    println!("RSS after 20 telemetries: {after_twenty} B; after 220: {after_two_hundred} B");
    assert!(
        growth < 2 << 20,
        "{growth} bytes kept by 200 dropped telemetries of 256 symbols and 32 agents each"
    );
}

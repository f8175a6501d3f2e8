//! Resident memory does not grow with the number of trades recorded.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusBuilder;
use velocity_metrics::{Agent, Regime, Symbol, Telemetry, Timeframe, Trade};

/// Resident set size in bytes, from /proc/self/statm (Linux).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm (Linux)");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn resident_memory_after_ten_million_trades_is_within_one_mib_of_after_ten_thousand() {
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    let telemetry = Telemetry::builder().build_with_recorder(recorder);
    let symbols: Vec<Symbol> = (0..30)
        .map(|i| Symbol::new(&format!("MEM{i}")).unwrap())
        .collect();
    let trade = |i: usize| {
        let agent = if i % 2 == 0 {
            Agent::BERSERKER
        } else {
            Agent::SNIPER
        };
        #[allow(clippy::cast_precision_loss)]
        Trade::closed(
            agent,
            symbols[i % 30],
            Timeframe::ALL[i % 4],
            (i % 7) as f64 - 3.0,
        )
        .with_regime(Regime::ALL[i % 4])
        .with_closed_at(1_700_000_000.0 + i as f64)
    };
    let record = |range: std::ops::Range<usize>| {
        for i in range {
            telemetry.record_trade(&trade(i)).unwrap();
            if i % 1000 == 0 {
                #[allow(clippy::cast_precision_loss)]
                telemetry
                    .record_equity(1e4, 1e4 + (i % 977) as f64, 1_700_000_000.0 + i as f64)
                    .unwrap();
            }
        }
        telemetry.publish();
        let _ = handle.render();
    };
    record(0..10_000);
    let after_ten_thousand = resident_bytes();
    record(10_000..10_000_000);
    let after_ten_million = resident_bytes();
    let growth = after_ten_million.saturating_sub(after_ten_thousand);
    println!(
        "RSS after 10k trades: {after_ten_thousand} B; after 10M: {after_ten_million} B; growth {growth} B"
    );
    assert!(growth < 1 << 20, "resident memory grew by {growth} bytes");
}

//! Several threads recording while another publishes: totals are exact.

#[path = "common/exposition.rs"]
mod exposition;

use std::sync::Arc;
use std::thread;

use metrics_exporter_prometheus::PrometheusBuilder;
use velocity_metrics::{Agent, Regime, Symbol, Telemetry, Timeframe, Trade};

#[test]
fn concurrent_recording_and_scraping_keep_totals_exact() {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 20_000;
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    let telemetry = Telemetry::builder().build_with_recorder(recorder);
    let symbols: Vec<Symbol> = (0..8)
        .map(|i| Symbol::new(&format!("S{i}")).unwrap())
        .collect();

    let scraper = {
        let telemetry = telemetry.clone();
        let handle = handle.clone();
        thread::spawn(move || {
            let mut last = 0.0;
            for _ in 0..200 {
                telemetry.publish();
                let s = exposition::parse(&handle.render()).unwrap();
                let now = s.value("velocitytrader_trades_total", &[]).unwrap();
                assert!(now >= last, "counter went backwards: {last} -> {now}");
                last = now;
            }
        })
    };
    let writers: Vec<_> = (0..THREADS)
        .map(|w| {
            let telemetry = telemetry.clone();
            let symbols = symbols.clone();
            thread::spawn(move || {
                let agent = if w % 2 == 0 {
                    Agent::BERSERKER
                } else {
                    Agent::SNIPER
                };
                for i in 0..PER_THREAD {
                    let pnl = if i % 4 == 0 { -1.0 } else { 2.0 };
                    let trade =
                        Trade::closed(agent, symbols[i % symbols.len()], Timeframe::M5, pnl)
                            .with_regime(Regime::ALL[i % 4]);
                    telemetry.record_trade(&trade).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    scraper.join().unwrap();

    telemetry.publish();
    let s = exposition::parse(&handle.render()).unwrap();
    let total = (THREADS * PER_THREAD) as f64;
    assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(total));
    assert_eq!(
        s.value("velocitytrader_trades_losing_total", &[]),
        Some(total / 4.0)
    );
    assert_eq!(
        s.value("velocitytrader_pnl_total", &[]),
        Some(total / 4.0 * 3.0 * 2.0 - total / 4.0)
    );
    let per_agent = (THREADS / 2 * PER_THREAD) as f64;
    assert_eq!(
        s.value("velocitytrader_agent_trades_total", &[("agent", "sniper")]),
        Some(per_agent)
    );
    let by_symbol: f64 = s
        .find("velocitytrader_symbol_trades_total", &[])
        .iter()
        .map(|x| x.value)
        .sum();
    let by_regime: f64 = s
        .find("velocitytrader_regime_trades_total", &[])
        .iter()
        .map(|x| x.value)
        .sum();
    assert_eq!((by_symbol, by_regime), (total, total));
}

//! What a scrape costs the engine in each format the endpoint negotiates,
//! beside the plain-text scrape measured in the same run (BENCHMARKS.md,
//! "Scrape formats"): publish + render as text (the baseline), text with
//! gzip, OpenMetrics, OpenMetrics with gzip (what Prometheus asks for by
//! default), and protobuf with native latency histograms (feature
//! `protobuf`: what Prometheus asks for with native histograms on).
//!
//! `cargo bench --all-features --bench scrape_formats`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use velocity_metrics::exporter::{Exporter, ExporterBuilder};
use velocity_metrics::{Agent, Fill, Regime, RiskDecision, Symbol, Timeframe, Trade};

const OPENMETRICS: &str =
    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
const PROTOBUF: &str = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,text/plain;version=0.0.4;q=0.5";

/// An engine's worth of state: 2 agents × 6 symbols × 4 regimes × 3
/// timeframes of trades, order fills and risk decisions (so the latency
/// histograms have samples across their range).
fn exporter() -> Exporter {
    let exporter = ExporterBuilder::new().build_embedded().unwrap();
    let t = exporter.telemetry();
    for i in 0..6 {
        let symbol = Symbol::new(&format!("BENCH{i}+")).unwrap();
        for agent in [Agent::BERSERKER, Agent::SNIPER] {
            for (j, regime) in Regime::ALL.into_iter().enumerate() {
                for (k, tf) in [Timeframe::M1, Timeframe::M5, Timeframe::H1]
                    .into_iter()
                    .enumerate()
                {
                    let pnl = if (i + j + k) % 3 == 0 { -7.5 } else { 11.25 };
                    t.record_trade(&Trade::closed(agent, symbol, tf, pnl).with_regime(regime))
                        .unwrap();
                }
            }
        }
        for n in 0..200_u32 {
            t.record_order_submitted(symbol);
            let latency = Duration::from_micros(20_000 + u64::from(n % 97) * 800);
            let fill = Fill {
                latency,
                slippage: 0.000_01 * f64::from(n % 7),
                spread: 0.0002,
                partial: false,
            };
            t.record_order_filled(symbol, &fill).unwrap();
            t.record_risk_decision(
                RiskDecision::Approve,
                Duration::from_micros(50 + u64::from(n % 89) * 30),
            );
        }
    }
    exporter
}

fn bench_formats(c: &mut Criterion) {
    let exporter = exporter();
    let mut group = c.benchmark_group("scrape formats");
    let mut cases: Vec<(&str, Option<&str>, Option<&str>)> = vec![
        ("baseline: publish + text", None, None),
        ("publish + text + gzip", None, Some("gzip")),
        ("publish + OpenMetrics", Some(OPENMETRICS), None),
        (
            "publish + OpenMetrics + gzip",
            Some(OPENMETRICS),
            Some("gzip"),
        ),
    ];
    if cfg!(feature = "protobuf") {
        cases.push((
            "publish + protobuf (native histograms)",
            Some(PROTOBUF),
            None,
        ));
        cases.push(("publish + protobuf + gzip", Some(PROTOBUF), Some("gzip")));
    }
    for (name, accept, encoding) in cases {
        let size = exporter.scrape_for(accept, encoding).body.len();
        eprintln!("{name}: {size} bytes");
        group.bench_function(name, |b| {
            b.iter(|| black_box(exporter.scrape_for(accept, encoding)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = bench_formats
}
criterion_main!(benches);

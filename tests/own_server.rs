//! Serving `/metrics` from the engine's own server (`examples/own_server.rs`,
//! axum on a multi-thread runtime) gives exactly the built-in listener's
//! exposition: the same families, types, help text and histogram buckets.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use exposition::Exposition;
use net::{free_port, get};
use velocity_metrics::exporter::ExporterBuilder;
use velocity_metrics::{Agent, PhysicsReading, Regime, Symbol, Timeframe, Trade};

/// Family name → (type, help, sorted `le` bounds of its buckets).
fn shape(s: &Exposition) -> BTreeMap<String, (String, String, BTreeSet<String>)> {
    s.families
        .iter()
        .filter(|(name, _)| name.starts_with("velocitytrader_"))
        .map(|(name, family)| {
            let buckets = s
                .samples
                .iter()
                .filter(|x| x.name == format!("{name}_bucket"))
                .filter_map(|x| x.labels.get("le").cloned())
                .collect();
            let kind = family.kind.clone().unwrap_or_default();
            let help = family.help.clone().unwrap_or_default();
            (name.clone(), (kind, help, buckets))
        })
        .collect()
}

/// What the example records each round, through the built-in listener.
fn built_in_listener_scrape() -> Exposition {
    let exporter = ExporterBuilder::new()
        .listen_address(([127, 0, 0, 1], 0).into())
        .build()
        .unwrap();
    let t = exporter.telemetry();
    let eurusd = Symbol::new("EURUSD+").unwrap();
    t.record_trade(
        &Trade::closed(Agent::SNIPER, eurusd, Timeframe::M5, 6.5)
            .with_regime(Regime::Underdamped)
            .with_duration_secs(90.0),
    )
    .unwrap();
    t.record_trade(
        &Trade::closed(Agent::BERSERKER, eurusd, Timeframe::M5, -4.0)
            .with_regime(Regime::Underdamped),
    )
    .unwrap();
    t.record_equity_now(10_000.0, 10_000.0).unwrap();
    t.record_regime(eurusd, Timeframe::M5, Regime::Underdamped);
    let reading = PhysicsReading {
        energy: 0.4,
        damping_ratio: Some(0.6),
        natural_frequency: Some(0.3),
        ..PhysicsReading::default()
    };
    t.record_physics(eurusd, Timeframe::M5, &reading).unwrap();
    t.record_db_query(Duration::from_millis(3));
    t.record_signal(Agent::SNIPER);
    t.add_ticks(10);
    t.set_mt5_connected(true);
    let port = exporter.listen_address().unwrap().port();
    let (status, body) = get(port, "/metrics").unwrap();
    assert_eq!(status, 200);
    exposition::parse(&body).unwrap()
}

#[test]
fn an_axum_served_endpoint_equals_the_built_in_listener() {
    let port = free_port();
    let _engine = net::spawn_example(
        "own_server",
        &["--port", &port.to_string(), "--duration", "300"],
    );
    let started = Instant::now();
    let served = loop {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "own_server never answered"
        );
        if let Ok((200, body)) = get(port, "/metrics") {
            let s = exposition::parse(&body).unwrap();
            if s.value("velocitytrader_trades_total", &[]).unwrap_or(0.0) >= 2.0 {
                break s;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(get(port, "/health").unwrap(), (200, "ok".to_owned()));
    let built_in = built_in_listener_scrape();
    let (a, mut b) = (shape(&served), shape(&built_in));
    // The built-in listener's own accounting (dropped connections, rejected
    // requests) belongs to that listener; an engine's server has its own.
    b.retain(|name, _| !name.starts_with("velocitytrader_endpoint_"));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "same families"
    );
    assert_eq!(a, b, "same types, help and buckets");
    let (kind, _, buckets) = &a["velocitytrader_db_query_duration_seconds"];
    assert_eq!(kind, "histogram");
    assert_eq!(
        buckets.len(),
        velocity_metrics::exporter::DEFAULT_DB_BUCKETS.len() + 1
    );
}

//! The free functions over the process-wide default (one test: globals are
//! per process).

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;

use std::net::SocketAddr;
use std::time::Duration;

use velocity_metrics::exporter::{ExporterBuilder, ExporterError};
use velocity_metrics::{
    Agent, PhysicsReading, Regime, Severity, Symbol, Timeframe, Trade, record_trade,
};

#[test]
fn free_functions_record_into_the_installed_exporter() {
    let address: SocketAddr = ([127, 0, 0, 1], net::free_port()).into();
    let exporter = ExporterBuilder::new()
        .listen_address(address)
        .install()
        .expect("first install");
    let second: SocketAddr = ([127, 0, 0, 1], net::free_port()).into();
    assert!(matches!(
        ExporterBuilder::new().listen_address(second).install(),
        Err(ExporterError::AlreadyInstalled { .. })
    ));

    let eurusd = Symbol::new("EURUSD+").unwrap();
    record_trade(&Trade::closed(
        Agent::BERSERKER,
        eurusd,
        Timeframe::M5,
        12.0,
    ))
    .unwrap();
    velocity_metrics::record_regime(eurusd, Timeframe::M5, Regime::Overdamped);
    velocity_metrics::record_physics(
        eurusd,
        Timeframe::M5,
        &PhysicsReading {
            energy: 1.0,
            ..PhysicsReading::default()
        },
    )
    .unwrap();
    velocity_metrics::record_error(Severity::High);
    velocity_metrics::set_mt5_connected(true);
    velocity_metrics::record_db_query(Duration::from_millis(3));
    assert!(velocity_metrics::record_equity(f64::NAN, 1.0, 0.0).is_err());

    let scrape = exposition::parse(&exporter.render()).unwrap();
    assert_eq!(
        scrape.value("velocitytrader_agent_pnl_total", &[("agent", "berserker")]),
        Some(12.0)
    );
    assert_eq!(
        scrape.value("velocitytrader_regime_current", &[("symbol", "EURUSD+")]),
        Some(4.0)
    );
    assert_eq!(
        scrape.value("velocitytrader_errors_total", &[("severity", "high")]),
        Some(1.0)
    );
    assert_eq!(
        scrape.value("velocitytrader_mt5_connection", &[]),
        Some(1.0)
    );
    assert_eq!(
        scrape.value("velocitytrader_db_query_duration_seconds_count", &[]),
        Some(1.0)
    );
    assert_eq!(
        scrape.value(
            "velocitytrader_rejected_events_total",
            &[("reason", "not_finite")]
        ),
        Some(1.0)
    );

    let (status, body) = net::get(address.port(), "/metrics").unwrap();
    assert_eq!(status, 200);
    let served = exposition::parse(&body).unwrap();
    assert_eq!(served.value("velocitytrader_trades_total", &[]), Some(1.0));
}

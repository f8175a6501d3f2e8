//! The HTTP endpoint: serving, busy ports, configuration errors.

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use net::{free_port, get};
use velocity_metrics::exporter::{ExporterBuilder, ExporterError};
use velocity_metrics::{Agent, Symbol, Timeframe, Trade};

#[test]
fn serves_metrics_with_global_labels() {
    let address: SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let exporter = ExporterBuilder::new()
        .listen_address(address)
        .global_label("account", "demo-1")
        .publish_interval(Duration::from_millis(20))
        .build()
        .unwrap();
    let symbol = Symbol::new("EURUSD+").unwrap();
    exporter
        .telemetry()
        .record_trade(&Trade::closed(Agent::SNIPER, symbol, Timeframe::M5, 5.0))
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let (status, body) = get(address.port(), "/metrics").unwrap();
    assert_eq!(status, 200, "{body}");
    let scrape = exposition::parse(&body).unwrap();
    assert_eq!(
        scrape.value("velocitytrader_trades_total", &[("account", "demo-1")]),
        Some(1.0)
    );
    assert_eq!(
        scrape.value(
            "velocitytrader_agent_pnl_total",
            &[("agent", "sniper"), ("account", "demo-1")]
        ),
        Some(5.0)
    );
    let rendered = exposition::parse(&exporter.render()).unwrap();
    assert_eq!(
        rendered.value("velocitytrader_trades_total", &[]),
        Some(1.0)
    );
}

#[test]
fn busy_port_is_a_typed_error_naming_the_address() {
    let holder = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = holder.local_addr().unwrap();
    let error = ExporterBuilder::new()
        .listen_address(address)
        .build()
        .unwrap_err();
    assert!(
        matches!(error, ExporterError::AddressInUse { address: a } if a == address),
        "{error:?}"
    );
    assert!(error.to_string().contains(&address.to_string()));
}

#[test]
fn configuration_errors_are_typed() {
    assert!(matches!(
        ExporterBuilder::new().allow_client("not-an-ip"),
        Err(ExporterError::InvalidAllowList { .. })
    ));
    assert!(ExporterBuilder::new().allow_client("10.0.0.0/8").is_ok());
    assert!(matches!(
        ExporterBuilder::new().db_buckets(&[]),
        Err(ExporterError::InvalidBuckets(_))
    ));
    assert!(matches!(
        ExporterBuilder::new().db_buckets(&[0.1, 0.05]),
        Err(ExporterError::InvalidBuckets(_))
    ));
    assert!(matches!(
        ExporterBuilder::new().db_buckets(&[f64::NAN]),
        Err(ExporterError::InvalidBuckets(_))
    ));
}

#[test]
fn clients_outside_the_allow_list_are_refused() {
    let address: SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let _exporter = ExporterBuilder::new()
        .listen_address(address)
        .allow_client("10.1.2.0/24")
        .unwrap()
        .build()
        .unwrap();
    let (status, _) = get(address.port(), "/metrics").unwrap();
    assert_eq!(status, 403);
}

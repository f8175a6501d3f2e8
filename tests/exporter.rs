//! The owned HTTP endpoint (`ExporterBuilder::build`): serving, readiness,
//! shutdown, several telemetries, panics in publish, configuration errors.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use net::get;
use velocity_metrics::exporter::{ExporterBuilder, ExporterError};
use velocity_metrics::{Agent, LabelError, Symbol, Telemetry, Timeframe, Trade};

fn loopback_any_port() -> SocketAddr {
    ([127, 0, 0, 1], 0).into()
}

fn port_of(exporter: &velocity_metrics::exporter::Exporter) -> u16 {
    exporter.listen_address().expect("a listener").port()
}

fn trade(pnl: f64) -> Trade {
    Trade::closed(
        Agent::SNIPER,
        Symbol::new("EURUSD+").unwrap(),
        Timeframe::M5,
        pnl,
    )
}

fn scrape(port: u16) -> exposition::Exposition {
    let (status, body) = get(port, "/metrics").unwrap();
    assert_eq!(status, 200, "{body}");
    exposition::parse(&body).unwrap()
}

#[test]
fn port_zero_reports_the_bound_port_and_serves_global_labels() {
    let exporter = ExporterBuilder::new()
        .listen_address(loopback_any_port())
        .global_label("region", "eu-1")
        .unwrap()
        .build()
        .unwrap();
    let port = port_of(&exporter);
    assert_ne!(port, 0);
    exporter.telemetry().record_trade(&trade(5.0)).unwrap();
    let s = scrape(port);
    assert_eq!(
        s.value("velocitytrader_trades_total", &[("region", "eu-1")]),
        Some(1.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_agent_pnl_total",
            &[("agent", "sniper"), ("region", "eu-1")]
        ),
        Some(5.0)
    );
}

#[test]
fn every_scrape_shows_what_was_recorded_before_it() {
    let exporter = ExporterBuilder::new()
        .listen_address(loopback_any_port())
        .build()
        .unwrap();
    let port = port_of(&exporter);
    for n in 1..=20 {
        exporter.telemetry().record_trade(&trade(1.0)).unwrap();
        let s = scrape(port);
        assert_eq!(
            s.value("velocitytrader_trades_total", &[]),
            Some(f64::from(n))
        );
        assert_eq!(s.value("velocitytrader_win_rate", &[]), Some(100.0));
    }
    // Profit factor with no losses is +Inf, spelled as the format says.
    let (_, body) = get(port, "/metrics").unwrap();
    assert!(
        body.contains("velocitytrader_profit_factor +Inf\n"),
        "{body}"
    );
}

#[test]
fn shutdown_stops_serving_and_frees_the_port_at_once() {
    let exporter = ExporterBuilder::new()
        .listen_address(loopback_any_port())
        .build()
        .unwrap();
    let address = exporter.listen_address().unwrap();
    assert_eq!(get(address.port(), "/metrics").unwrap().0, 200);
    let started = Instant::now();
    exporter.shutdown();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(!exporter.is_running());
    assert!(TcpStream::connect(address).is_err(), "still accepting");
    TcpListener::bind(address).expect("port released");
    exporter.shutdown(); // idempotent
    exporter.telemetry().record_trade(&trade(2.0)).unwrap();
    assert!(exporter.render().contains("velocitytrader_trades_total 1"));
}

#[test]
fn dropping_frees_the_port_for_the_next_exporter() {
    let first = ExporterBuilder::new()
        .listen_address(loopback_any_port())
        .build()
        .unwrap();
    let address = first.listen_address().unwrap();
    drop(first);
    let second = ExporterBuilder::new()
        .listen_address(address)
        .build()
        .expect("the same address right after the drop");
    assert_eq!(second.listen_address(), Some(address));
}

#[test]
fn an_unready_exporter_answers_503_until_set_ready() {
    let exporter = ExporterBuilder::new()
        .listen_address(loopback_any_port())
        .start_unready()
        .build()
        .unwrap();
    let port = port_of(&exporter);
    exporter.telemetry().record_trade(&trade(1.0)).unwrap();
    let (status, body) = get(port, "/metrics").unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(!body.contains("velocitytrader_"), "{body}");
    assert_eq!(get(port, "/ready").unwrap().0, 503);
    assert_eq!(exporter.scrape().status, 503);
    exporter.set_ready();
    assert_eq!(get(port, "/ready").unwrap().0, 200);
    assert_eq!(
        scrape(port).value("velocitytrader_trades_total", &[]),
        Some(1.0)
    );
    assert_eq!(get(port, "/nope").unwrap().0, 404);
    assert_eq!(net::http(port, "POST", "/metrics", "").unwrap().0, 405);
}

#[test]
fn two_accounts_on_one_endpoint_have_distinct_series() {
    let exporter = ExporterBuilder::new()
        .listen_address(loopback_any_port())
        .telemetry(Telemetry::builder().label("account", "a").unwrap())
        .build()
        .unwrap();
    let b = exporter
        .add_telemetry(Telemetry::builder().label("account", "b").unwrap())
        .unwrap();
    exporter.telemetry().record_trade(&trade(1.0)).unwrap();
    for _ in 0..3 {
        b.record_trade(&trade(-1.0)).unwrap();
    }
    let port = port_of(&exporter);
    for _ in 0..5 {
        let s = scrape(port);
        assert_eq!(
            s.value("velocitytrader_trades_total", &[("account", "a")]),
            Some(1.0)
        );
        assert_eq!(
            s.value("velocitytrader_trades_total", &[("account", "b")]),
            Some(3.0)
        );
    }
    assert!(matches!(
        exporter.add_telemetry(Telemetry::builder().label("account", "b").unwrap()),
        Err(ExporterError::DuplicateTelemetry { .. })
    ));
}

#[test]
fn a_panic_in_publish_is_counted_and_publishing_goes_on() {
    let exporter = ExporterBuilder::new()
        .listen_address(loopback_any_port())
        .build()
        .unwrap();
    exporter
        .telemetry()
        .on_publish(|_| panic!("a buggy publish hook"));
    let port = port_of(&exporter);
    for n in 1..=3 {
        exporter.telemetry().record_trade(&trade(1.0)).unwrap();
        let s = scrape(port);
        assert_eq!(
            s.value("velocitytrader_trades_total", &[]),
            Some(f64::from(n))
        );
        assert_eq!(
            s.value(
                "velocitytrader_publish_failures_total",
                &[("stage", "hook")]
            ),
            Some(f64::from(n))
        );
        assert_eq!(
            s.value(
                "velocitytrader_publish_failures_total",
                &[("stage", "trades")]
            ),
            Some(0.0)
        );
    }
}

#[test]
fn db_latency_is_a_histogram_with_the_catalogue_buckets() {
    let exporter = ExporterBuilder::new().build_embedded().unwrap();
    exporter
        .telemetry()
        .record_db_query(Duration::from_millis(3));
    let text = exporter.render();
    assert!(
        text.contains("# TYPE velocitytrader_db_query_duration_seconds histogram"),
        "{text}"
    );
    let s = exposition::parse(&text).unwrap();
    assert_eq!(
        s.value(
            "velocitytrader_db_query_duration_seconds_bucket",
            &[("le", "0.005")]
        ),
        Some(1.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_db_query_duration_seconds_bucket",
            &[("le", "0.0025")]
        ),
        Some(0.0)
    );
    assert!(exporter.listen_address().is_none());
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
    assert!(ExporterBuilder::new().allow_client("::1").is_ok());
    for bounds in [&[][..], &[0.1, 0.05], &[f64::NAN]] {
        assert!(matches!(
            ExporterBuilder::new().db_buckets(bounds),
            Err(ExporterError::InvalidBuckets(_))
        ));
    }
    assert!(matches!(
        ExporterBuilder::new().global_label("bad-key", "x"),
        Err(ExporterError::InvalidLabel(LabelError::InvalidName { .. }))
    ));
    assert!(matches!(
        ExporterBuilder::new().global_label("instance", "x"),
        Err(ExporterError::InvalidLabel(LabelError::ReservedName { .. }))
    ));
    assert!(matches!(
        ExporterBuilder::new().global_label("account", &"x".repeat(5000)),
        Err(ExporterError::InvalidLabel(LabelError::TooLong { .. }))
    ));
    let clash = ExporterBuilder::new()
        .global_label("account", "a")
        .unwrap()
        .telemetry(Telemetry::builder().label("account", "b").unwrap())
        .build_embedded();
    assert!(matches!(clash, Err(ExporterError::LabelClash { .. })));
}

#[test]
fn clients_outside_the_allow_list_are_refused() {
    let exporter = ExporterBuilder::new()
        .listen_address(loopback_any_port())
        .allow_client("10.1.2.0/24")
        .unwrap()
        .build()
        .unwrap();
    let (status, body) = get(port_of(&exporter), "/metrics").unwrap();
    assert_eq!(status, 403);
    assert!(!body.contains("velocitytrader_"));
}

#[test]
fn the_fleet_identity_labels_every_series_and_build_info_names_both_builds() {
    use velocity_metrics::{EngineIdentity, Mode};
    let identity = EngineIdentity::new("ams-01")
        .unwrap()
        .account("acc-1")
        .unwrap()
        .mode(Mode::Paper)
        .engine_version("2.4.1")
        .unwrap();
    let exporter = ExporterBuilder::new()
        .identity(&identity)
        .unwrap()
        .build_embedded()
        .unwrap();
    exporter.telemetry().record_trade(&trade(1.0)).unwrap();
    let s = exposition::parse(&exporter.render()).unwrap();
    let id = [
        ("engine", "ams-01"),
        ("account", "acc-1"),
        ("mode", "paper"),
    ];
    assert_eq!(s.value("velocitytrader_trades_total", &id), Some(1.0));
    for sample in &s.samples {
        for (name, value) in id {
            assert_eq!(
                sample.labels.get(name).map(String::as_str),
                Some(value),
                "{sample:?}"
            );
        }
    }
    assert_eq!(
        s.value(
            "velocitytrader_build_info",
            &[
                ("version", env!("CARGO_PKG_VERSION")),
                ("engine_version", "2.4.1")
            ]
        ),
        Some(1.0)
    );
    assert!(matches!(
        ExporterBuilder::new()
            .global_label("engine", "x")
            .unwrap()
            .identity(&identity),
        Err(ExporterError::InvalidLabel(
            LabelError::DuplicateName { .. }
        ))
    ));
}

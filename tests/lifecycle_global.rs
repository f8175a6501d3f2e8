//! The process-wide exporter (`install`) and the free functions, each case
//! in a process of its own: the global `metrics` recorder and the default
//! telemetry can be set once per process, exactly as in an engine.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;

use std::net::{SocketAddr, TcpListener};
use std::process::Command;
use std::time::Duration;

use net::{free_port, get};
use velocity_metrics::exporter::{ExporterBuilder, ExporterError};
use velocity_metrics::{Agent, Symbol, Telemetry, Timeframe, Trade, record_trade};

const SCENARIO_ENV: &str = "VELOCITY_METRICS_SCENARIO";

/// Runs `scenario` in a child process (this test binary, filtered to the
/// calling test), or runs it directly when this is that child.
fn in_own_process(name: &str, scenario: impl FnOnce()) {
    if std::env::var(SCENARIO_ENV).as_deref() == Ok(name) {
        scenario();
        return;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(SCENARIO_ENV, name)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "scenario {name} failed in its own process:\n{stdout}\n{stderr}"
    );
}

fn loopback(port: u16) -> SocketAddr {
    ([127, 0, 0, 1], port).into()
}

fn trade(pnl: f64) -> Trade {
    Trade::closed(
        Agent::BERSERKER,
        Symbol::new("EURUSD+").unwrap(),
        Timeframe::M5,
        pnl,
    )
}

fn trades_served(port: u16) -> Option<f64> {
    let (status, body) = get(port, "/metrics").ok()?;
    assert_eq!(status, 200, "{body}");
    exposition::parse(&body)
        .unwrap()
        .value("velocitytrader_trades_total", &[])
}

#[test]
fn install_serves_and_publishes_after_the_reference_is_dropped() {
    in_own_process(
        "install_serves_and_publishes_after_the_reference_is_dropped",
        || {
            let port = free_port();
            let _ = ExporterBuilder::new()
                .listen_address(loopback(port))
                .install()
                .unwrap();
            for n in 1..=5 {
                record_trade(&trade(1.0)).unwrap();
                std::thread::sleep(Duration::from_millis(30));
                assert_eq!(trades_served(port), Some(f64::from(n)));
            }
            let (_, body) = get(port, "/metrics").unwrap();
            let uptime = |body: &str| {
                exposition::parse(body)
                    .unwrap()
                    .value("velocitytrader_uptime_seconds", &[])
                    .unwrap()
            };
            let before = uptime(&body);
            std::thread::sleep(Duration::from_millis(1100));
            let after = uptime(&get(port, "/metrics").unwrap().1);
            assert!(after >= before + 1.0, "uptime froze: {before} -> {after}");
        },
    );
}

#[test]
fn free_functions_before_install_are_kept_and_served() {
    in_own_process("free_functions_before_install_are_kept_and_served", || {
        record_trade(&trade(3.0)).unwrap();
        record_trade(&trade(-1.0)).unwrap();
        velocity_metrics::record_error(velocity_metrics::Severity::High);
        let port = free_port();
        let exporter = ExporterBuilder::new()
            .listen_address(loopback(port))
            .install()
            .unwrap();
        assert!(exporter.telemetry().same_as(velocity_metrics::global()));
        record_trade(&trade(1.0)).unwrap();
        let (_, body) = get(port, "/metrics").unwrap();
        let s = exposition::parse(&body).unwrap();
        assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(3.0));
        assert_eq!(s.value("velocitytrader_pnl_total", &[]), Some(3.0));
        assert_eq!(
            s.value("velocitytrader_errors_total", &[("severity", "high")]),
            Some(1.0)
        );
    });
}

#[test]
fn install_that_would_change_an_early_default_refuses_naming_the_first_call() {
    in_own_process(
        "install_that_would_change_an_early_default_refuses_naming_the_first_call",
        || {
            record_trade(&trade(3.0)).unwrap(); // the first use: this line
            let line = line!() - 1;
            let port = free_port();
            let error = ExporterBuilder::new()
                .listen_address(loopback(port))
                .telemetry(Telemetry::builder().starting_balance(10_000.0))
                .install()
                .unwrap_err();
            let ExporterError::DefaultCreatedEarly { first_use, .. } = &error else {
                panic!("{error:?}");
            };
            assert!(
                first_use.file().ends_with("lifecycle_global.rs"),
                "{first_use}"
            );
            assert_eq!(first_use.line(), line, "{error}");
            assert!(error.to_string().contains("before install()"), "{error}");
            TcpListener::bind(loopback(port)).expect("a refused install binds nothing");
            // The same install without changes serves the early trade.
            let exporter = ExporterBuilder::new()
                .listen_address(loopback(port))
                .install()
                .unwrap();
            assert_eq!(trades_served(port), Some(1.0));
            exporter.shutdown();
        },
    );
}

#[test]
fn install_beside_a_foreign_metrics_recorder_refuses_and_binds_nothing() {
    in_own_process(
        "install_beside_a_foreign_metrics_recorder_refuses_and_binds_nothing",
        || {
            let foreign = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
            metrics::set_global_recorder(foreign).unwrap();
            let port = free_port();
            let error = ExporterBuilder::new()
                .listen_address(loopback(port))
                .install()
                .unwrap_err();
            assert!(
                matches!(error, ExporterError::GlobalRecorderTaken),
                "{error:?}"
            );
            assert!(error.to_string().contains("set_global"), "{error}");
            TcpListener::bind(loopback(port)).expect("a refused install binds nothing");
            // The documented way out: an owned exporter as the free functions' default.
            let exporter = ExporterBuilder::new()
                .listen_address(loopback(port))
                .build()
                .unwrap();
            velocity_metrics::set_global(exporter.telemetry().clone()).unwrap();
            record_trade(&trade(2.0)).unwrap();
            assert_eq!(trades_served(port), Some(1.0));
        },
    );
}

#[test]
fn a_second_install_is_refused_naming_the_first() {
    in_own_process("a_second_install_is_refused_naming_the_first", || {
        let first = ExporterBuilder::new()
            .listen_address(loopback(0))
            .install()
            .unwrap();
        let line = line!() - 1;
        let port = free_port();
        let error = ExporterBuilder::new()
            .listen_address(loopback(port))
            .install()
            .unwrap_err();
        let ExporterError::AlreadyInstalled { at } = error else {
            panic!("{error:?}");
        };
        assert_eq!(at.line(), line - 1, "the line of `.install()`");
        TcpListener::bind(loopback(port)).expect("the second install bound nothing");
        assert!(first.listen_address().unwrap().port() != 0);
    });
}

#[test]
fn shutting_down_the_installed_exporter_frees_its_port() {
    in_own_process(
        "shutting_down_the_installed_exporter_frees_its_port",
        || {
            let exporter = ExporterBuilder::new()
                .listen_address(loopback(0))
                .install()
                .unwrap();
            let address = exporter.listen_address().unwrap();
            assert_eq!(get(address.port(), "/metrics").unwrap().0, 200);
            exporter.shutdown();
            TcpListener::bind(address).expect("port released");
            record_trade(&trade(1.0)).unwrap(); // still records, nothing served
            assert!(exporter.render().contains("velocitytrader_trades_total 1"));
        },
    );
}

#[test]
fn the_engines_own_metrics_macros_are_served_too() {
    in_own_process("the_engines_own_metrics_macros_are_served_too", || {
        let exporter = ExporterBuilder::new()
            .listen_address(loopback(0))
            .install()
            .unwrap();
        metrics::counter!("engine_orders_routed_total", "venue" => "mt5").increment(7);
        let port = exporter.listen_address().unwrap().port();
        let (_, body) = get(port, "/metrics").unwrap();
        let s = exposition::parse(&body).unwrap();
        assert_eq!(
            s.value("engine_orders_routed_total", &[("venue", "mt5")]),
            Some(7.0)
        );
    });
}

#[test]
fn install_after_shutdown_says_the_endpoint_cannot_be_restarted() {
    in_own_process(
        "install_after_shutdown_says_the_endpoint_cannot_be_restarted",
        || {
            let exporter = ExporterBuilder::new()
                .listen_address(loopback(0))
                .install()
                .unwrap();
            exporter.shutdown();
            let port = free_port();
            let error = ExporterBuilder::new()
                .listen_address(loopback(port))
                .install()
                .unwrap_err();
            assert!(
                matches!(error, ExporterError::InstalledShutDown { .. }),
                "{error:?}"
            );
            let message = error.to_string();
            assert!(message.contains("cannot be restarted"), "{message}");
            assert!(message.contains("ExporterBuilder::build()"), "{message}");
            TcpListener::bind(loopback(port)).expect("the refused install bound nothing");
            // What the message proposes works.
            let owned = ExporterBuilder::new()
                .listen_address(loopback(port))
                .build()
                .unwrap();
            assert_eq!(get(port, "/metrics").unwrap().0, 200);
            owned.shutdown();
        },
    );
}

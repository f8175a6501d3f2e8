//! Batch mode: a backtest's final state pushed to a Pushgateway under a
//! run-scoped grouping key, failures typed and counted.
#![cfg(feature = "push")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;
#[path = "common/pushgateway.rs"]
mod pushgateway;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use net::{free_port, get};
use velocity_metrics::exporter::{ExporterBuilder, PushError, PushTarget};
use velocity_metrics::{Agent, EngineIdentity, Mode, Symbol, Timeframe, Trade};

fn trade(pnl: f64) -> Trade {
    Trade::closed(
        Agent::SNIPER,
        Symbol::new("EURUSD+").unwrap(),
        Timeframe::M5,
        pnl,
    )
}

fn backtest_builder(engine: &str) -> ExporterBuilder {
    ExporterBuilder::new()
        .identity(&EngineIdentity::new(engine).unwrap().mode(Mode::Backtest))
        .unwrap()
}

/// A plain-HTTP Pushgateway on a free loopback port, stopped when dropped.
fn pushgateway() -> (net::ChildGroup, u16) {
    pushgateway::plain()
}

fn gateway_metrics(port: u16) -> exposition::Exposition {
    let (status, body) = get(port, "/metrics").unwrap();
    assert_eq!(status, 200);
    exposition::parse(&body).unwrap()
}

#[test]
#[ignore = "needs prometheus-pushgateway"]
fn a_one_second_backtest_lands_in_the_pushgateway_with_its_final_state() {
    let (_gateway, port) = pushgateway();
    let run = backtest_builder("bt-1")
        .build_push(
            PushTarget::new(&format!("http://127.0.0.1:{port}"))
                .unwrap()
                .grouping("run_id", "2026-11-26/eurusd #1")
                .unwrap()
                .every(Duration::from_millis(200)),
        )
        .unwrap();
    let started = Instant::now();
    let mut recorded = 0;
    while started.elapsed() < Duration::from_secs(1) {
        run.telemetry().record_trade(&trade(1.0)).unwrap();
        recorded += 1;
        std::thread::sleep(Duration::from_millis(5));
    }
    let report = run.finish().unwrap();
    assert!(report.pushes >= 2, "{report:?}");
    assert_eq!(report.failures, 0);
    let s = gateway_metrics(port);
    let labels = [
        ("job", "velocitytrader_backtest"),
        ("run_id", "2026-11-26/eurusd #1"),
        ("engine", "bt-1"),
        ("mode", "backtest"),
    ];
    assert_eq!(
        s.value("velocitytrader_trades_total", &labels),
        Some(f64::from(recorded)),
        "the final push carries every trade"
    );
    assert_eq!(
        s.value(
            "velocitytrader_push_failures_total",
            &[("reason", "connect")]
        ),
        Some(0.0)
    );
}

#[test]
#[ignore = "needs prometheus-pushgateway"]
fn with_deletion_enabled_the_group_is_gone_after_the_run() {
    let (_gateway, port) = pushgateway();
    let url = format!("http://127.0.0.1:{port}");
    let kept = backtest_builder("bt-kept")
        .build_push(
            PushTarget::new(&url)
                .unwrap()
                .grouping("run_id", "kept")
                .unwrap(),
        )
        .unwrap();
    kept.telemetry().record_trade(&trade(2.0)).unwrap();
    kept.finish().unwrap();
    let run = backtest_builder("bt-deleted")
        .build_push(
            PushTarget::new(&url)
                .unwrap()
                .grouping("run_id", "deleted")
                .unwrap()
                .delete_on_finish(true),
        )
        .unwrap();
    run.telemetry().record_trade(&trade(1.0)).unwrap();
    run.push_now().unwrap();
    let s = gateway_metrics(port);
    assert_eq!(
        s.value("velocitytrader_trades_total", &[("run_id", "deleted")]),
        Some(1.0)
    );
    let report = run.finish().unwrap();
    assert!(report.deleted);
    let s = gateway_metrics(port);
    assert!(
        s.find("velocitytrader_trades_total", &[("run_id", "deleted")])
            .is_empty()
    );
    assert_eq!(
        s.value("velocitytrader_trades_total", &[("run_id", "kept")]),
        Some(1.0)
    );
}

#[test]
#[ignore = "needs prometheus-pushgateway"]
fn a_dropped_run_still_pushes_its_final_state() {
    let (_gateway, port) = pushgateway();
    {
        let run = backtest_builder("bt-dropped")
            .build_push(
                PushTarget::new(&format!("http://127.0.0.1:{port}"))
                    .unwrap()
                    .grouping("run_id", "dropped")
                    .unwrap(),
            )
            .unwrap();
        for _ in 0..3 {
            run.telemetry().record_trade(&trade(-1.0)).unwrap();
        }
    }
    let s = gateway_metrics(port);
    assert_eq!(
        s.value("velocitytrader_trades_total", &[("run_id", "dropped")]),
        Some(3.0)
    );
}

#[test]
fn an_unreachable_pushgateway_is_a_typed_error_and_counted() {
    let port = free_port();
    let run = backtest_builder("bt-unreachable")
        .build_push(
            PushTarget::new(&format!("http://127.0.0.1:{port}"))
                .unwrap()
                .timeout(Duration::from_millis(500)),
        )
        .unwrap();
    run.telemetry().record_trade(&trade(1.0)).unwrap();
    let error = run.push_now().unwrap_err();
    assert!(matches!(error, PushError::Connect { .. }), "{error:?}");
    let s = exposition::parse(&run.exporter().render()).unwrap();
    assert_eq!(
        s.value(
            "velocitytrader_push_failures_total",
            &[("reason", "connect")]
        ),
        Some(1.0)
    );
    assert!(matches!(run.finish(), Err(PushError::Connect { .. })));
}

#[test]
fn a_refused_push_reports_the_status_and_the_gateways_reason() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = vec![0u8; 65_536];
        let n = stream.read(&mut request).unwrap();
        let head = String::from_utf8_lossy(&request[..n]).into_owned();
        stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 31\r\n\r\npushed metrics are inconsistent")
            .unwrap();
        head
    });
    let run = backtest_builder("bt-refused")
        .build_push(
            PushTarget::new(&format!("http://127.0.0.1:{port}/gw"))
                .unwrap()
                .job("nightly")
                .unwrap()
                .grouping("run_id", "r-9")
                .unwrap(),
        )
        .unwrap();
    let error = run.push_now().unwrap_err();
    let head = server.join().unwrap();
    assert!(
        head.starts_with("PUT /gw/metrics/job/nightly/run_id/r-9 HTTP/1.1\r\n"),
        "{head}"
    );
    match &error {
        PushError::Rejected { status, body } => {
            assert_eq!(*status, 400);
            assert!(body.contains("inconsistent"), "{body}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error.reason(), "rejected");
    drop(run); // its final push finds the server gone: counted, not fatal
}

#[test]
fn a_grouping_label_that_is_also_a_global_label_is_refused_up_front() {
    let target = PushTarget::new("http://127.0.0.1:9")
        .unwrap()
        .grouping("engine", "x")
        .unwrap();
    assert!(matches!(
        backtest_builder("bt").build_push(target),
        Err(velocity_metrics::exporter::ExporterError::LabelClash { .. })
    ));
}

#[test]
#[ignore = "needs prometheus-pushgateway"]
fn a_run_grouped_by_its_run_id_pushes_its_run_info_under_the_same_id() {
    let (_gateway, port) = pushgateway();
    let run = backtest_builder("bt-run")
        .build_push(
            PushTarget::new(&format!("http://127.0.0.1:{port}"))
                .unwrap()
                .grouping("run_id", "r-42")
                .unwrap(),
        )
        .unwrap();
    run.telemetry()
        .start_run(&velocity_metrics::RunInfo::new("r-42", "cfg-9f3a").unwrap())
        .unwrap();
    run.telemetry().record_trade(&trade(3.0)).unwrap();
    run.finish().unwrap();
    let s = gateway_metrics(port);
    assert_eq!(
        s.value(
            "velocitytrader_run_info",
            &[
                ("run_id", "r-42"),
                ("config_hash", "cfg-9f3a"),
                ("mode", "backtest")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        s.value("velocitytrader_trades_total", &[("run_id", "r-42")]),
        Some(1.0)
    );
}

/// An engine running its backtest inside its own tokio runtime: pushing
/// (and the final push on drop) neither panics nor needs that runtime.
#[tokio::test(flavor = "current_thread")]
async fn pushing_from_inside_a_tokio_runtime_works() {
    let port = free_port();
    let run = backtest_builder("bt-async")
        .build_push(
            PushTarget::new(&format!("http://127.0.0.1:{port}"))
                .unwrap()
                .timeout(Duration::from_millis(300)),
        )
        .unwrap();
    run.telemetry().record_trade(&trade(1.0)).unwrap();
    let error = run.push_now().unwrap_err();
    assert!(matches!(error, PushError::Connect { .. }), "{error:?}");
    drop(run);
}

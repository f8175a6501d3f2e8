//! A batch run is grouped by its `run_id`, and nothing can silently rewrite
//! it: Pushgateway 1.5.1 replaced a pushed `run_info{run_id="other-run"}`
//! with the group's `run_id="r-two"` and answered 202. Such a push is now
//! refused before anything is sent, typed and counted.
#![cfg(feature = "push")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;
#[path = "common/pushgateway.rs"]
mod pushgateway;

use net::get;
use velocity_metrics::exporter::{ExporterBuilder, ImportTarget, PushError, PushTarget};
use velocity_metrics::{Agent, EngineIdentity, Mode, RunInfo, Symbol, Timeframe, Trade};

fn backtest(url: &str, run_id: &str) -> velocity_metrics::exporter::BatchRun {
    ExporterBuilder::new()
        .identity(
            &EngineIdentity::new("bt-identity")
                .unwrap()
                .mode(Mode::Backtest),
        )
        .unwrap()
        .build_push(
            PushTarget::new(url)
                .unwrap()
                .grouping("run_id", run_id)
                .unwrap(),
        )
        .unwrap()
}

#[test]
#[ignore = "needs prometheus-pushgateway"]
fn a_push_whose_run_id_the_group_would_rewrite_is_refused_before_sending() {
    let (_gateway, port) = pushgateway::plain();
    let run = backtest(&format!("http://127.0.0.1:{port}"), "r-two");
    run.telemetry()
        .start_run(&RunInfo::new("other-run", "cfg-1").unwrap())
        .unwrap();
    run.telemetry()
        .record_trade(&Trade::closed(
            Agent::SNIPER,
            Symbol::new("EURUSD+").unwrap(),
            Timeframe::M5,
            3.0,
        ))
        .unwrap();
    let error = run.push_now().unwrap_err();
    match &error {
        PushError::GroupingConflict {
            label,
            grouping,
            pushed,
        } => assert_eq!(
            (label.as_str(), grouping.as_str(), pushed.as_str()),
            ("run_id", "r-two", "other-run")
        ),
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("start_run"), "{error}");
    let local = exposition::parse(&run.exporter().render()).unwrap();
    assert_eq!(
        local.value(
            "velocitytrader_push_failures_total",
            &[("reason", "config")]
        ),
        Some(1.0)
    );
    assert!(matches!(
        run.finish(),
        Err(PushError::GroupingConflict { .. })
    ));
    // Nothing reached the gateway: no group, no rewritten run_info.
    let (status, body) = get(port, "/metrics").unwrap();
    assert_eq!(status, 200);
    let gateway = exposition::parse(&body).unwrap();
    assert!(
        gateway.find("velocitytrader_run_info", &[]).is_empty(),
        "{body}"
    );
    assert!(gateway.find("velocitytrader_trades_total", &[]).is_empty());
}

#[test]
fn a_store_import_and_a_push_must_name_the_same_run() {
    let push = PushTarget::new("http://127.0.0.1:9")
        .unwrap()
        .grouping("run_id", "r-1")
        .unwrap();
    let import = ImportTarget::new("http://127.0.0.1:9", "r-2").unwrap();
    assert!(matches!(
        push.clone().and_import(import),
        Err(PushError::GroupingConflict { .. })
    ));
    let same = ImportTarget::new("http://127.0.0.1:9", "r-1").unwrap();
    assert!(push.and_import(same).is_ok());
}

#[test]
fn an_import_refuses_series_of_another_run_before_sending() {
    let port = net::free_port(); // nothing listens: a send would fail to connect
    let run = ExporterBuilder::new()
        .build_push(ImportTarget::new(&format!("http://127.0.0.1:{port}"), "r-1").unwrap())
        .unwrap();
    run.telemetry()
        .start_run(&RunInfo::new("r-9", "cfg").unwrap())
        .unwrap();
    assert!(matches!(
        run.checkpoint(1_700_000_000.0),
        Err(PushError::GroupingConflict { .. })
    ));
}

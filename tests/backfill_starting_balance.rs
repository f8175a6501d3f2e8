//! One place for the starting balance: the telemetry. A replay rebuilds the
//! equity curve from it (the first peak), and a replay option that says
//! otherwise is refused before a row is read — on the database of
//! −100 then +50, a balance set in the options alone gave a maximum
//! drawdown of 0 instead of 1 %.
#![cfg(all(feature = "sqlite", feature = "exporter"))]

#[path = "support/engine_db.rs"]
mod engine_db;
#[path = "common/exposition.rs"]
mod exposition;

use std::path::{Path, PathBuf};

use engine_db::CloseRow;
use velocity_metrics::Telemetry;
use velocity_metrics::backfill::{self, BackfillError, ReplayOptions};

const START: f64 = 1_750_000_000.0;

/// The engine's log: a loss of 100, then a win of 50, a day apart.
fn minus_100_then_plus_50(dir: &Path) -> PathBuf {
    let path = dir.join("trading_logs.db");
    let conn = engine_db::create(&path);
    for (i, pnl) in [-100.0, 50.0].into_iter().enumerate() {
        engine_db::insert_close(
            &conn,
            &CloseRow {
                timestamp: START + 86_400.0 * i as f64,
                agent_id: "BERSERKER",
                instrument: "EURUSD+",
                timeframe: "M5",
                pnl,
                trade_duration: 60.0,
                confidence_score: 0.7,
            },
        );
    }
    path
}

fn risk(t: &Telemetry, h: &metrics_exporter_prometheus::PrometheusHandle) -> [Option<f64>; 4] {
    t.publish();
    let s = exposition::parse(&h.render()).unwrap();
    [
        "velocitytrader_max_drawdown",
        "velocitytrader_current_drawdown",
        "velocitytrader_recovery_factor",
        "velocitytrader_trades_total",
    ]
    .map(|name| s.value(name, &[]))
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn the_telemetrys_starting_balance_is_the_first_peak_of_the_rebuilt_curve() {
    let dir = tempfile::tempdir().unwrap();
    let db = minus_100_then_plus_50(dir.path());
    let (t, h) = Telemetry::builder()
        .starting_balance(10_000.0)
        .build_prometheus();
    let report = backfill::replay(&db, &t).unwrap();
    assert!(report.equity_samples >= 2, "{report}");
    let [max, current, recovery, trades] = risk(&t, &h);
    assert!(close(max, 1.0), "max drawdown {max:?}");
    assert!(close(current, 0.5), "current drawdown {current:?}");
    assert!(close(recovery, -0.5), "recovery factor {recovery:?}");
    assert_eq!(trades, Some(2.0));

    // Saying the same balance in the options changes nothing.
    let (same, h2) = Telemetry::builder()
        .starting_balance(10_000.0)
        .build_prometheus();
    let options = ReplayOptions::new().starting_balance(10_000.0);
    backfill::replay_with(&db, &same, options).unwrap();
    assert_eq!(risk(&same, &h2), [max, current, recovery, trades]);
}

#[test]
fn a_balance_in_the_replay_options_alone_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let db = minus_100_then_plus_50(dir.path());
    let (t, h) = Telemetry::builder().build_prometheus();
    let error = backfill::replay_with(&db, &t, ReplayOptions::new().starting_balance(10_000.0))
        .unwrap_err();
    match &error {
        BackfillError::StartingBalanceMismatch { options, telemetry } => {
            assert_eq!((*options, *telemetry), (10_000.0, None));
        }
        other => panic!("{other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains("TelemetryBuilder::starting_balance(10000)"),
        "{message}"
    );
    assert!(message.contains("not set"), "{message}");
    assert_eq!(risk(&t, &h)[3], Some(0.0), "nothing was recorded");

    // Two different balances are refused too, in follow mode as well.
    let (other, _) = Telemetry::builder()
        .starting_balance(5_000.0)
        .build_prometheus();
    let options = ReplayOptions::new().starting_balance(10_000.0);
    assert!(matches!(
        backfill::Follower::start(&db, &other, options),
        Err(BackfillError::StartingBalanceMismatch {
            telemetry: Some(_),
            ..
        })
    ));
}

#[test]
fn without_a_starting_balance_no_equity_is_made_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = minus_100_then_plus_50(dir.path());
    let (t, h) = Telemetry::builder().build_prometheus();
    let report = backfill::replay(&db, &t).unwrap();
    assert_eq!(report.equity_samples, 0);
    let [max, _, recovery, trades] = risk(&t, &h);
    assert_eq!((max, recovery, trades), (None, None, Some(2.0)));
}

//! A backtest at its own time: 30 simulated days of hourly trades, recorded
//! in seconds, written into a real VictoriaMetrics (`victoria-metrics`,
//! loopback, temporary directory, stopped by process id) with each
//! checkpoint's simulated timestamp. `query_range` over the simulated dates
//! gives back every equity sample and trade count at its own timestamp, and
//! a second run with another `run_id` does not mix with the first.
#![cfg(feature = "push")]

#[path = "common/net.rs"]
mod net;
#[path = "common/victoria_metrics.rs"]
mod victoria_metrics;

use std::time::{Duration, Instant};

use net::{get, url_encode};
use velocity_metrics::exporter::{BatchRun, ExporterBuilder, ImportTarget};
use velocity_metrics::{Agent, EngineIdentity, Mode, RunInfo, Symbol, Timeframe, Trade};

const HOUR: f64 = 3_600.0;
const STEPS: usize = 30 * 24;

/// The first simulated hour: 40 days ago, on the hour.
fn first_hour() -> f64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    (now / HOUR).floor() * HOUR - 40.0 * 24.0 * HOUR
}

/// One simulated run: a trade and an equity sample every hour, checkpointed
/// at that hour. Returns the equity expected at each step.
fn backtest(port: u16, run_id: &str, win: f64, loss: f64) -> Vec<f64> {
    let run: BatchRun = ExporterBuilder::new()
        .identity(
            &EngineIdentity::new("bt-runner")
                .unwrap()
                .mode(Mode::Backtest),
        )
        .unwrap()
        .build_push(ImportTarget::new(&format!("http://127.0.0.1:{port}"), run_id).unwrap())
        .unwrap();
    let telemetry = run.telemetry().clone();
    telemetry
        .start_run(&RunInfo::new(run_id, "cfg-1").unwrap())
        .unwrap();
    let eurusd = Symbol::new("EURUSD+").unwrap();
    let start = first_hour();
    let mut balance = 10_000.0;
    let mut equity = Vec::with_capacity(STEPS);
    for step in 0..STEPS {
        let at = start + HOUR * step as f64;
        let pnl = if step % 3 == 2 { loss } else { win };
        let trade = Trade::closed(Agent::SNIPER, eurusd, Timeframe::H1, pnl).with_closed_at(at);
        telemetry.record_trade(&trade).unwrap();
        balance += pnl;
        telemetry.record_equity(balance, balance, at).unwrap();
        run.checkpoint(at).unwrap();
        equity.push(balance);
    }
    let report = run.finish().unwrap();
    assert_eq!(report.failures, 0, "{report:?}");
    assert!(report.imports >= 1, "{report:?}");
    assert!(report.imported_samples >= (STEPS * 2) as u64, "{report:?}");
    equity
}

/// `query_range` of `promql` over the simulated hours: one series' points.
fn query_range(port: u16, promql: &str) -> Vec<(f64, f64)> {
    let start = first_hour();
    let end = start + HOUR * (STEPS - 1) as f64;
    let path = format!(
        "/api/v1/query_range?query={}&start={start}&end={end}&step=3600&nocache=1",
        url_encode(promql)
    );
    let (status, body) = get(port, &path).unwrap();
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let result = json["data"]["result"].as_array().unwrap();
    assert_eq!(
        result.len(),
        1,
        "{promql}: one series, not mixed runs: {body}"
    );
    result[0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|point| {
            let at = point[0].as_f64().unwrap();
            let value: f64 = point[1].as_str().unwrap().parse().unwrap();
            (at, value)
        })
        .collect()
}

#[test]
#[ignore = "needs victoria-metrics"]
fn thirty_simulated_days_land_on_their_own_dates() {
    let dir = tempfile::tempdir().unwrap();
    let (_vm, port) = victoria_metrics::start(dir.path());
    let started = Instant::now();
    let first = backtest(port, "bt-a", 3.0, -4.0);
    let recorded_in = started.elapsed();
    let second = backtest(port, "bt-b", 5.0, -1.0);
    assert!(
        recorded_in < Duration::from_secs(60),
        "30 simulated days took {recorded_in:?}"
    );
    victoria_metrics::settle(port);

    let start = first_hour();
    let deadline = Instant::now() + Duration::from_secs(30);
    for (run_id, equity) in [("bt-a", &first), ("bt-b", &second)] {
        let selector = |name: &str| {
            format!(
                "{name}{{run_id=\"{run_id}\", instance=\"{run_id}\", job=\"velocitytrader_backtest\", engine=\"bt-runner\", mode=\"backtest\"}}"
            )
        };
        let equity_points = loop {
            let points = query_range(port, &selector("velocitytrader_account_equity"));
            if points.len() == STEPS || Instant::now() > deadline {
                break points;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        assert_eq!(equity_points.len(), STEPS, "{run_id}: every hour");
        for (step, (at, value)) in equity_points.iter().enumerate() {
            assert_eq!(*at, start + HOUR * step as f64, "{run_id} step {step}");
            assert_eq!(*value, equity[step], "{run_id} equity at step {step}");
        }
        let trades = query_range(port, &selector("velocitytrader_trades_total"));
        assert_eq!(trades.len(), STEPS);
        for (step, (at, count)) in trades.iter().enumerate() {
            assert_eq!(*at, start + HOUR * step as f64);
            assert_eq!(*count, (step + 1) as f64, "{run_id} trades by step {step}");
        }
        // The run's span, for the dashboards' links to its dates.
        let end = query_range(
            port,
            &selector("velocitytrader_run_simulated_end_timestamp_seconds"),
        );
        assert_eq!(
            end.last().map(|p| p.1),
            Some(start + HOUR * (STEPS - 1) as f64)
        );
    }
    // Nothing at the wall-clock time of the run: the curve is on its dates.
    let (_, now_body) = get(
        port,
        &format!(
            "/api/v1/query?query={}",
            url_encode("velocitytrader_account_equity{run_id=\"bt-a\"}")
        ),
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&now_body).unwrap();
    assert_eq!(
        json["data"]["result"].as_array().map(Vec::len),
        Some(0),
        "{now_body}"
    );
}

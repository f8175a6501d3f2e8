//! The OpenMetrics history file (`backfill::write_openmetrics_file`, the
//! `backfill` example's `--openmetrics-out`) imports into VictoriaMetrics as
//! it is: `POST /api/v1/import/prometheus` takes the OpenMetrics text with
//! its `# EOF`, `# UNIT` lines and timestamps in seconds (1.79 reads them as
//! seconds), and `extra_label` adds the target and identity labels the file
//! does not carry. A historical value is queried back at its own timestamp.
//!
//! ```text
//! cargo test --features sqlite --test vm_history_import -- --include-ignored
//! ```
#![cfg(feature = "sqlite")]

#[path = "support/engine_db.rs"]
mod engine_db;
#[path = "support/history_readback.rs"]
mod history_readback;
#[path = "common/net.rs"]
mod net;
#[path = "common/victoria_metrics.rs"]
mod victoria_metrics;

use std::time::{Duration, Instant};

use net::{get, http, url_encode};
use velocity_metrics::backfill::{self, OpenMetricsOptions};

const STEP_SECS: f64 = 60.0;
/// What the README's import command adds: the target and identity labels.
const EXTRA_LABELS: &str = "extra_label=job=velocitytrader&extra_label=instance=history\
    &extra_label=engine=ams-01&extra_label=account=acc-1&extra_label=mode=live";

/// With the identity labels the import adds, in the selector.
fn labelled(series: &str) -> String {
    let identity = "engine=\"ams-01\", account=\"acc-1\", mode=\"live\", job=\"velocitytrader\"";
    match series.split_once('{') {
        Some((name, rest)) => format!("{name}{{{identity}, {rest}"),
        None => format!("{series}{{{identity}}}"),
    }
}

#[test]
#[ignore = "needs victoria-metrics"]
fn the_openmetrics_history_imports_into_victoriametrics_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let (db, conn, _, rows) = history_readback::recent_engine_database(dir.path());
    drop(conn);
    let history = dir.path().join("history.om");
    let options = OpenMetricsOptions::new(Duration::from_secs(60)).starting_balance(10_000.0);
    let report = backfill::write_openmetrics_file(&db, &history, &options).unwrap();
    let text = std::fs::read_to_string(&history).unwrap();
    assert!(text.ends_with("# EOF\n") && text.contains("# UNIT "));

    let (_vm, port) = victoria_metrics::start(dir.path());

    // The file as it is, in one request.
    let (status, body) = http(
        port,
        "POST",
        &format!("/api/v1/import/prometheus?{EXTRA_LABELS}"),
        &text,
    )
    .unwrap();
    assert_eq!(status, 204, "{body}");
    // Make it searchable now and drop answers cached before the import.
    victoria_metrics::settle(port);

    let (first, last) = report.span.unwrap();
    // Seconds were read as seconds: the first sample sits on the first step.
    let export = format!(
        "/api/v1/export?match[]={}",
        url_encode(&labelled("velocitytrader_trades_total"))
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let exported_json = loop {
        let (_, body) = get(port, &export).unwrap();
        if !body.trim().is_empty() {
            break body;
        }
        assert!(Instant::now() < deadline, "nothing imported");
        std::thread::sleep(Duration::from_millis(200));
    };
    let series: serde_json::Value =
        serde_json::from_str(exported_json.lines().next().unwrap()).unwrap();
    assert_eq!(
        series["timestamps"][0].as_f64(),
        Some(first * 1000.0),
        "{series}"
    );
    assert_eq!(
        series["timestamps"].as_array().unwrap().len() as u64,
        report.steps,
        "one sample per step"
    );

    // A historical value, at its own timestamp, equals the file's.
    let at = first + (((last - first) / STEP_SECS / 2.0).floor() * STEP_SECS);
    let trades_by_then = rows
        .iter()
        .filter(|r| r.timestamp <= at)
        .filter_map(engine_db::expected_trade)
        .count();
    let trades = history_readback::query_at(port, &labelled("velocitytrader_trades_total"), at);
    assert_eq!(trades, trades_by_then as f64, "trades closed by {at}");
    for series in [
        "velocitytrader_pnl_total",
        "velocitytrader_max_drawdown",
        "velocitytrader_account_equity",
        "velocitytrader_agent_trades_total{agent=\"sniper\"}",
        "velocitytrader_symbol_pnl{symbol=\"EURUSD+\"}",
    ] {
        let value = history_readback::query_at(port, &labelled(series), at);
        let expected = history_readback::exported(&text, series, at);
        assert!(
            (value - expected).abs() <= expected.abs() * 1e-12,
            "{series} at {at}: {value} in VictoriaMetrics, {expected} in the file"
        );
    }
    assert_eq!(
        history_readback::query_at(port, &labelled("velocitytrader_trades_total"), last),
        report.replay.trades_recorded() as f64
    );
}

//! End to end with the real tools: the exported history is turned into TSDB
//! blocks by `promtool tsdb create-blocks-from openmetrics`, a real
//! Prometheus is started on those blocks on a loopback port, and a
//! historical value (trade statistics and the learners' cumulative reward,
//! Q-value and exploration rate) is queried back. Fails (does not pass) when the tools
//! are missing. CI installs them with Debian's `prometheus` package.
//!
//! ```text
//! cargo test --features sqlite --test promtool_backfill -- --include-ignored
//! ```
#![cfg(feature = "sqlite")]

#[path = "support/engine_db.rs"]
mod engine_db;

#[path = "support/history_readback.rs"]
mod history_readback;
#[path = "common/net.rs"]
mod net;
#[path = "common/prometheus.rs"]
mod prometheus;

use std::process::Command;
use std::time::Duration;

use prometheus::Prometheus;
use velocity_metrics::backfill::{self, OpenMetricsOptions};

const STEP_SECS: f64 = 60.0;

#[test]
#[ignore = "needs promtool and prometheus (Debian package prometheus)"]
fn promtool_blocks_from_the_history_answer_historical_queries_in_prometheus() {
    let dir = tempfile::tempdir().unwrap();
    let (db, mut conn, start, rows) = history_readback::recent_engine_database(dir.path());
    let rewards = engine_db::sample_rewards(1500, start, 48.0 * 3600.0, 12);
    let rewards = engine_db::insert_rewards(&mut conn, &rewards);
    drop(conn);

    let history = dir.path().join("history.om");
    let options = OpenMetricsOptions::new(Duration::from_secs(60)).starting_balance(10_000.0);
    let report = backfill::write_openmetrics_file(&db, &history, &options).unwrap();
    let text = std::fs::read_to_string(&history).unwrap();

    let data = Prometheus::data(dir.path(), "history");
    let output = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&history)
        .arg(&data)
        .output()
        .expect("`promtool` not found: install Debian's `prometheus` package");
    assert!(
        output.status.success(),
        "promtool rejected the history: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    let prometheus = Prometheus::start(
        dir.path(),
        "history",
        "global:\n  scrape_interval: 1h\n",
        &["--storage.tsdb.retention.time=3650d"],
    );
    let port = prometheus.port;

    let (first, last) = report.span.unwrap();
    let at = first + (((last - first) / STEP_SECS / 2.0).floor() * STEP_SECS);
    let trades_by_then = rows
        .iter()
        .filter(|r| r.timestamp <= at)
        .filter_map(engine_db::expected_trade)
        .count();
    let trades = history_readback::query_at(port, "velocitytrader_trades_total", at);
    assert_eq!(trades, trades_by_then as f64, "trades closed by {at}");
    assert_eq!(
        trades,
        history_readback::exported(&text, "velocitytrader_trades_total", at)
    );
    // The cumulative reward by then: the sum of the immediate rewards, in
    // replay order, as the reader adds them.
    let reward_by_then = rewards
        .iter()
        .filter(|r| r.timestamp <= at)
        .filter_map(engine_db::expected_reward)
        .filter(|(agent, ..)| agent.as_str() == "sniper")
        .fold(0.0, |sum, (_, reward, ..)| sum + reward);
    let cumulative = "velocitytrader_agent_cumulative_reward{agent=\"sniper\"}";
    assert_eq!(
        history_readback::query_at(port, cumulative, at).to_bits(),
        reward_by_then.to_bits(),
        "cumulative reward by {at}"
    );
    for series in [
        "velocitytrader_pnl_total",
        "velocitytrader_max_drawdown",
        "velocitytrader_agent_trades_total{agent=\"sniper\"}",
        "velocitytrader_symbol_pnl{symbol=\"EURUSD+\"}",
        cumulative,
        "velocitytrader_rl_q_value{agent=\"berserker\"}",
        "velocitytrader_rl_exploration_rate{agent=\"sniper\"}",
    ] {
        let value = history_readback::query_at(port, series, at);
        assert_eq!(
            value.to_bits(),
            history_readback::exported(&text, series, at).to_bits(),
            "{series} at {at}"
        );
    }
    assert_eq!(
        history_readback::query_at(port, "velocitytrader_trades_total", last),
        report.replay.trades_recorded() as f64
    );
}

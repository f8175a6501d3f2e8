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

#[path = "common/net.rs"]
mod net;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use net::{ChildGroup, free_port, get, url_encode};
use velocity_metrics::backfill::{self, OpenMetricsOptions};

const STEP_SECS: f64 = 60.0;

/// The value of an instant query at `time`, as Prometheus returns it.
fn query(port: u16, promql: &str, time: f64) -> f64 {
    let path = format!("/api/v1/query?query={}&time={time}", url_encode(promql));
    let (status, body) = get(port, &path).unwrap();
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let result = &json["data"]["result"];
    assert_eq!(
        result.as_array().map(Vec::len),
        Some(1),
        "{promql} at {time}: {body}"
    );
    result[0]["value"][1].as_str().unwrap().parse().unwrap()
}

/// The sample of `series` at `time` in the exported file.
fn exported(text: &str, series: &str, time: f64) -> f64 {
    let suffix = format!(" {time}");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{series} ")) && l.ends_with(&suffix))
        .unwrap_or_else(|| panic!("no {series} sample at {time}"));
    line.split(' ').nth(1).unwrap().parse().unwrap()
}

/// Starts Prometheus (Debian package `prometheus`) on the blocks in `data`.
fn start_prometheus(data: &Path, config: &Path, port: u16) -> ChildGroup {
    let running = ChildGroup::spawn(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--storage.tsdb.retention.time=3650d")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if matches!(get(port, "/-/ready"), Ok((200, _))) {
            return running;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("prometheus did not become ready on port {port}");
}

#[test]
#[ignore = "needs promtool and prometheus (Debian package prometheus)"]
fn promtool_blocks_from_the_history_answer_historical_queries_in_prometheus() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trading_logs.db");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    // Two days of trades ending four hours ago: inside retention, outside the head.
    let start = now - 52.0 * 3600.0;
    let mut conn = engine_db::create(&db);
    let rows = engine_db::sample_trades(3000, start, 48.0 * 3600.0, 11);
    engine_db::insert_all(&mut conn, &rows);
    let rewards = engine_db::sample_rewards(1500, start, 48.0 * 3600.0, 12);
    let rewards = engine_db::insert_rewards(&mut conn, &rewards);
    drop(conn);

    let history = dir.path().join("history.om");
    let options = OpenMetricsOptions::new(Duration::from_secs(60)).starting_balance(10_000.0);
    let report = backfill::write_openmetrics_file(&db, &history, &options).unwrap();
    let text = std::fs::read_to_string(&history).unwrap();

    let data = dir.path().join("data");
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

    let config = dir.path().join("prometheus.yml");
    std::fs::write(&config, "global:\n  scrape_interval: 1h\n").unwrap();
    let port = free_port();
    let _prometheus = start_prometheus(&data, &config, port);

    let (first, last) = report.span.unwrap();
    let at = first + (((last - first) / STEP_SECS / 2.0).floor() * STEP_SECS);
    let trades_by_then = rows
        .iter()
        .filter(|r| r.timestamp <= at)
        .filter_map(engine_db::expected_trade)
        .count();
    let trades = query(port, "velocitytrader_trades_total", at);
    assert_eq!(trades, trades_by_then as f64, "trades closed by {at}");
    assert_eq!(trades, exported(&text, "velocitytrader_trades_total", at));
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
        query(port, cumulative, at).to_bits(),
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
        let value = query(port, series, at);
        assert_eq!(
            value.to_bits(),
            exported(&text, series, at).to_bits(),
            "{series} at {at}"
        );
    }
    assert_eq!(
        query(port, "velocitytrader_trades_total", last),
        report.replay.trades_recorded() as f64
    );
}

//! A recent engine database to export, and reading the history back: an
//! instant query's single value at a time, and a sample of the exported
//! OpenMetrics file. Shared by the tests that load a history into Prometheus
//! and into VictoriaMetrics.
#![allow(dead_code, reason = "each test binary uses a different part")]

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

use super::engine_db;
use super::net::{get, url_encode};

/// Two days of trades ending four hours ago (inside retention, outside a
/// fresh store's head): the database's path, a writable connection for more
/// rows, the first trade's time, and the trades written.
pub fn recent_engine_database(dir: &Path) -> (PathBuf, Connection, f64, Vec<engine_db::CloseRow>) {
    let db = dir.join("trading_logs.db");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let start = now - 52.0 * 3600.0;
    let mut conn = engine_db::create(&db);
    let rows = engine_db::sample_trades(3000, start, 48.0 * 3600.0, 11);
    engine_db::insert_all(&mut conn, &rows);
    (db, conn, start, rows)
}

/// The single value an instant query of `promql` answers at `time` (the
/// Prometheus API, which VictoriaMetrics serves too).
pub fn query_at(port: u16, promql: &str, time: f64) -> f64 {
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
pub fn exported(text: &str, series: &str, time: f64) -> f64 {
    let suffix = format!(" {time}");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{series} ")) && l.ends_with(&suffix))
        .unwrap_or_else(|| panic!("no {series} sample at {time}"));
    line.split(' ').nth(1).unwrap().parse().unwrap()
}

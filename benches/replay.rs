//! Replaying 1,000,000 closed trades from a `trading_logs.db` with the
//! engine's schema, beside the floor: a plain rusqlite scan of the same
//! columns in the same order that only sums the P&L. The `sqlite3` CLI's time
//! for the same query is measured in the same run when it is installed.
//!
//! ```text
//! cargo bench --features sqlite --bench replay
//! ```

#[path = "../tests/support/engine_db.rs"]
mod engine_db;

use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use rusqlite::{Connection, OpenFlags, params};
use velocity_metrics::Telemetry;
use velocity_metrics::backfill;

const ROWS: usize = 1_000_000;
const START: f64 = 1_750_000_000.0;
const FLOOR_SQL: &str = "SELECT timestamp, agent_id, instrument, timeframe, pnl, trade_duration, \
    confidence_score FROM trade_logs WHERE pnl IS NOT NULL ORDER BY timestamp, id";

/// One bulk transaction of engine-like close rows, timestamps shuffled
/// relative to ids so the ORDER BY has work to do.
fn build(path: &Path) {
    let mut conn = engine_db::create(path);
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO trade_logs (timestamp, agent_id, instrument, timeframe, action,
                     entry_price, exit_price, position_size, pnl, mae, mfe, trade_duration,
                     spread_cost, slippage, market_conditions, confidence_score,
                     risk_reward_ratio, win_loss, trade_id, virtual_trade)
                 VALUES (?1, ?2, ?3, 'M5', 'CLOSE', 1.0842, 1.0851, 0.1, ?4, -3.0, 9.0, ?5, 0.2,
                     0.0, '{\"exit_reason\": \"TAKE_PROFIT\"}', 0.0, 3.0, ?6, ?7, 0)",
            )
            .unwrap();
        let mut rng = engine_db::Lcg(42);
        let agents = ["BERSERKER", "SNIPER"];
        let symbols = [
            "EURUSD+", "GBPUSD+", "USDJPY+", "XAUUSD+", "BTCUSD+", "US30+",
        ];
        for i in 0..ROWS {
            let pnl = ((rng.unit() - 0.48) * 200.0 * 100.0).round() / 100.0;
            let ts = START + rng.unit() * 86_400.0 * 365.0;
            insert
                .execute(params![
                    ts,
                    rng.pick(&agents),
                    rng.pick(&symbols),
                    pnl,
                    (rng.unit() * 3600.0).round(),
                    if pnl > 0.0 { "WIN" } else { "LOSS" },
                    format!("T{i}"),
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// The floor: read the same columns in the same order, sum the P&L.
fn floor_scan(path: &Path) -> f64 {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).unwrap();
    let mut stmt = conn.prepare(FLOOR_SQL).unwrap();
    let mut rows = stmt.query([]).unwrap();
    let mut sum = 0.0;
    while let Some(row) = rows.next().unwrap() {
        sum += row.get::<_, f64>(4).unwrap();
    }
    sum
}

fn replay(path: &Path) -> u64 {
    let recorder = Arc::new(metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder());
    let telemetry = Telemetry::builder().build_with_recorder(recorder);
    let report = backfill::replay(path, &telemetry).unwrap();
    telemetry.publish();
    report.trades_recorded()
}

/// Median wall time of `runs` runs of the `sqlite3` CLI on the floor query,
/// output discarded; `None` when the CLI is missing.
fn sqlite3_cli(path: &Path, runs: usize) -> Option<Duration> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let status = Command::new("sqlite3")
            .arg("-readonly")
            .arg(path)
            .arg(FLOOR_SQL)
            .stdout(Stdio::null())
            .status()
            .ok()?;
        times.push(started.elapsed());
        if !status.success() {
            return None;
        }
    }
    times.sort();
    Some(times[times.len() / 2])
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trading_logs.db");
    let started = Instant::now();
    build(&path);
    eprintln!("built {ROWS} rows in {:.1?}", started.elapsed());
    assert_eq!(replay(&path), ROWS as u64);
    match sqlite3_cli(&path, 5) {
        Some(median) => {
            eprintln!("sqlite3 CLI, same query, output to /dev/null: median of 5 runs {median:.1?}")
        }
        None => eprintln!("sqlite3 CLI not installed: no CLI figure"),
    }
    let mut group = c.benchmark_group("replay_1m_trades");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("floor_rusqlite_scan_sum_pnl", |b| {
        b.iter(|| black_box(floor_scan(&path)))
    });
    group.bench_function("backfill_replay", |b| b.iter(|| black_box(replay(&path))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Restart with restore, as the engine's operator runs it: the `backfill`
//! example replays `trading_logs.db` and serves it. A scraper polling every
//! 20 ms from process start must never see `trades_total` below the
//! database's closed trades (Prometheus would take that for a counter reset
//! and count the whole history again).
#![cfg(feature = "sqlite")]

#[path = "support/engine_db.rs"]
mod engine_db;
#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;

use std::time::{Duration, Instant};

use net::{free_port, get};

#[test]
fn a_restoring_exporter_never_serves_fewer_trades_than_the_database_holds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trading_logs.db");
    let mut conn = engine_db::create(&db);
    let rows = engine_db::sample_trades(150_000, 1_750_000_000.0, 86_400.0 * 30.0, 11);
    engine_db::insert_all(&mut conn, &rows);
    drop(conn);
    let closed = rows
        .iter()
        .filter(|r| engine_db::expected_trade(r).is_some())
        .count() as f64;

    let port = free_port();
    let db_arg = db.to_string_lossy().into_owned();
    let _engine = net::spawn_example(
        "backfill",
        &[
            "--db",
            &db_arg,
            "--port",
            &port.to_string(),
            "--starting-balance",
            "10000",
        ],
    );
    let started = Instant::now();
    let (mut refused, mut unready, mut served) = (0u32, 0u32, 0u32);
    while started.elapsed() < Duration::from_secs(300) && served < 50 {
        match get(port, "/metrics") {
            Err(_) => refused += 1,
            Ok((503, _)) => unready += 1,
            Ok((200, body)) => {
                let trades = exposition::parse(&body)
                    .unwrap()
                    .value("velocitytrader_trades_total", &[]);
                assert_eq!(
                    trades,
                    Some(closed),
                    "scrape {served} after {refused} refused and {unready} not-ready answers"
                );
                served += 1;
            }
            Ok((status, body)) => panic!("HTTP {status}: {body}"),
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        served, 50,
        "never became ready ({refused} refused, {unready} not ready)"
    );
    println!("{refused} refused, {unready} not ready, {served} served");
    assert!(
        unready > 0,
        "the restore of {closed} trades was never observed in progress"
    );
}

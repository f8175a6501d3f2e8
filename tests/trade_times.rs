//! Trade and equity times as an engine gets them wrong: a time from a
//! corrupted field, a negative one, milliseconds, a broker's server time
//! hours ahead. Each is refused with a typed error naming the field and the
//! likely mistake, counted, and leaves the daily statistics right; past
//! times (a backtest's) are recorded as they are.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/telemetry.rs"]
mod telemetry;

use std::time::Duration;

use telemetry::{now, scrape};
use velocity_metrics::{Agent, RecordError, RiskLimits, Symbol, Telemetry, Timeframe, Trade};

const DAY: f64 = 86_400.0;

fn trade(pnl: f64) -> Trade {
    Trade::closed(
        Agent::BERSERKER,
        Symbol::new("XAUUSD+").unwrap(),
        Timeframe::M15,
        pnl,
    )
}

fn rejected(s: &exposition::Exposition, reason: &str) -> Option<f64> {
    s.value(
        "velocitytrader_rejected_events_total",
        &[("reason", reason)],
    )
}

#[test]
fn a_corrupt_and_a_negative_close_time_are_refused_and_the_day_stays_right() {
    // The sequence: 10, 5 at 1e300, 7, 3 at -1 gave daily_pnl 17
    // with two trades silently out of the day.
    let (t, h) = Telemetry::builder().build_prometheus();
    t.set_risk_limits(&RiskLimits {
        daily_loss_limit: Some(100.0),
        ..RiskLimits::default()
    })
    .unwrap();
    t.record_trade(&trade(10.0)).unwrap();
    let far = t
        .record_trade(&trade(5.0).with_closed_at(1e300))
        .unwrap_err();
    t.record_trade(&trade(7.0)).unwrap();
    let negative = t
        .record_trade(&trade(3.0).with_closed_at(-1.0))
        .unwrap_err();

    assert!(
        matches!(
            far,
            RecordError::InFuture {
                field: "closed_at",
                ..
            }
        ),
        "{far:?}"
    );
    let message = far.to_string();
    assert!(message.starts_with("closed_at 1e300 is "), "{message}");
    assert!(
        message.len() < 400,
        "a readable message, not 300 digits: {message}"
    );
    assert!(
        matches!(
            negative,
            RecordError::Negative {
                field: "closed_at",
                ..
            }
        ),
        "{negative:?}"
    );

    let s = scrape(&t, &h);
    assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(2.0));
    assert_eq!(s.value("velocitytrader_pnl_total", &[]), Some(17.0));
    assert_eq!(s.value("velocitytrader_daily_pnl", &[]), Some(17.0));
    assert_eq!(rejected(&s, "in_future"), Some(1.0));
    assert_eq!(rejected(&s, "negative"), Some(1.0));
    let last = s
        .value("velocitytrader_last_trade_timestamp_seconds", &[])
        .unwrap();
    assert!((last - now()).abs() < 60.0, "last trade at {last}");
}

#[test]
fn milliseconds_are_named_as_the_likely_mistake() {
    let (t, h) = Telemetry::builder().build_prometheus();
    let now_ms = now() * 1000.0;
    let error = t
        .record_trade(&trade(1.0).with_closed_at(now_ms))
        .unwrap_err();
    assert!(
        matches!(
            error,
            RecordError::TimeUnit {
                field: "closed_at",
                unit: "milliseconds",
                divisor: 1000,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("looks like milliseconds"),
        "{error}"
    );
    let micro = t.record_equity(1e4, 1e4, now() * 1e6).unwrap_err();
    assert!(
        matches!(
            micro,
            RecordError::TimeUnit {
                field: "at",
                unit: "microseconds",
                ..
            }
        ),
        "{micro:?}"
    );
    let s = scrape(&t, &h);
    assert_eq!(rejected(&s, "time_unit"), Some(2.0));
    assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(0.0));
    assert!(s.find("velocitytrader_account_equity", &[]).is_empty());
}

#[test]
fn the_future_tolerance_is_a_setting_with_a_documented_default() {
    let (t, h) = Telemetry::builder().build_prometheus();
    assert_eq!(
        t.config().future_tolerance,
        velocity_metrics::model::DEFAULT_FUTURE_TOLERANCE
    );
    // A broker's server time two hours ahead of UTC is refused by default.
    let server_time = trade(1.0).with_closed_at(now() + 2.0 * 3600.0);
    let error = t.record_trade(&server_time).unwrap_err();
    assert!(
        error.to_string().contains("broker's server time"),
        "{error}"
    );
    // A clock a minute fast is fine.
    t.record_trade(&trade(1.0).with_closed_at(now() + 60.0))
        .unwrap();
    assert_eq!(
        scrape(&t, &h).value("velocitytrader_trades_total", &[]),
        Some(1.0)
    );

    let (wide, _) = Telemetry::builder()
        .future_tolerance(Duration::from_secs(3 * 3600))
        .build_prometheus();
    wide.record_trade(&server_time).unwrap();
    // Never more than a day, whatever is asked.
    let (capped, _) = Telemetry::builder()
        .future_tolerance(Duration::from_secs(30 * 86_400))
        .build_prometheus();
    assert_eq!(
        capped.config().future_tolerance,
        Duration::from_secs(86_400)
    );
    assert!(
        capped
            .record_trade(&trade(1.0).with_closed_at(now() + 3.0 * DAY))
            .is_err()
    );
}

#[test]
fn backtests_record_any_past_date() {
    let (t, h) = Telemetry::builder().build_prometheus();
    for at in [
        0.0,
        157_766_400.0, /* 1975 */
        946_684_800.0,
        now() - 365.0 * DAY,
    ] {
        t.record_trade(&trade(1.0).with_closed_at(at)).unwrap();
        t.record_equity(1e4, 1e4, at).unwrap();
    }
    let s = scrape(&t, &h);
    assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(4.0));
    assert_eq!(rejected(&s, "out_of_order"), Some(0.0));
}

/// Trades from several engine threads, today and up to one day ahead (the
/// most the tolerance allows), mixed with past days: today's P&L and the
/// daily loss limit's use are exactly today's trades.
#[test]
fn todays_pnl_survives_any_order_of_days_the_checks_allow() {
    // A run that straddles midnight UTC would compare two different days:
    // run it again then.
    loop {
        let day = velocity_day(now());
        let (shown, used, expected) = trades_from_four_threads();
        if velocity_day(now()) != day {
            continue;
        }
        assert_eq!(shown, Some(expected));
        assert_eq!(expected, -48.0, "only today's trades are in it");
        let used = used.unwrap();
        assert!((used - 4.8).abs() < 1e-9, "daily loss limit used {used}");
        return;
    }
}

/// Records the sequence from four threads; returns the daily P&L and the
/// daily loss limit's use shown, and today's P&L as recorded.
fn trades_from_four_threads() -> (Option<f64>, Option<f64>, f64) {
    let (t, h) = Telemetry::builder()
        .future_tolerance(Duration::from_secs(86_400))
        .build_prometheus();
    t.set_risk_limits(&RiskLimits {
        daily_loss_limit: Some(1_000.0),
        ..RiskLimits::default()
    })
    .unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let t = t.clone();
            std::thread::spawn(move || {
                let today = now();
                let days = [
                    (-5.0, today),                 // today
                    (100.0, today + DAY),          // tomorrow: the tolerance's edge
                    (1_000.0, today - 3.0 * DAY),  // a late (or backtest) trade
                    (-7.0, today),                 // today again
                    (50.0, today + DAY),           // tomorrow again
                    (2_000.0, today - 10.0 * DAY), // older still
                ];
                let mut today_pnl = 0.0;
                for (pnl, at) in days {
                    t.record_trade(&trade(pnl).with_closed_at(at)).unwrap();
                    if velocity_day(at) == velocity_day(today) {
                        today_pnl += pnl;
                    }
                }
                // Two days ahead is beyond any tolerance: refused, it evicts nothing.
                let ahead = trade(9.0).with_closed_at(today + 2.0 * DAY);
                assert!(t.record_trade(&ahead).is_err());
                today_pnl
            })
        })
        .collect();
    let expected: f64 = threads.into_iter().map(|j| j.join().unwrap()).sum();
    let s = scrape(&t, &h);
    assert_eq!(rejected(&s, "in_future"), Some(4.0));
    (
        s.value("velocitytrader_daily_pnl", &[]),
        s.value("velocitytrader_daily_loss_limit_used", &[]),
        expected,
    )
}

/// The trading day (UTC midnight to midnight, the default) of `at`.
fn velocity_day(at: f64) -> i64 {
    (at / DAY).floor() as i64
}

#[test]
fn numbers_in_every_message_read_as_a_person_writes_them() {
    let (t, _) = Telemetry::builder().build_prometheus();
    let error = t.record_trade(&trade(1e308)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "pnl must be within -1e15..=1e15, got 1e308"
    );
    let error = t
        .record_equity(f64::MAX, 1.0, now())
        .unwrap_err()
        .to_string();
    assert!(error.contains("1.7976931348623157e308"), "{error}");
    assert!(error.len() < 120, "{error}");
}

#[cfg(feature = "sqlite")]
#[path = "support/engine_db.rs"]
mod engine_db;

/// A database row stamped beyond the clock is skipped and counted in the
/// replay's report (its own rule: the row is at fault), not recorded and
/// not counted again as a rejected event.
#[cfg(feature = "sqlite")]
#[test]
fn a_replayed_row_stamped_in_the_future_is_skipped_and_reported() {
    use velocity_metrics::backfill::{self, SkipReason};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trading_logs.db");
    let conn = engine_db::create(&path);
    for (timestamp, pnl) in [
        (now() - DAY, 5.0),
        (now() + 2.0 * DAY, 7.0),
        (now() - 60.0, -2.0),
    ] {
        engine_db::insert_close(
            &conn,
            &engine_db::CloseRow {
                timestamp,
                agent_id: "SNIPER",
                instrument: "EURUSD+",
                timeframe: "M5",
                pnl,
                trade_duration: 30.0,
                confidence_score: 0.6,
            },
        );
    }
    let (t, h) = Telemetry::builder().build_prometheus();
    let report = backfill::replay(&path, &t).unwrap();
    assert_eq!(report.trade_logs.recorded, 2, "{report}");
    assert_eq!(
        report.trade_logs.skipped.get(&SkipReason::OutOfRange {
            column: "timestamp"
        }),
        Some(&1),
        "{report}"
    );
    let s = scrape(&t, &h);
    assert_eq!(s.value("velocitytrader_pnl_total", &[]), Some(3.0));
    assert_eq!(rejected(&s, "in_future"), Some(0.0));
}

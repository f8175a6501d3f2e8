//! Risk engine and circuit breakers through the public API, on parsed scrapes.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/telemetry.rs"]
mod support;

use std::time::Duration;

use support::{now, scrape, telemetry_with};
use velocity_metrics::{
    Agent, BreakerReason, RecordError, RiskDecision, RiskLimits, Role, Symbol, Telemetry,
    Timeframe, Trade,
};

fn sym(name: &str) -> Symbol {
    Symbol::new(name).unwrap()
}

const ADVANCED_GAUGES: &[&str] = &[
    "velocitytrader_circuit_breaker_active",
    "velocitytrader_trading_halted",
    "velocitytrader_risk_budget_used",
    "velocitytrader_risk_budget",
    "velocitytrader_risk_budget_utilization",
    "velocitytrader_risk_score",
    "velocitytrader_daily_loss_limit",
    "velocitytrader_daily_loss_limit_used",
    "velocitytrader_daily_drawdown",
    "velocitytrader_daily_drawdown_limit",
    "velocitytrader_position_count",
    "velocitytrader_max_positions",
    "velocitytrader_max_position_size",
    "velocitytrader_consecutive_losses_limit",
    "velocitytrader_symbol_exposure",
    "velocitytrader_risk_decision_duration_seconds_count",
];

#[test]
fn nothing_is_fabricated_before_the_engine_reports_it() {
    let (t, h) = telemetry_with(Telemetry::builder());
    let s = scrape(&t, &h);
    for name in ADVANCED_GAUGES {
        assert!(s.find(name, &[]).is_empty(), "{name} before any report");
    }
    // An engine knows its day's closed P&L from the start: nothing closed.
    assert_eq!(s.value("velocitytrader_daily_pnl", &[]), Some(0.0));
    // Its trip and decision counters exist at 0 for every value, so
    // `increase()` sees the first trip and the first decision.
    for reason in velocity_metrics::BreakerReason::LABELS {
        let labels = [("reason", *reason)];
        let trips = s.value("velocitytrader_circuit_breaker_trips_total", &labels);
        assert_eq!(trips, Some(0.0), "{reason}");
    }
    for decision in velocity_metrics::RiskDecision::LABELS {
        let labels = [("decision", *decision)];
        let decisions = s.value("velocitytrader_risk_decision_total", &labels);
        assert_eq!(decisions, Some(0.0), "{decision}");
    }
    // A database reader does not, until it has read a trade.
    let (reader, h) = telemetry_with(Telemetry::builder().role(Role::DatabaseReader));
    assert!(
        scrape(&reader, &h)
            .find("velocitytrader_daily_pnl", &[])
            .is_empty()
    );
    reader
        .record_trade(&Trade::closed(
            Agent::SNIPER,
            sym("EURUSD+"),
            Timeframe::M5,
            5.0,
        ))
        .unwrap();
    assert_eq!(
        scrape(&reader, &h).value("velocitytrader_daily_pnl", &[]),
        Some(5.0)
    );
}

#[test]
fn breaker_halt_decisions_budget_score_limits_positions_exposure() {
    let (t, h) = telemetry_with(Telemetry::builder());
    t.reset_circuit_breaker();
    let s = scrape(&t, &h);
    assert_eq!(
        s.value("velocitytrader_circuit_breaker_active", &[]),
        Some(0.0)
    );
    for reason in BreakerReason::ALL {
        let filter = [("reason", reason.as_str())];
        assert_eq!(
            s.value("velocitytrader_circuit_breaker_trips_total", &filter),
            Some(0.0)
        );
    }
    t.trip_circuit_breaker(BreakerReason::Vpin);
    t.trip_circuit_breaker(BreakerReason::Vpin);
    t.trip_circuit_breaker(BreakerReason::DailyLoss);
    t.set_trading_halted(true);
    for (decision, micros) in [
        (RiskDecision::Approve, 40),
        (RiskDecision::Approve, 80),
        (RiskDecision::ReduceSize, 300),
        (RiskDecision::Reject, 2_000),
    ] {
        t.record_risk_decision(decision, Duration::from_micros(micros));
    }
    t.set_risk_budget(25.0, 200.0).unwrap();
    t.set_risk_score(63.5).unwrap();
    t.set_risk_limits(&RiskLimits {
        daily_loss_limit: Some(500.0),
        daily_drawdown_limit_percent: Some(4.0),
        max_positions: Some(6),
        max_position_size: Some(1.5),
        consecutive_losses_limit: Some(5),
    })
    .unwrap();
    t.set_open_positions(3);
    t.set_symbol_exposure(sym("EURUSD+"), 12_500.0).unwrap();
    t.set_symbol_exposure(sym("XAUUSD+"), -3_000.0).unwrap();

    let s = scrape(&t, &h);
    let v = |name: &str| {
        s.value(name, &[])
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert_eq!(v("velocitytrader_circuit_breaker_active"), 1.0);
    let trips = |reason: &str| {
        s.value(
            "velocitytrader_circuit_breaker_trips_total",
            &[("reason", reason)],
        )
        .unwrap()
    };
    assert_eq!(
        (trips("vpin"), trips("daily_loss"), trips("manual")),
        (2.0, 1.0, 0.0)
    );
    assert_eq!(v("velocitytrader_trading_halted"), 1.0);
    let decisions = |d: &str| {
        s.value("velocitytrader_risk_decision_total", &[("decision", d)])
            .unwrap()
    };
    assert_eq!(
        [
            decisions("approve"),
            decisions("reduce_size"),
            decisions("reject"),
            decisions("halt")
        ],
        [2.0, 1.0, 1.0, 0.0]
    );
    assert_eq!(
        v("velocitytrader_risk_decision_duration_seconds_count"),
        4.0
    );
    assert!((v("velocitytrader_risk_decision_duration_seconds_sum") - 0.00242).abs() < 1e-12);
    let le = |bound: &str| {
        s.value(
            "velocitytrader_risk_decision_duration_seconds_bucket",
            &[("le", bound)],
        )
        .unwrap()
    };
    assert_eq!(
        (le("0.00005"), le("0.0001"), le("0.0005"), le("+Inf")),
        (1.0, 2.0, 3.0, 4.0)
    );
    assert_eq!(v("velocitytrader_risk_budget_used"), 25.0);
    assert_eq!(v("velocitytrader_risk_budget"), 200.0);
    assert_eq!(v("velocitytrader_risk_budget_utilization"), 12.5);
    assert_eq!(v("velocitytrader_risk_score"), 63.5);
    assert_eq!(v("velocitytrader_daily_loss_limit"), 500.0);
    assert_eq!(v("velocitytrader_daily_loss_limit_used"), 0.0);
    assert_eq!(v("velocitytrader_daily_drawdown_limit"), 4.0);
    assert_eq!(v("velocitytrader_max_positions"), 6.0);
    assert_eq!(v("velocitytrader_max_position_size"), 1.5);
    assert_eq!(v("velocitytrader_consecutive_losses_limit"), 5.0);
    assert_eq!(v("velocitytrader_position_count"), 3.0);
    let exposure = |symbol: &str| {
        s.value("velocitytrader_symbol_exposure", &[("symbol", symbol)])
            .unwrap()
    };
    assert_eq!(
        (exposure("EURUSD+"), exposure("XAUUSD+")),
        (12_500.0, -3_000.0)
    );

    // A zero budget has no utilisation (the original divided by zero); a
    // limit taken away has no sample any more.
    t.set_risk_budget(0.0, 0.0).unwrap();
    t.set_risk_limits(&RiskLimits::default()).unwrap();
    t.reset_circuit_breaker();
    let s = scrape(&t, &h);
    assert!(
        s.value("velocitytrader_risk_budget_utilization", &[])
            .unwrap()
            .is_nan()
    );
    assert!(
        s.value("velocitytrader_daily_loss_limit", &[])
            .unwrap()
            .is_nan()
    );
    assert!(
        s.value("velocitytrader_daily_loss_limit_used", &[])
            .unwrap()
            .is_nan()
    );
    assert_eq!(
        s.value("velocitytrader_circuit_breaker_active", &[]),
        Some(0.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_circuit_breaker_trips_total",
            &[("reason", "vpin")]
        ),
        Some(2.0)
    );
}

#[test]
fn bad_input_is_refused_named_and_counted() {
    let (t, h) = telemetry_with(Telemetry::builder());
    t.set_risk_score(40.0).unwrap();
    assert!(matches!(
        t.set_risk_score(100.5),
        Err(RecordError::OutOfRange {
            field: "risk_score",
            ..
        })
    ));
    assert!(matches!(
        t.set_risk_budget(f64::NAN, 10.0),
        Err(RecordError::NotFinite {
            field: "risk_budget_used",
            ..
        })
    ));
    assert!(matches!(
        t.set_risk_budget(1.0, -10.0),
        Err(RecordError::OutOfRange {
            field: "risk_budget",
            ..
        })
    ));
    let bad_limits = RiskLimits {
        daily_loss_limit: Some(0.0),
        max_positions: Some(4),
        ..RiskLimits::default()
    };
    assert!(matches!(
        t.set_risk_limits(&bad_limits),
        Err(RecordError::OutOfRange {
            field: "daily_loss_limit",
            ..
        })
    ));
    assert!(matches!(
        t.set_risk_limits(&RiskLimits {
            daily_drawdown_limit_percent: Some(150.0),
            ..RiskLimits::default()
        }),
        Err(RecordError::OutOfRange {
            field: "daily_drawdown_limit_percent",
            ..
        })
    ));
    assert!(matches!(
        t.set_symbol_exposure(sym("EURUSD+"), f64::INFINITY),
        Err(RecordError::NotFinite {
            field: "exposure",
            ..
        })
    ));
    let s = scrape(&t, &h);
    assert_eq!(s.value("velocitytrader_risk_score", &[]), Some(40.0));
    for name in [
        "velocitytrader_risk_budget",
        "velocitytrader_max_positions",
        "velocitytrader_daily_loss_limit",
        "velocitytrader_symbol_exposure",
    ] {
        assert!(s.find(name, &[]).is_empty(), "{name} from refused input");
    }
    let rejected = |reason: &str| {
        s.value(
            "velocitytrader_rejected_events_total",
            &[("reason", reason)],
        )
        .unwrap()
    };
    assert_eq!(
        (rejected("out_of_range"), rejected("not_finite")),
        (4.0, 2.0)
    );
}

#[test]
fn exposure_beyond_the_symbol_limit_is_dropped_and_counted() {
    let (t, h) = telemetry_with(Telemetry::builder().max_symbols(1));
    t.set_symbol_exposure(sym("EURUSD+"), 1.0).unwrap();
    t.set_symbol_exposure(sym("GBPUSD+"), 2.0).unwrap();
    let s = scrape(&t, &h);
    assert_eq!(s.find("velocitytrader_symbol_exposure", &[]).len(), 1);
    assert_eq!(
        s.value(
            "velocitytrader_label_overflow_total",
            &[("label", "symbol")]
        ),
        Some(1.0)
    );
}

/// A telemetry whose trading day began `ago` seconds before `now`.
fn day_started_ago(
    ago: f64,
    role: Role,
) -> (
    Telemetry,
    metrics_exporter_prometheus::PrometheusHandle,
    f64,
) {
    let now = now();
    let boundary = now - ago;
    let offset = boundary.rem_euclid(86_400.0);
    let builder = Telemetry::builder()
        .role(role)
        .trading_day_start(Duration::from_secs_f64(offset));
    let (t, h) = telemetry_with(builder);
    (t, h, boundary)
}

#[test]
fn daily_pnl_counts_the_trades_closed_since_the_configured_day_start() {
    let (t, h, boundary) = day_started_ago(120.0, Role::Engine);
    let trade = |pnl: f64, at: f64| {
        let mut trade = Trade::closed(Agent::BERSERKER, sym("EURUSD+"), Timeframe::M5, pnl);
        trade.closed_at = at;
        trade
    };
    // 23:59 of the previous trading day, then 00:01 and 00:01:30 of this one.
    t.record_trade(&trade(-100.0, boundary - 60.0)).unwrap();
    t.record_trade(&trade(-50.0, boundary + 60.0)).unwrap();
    t.record_trade(&trade(20.0, boundary + 90.0)).unwrap();
    let s = scrape(&t, &h);
    assert_eq!(s.value("velocitytrader_daily_pnl", &[]), Some(-30.0));
    assert_eq!(s.value("velocitytrader_pnl_total", &[]), Some(-130.0));
    assert!(
        s.find("velocitytrader_daily_loss_limit_used", &[])
            .is_empty()
    );
    t.set_risk_limits(&RiskLimits {
        daily_loss_limit: Some(300.0),
        ..RiskLimits::default()
    })
    .unwrap();
    let s = scrape(&t, &h);
    assert_eq!(
        s.value("velocitytrader_daily_loss_limit_used", &[]),
        Some(10.0)
    );
    // A profitable day uses none of the limit.
    t.record_trade(&trade(100.0, boundary + 100.0)).unwrap();
    let s = scrape(&t, &h);
    assert_eq!(s.value("velocitytrader_daily_pnl", &[]), Some(70.0));
    assert_eq!(
        s.value("velocitytrader_daily_loss_limit_used", &[]),
        Some(0.0)
    );
}

#[test]
fn daily_drawdown_uses_the_days_samples_and_the_equity_carried_in() {
    let (t, h, boundary) = day_started_ago(120.0, Role::Engine);
    t.record_equity(10_000.0, 10_000.0, boundary - 120.0)
        .unwrap();
    t.record_equity(10_000.0, 10_500.0, boundary - 60.0)
        .unwrap();
    // The previous day's drawdown does not count once the day has turned,
    // and a new day without a sample yet has none.
    let s = scrape(&t, &h);
    assert_eq!(s.value("velocitytrader_daily_drawdown", &[]), Some(0.0));
    t.record_equity(10_000.0, 10_200.0, boundary + 10.0)
        .unwrap();
    t.record_equity(10_000.0, 10_400.0, boundary + 20.0)
        .unwrap();
    t.record_equity(10_000.0, 10_080.0, boundary + 30.0)
        .unwrap();
    let s = scrape(&t, &h);
    // Peak of the day: 10,500 carried in from the last sample before it.
    let want = (10_500.0 - 10_080.0) / 10_500.0 * 100.0;
    assert!((s.value("velocitytrader_daily_drawdown", &[]).unwrap() - want).abs() < 1e-9);
    // Within a day whose own samples set the peak.
    let (t, h, boundary) = day_started_ago(120.0, Role::Engine);
    t.record_equity(10_000.0, 9_000.0, boundary - 60.0).unwrap();
    t.record_equity(10_000.0, 9_500.0, boundary + 10.0).unwrap();
    t.record_equity(10_000.0, 9_310.0, boundary + 20.0).unwrap();
    let s = scrape(&t, &h);
    assert!((s.value("velocitytrader_daily_drawdown", &[]).unwrap() - 2.0).abs() < 1e-9);
}

#[test]
fn decisions_and_trips_from_several_threads_are_exact() {
    let (t, h) = telemetry_with(Telemetry::builder());
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let t = &t;
            scope.spawn(move || {
                for i in 0..2_500 {
                    let decision = RiskDecision::ALL[(thread + i) % 4];
                    t.record_risk_decision(decision, Duration::from_micros(100));
                    if i % 100 == 0 {
                        t.trip_circuit_breaker(BreakerReason::Drawdown);
                    }
                }
            });
        }
    });
    let s = scrape(&t, &h);
    for decision in RiskDecision::ALL {
        assert_eq!(
            s.value(
                "velocitytrader_risk_decision_total",
                &[("decision", decision.as_str())]
            ),
            Some(2_500.0)
        );
    }
    assert_eq!(
        s.value("velocitytrader_risk_decision_duration_seconds_count", &[]),
        Some(10_000.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_circuit_breaker_trips_total",
            &[("reason", "drawdown")]
        ),
        Some(100.0)
    );
}

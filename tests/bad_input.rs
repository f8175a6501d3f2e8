//! Bad input gets a typed error or a documented, counted fallback; never a
//! panic and never a poisoned statistic.

#[path = "common/exposition.rs"]
mod exposition;

use std::sync::Arc;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use velocity_metrics::telemetry::OVERFLOW_LABEL;
use velocity_metrics::{
    Agent, LabelError, PhysicsReading, RecordError, RlSnapshot, Symbol, Telemetry,
    TelemetryBuilder, Timeframe, Trade,
};

fn telemetry_with(builder: TelemetryBuilder) -> (Telemetry, PrometheusHandle) {
    let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
    let handle = recorder.handle();
    (builder.build_with_recorder(recorder), handle)
}

fn scrape(t: &Telemetry, h: &PrometheusHandle) -> exposition::Exposition {
    t.publish();
    exposition::parse(&h.render()).expect("scrape must parse")
}

fn eurusd(pnl: f64) -> Trade {
    Trade::closed(
        Agent::SNIPER,
        Symbol::new("EURUSD+").unwrap(),
        Timeframe::M5,
        pnl,
    )
}

#[test]
fn amounts_that_would_overflow_an_accumulator_are_refused_and_counted() {
    let (t, h) = telemetry_with(Telemetry::builder());
    t.record_trade(&eurusd(25.0)).unwrap();
    for _ in 0..2 {
        assert!(matches!(
            t.record_trade(&eurusd(1e308)),
            Err(RecordError::OutOfRange { field: "pnl", .. })
        ));
    }
    assert!(matches!(
        t.record_equity(1e308, 1e308, 1.0),
        Err(RecordError::OutOfRange {
            field: "balance",
            ..
        })
    ));
    t.record_trade(&eurusd(velocity_metrics::MAX_ABS_AMOUNT))
        .unwrap();
    let s = scrape(&t, &h);
    for name in [
        "velocitytrader_pnl_total",
        "velocitytrader_gross_profit",
        "velocitytrader_avg_win",
        "velocitytrader_avg_trade_pnl",
    ] {
        let value = s.value(name, &[]).unwrap();
        assert!(value.is_finite(), "{name} = {value}");
    }
    assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(2.0));
    assert_eq!(
        s.value(
            "velocitytrader_rejected_events_total",
            &[("reason", "out_of_range")]
        ),
        Some(3.0)
    );
}

#[test]
fn invalid_numbers_are_refused_counted_and_leave_statistics_exact() {
    let (t, h) = telemetry_with(Telemetry::builder());
    t.record_trade(&eurusd(10.0)).unwrap();
    let refused = [
        eurusd(f64::NAN),
        eurusd(f64::INFINITY),
        eurusd(f64::NEG_INFINITY),
        eurusd(1.0).with_duration_secs(-5.0),
        eurusd(1.0).with_duration_secs(f64::NAN),
        eurusd(1.0).with_confidence(1.01),
        eurusd(1.0).with_confidence(-0.1),
        eurusd(1.0).with_closed_at(f64::NAN),
    ];
    for trade in &refused {
        assert!(t.record_trade(trade).is_err(), "{trade:?} must be refused");
    }
    assert!(matches!(
        t.record_equity(f64::NAN, 1.0, 0.0),
        Err(RecordError::NotFinite {
            field: "balance",
            ..
        })
    ));
    assert!(matches!(
        t.set_risk_exposure(-1.0),
        Err(RecordError::Negative { .. })
    ));
    assert!(matches!(
        t.record_quote(Symbol::new("X").unwrap(), 1.2, 1.1),
        Err(RecordError::OutOfRange { field: "ask", .. })
    ));
    let bad_physics = PhysicsReading {
        energy: -1.0,
        ..PhysicsReading::default()
    };
    assert!(
        t.record_physics(Symbol::new("X").unwrap(), Timeframe::M1, &bad_physics)
            .is_err()
    );
    let bad_rl = RlSnapshot {
        exploration_rate: 1.5,
        ..RlSnapshot::default()
    };
    assert!(t.record_rl(Agent::SNIPER, &bad_rl).is_err());

    let s = scrape(&t, &h);
    assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(1.0));
    assert_eq!(
        s.value("velocitytrader_pnl_total", &[]),
        Some(10.0),
        "no NaN leaked into the sum"
    );
    assert_eq!(
        s.value("velocitytrader_trade_duration_avg_seconds", &[]),
        None,
        "no trade reported a duration: no average, not 0"
    );
    let rejected = |reason| {
        s.value(
            "velocitytrader_rejected_events_total",
            &[("reason", reason)],
        )
        .unwrap()
    };
    assert_eq!(rejected("not_finite"), 6.0);
    assert_eq!(rejected("negative"), 3.0);
    assert_eq!(rejected("out_of_range"), 4.0);
    assert!(s.find("velocitytrader_physics_energy", &[]).is_empty());
    assert!(s.find("velocitytrader_rl_exploration_rate", &[]).is_empty());
}

#[test]
fn hostile_label_values_are_rejected_or_escaped_correctly() {
    assert!(matches!(Symbol::new(""), Err(LabelError::Empty { .. })));
    assert!(matches!(
        Symbol::new("EUR\nUSD"),
        Err(LabelError::ControlCharacter { .. })
    ));
    assert!(matches!(
        Agent::new("bad\0agent"),
        Err(LabelError::ControlCharacter { .. })
    ));
    assert!(matches!(
        Symbol::new(&"A".repeat(1000)),
        Err(LabelError::TooLong { .. })
    ));

    let (t, h) = telemetry_with(Telemetry::builder());
    let nasty = [
        "quote\"d",
        "back\\slash",
        "trail\\",
        "comma,=eq}",
        "üñí©ødé 🚀",
        "{brace\"}",
    ];
    for (i, name) in nasty.iter().enumerate() {
        let symbol = Symbol::new(name).unwrap();
        t.record_trade(&Trade::closed(
            Agent::BERSERKER,
            symbol,
            Timeframe::M1,
            i as f64 + 1.0,
        ))
        .unwrap();
    }
    let s = scrape(&t, &h);
    for (i, name) in nasty.iter().enumerate() {
        assert_eq!(
            s.value("velocitytrader_symbol_pnl", &[("symbol", name)]),
            Some(i as f64 + 1.0),
            "label value {name:?} must round-trip through the exposition format"
        );
    }
}

#[test]
fn ten_thousand_symbols_stay_within_the_cardinality_limit() {
    let (t, h) = telemetry_with(Telemetry::builder().max_symbols(50));
    for i in 0..10_000 {
        let symbol = Symbol::new(&format!("SYM{i}")).unwrap();
        t.record_trade(&Trade::closed(Agent::SNIPER, symbol, Timeframe::M5, 1.0))
            .unwrap();
    }
    let s = scrape(&t, &h);
    let series = s.find("velocitytrader_symbol_trades_total", &[]);
    assert_eq!(series.len(), 51, "50 symbols plus the overflow series");
    assert_eq!(
        s.value(
            "velocitytrader_symbol_trades_total",
            &[("symbol", OVERFLOW_LABEL)]
        ),
        Some(9_950.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_label_overflow_total",
            &[("label", "symbol")]
        ),
        Some(9_950.0)
    );
    assert_eq!(
        series.iter().map(|x| x.value).sum::<f64>(),
        10_000.0,
        "nothing lost"
    );
    assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(10_000.0));
}

#[test]
fn agents_overflow_too() {
    let (t, h) = telemetry_with(Telemetry::builder().max_agents(2));
    for name in ["BERSERKER", "SNIPER", "SHADOW_BERSERKER", "SHADOW_SNIPER"] {
        let agent = Agent::new(name).unwrap();
        t.record_trade(&Trade::closed(
            agent,
            Symbol::new("EURUSD+").unwrap(),
            Timeframe::M5,
            1.0,
        ))
        .unwrap();
    }
    let s = scrape(&t, &h);
    assert_eq!(
        s.value(
            "velocitytrader_agent_trades_total",
            &[("agent", OVERFLOW_LABEL)]
        ),
        Some(2.0)
    );
    assert_eq!(
        s.value("velocitytrader_label_overflow_total", &[("label", "agent")]),
        Some(2.0)
    );
}

#[test]
fn beyond_the_limit_last_value_series_are_dropped_and_counted_not_mixed() {
    let (t, h) = telemetry_with(Telemetry::builder().max_symbols(1).max_agents(1));
    let first = Symbol::new("EURUSD+").unwrap();
    t.record_quote(first, 1.1, 1.2).unwrap();
    let reading = PhysicsReading {
        energy: 1.0,
        ..PhysicsReading::default()
    };
    for (i, name) in ["XAUUSD+", "BTCUSD+", "US30+"].iter().enumerate() {
        let other = Symbol::new(name).unwrap();
        t.record_quote(other, 1000.0 * (i as f64 + 1.0), 1000.5 * (i as f64 + 1.0))
            .unwrap();
        t.record_regime(other, Timeframe::M5, velocity_metrics::Regime::ALL[i]);
        t.record_physics(other, Timeframe::M5, &reading).unwrap();
    }
    t.set_active_positions(Agent::SNIPER, 1);
    t.set_active_positions(Agent::BERSERKER, 9); // second agent: beyond the limit
    t.record_signal(Agent::BERSERKER); // counters still go to the overflow label
    let s = scrape(&t, &h);
    for name in [
        "velocitytrader_symbol_price",
        "velocitytrader_symbol_spread",
        "velocitytrader_regime_current",
        "velocitytrader_regime_changes_total",
        "velocitytrader_physics_energy",
        "velocitytrader_agent_active_positions",
    ] {
        assert!(
            s.find(name, &[("symbol", OVERFLOW_LABEL)]).is_empty()
                && s.find(name, &[("agent", OVERFLOW_LABEL)]).is_empty(),
            "{name} must not mix instruments or agents under {OVERFLOW_LABEL}"
        );
    }
    assert!(
        (s.value("velocitytrader_symbol_price", &[("symbol", "EURUSD+")])
            .unwrap()
            - 1.15)
            .abs()
            < 1e-12
    );
    assert_eq!(
        s.value(
            "velocitytrader_label_overflow_total",
            &[("label", "symbol")]
        ),
        Some(9.0),
        "three updates each of three symbols beyond the limit"
    );
    assert_eq!(
        s.value(
            "velocitytrader_agent_signals_total",
            &[("agent", OVERFLOW_LABEL)]
        ),
        Some(1.0)
    );
}

#[test]
fn label_values_belong_to_each_telemetry_and_never_run_out() {
    // Two hundred thousand distinct symbols across many short-lived
    // telemetries: nothing process-wide fills up, creating values never fails.
    for round in 0..20 {
        let (t, _) = telemetry_with(Telemetry::builder().max_symbols(8));
        for i in 0..10_000 {
            let symbol = Symbol::new(&format!("R{round}S{i}")).unwrap();
            t.record_trade(&Trade::closed(Agent::SNIPER, symbol, Timeframe::M5, 1.0))
                .unwrap();
        }
    }
    assert!(Agent::new("still-creatable").is_ok());
}

#[test]
fn a_database_reader_exports_no_numbers_only_an_engine_has() {
    let (t, h) = telemetry_with(Telemetry::builder().role(velocity_metrics::Role::DatabaseReader));
    t.record_trade(&eurusd(5.0)).unwrap();
    let s = scrape(&t, &h);
    for name in [
        "velocitytrader_ticks_processed_total",
        "velocitytrader_signals_generated_total",
        "velocitytrader_uptime_seconds",
        "velocitytrader_db_query_duration_seconds_count",
        "velocitytrader_db_query_latency_ms",
        "velocitytrader_errors_total",
        "velocitytrader_trade_duration_avg_seconds",
    ] {
        assert!(s.find(name, &[]).is_empty(), "{name} must have no sample");
    }
    assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(1.0));
    // An engine has them from the start: zero ticks is a true zero there.
    let (engine, h) = telemetry_with(Telemetry::builder());
    let s = scrape(&engine, &h);
    assert_eq!(
        s.value("velocitytrader_ticks_processed_total", &[]),
        Some(0.0)
    );
    assert!(s.value("velocitytrader_uptime_seconds", &[]).is_some());
    assert!(
        s.find("velocitytrader_db_query_duration_seconds_count", &[])
            .is_empty()
    );
}

//! Every recorder through the public API, checked on the parsed scrape.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;

use std::sync::Arc;
use std::time::Duration;

use exposition::Exposition;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use velocity_metrics::catalogue::{self, MetricKind};
use velocity_metrics::{
    Agent, PhysicsReading, Regime, RlSnapshot, Severity, Symbol, Telemetry, TelemetryBuilder,
    Timeframe, Trade,
};

fn telemetry_with(builder: TelemetryBuilder) -> (Telemetry, PrometheusHandle) {
    let recorder = Arc::new(
        PrometheusBuilder::new()
            .set_buckets(velocity_metrics::exporter::DEFAULT_DB_BUCKETS)
            .unwrap()
            .build_recorder(),
    );
    let handle = recorder.handle();
    (builder.build_with_recorder(recorder), handle)
}

fn telemetry() -> (Telemetry, PrometheusHandle) {
    telemetry_with(Telemetry::builder())
}

fn scrape(t: &Telemetry, handle: &PrometheusHandle) -> Exposition {
    t.publish();
    exposition::parse(&handle.render()).expect("scrape must parse")
}

fn sym(name: &str) -> Symbol {
    Symbol::new(name).unwrap()
}

fn trade(agent: Agent, symbol: &str, tf: Timeframe, pnl: f64) -> Trade {
    Trade::closed(agent, sym(symbol), tf, pnl)
}

#[test]
fn trading_statistics_and_breakdowns() {
    let (t, h) = telemetry();
    let trades = [
        trade(Agent::BERSERKER, "EURUSD+", Timeframe::M5, 30.0)
            .with_regime(Regime::Chaotic)
            .with_duration_secs(60.0),
        trade(Agent::BERSERKER, "EURUSD+", Timeframe::M5, -10.0)
            .with_regime(Regime::Chaotic)
            .with_duration_secs(120.0),
        trade(Agent::SNIPER, "XAUUSD+", Timeframe::H1, 50.0)
            .with_confidence(0.9)
            .with_duration_secs(300.0),
        trade(Agent::SNIPER, "XAUUSD+", Timeframe::H1, 0.0)
            .with_confidence(0.5)
            .with_duration_secs(0.0),
        trade(Agent::SNIPER, "EURUSD", Timeframe::M5, -20.0)
            .with_regime(Regime::Overdamped)
            .with_duration_secs(20.0),
    ];
    for tr in &trades {
        t.record_trade(tr).unwrap();
    }
    let s = scrape(&t, &h);
    let v = |name: &str| {
        s.value(name, &[])
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert_eq!(v("velocitytrader_trades_total"), 5.0);
    assert_eq!(v("velocitytrader_trades_winning_total"), 2.0);
    assert_eq!(v("velocitytrader_trades_losing_total"), 2.0);
    assert_eq!(v("velocitytrader_trades_breakeven_total"), 1.0);
    assert_eq!(
        v("velocitytrader_win_rate"),
        50.0,
        "breakevens are excluded from the denominator"
    );
    assert_eq!(v("velocitytrader_pnl_total"), 50.0);
    assert_eq!(v("velocitytrader_gross_profit"), 80.0);
    assert_eq!(v("velocitytrader_gross_loss"), 30.0);
    assert!((v("velocitytrader_profit_factor") - 80.0 / 30.0).abs() < 1e-12);
    assert_eq!(v("velocitytrader_avg_trade_pnl"), 10.0);
    assert_eq!(v("velocitytrader_avg_win"), 40.0);
    assert_eq!(v("velocitytrader_avg_loss"), 15.0);
    assert_eq!(v("velocitytrader_largest_win"), 50.0);
    assert_eq!(v("velocitytrader_largest_loss"), 20.0);
    assert_eq!(v("velocitytrader_trade_duration_avg_seconds"), 100.0);
    assert_eq!(v("velocitytrader_consecutive_wins_max"), 1.0);
    assert_eq!(v("velocitytrader_consecutive_losses"), 1.0);

    let agent = |name: &str, a: &str| s.value(name, &[("agent", a)]).unwrap();
    assert_eq!(agent("velocitytrader_agent_trades_total", "berserker"), 2.0);
    assert_eq!(agent("velocitytrader_agent_trades_total", "sniper"), 3.0);
    assert_eq!(agent("velocitytrader_agent_win_rate", "sniper"), 50.0);
    assert_eq!(agent("velocitytrader_agent_pnl_total", "sniper"), 30.0);
    assert!((agent("velocitytrader_agent_avg_confidence", "sniper") - 0.7).abs() < 1e-12);
    assert!(
        s.find(
            "velocitytrader_agent_avg_confidence",
            &[("agent", "berserker")]
        )
        .is_empty(),
        "no confidence reported, so no sample"
    );

    assert_eq!(
        s.value(
            "velocitytrader_symbol_trades_total",
            &[("symbol", "EURUSD+")]
        ),
        Some(2.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_symbol_trades_total",
            &[("symbol", "EURUSD")]
        ),
        Some(1.0),
        "EURUSD and EURUSD+ stay distinct"
    );
    assert_eq!(
        s.value("velocitytrader_symbol_pnl", &[("symbol", "XAUUSD+")]),
        Some(50.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_regime_trades_total",
            &[("regime", "CHAOTIC")]
        ),
        Some(2.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_regime_win_rate",
            &[("regime", "OVERDAMPED")]
        ),
        Some(0.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_regime_trades_total",
            &[("regime", "UNDERDAMPED")]
        ),
        Some(0.0),
        "a regime's counters exist at 0 before its first trade"
    );
    assert!(
        s.find(
            "velocitytrader_regime_win_rate",
            &[("regime", "UNDERDAMPED")]
        )
        .is_empty(),
        "no fake zero: a regime without trades has no win rate"
    );
    assert_eq!(
        s.value(
            "velocitytrader_timeframe_trades_total",
            &[("timeframe", "M5")]
        ),
        Some(3.0)
    );
    assert_eq!(
        s.value("velocitytrader_timeframe_pnl", &[("timeframe", "H1")]),
        Some(50.0)
    );

    // Raw sums re-aggregate exactly: portfolio win rate from per-agent counters.
    let sum = |name: &str| s.find(name, &[]).iter().map(|x| x.value).sum::<f64>();
    let wins = sum("velocitytrader_agent_trades_winning_total");
    let losses = sum("velocitytrader_agent_trades_losing_total");
    assert_eq!(100.0 * wins / (wins + losses), v("velocitytrader_win_rate"));
    assert_eq!(
        sum("velocitytrader_agent_gross_profit") / sum("velocitytrader_agent_gross_loss"),
        v("velocitytrader_profit_factor")
    );
}

#[test]
fn undefined_statistics_have_no_sample_and_infinity_only_where_mathematical() {
    let (t, h) = telemetry();
    let s = scrape(&t, &h);
    for name in [
        "velocitytrader_win_rate",
        "velocitytrader_profit_factor",
        "velocitytrader_largest_win",
        "velocitytrader_sharpe_ratio",
        "velocitytrader_account_equity",
        "velocitytrader_mt5_connection",
        "velocitytrader_regime_current",
    ] {
        assert!(
            s.find(name, &[]).is_empty(),
            "{name} must not be exported before it is defined"
        );
    }
    assert_eq!(
        s.value("velocitytrader_trades_total", &[]),
        Some(0.0),
        "a count of zero is a real zero"
    );

    t.record_trade(&trade(Agent::SNIPER, "EURUSD+", Timeframe::M5, 10.0))
        .unwrap();
    let s = scrape(&t, &h);
    assert_eq!(
        s.value("velocitytrader_profit_factor", &[]),
        Some(f64::INFINITY)
    );
    assert!(s.find("velocitytrader_largest_loss", &[]).is_empty());
    assert!(s.find("velocitytrader_avg_loss", &[]).is_empty());
}

#[test]
fn a_first_sample_at_23h_utc_is_not_a_trading_day() {
    let (t, h) = telemetry_with(Telemetry::builder().starting_balance(10_000.0));
    let day = 86_400.0;
    let midnight = 1_790_000_000.0 - (1_790_000_000.0 % day);
    // The first hour loses 2 %: annualised as a day it would dominate
    // Calmar and VaR. It must not count at all.
    t.record_equity(9_800.0, 9_800.0, midnight - 3600.0)
        .unwrap();
    let closes = [9_800.0, 9_898.0, 9_996.98, 10_046.964_9];
    for (i, c) in closes.iter().enumerate() {
        t.record_equity(*c, *c, midnight + i as f64 * day + 60.0)
            .unwrap();
    }
    let s = scrape(&t, &h);
    let v = |name: &str| s.value(name, &[]).unwrap_or(f64::NAN);
    assert_eq!(v("velocitytrader_return_periods_skipped_total"), 1.0);
    assert_eq!(v("velocitytrader_return_periods_total"), 3.0);
    // Returns of the three complete days: 0, +1 %, +1 %; their numpy-linear
    // 5th percentile is a 0.1 % gain (with the first hour's -2 % it would
    // be a 1.7 % loss).
    assert!(
        (v("velocitytrader_var_95") - -0.1).abs() < 1e-9,
        "VaR from complete days only: {}",
        v("velocitytrader_var_95")
    );
    assert!(
        v("velocitytrader_calmar_ratio") > 0.0,
        "{}",
        v("velocitytrader_calmar_ratio")
    );
    assert!(v("velocitytrader_sharpe_ratio") > 0.0);
}

#[test]
fn equity_curve_drives_time_statistics_like_empyrical() {
    // Daily returns of NautilusTrader's sharpe_ratio.rs vector; Sharpe 4.48998886412873.
    let returns = [0.01, -0.02, 0.015, -0.005, 0.025];
    let (t, h) = telemetry_with(Telemetry::builder().starting_balance(10_000.0));
    let day = 86_400.0;
    let start = 1_790_000_000.0 - (1_790_000_000.0 % day);
    let mut equity: f64 = 10_000.0;
    // The day before: its close is the first return's base (the day itself
    // is partial and gives no return).
    t.record_equity(equity, equity, start - 0.5 * day).unwrap();
    for (i, r) in returns.iter().enumerate() {
        equity *= 1.0 + r;
        t.record_equity(equity, equity, start + (i as f64 + 0.5) * day)
            .unwrap();
    }
    t.record_equity(equity, equity, start + 5.5 * day).unwrap(); // closes the last period
    let s = scrape(&t, &h);
    let v = |name: &str| {
        s.value(name, &[])
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert!(
        (v("velocitytrader_sharpe_ratio") - 4.48998886412873).abs() < 1e-9,
        "{}",
        v("velocitytrader_sharpe_ratio")
    );
    assert_eq!(v("velocitytrader_return_periods_total"), 5.0);
    assert_eq!(v("velocitytrader_return_periods_skipped_total"), 1.0);
    // Peak after day 1 is 10100, trough 10100*0.98 → 2 % drawdown.
    assert!((v("velocitytrader_max_drawdown") - 2.0).abs() < 1e-9);
    assert!(
        (v("velocitytrader_var_95") - 1.7).abs() < 1e-9,
        "numpy-linear 5th percentile of the returns is -0.017"
    );
    assert_eq!(v("velocitytrader_account_equity"), equity);
    assert!(
        v("velocitytrader_current_drawdown").abs() < 1e-9,
        "at a new peak"
    );
    let net = equity - 10_000.0;
    assert!((v("velocitytrader_recovery_factor") - net / (10_100.0 * 0.02)).abs() < 1e-6);

    assert!(
        t.record_equity(1.0, 1.0, start).is_err(),
        "out-of-order sample is refused"
    );
    let s = scrape(&t, &h);
    assert_eq!(
        s.value(
            "velocitytrader_rejected_events_total",
            &[("reason", "out_of_order")]
        ),
        Some(1.0)
    );
    assert_eq!(
        s.value("velocitytrader_account_equity", &[]),
        Some(equity),
        "refused sample changed nothing"
    );
}

#[test]
fn market_agent_rl_and_system_recorders() {
    let (t, h) = telemetry();
    let eurusd = sym("EURUSD+");
    t.record_regime(eurusd, Timeframe::M5, Regime::Underdamped);
    t.record_regime(eurusd, Timeframe::M5, Regime::Underdamped);
    t.record_regime(eurusd, Timeframe::M5, Regime::Chaotic);
    t.record_regime(eurusd, Timeframe::H1, Regime::Overdamped);
    let reading = PhysicsReading {
        momentum: -0.2,
        velocity: -0.2,
        acceleration: 0.01,
        energy: 3.5,
        damping_ratio: Some(0.4),
        natural_frequency: None,
    };
    t.record_physics(eurusd, Timeframe::M5, &reading).unwrap();
    t.record_quote(eurusd, 1.0850, 1.0852).unwrap();
    t.record_signal(Agent::BERSERKER);
    t.record_signal(Agent::BERSERKER);
    t.record_signal(Agent::SNIPER);
    t.set_active_positions(Agent::SNIPER, 3);
    t.record_rl(
        Agent::SNIPER,
        &RlSnapshot {
            exploration_rate: 0.05,
            learning_progress: 0.25,
            experience_buffer_size: 2500,
            model_confidence: 0.8,
        },
    )
    .unwrap();
    t.add_rl_experiences(Agent::SNIPER, 100);
    t.add_rl_experiences(Agent::SNIPER, 20);
    t.add_rl_episodes(Agent::SNIPER, 2);
    t.set_system_status(true);
    t.set_mt5_connected(false);
    t.add_ticks(1000);
    t.record_error(Severity::Critical);
    t.record_error(Severity::Low);
    t.record_error(Severity::Low);
    t.set_active_symbols(10);
    t.set_websocket_clients(4);
    t.record_db_query(Duration::from_millis(12));
    t.set_risk_exposure(17.5).unwrap();

    let s = scrape(&t, &h);
    let m5 = [("symbol", "EURUSD+"), ("timeframe", "M5")];
    assert_eq!(s.value("velocitytrader_regime_current", &m5), Some(1.0));
    assert_eq!(
        s.value("velocitytrader_regime_changes_total", &m5),
        Some(1.0)
    );
    assert_eq!(
        s.value("velocitytrader_regime_current", &[("timeframe", "H1")]),
        Some(4.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_regime_changes_total",
            &[("timeframe", "H1")]
        ),
        Some(0.0)
    );
    assert_eq!(s.value("velocitytrader_physics_momentum", &m5), Some(-0.2));
    assert_eq!(s.value("velocitytrader_physics_energy", &m5), Some(3.5));
    assert_eq!(
        s.value("velocitytrader_physics_damping_ratio", &m5),
        Some(0.4)
    );
    assert!(
        s.find("velocitytrader_physics_natural_frequency", &[])
            .is_empty()
    );
    assert!(
        (s.value("velocitytrader_symbol_price", &[("symbol", "EURUSD+")])
            .unwrap()
            - 1.0851)
            .abs()
            < 1e-12
    );
    assert!(
        (s.value("velocitytrader_symbol_spread", &[("symbol", "EURUSD+")])
            .unwrap()
            - 0.0002)
            .abs()
            < 1e-12
    );
    assert_eq!(
        s.value(
            "velocitytrader_agent_signals_total",
            &[("agent", "berserker")]
        ),
        Some(2.0)
    );
    assert_eq!(
        s.value("velocitytrader_signals_generated_total", &[]),
        Some(3.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_agent_active_positions",
            &[("agent", "sniper")]
        ),
        Some(3.0)
    );
    assert_eq!(
        s.value("velocitytrader_rl_exploration_rate", &[("agent", "sniper")]),
        Some(0.05)
    );
    assert_eq!(
        s.value(
            "velocitytrader_rl_experience_buffer_size",
            &[("agent", "sniper")]
        ),
        Some(2500.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_rl_experiences_total",
            &[("agent", "sniper")]
        ),
        Some(120.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_rl_total_experiences",
            &[("agent", "sniper")]
        ),
        Some(120.0)
    );
    assert_eq!(
        s.value("velocitytrader_rl_episodes_total", &[("agent", "sniper")]),
        Some(2.0)
    );
    assert_eq!(
        s.value(
            "velocitytrader_rl_training_episodes",
            &[("agent", "sniper")]
        ),
        Some(2.0)
    );
    assert_eq!(s.value("velocitytrader_system_status", &[]), Some(1.0));
    assert_eq!(s.value("velocitytrader_mt5_connection", &[]), Some(0.0));
    assert_eq!(
        s.value("velocitytrader_ticks_processed_total", &[]),
        Some(1000.0)
    );
    assert_eq!(
        s.value("velocitytrader_errors_total", &[("severity", "low")]),
        Some(2.0)
    );
    assert_eq!(
        s.value("velocitytrader_errors_total", &[("severity", "high")]),
        Some(0.0)
    );
    assert_eq!(
        s.value("velocitytrader_errors_critical_total", &[]),
        Some(1.0)
    );
    assert_eq!(s.value("velocitytrader_active_symbols", &[]), Some(10.0));
    assert_eq!(s.value("velocitytrader_websocket_clients", &[]), Some(4.0));
    assert_eq!(
        s.value("velocitytrader_db_query_latency_ms", &[]),
        Some(12.0)
    );
    assert_eq!(s.value("velocitytrader_risk_exposure", &[]), Some(17.5));
    assert!(s.value("velocitytrader_uptime_seconds", &[]).is_some());
    assert_eq!(
        s.value(
            "velocitytrader_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        Some(1.0)
    );
}

#[test]
fn every_family_has_help_with_unit_and_the_catalogue_type() {
    let (t, h) = telemetry();
    t.record_trade(&trade(Agent::SNIPER, "EURUSD+", Timeframe::M5, 1.0))
        .unwrap();
    let s = scrape(&t, &h);
    let mut checked = 0;
    for def in catalogue::METRICS {
        let Some(family) = s.families.get(def.name) else {
            continue;
        };
        checked += 1;
        let help = family.help.as_deref().unwrap_or_default();
        assert!(help.contains("[unit: "), "{}: {help}", def.name);
        let kind = match def.kind {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
        };
        if let Some(actual) = &family.kind {
            assert_eq!(actual, kind, "{}", def.name);
        }
    }
    assert!(checked > 30, "only {checked} families exported");
    for name in s.names() {
        let base = name
            .trim_end_matches("_bucket")
            .trim_end_matches("_sum")
            .trim_end_matches("_count");
        assert!(
            catalogue::find(name).is_some() || catalogue::find(base).is_some(),
            "{name} is not in the catalogue"
        );
    }
}

#[test]
fn a_publisher_guard_publishes_once_more_when_dropped() {
    let (t, h) = telemetry();
    let guard = t.spawn_publisher(Duration::from_secs(3600));
    // The first publish ran at start; this trade comes after it.
    std::thread::sleep(Duration::from_millis(50));
    t.record_trade(&trade(Agent::SNIPER, "EURUSD+", Timeframe::M5, 4.0))
        .unwrap();
    drop(guard);
    let s = exposition::parse(&h.render()).unwrap();
    assert_eq!(s.value("velocitytrader_trades_total", &[]), Some(1.0));
}

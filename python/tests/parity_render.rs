//! The Rust half of the render-parity test (`test_parity.py`): the same
//! sequence of calls as `parity_calls.py` makes from Python, through the
//! crate's API, on an embedded exporter like a Python `Telemetry(...)`; the
//! exposition text goes to the file named by the first argument (stdout
//! without one).
//!
//! ```text
//! cargo run -p velocity_metrics_python --example parity_render -- render.txt
//! ```

use std::time::Duration;

use velocity_metrics::exporter::ExporterBuilder;
use velocity_metrics::{
    Agent, Bar, BreakerReason, Fill, OrderRejectReason, PhysicsReading, Regime, RiskDecision,
    RiskLimits, RlSnapshot, RlTraining, RunInfo, Severity, Side, Symbol, Telemetry, Timeframe,
    Trade,
};

/// 2026-11-25 00:00 UTC, a whole number of hours.
const T0: f64 = 1_795_564_800.0;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let exporter = ExporterBuilder::new()
        .telemetry(
            Telemetry::builder()
                .starting_balance(10_000.0)
                .return_period(Duration::from_secs(3600))
                .periods_per_year(24.0 * 252.0)
                .future_tolerance(Duration::from_secs(60))
                .label("account", "parity")?,
        )
        .build_embedded()?;
    let t = exporter.telemetry();
    let eurusd = Symbol::new("EURUSD+")?;
    let gold = Symbol::new("XAUUSD+")?;
    let hostile = Symbol::new("quo\"te\\sym")?;
    let berserker = Agent::new("BERSERKER")?;
    let sniper = Agent::new("sniper")?;
    let shadow = Agent::new("Shadow_Sniper")?;

    // Trades, with every optional field somewhere.
    t.record_trade(&Trade {
        regime: Some("CRITICAL".parse()?),
        side: Some(Side::Buy),
        duration_secs: Some(310.0),
        confidence: Some(0.81),
        ..Trade::closed(berserker, eurusd, Timeframe::M5, 42.5).with_closed_at(T0 + 100.0)
    })?;
    t.record_trade(
        &Trade::closed(sniper, gold, Timeframe::H1, -12.25)
            .with_regime(Regime::Underdamped)
            .with_duration_secs(1200.0)
            .with_closed_at(T0 + 200.0),
    )?;
    t.record_trade(
        &Trade::closed(berserker, eurusd, Timeframe::M5, 0.0).with_closed_at(T0 + 300.0),
    )?;
    t.record_trade(
        &Trade::closed(shadow, hostile, Timeframe::M15, 7.0)
            .with_regime(Regime::Overdamped)
            .with_confidence(0.5)
            .with_closed_at(T0 + 400.0),
    )?;
    // A refused trade is counted, not recorded.
    assert!(
        t.record_trade(&Trade::closed(sniper, gold, Timeframe::H1, f64::NAN))
            .is_err()
    );

    // Times that are refused and counted: milliseconds, before 1970, an hour ahead.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs_f64();
    for closed_at in [T0 * 1_000.0, -1.0, now + 3_600.0] {
        let trade = Trade::closed(sniper, gold, Timeframe::H1, 1.0).with_closed_at(closed_at);
        assert!(t.record_trade(&trade).is_err(), "closed_at={closed_at}");
    }
    assert!(
        t.record_equity(10_000.0, 10_000.0, T0 * 1_000_000.0)
            .is_err()
    );

    // Equity over six hourly periods.
    for i in 0..6_u32 {
        let balance = 10_000.0 + f64::from(i) * 10.0 - f64::from(i % 2) * 25.0;
        t.record_equity(balance, balance - 5.0, T0 + f64::from(i) * 3600.0 + 50.0)?;
    }
    t.set_risk_exposure(12.5)?;

    // Market, agents, system.
    t.record_regime(eurusd, Timeframe::M5, Regime::Chaotic);
    t.record_regime(eurusd, Timeframe::M5, Regime::Underdamped);
    t.record_physics(
        eurusd,
        Timeframe::M5,
        &PhysicsReading {
            momentum: 0.0004,
            velocity: 0.0003,
            acceleration: -0.00001,
            energy: 1.2,
            damping_ratio: Some(0.45),
            natural_frequency: Some(0.3),
        },
    )?;
    t.record_quote(eurusd, 1.0841, 1.0843)?;
    t.record_signal(berserker);
    t.record_signal(berserker);
    t.set_active_positions(sniper, 3);
    t.record_rl(
        berserker,
        &RlSnapshot {
            exploration_rate: 0.1,
            learning_progress: 0.4,
            experience_buffer_size: 5000,
            model_confidence: 0.7,
        },
    )?;
    t.set_rl_exploration_rate(sniper, 0.05)?;
    t.add_rl_experiences(berserker, 128);
    t.add_rl_episodes(berserker, 2);
    t.set_system_status(true);
    t.set_mt5_connected(true);
    t.add_ticks(1500);
    t.record_error(Severity::High);
    t.record_error("critical".parse()?);
    t.set_active_symbols(6);
    t.set_websocket_clients(2);
    t.record_db_query(Duration::from_secs_f64(0.0042));

    // Risk engine.
    t.reset_circuit_breaker();
    t.set_risk_limits(&RiskLimits {
        daily_loss_limit: Some(500.0),
        daily_drawdown_limit_percent: Some(5.0),
        max_positions: Some(6),
        max_position_size: Some(1.0),
        consecutive_losses_limit: Some(4),
    })?;
    t.record_risk_decision(RiskDecision::ReduceSize, Duration::from_secs_f64(0.00018));
    t.set_risk_budget(120.0, 400.0)?;
    t.set_risk_score(37.0)?;
    t.set_open_positions(2);
    t.set_symbol_exposure(gold, -4200.0)?;
    t.trip_circuit_breaker(BreakerReason::Vpin);
    t.set_trading_halted(true);

    // Execution.
    t.record_order_submitted(eurusd);
    t.record_order_filled(
        eurusd,
        &Fill {
            latency: Duration::from_secs_f64(0.038),
            slippage: 0.00002,
            spread: 0.00007,
            partial: false,
        },
    )?;
    t.record_order_submitted(eurusd);
    t.record_order_rejected(eurusd, OrderRejectReason::InsufficientMargin);
    t.record_order_cancelled(eurusd);

    // Bars: enough for ATR(14) and the 20-return volatility.
    for i in 0..22_u32 {
        let open = 2380.0 + f64::from(i) * 1.5;
        t.record_bar(
            gold,
            Timeframe::H1,
            &Bar {
                open,
                high: open + 5.0,
                low: open - 3.0,
                close: open + 2.0 - f64::from(i % 3),
                volume: Some(1000.0 + f64::from(i)),
            },
        )?;
    }
    t.add_bars_processed(10);
    t.set_vpin(gold, 0.41, Some(0.7))?;
    t.set_spread_stress(gold, 1.3, Some(3.0))?;

    // Learners' rewards.
    t.record_rl_reward(berserker, 0.35)?;
    t.record_rl_reward(berserker, -0.1)?;
    t.record_rl_episode_reward(berserker, 18.2)?;
    t.record_rl_training(
        berserker,
        &RlTraining {
            loss: 0.013,
            q_value: 1.7,
        },
    )?;
    t.set_rl_q_value(sniper, 0.42)?;

    // Run control.
    t.start_run(&RunInfo::new("run-1", "9f86d081884c7d65")?)?;
    t.start_run(&RunInfo::new("run-2", "abc")?)?;
    t.set_session_active(true);
    t.set_phase(2);
    t.record_instance_switch(sniper);
    t.set_primary_instance_ratio(0.8)?;

    let text = exporter.render();
    match std::env::args().nth(1) {
        Some(path) => std::fs::write(path, text)?,
        None => print!("{text}"),
    }
    Ok(())
}

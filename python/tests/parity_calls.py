"""The Python half of the render-parity test: the calls of
``parity_render.rs``, one for one, through the Python API."""

from __future__ import annotations

import time

import velocity_metrics as vm

#: 2026-11-25 00:00 UTC, a whole number of hours.
T0 = 1_795_564_800.0


def telemetry() -> vm.Telemetry:
    return vm.Telemetry(starting_balance=10_000.0, return_period=3600.0,
                        periods_per_year=24.0 * 252.0, future_tolerance=60.0,
                        labels={"account": "parity"})


def run(t: vm.Telemetry) -> None:
    eurusd, gold, hostile = vm.Symbol("EURUSD+"), "XAUUSD+", 'quo"te\\sym'
    berserker, sniper, shadow = vm.Agent("BERSERKER"), "sniper", "Shadow_Sniper"

    # Trades, with every optional field somewhere.
    t.record_trade(berserker, eurusd, "M5", 42.5, regime="CRITICAL", side=vm.Side.BUY,
                   duration_secs=310.0, confidence=0.81, closed_at=T0 + 100.0)
    t.record_trade(sniper, gold, vm.Timeframe.H1, -12.25, regime=vm.Regime.UNDERDAMPED,
                   duration_secs=1200.0, closed_at=T0 + 200.0)
    t.record_trade(berserker, eurusd, "m5", 0.0, closed_at=T0 + 300.0)
    t.record_trade(shadow, hostile, "M15", 7.0, regime="overdamped", confidence=0.5,
                   closed_at=T0 + 400.0)
    try:  # a refused trade is counted, not recorded
        t.record_trade(sniper, gold, "H1", float("nan"))
        raise AssertionError("a NaN P&L was accepted")
    except vm.RecordError:
        pass
    # Times that are refused and counted: milliseconds, before 1970, an hour ahead.
    for closed_at in (T0 * 1_000.0, -1.0, time.time() + 3_600.0):
        try:
            t.record_trade(sniper, gold, "H1", 1.0, closed_at=closed_at)
            raise AssertionError(f"closed_at={closed_at} was accepted")
        except vm.RecordError:
            pass
    try:
        t.record_equity(10_000.0, 10_000.0, T0 * 1_000_000.0)
        raise AssertionError("an equity time in microseconds was accepted")
    except vm.RecordError:
        pass

    # Equity over six hourly periods.
    for i in range(6):
        balance = 10_000.0 + i * 10.0 - (i % 2) * 25.0
        t.record_equity(balance, balance - 5.0, T0 + i * 3600.0 + 50.0)
    t.set_risk_exposure(12.5)

    # Market, agents, system.
    t.record_regime(eurusd, "M5", "CHAOTIC")
    t.record_regime(eurusd, "M5", vm.Regime.UNDERDAMPED)
    t.record_physics(eurusd, "M5", momentum=0.0004, velocity=0.0003, acceleration=-0.00001,
                     energy=1.2, damping_ratio=0.45, natural_frequency=0.3)
    t.record_quote(eurusd, 1.0841, 1.0843)
    t.record_signal(berserker)
    t.record_signal("berserker")
    t.set_active_positions(sniper, 3)
    t.record_rl(berserker, exploration_rate=0.1, learning_progress=0.4,
                experience_buffer_size=5000, model_confidence=0.7)
    t.set_rl_exploration_rate(sniper, 0.05)
    t.add_rl_experiences(berserker, 128)
    t.add_rl_episodes(berserker, 2)
    t.set_system_status(True)
    t.set_mt5_connected(True)
    t.add_ticks(1500)
    t.record_error(vm.Severity.HIGH)
    t.record_error("critical")
    t.set_active_symbols(6)
    t.set_websocket_clients(2)
    t.record_db_query(0.0042)

    # Risk engine.
    t.reset_circuit_breaker()
    t.set_risk_limits(daily_loss_limit=500.0, daily_drawdown_limit_percent=5.0, max_positions=6,
                      max_position_size=1.0, consecutive_losses_limit=4)
    t.record_risk_decision(vm.RiskDecision.REDUCE_SIZE, 0.00018)
    t.set_risk_budget(120.0, 400.0)
    t.set_risk_score(37.0)
    t.set_open_positions(2)
    t.set_symbol_exposure(gold, -4200.0)
    t.trip_circuit_breaker("VPIN")
    t.set_trading_halted(True)

    # Execution.
    t.record_order_submitted(eurusd)
    t.record_order_filled(eurusd, latency=0.038, slippage=0.00002, spread=0.00007, partial=False)
    t.record_order_submitted(eurusd)
    t.record_order_rejected(eurusd, vm.OrderRejectReason.INSUFFICIENT_MARGIN)
    t.record_order_cancelled(eurusd)

    # Bars: enough for ATR(14) and the 20-return volatility.
    for i in range(22):
        open_ = 2380.0 + i * 1.5
        t.record_bar(gold, "H1", open=open_, high=open_ + 5.0, low=open_ - 3.0,
                     close=open_ + 2.0 - (i % 3), volume=1000.0 + i)
    t.add_bars_processed(10)
    t.set_vpin(gold, 0.41, 0.7)
    t.set_spread_stress(gold, 1.3, 3.0)

    # Learners' rewards.
    t.record_rl_reward(berserker, 0.35)
    t.record_rl_reward(berserker, -0.1)
    t.record_rl_episode_reward(berserker, 18.2)
    t.record_rl_training(berserker, loss=0.013, q_value=1.7)
    t.set_rl_q_value(sniper, 0.42)

    # Run control.
    t.start_run("run-1", "9f86d081884c7d65")
    t.start_run("run-2", "abc")
    t.set_session_active(True)
    t.set_phase(2)
    t.record_instance_switch(sniper)
    t.set_primary_instance_ratio(0.8)

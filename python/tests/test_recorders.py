"""Every recorder group through the Python API: the values Prometheus would
scrape, as the Rust core computes them."""

from __future__ import annotations

import math
import sys

import pytest

import velocity_metrics as vm
from exposition import value

T0 = 1_795_564_800.0  # 2026-11-25 00:00 UTC


@pytest.fixture
def t() -> vm.Telemetry:
    return vm.Telemetry(starting_balance=10_000.0)


def test_trades_compute_every_trade_statistic(t: vm.Telemetry) -> None:
    t.record_trade("BERSERKER", "EURUSD+", "M5", 30.0, regime="CRITICAL", duration_secs=100.0,
                   confidence=0.8, closed_at=T0)
    t.record_trade(vm.Agent("berserker"), vm.Symbol("EURUSD+"), vm.Timeframe.M5, -10.0,
                   regime=vm.Regime.CHAOTIC, duration_secs=300.0, confidence=0.6, closed_at=T0 + 1)
    t.record_trade("SNIPER", "XAUUSD+", "h1", 0.0, closed_at=T0 + 2, side="LONG")
    text = t.render()
    assert value(text, "velocitytrader_trades_total") == 3
    assert value(text, "velocitytrader_trades_winning_total") == 1
    assert value(text, "velocitytrader_trades_losing_total") == 1
    assert value(text, "velocitytrader_trades_breakeven_total") == 1
    assert value(text, "velocitytrader_win_rate") == 50
    assert value(text, "velocitytrader_profit_factor") == 3
    assert value(text, "velocitytrader_pnl_total") == 20
    assert value(text, "velocitytrader_trade_duration_avg_seconds") == 200
    assert value(text, "velocitytrader_last_trade_timestamp_seconds") == T0 + 2
    assert value(text, "velocitytrader_agent_trades_total", {"agent": "berserker"}) == 2
    assert value(text, "velocitytrader_agent_avg_confidence", {"agent": "berserker"}) == pytest.approx(0.7)
    assert value(text, "velocitytrader_regime_trades_total", {"regime": "CRITICALLY_DAMPED"}) == 1
    assert value(text, "velocitytrader_agent_regime_trades_losing_total",
                 {"agent": "berserker", "regime": "CHAOTIC"}) == 1


def test_profit_factor_without_losses_is_plus_inf(t: vm.Telemetry) -> None:
    t.record_trade("sniper", "EURUSD+", "M5", 5.0)
    assert "velocitytrader_profit_factor +Inf" in t.render()
    assert value(t.render(), "velocitytrader_profit_factor") == math.inf


def test_equity_and_risk_series(t: vm.Telemetry) -> None:
    t.record_equity(10_000.0, 10_000.0, T0)
    t.record_equity(10_200.0, 10_150.0, T0 + 60)
    t.record_equity(10_200.0, 9_990.0, T0 + 120)
    t.record_equity(10_100.0, 10_100.0)  # now
    t.set_risk_exposure(12.5)
    text = t.render()
    assert value(text, "velocitytrader_account_balance") == 10_100
    assert value(text, "velocitytrader_max_drawdown") == pytest.approx(100 * 160 / 10_150)
    assert value(text, "velocitytrader_risk_exposure") == 12.5


def test_market_agents_and_system(t: vm.Telemetry) -> None:
    t.record_regime("EURUSD+", "M5", "UNDERDAMPED")
    t.record_regime("EURUSD+", "M5", "critical")
    t.record_physics("EURUSD+", "M5", momentum=0.5, velocity=0.25, acceleration=-0.125, energy=1.5,
                     damping_ratio=0.75)
    t.record_quote("EURUSD+", 1.25, 1.5)
    t.record_signal("BERSERKER")
    t.set_active_positions("sniper", 4)
    t.record_rl("sniper", exploration_rate=0.25, learning_progress=0.5, experience_buffer_size=100,
                model_confidence=0.75)
    t.set_rl_exploration_rate("berserker", 0.125)
    t.add_rl_experiences("sniper", 7)
    t.add_rl_episodes("sniper", 2)
    t.set_system_status(True)
    t.set_mt5_connected(False)
    t.add_ticks(41)
    t.add_ticks(1)
    t.record_error("HIGH")
    t.record_error(vm.Severity.CRITICAL)
    t.set_active_symbols(6)
    t.set_websocket_clients(3)
    t.record_db_query(0.002)
    text = t.render()
    pair = {"symbol": "EURUSD+", "timeframe": "M5"}
    assert value(text, "velocitytrader_regime_current", pair) == 3
    assert value(text, "velocitytrader_regime_changes_total", pair) == 1
    assert value(text, "velocitytrader_physics_damping_ratio", pair) == 0.75
    assert value(text, "velocitytrader_symbol_spread", {"symbol": "EURUSD+"}) == 0.25
    assert value(text, "velocitytrader_agent_signals_total", {"agent": "berserker"}) == 1
    assert value(text, "velocitytrader_agent_active_positions", {"agent": "sniper"}) == 4
    assert value(text, "velocitytrader_rl_exploration_rate", {"agent": "berserker"}) == 0.125
    assert value(text, "velocitytrader_rl_experiences_total", {"agent": "sniper"}) == 7
    assert value(text, "velocitytrader_system_status") == 1
    assert value(text, "velocitytrader_mt5_connection") == 0
    assert value(text, "velocitytrader_ticks_processed_total") == 42
    assert value(text, "velocitytrader_errors_total", {"severity": "critical"}) == 1
    assert value(text, "velocitytrader_websocket_clients") == 3
    assert value(text, "velocitytrader_db_query_duration_seconds_count") == 1


def test_risk_engine_and_breakers(t: vm.Telemetry) -> None:
    t.reset_circuit_breaker()
    t.set_risk_limits(daily_loss_limit=500.0, max_positions=6)
    t.record_risk_decision("REDUCE_SIZE", 0.00018)
    t.record_risk_decision(vm.RiskDecision.APPROVE, 0.0001)
    t.set_risk_budget(120.0, 400.0)
    t.set_risk_score(37.0)
    t.set_open_positions(2)
    t.set_symbol_exposure("XAUUSD+", -4200.0)
    t.trip_circuit_breaker("vpin")
    t.set_trading_halted(True)
    t.record_trade("sniper", "XAUUSD+", "H1", -100.0)  # closed now: today's loss
    text = t.render()
    assert value(text, "velocitytrader_risk_budget_utilization") == 30
    assert value(text, "velocitytrader_risk_score") == 37
    assert value(text, "velocitytrader_max_positions") == 6
    assert value(text, "velocitytrader_circuit_breaker_trips_total", {"reason": "vpin"}) == 1
    assert value(text, "velocitytrader_trading_halted") == 1
    assert value(text, "velocitytrader_risk_decision_total", {"decision": "reduce_size"}) == 1
    assert value(text, "velocitytrader_symbol_exposure", {"symbol": "XAUUSD+"}) == -4200
    assert value(text, "velocitytrader_daily_pnl") == -100
    assert value(text, "velocitytrader_daily_loss_limit_used") == 20


def test_execution_quality(t: vm.Telemetry) -> None:
    t.record_order_submitted("EURUSD+")
    t.record_order_filled("EURUSD+", latency=0.038, slippage=0.00002, spread=0.00007)
    t.record_order_submitted("EURUSD+")
    t.record_order_filled("EURUSD+", latency=0.6, slippage=-0.00001, spread=0.00005, partial=True)
    t.record_order_rejected("EURUSD+", "insufficient_margin")
    t.record_order_cancelled("EURUSD+")
    text = t.render()
    sym = {"symbol": "EURUSD+"}
    assert value(text, "velocitytrader_orders_submitted_total", sym) == 2
    assert value(text, "velocitytrader_orders_filled_total", sym) == 1
    assert value(text, "velocitytrader_orders_partially_filled_total", sym) == 1
    assert value(text, "velocitytrader_orders_rejected_total", {**sym, "reason": "insufficient_margin"}) == 1
    assert value(text, "velocitytrader_order_fill_duration_seconds_bucket", {"le": "0.5"}) == 1
    assert value(text, "velocitytrader_order_fill_spread", sym) == 0.00005


def test_bars_compute_atr_and_volatility(t: vm.Telemetry) -> None:
    for i in range(21):
        o = 100.0 + i
        t.record_bar("XAUUSD+", "H1", open=o, high=o + 2, low=o - 1, close=o + 1, volume=10.0)
    t.add_bars_processed(4)
    t.set_vpin("XAUUSD+", 0.41, 0.7)
    t.set_spread_stress("XAUUSD+", 1.3)
    text = t.render()
    pair = {"symbol": "XAUUSD+", "timeframe": "H1"}
    assert value(text, "velocitytrader_price_close", pair) == 121
    assert value(text, "velocitytrader_atr_14", pair) == pytest.approx(3.0)
    assert value(text, "velocitytrader_bars_processed_total") == 25
    assert value(text, "velocitytrader_vpin_threshold", {"symbol": "XAUUSD+"}) == 0.7
    assert value(text, "velocitytrader_volatility_current", pair) is not None


def test_learner_rewards(t: vm.Telemetry) -> None:
    t.record_rl_reward("BERSERKER", 0.5)
    t.record_rl_reward("BERSERKER", -0.25)
    t.record_rl_episode_reward("BERSERKER", 18.25)
    t.record_rl_training("BERSERKER", loss=0.125, q_value=1.5)
    t.set_rl_q_value("sniper", 0.5)
    text = t.render()
    b = {"agent": "berserker"}
    assert value(text, "velocitytrader_agent_cumulative_reward", b) == 0.25
    assert value(text, "velocitytrader_agent_episode_reward", b) == 18.25
    assert value(text, "velocitytrader_rl_loss", b) == 0.125
    assert value(text, "velocitytrader_rl_model_updates_total", b) == 1
    assert value(text, "velocitytrader_rl_q_value", {"agent": "sniper"}) == 0.5


def test_run_control(t: vm.Telemetry) -> None:
    t.start_run("run-1", "aaa")
    t.start_run("run-2", "bbb")
    t.set_session_active(True)
    t.set_phase(3)
    t.record_instance_switch("sniper")
    t.set_primary_instance_ratio(0.75)
    text = t.render()
    assert value(text, "velocitytrader_run_info", {"run_id": "run-1"}) == 0
    assert value(text, "velocitytrader_run_info", {"run_id": "run-2", "config_hash": "bbb"}) == 1
    assert value(text, "velocitytrader_current_phase") == 3
    assert value(text, "velocitytrader_instance_switches_total", {"agent": "sniper"}) == 1
    assert value(text, "velocitytrader_primary_instance_ratio") == 0.75


def test_publish_hooks_run_and_count_their_failures(t: vm.Telemetry, monkeypatch) -> None:
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda report: reported.append(report.exc_type))
    calls = []
    t.on_publish(lambda: (calls.append(1), t.set_websocket_clients(len(calls))))
    t.on_publish(lambda: 1 / 0)
    assert t.publish() == 1  # the failing hook's stage
    text = t.render()
    assert len(calls) == 2
    assert value(text, "velocitytrader_websocket_clients") == 2
    assert value(text, "velocitytrader_publish_failures_total", {"stage": "hook"}) == 2
    assert reported == [ZeroDivisionError, ZeroDivisionError]


def test_config_and_labels_round_trip() -> None:
    t = vm.Telemetry(max_agents=4, return_period=3600.0, role=vm.Role.DATABASE_READER,
                     labels={"account": "acc-1"}, identity=vm.EngineIdentity("ams-01", mode="paper"))
    assert t.config["max_agents"] == 4
    assert t.config["return_period"] == 3600.0
    assert t.config["role"] == "database_reader"
    assert t.constant_labels == [("account", "acc-1"), ("engine", "ams-01"), ("mode", "paper")]
    t.record_signal("sniper")
    assert 'velocitytrader_agent_signals_total{agent="sniper",account="acc-1",engine="ams-01",mode="paper"} 1' \
        in t.render()

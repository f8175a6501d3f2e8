"""Restore from a `trading_logs.db` the test writes with the engine's schema:
replay, history export, follow mode, and the errors of unreadable files. The
database is opened read-only: its bytes never change."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import velocity_metrics as vm
from engine_db import EngineDb
from exposition import value

T0 = 1_795_564_800.0


@pytest.fixture
def db(tmp_path: Path) -> Path:
    engine = EngineDb(tmp_path / "trading_logs.db")
    engine.open_trade(T0, "BERSERKER", "EURUSD+")
    engine.close_trade(T0 + 60, "BERSERKER", "EURUSD+", 25.0, duration=60.0)
    engine.open_trade(T0 + 100, "SNIPER", "XAUUSD+")
    engine.close_trade(T0 + 400, "SNIPER", "XAUUSD+", -10.0, duration=300.0, confidence=0.75)
    engine.close_trade(T0 + 500, "SNIPER", "XAUUSD+", 5.0, timeframe="ALL")  # skipped
    engine.close_trade(T0 + 600, "berserker", "EURUSD+", 0.0, duration=None)
    engine.error(T0 + 10, "CRITICAL")
    engine.error(T0 + 20, "high")
    engine.error(T0 + 30, "BOGUS")  # skipped
    engine.reward(T0 + 70, "BERSERKER", 0.5, [0.1, 0.9], 0.2)
    engine.reward(T0 + 80, "BERSERKER", -0.25, [float("nan")], 0.2)
    engine.close()
    return engine.path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_replay_restores_every_statistic_read_only(db: Path) -> None:
    before = digest(db)
    t = vm.Telemetry(starting_balance=10_000.0)
    report = vm.replay(db, t, starting_balance=10_000.0)
    assert digest(db) == before
    assert (report.trades_recorded, report.errors_recorded, report.rewards_recorded) == (3, 2, 2)
    assert report.tables["trade_logs"]["open"] == 2
    assert report.tables["trade_logs"]["skipped"] == {"unknown timeframe": 1}
    assert report.tables["error_logs"]["skipped"] == {"unknown severity": 1}
    assert report.adjusted["non-finite q_values entry: no Q-value"] == 1
    assert report.watermark["trade_logs"] == 6
    assert report.equity_samples >= 3
    assert "trade_logs: 6 rows, 3 recorded, 2 open, 1 skipped" in str(report)
    text = t.render()
    assert value(text, "velocitytrader_trades_total") == 3
    assert value(text, "velocitytrader_pnl_total") == 15
    assert value(text, "velocitytrader_agent_trades_total", {"agent": "berserker"}) == 2
    assert value(text, "velocitytrader_errors_total", {"severity": "critical"}) == 1
    assert value(text, "velocitytrader_agent_cumulative_reward", {"agent": "berserker"}) == 0.25
    assert value(text, "velocitytrader_rl_q_value", {"agent": "berserker"}) == 0.9
    assert value(text, "velocitytrader_account_balance") == 10_015
    assert value(text, "velocitytrader_max_drawdown") > 0


def test_the_telemetry_holds_the_starting_balance(tmp_path: Path) -> None:
    engine = EngineDb(tmp_path / "trading_logs.db")
    engine.close_trade(T0 + 60, "SNIPER", "EURUSD+", -100.0)
    engine.close_trade(T0 + 120, "SNIPER", "EURUSD+", 50.0)
    engine.close()
    # Set on the telemetry only: the replay rebuilds the equity curve from it,
    # the starting balance being the first peak (-100 is a 1 % drawdown).
    t = vm.Telemetry(starting_balance=10_000.0)
    report = vm.replay(engine.path, t)
    assert report.equity_samples == 2
    text = t.render()
    assert value(text, "velocitytrader_max_drawdown") == pytest.approx(1.0)
    assert value(text, "velocitytrader_current_drawdown") == pytest.approx(0.5)
    # Given to the replay too, it must agree; otherwise nothing is read.
    for telemetry, says in [(vm.Telemetry(starting_balance=5_000.0), "the telemetry's is 5000"),
                            (vm.Telemetry(), "the telemetry's is not set")]:
        with pytest.raises(vm.BackfillError) as raised:
            vm.replay(engine.path, telemetry, starting_balance=10_000.0)
        assert str(raised.value).startswith("the replay options say the starting balance is 10000 but " + says)
        assert "TelemetryBuilder::starting_balance(10000)" in str(raised.value)
        assert value(telemetry.render(), "velocitytrader_trades_total") == 0
    with pytest.raises(vm.BackfillError, match="starting balance is 10000 but the telemetry's is not set"):
        vm.Follower(engine.path, vm.Telemetry(role="database_reader"), starting_balance=10_000.0)


def test_restart_with_restore_in_order(db: Path) -> None:
    exporter = vm.embedded(start_unready=True)
    assert exporter.scrape()[0] == 503
    vm.replay(db, exporter.telemetry)
    exporter.set_ready()
    status, _, body = exporter.scrape()
    assert status == 200 and value(body.decode(), "velocitytrader_trades_total") == 3


def test_unreadable_databases_are_backfill_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(vm.BackfillError, match="does not exist"):
        vm.replay(missing, vm.Telemetry())
    assert not missing.exists()  # never created
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(vm.BackfillError, match="not an SQLite database"):
        vm.replay(junk, vm.Telemetry())
    import sqlite3
    renamed = tmp_path / "old.db"
    with sqlite3.connect(renamed) as conn:
        conn.execute("CREATE TABLE trade_logs (id INTEGER PRIMARY KEY, timestamp REAL, agent_id TEXT,"
                     " instrument TEXT, timeframe TEXT, pnl REAL, trade_duration REAL, confidence REAL)")
        conn.execute("CREATE TABLE error_logs (id INTEGER PRIMARY KEY, timestamp REAL, severity TEXT)")
    with pytest.raises(vm.BackfillError, match="no such column `confidence_score` in table `trade_logs`"):
        vm.replay(renamed, vm.Telemetry())


def test_write_history_for_promtool(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "history.om"
    report = vm.write_history(db, out, step=60.0, starting_balance=10_000.0)
    text = out.read_text()
    assert text.endswith("# EOF\n")
    assert report.steps >= 10 and report.samples > report.series > 0
    assert report.replay.trades_recorded == 3
    assert report.span[0] >= T0
    with pytest.raises(vm.RecordError):
        vm.write_history(db, out, step=-1.0)


def test_follower_records_appended_rows(db: Path) -> None:
    t = vm.Telemetry(role="database_reader")
    follower = vm.Follower(db, t)
    assert follower.initial_report.trades_recorded == 3
    engine = EngineDb(db)
    engine.close_trade(T0 + 900, "SNIPER", "XAUUSD+", 7.0)
    engine.close()
    report = follower.poll()
    assert report.trades_recorded == 1
    assert value(t.render(), "velocitytrader_trades_total") == 4
    assert follower.poll().rows_read == 0

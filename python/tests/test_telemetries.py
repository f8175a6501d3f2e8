"""Several telemetries: standalone ones are independent; several on one
endpoint are told apart by their constant labels."""

from __future__ import annotations

import pytest

import velocity_metrics as vm
from exposition import value


def test_standalone_telemetries_share_nothing() -> None:
    live, paper = vm.Telemetry(labels={"account": "live-1"}), vm.Telemetry(labels={"account": "paper-1"})
    live.record_trade("sniper", "EURUSD+", "M5", 10.0)
    live.record_trade("sniper", "EURUSD+", "M5", -4.0)
    paper.record_trade("berserker", "XAUUSD+", "H1", 3.0)
    assert value(live.render(), "velocitytrader_trades_total", {"account": "live-1"}) == 2
    assert value(live.render(), "velocitytrader_pnl_total") == 6
    assert value(paper.render(), "velocitytrader_trades_total", {"account": "paper-1"}) == 1
    assert "live-1" not in paper.render()
    assert not live.same_as(paper) and live.same_as(live)


def test_one_endpoint_serves_several_accounts() -> None:
    with vm.embedded(labels={"account": "live-1"}) as exporter:
        live = exporter.telemetry
        paper = exporter.add_telemetry(labels={"account": "paper-1"}, starting_balance=5_000.0)
        live.record_trade("sniper", "EURUSD+", "M5", 10.0)
        paper.record_trade("sniper", "EURUSD+", "M5", -2.5)
        paper.record_equity(4_997.5, 4_997.5)
        text = exporter.render()
        assert value(text, "velocitytrader_pnl_total", {"account": "live-1"}) == 10
        assert value(text, "velocitytrader_pnl_total", {"account": "paper-1"}) == -2.5
        assert value(text, "velocitytrader_current_drawdown", {"account": "paper-1"}) == pytest.approx(0.05)
        assert live.render() == paper.render() or "paper-1" in live.render()  # one endpoint, one text
        with pytest.raises(vm.ExporterError) as raised:
            exporter.add_telemetry(labels={"account": "paper-1"})
        assert raised.value.kind == "duplicate_telemetry"


def test_global_and_constant_labels_must_not_clash() -> None:
    with vm.embedded(global_labels={"region": "eu"}) as exporter:
        with pytest.raises(vm.ExporterError) as raised:
            exporter.add_telemetry(labels={"region": "us"})
        assert raised.value.kind == "label_clash"


def test_label_limits_apply_per_telemetry() -> None:
    t = vm.Telemetry(max_symbols=2)
    for symbol in ("A", "B", "C", "D"):
        t.record_trade("sniper", symbol, "M5", 1.0)
    text = t.render()
    assert value(text, "velocitytrader_symbol_trades_total", {"symbol": vm.OVERFLOW_LABEL}) == 2
    assert value(text, "velocitytrader_trades_total") == 4
    assert value(text, "velocitytrader_label_overflow_total", {"label": "symbol"}) == 2

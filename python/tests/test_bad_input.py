"""Bad input for every recorder group: the exception class and the Rust
message, nothing recorded, the refusal counted; and no input — NaN, wrong
types, None, huge integers, NUL bytes — crashes the interpreter."""

from __future__ import annotations

import math
import time

import pytest

import velocity_metrics as vm
from exposition import value

NAN, INF = float("nan"), float("inf")


@pytest.fixture
def t() -> vm.Telemetry:
    return vm.Telemetry()


# (group, call, exception class, message fragment, counted reason or None)
CASES = [
    ("trades", lambda t: t.record_trade("sniper", "EURUSD+", "M5", NAN),
     vm.RecordError, "pnl must be a finite number, got NaN", "not_finite"),
    ("trades", lambda t: t.record_trade("sniper", "EURUSD+", "M5", 1.0, duration_secs=-5.0),
     vm.RecordError, "duration_secs must not be negative, got -5", "negative"),
    ("trades", lambda t: t.record_trade("sniper", "EURUSD+", "M5", 1.0, confidence=1.5),
     vm.RecordError, "confidence must be within 0..=1, got 1.5", "out_of_range"),
    ("trades", lambda t: t.record_trade("sniper", "EURUSD+", "M5", 1e16),
     vm.RecordError, "pnl must be within", "out_of_range"),
    ("trades", lambda t: t.record_trade("sniper", "EURUSD+", "ALL", 1.0),
     vm.ParseError, 'unknown timeframe "ALL"', None),
    ("trades", lambda t: t.record_trade("sniper", "EURUSD+", "M5", 1.0, regime="TRENDING"),
     vm.ParseError, 'unknown market regime "TRENDING"', None),
    ("trades", lambda t: t.record_trade("", "EURUSD+", "M5", 1.0),
     vm.LabelError, "empty agent label value", None),
    ("trades", lambda t: t.record_trade("sniper", "EUR\x00USD", "M5", 1.0),
     vm.LabelError, 'symbol label value "EUR\\0USD" contains a control character', None),
    ("trades", lambda t: t.record_trade("sniper", "X" * 65, "M5", 1.0),
     vm.LabelError, "symbol label value is 65 bytes, longer than the limit of 64", None),
    ("trade times", lambda t: t.record_trade("sniper", "EURUSD+", "M5", 1.0, closed_at=time.time() * 1_000),
     vm.RecordError, "looks like milliseconds since the Unix epoch, not seconds; divide it by 1000", "time_unit"),
    ("trade times", lambda t: t.record_trade("sniper", "EURUSD+", "M5", 1.0, closed_at=-1.0),
     vm.RecordError, "closed_at must not be negative, got -1", "negative"),
    ("trade times", lambda t: t.record_trade("sniper", "EURUSD+", "M5", 1.0, closed_at=time.time() + 3_600),
     vm.RecordError, "s ahead of the clock", "in_future"),
    ("equity", lambda t: t.record_equity(1.0, 1.0, time.time() * 1_000_000),
     vm.RecordError, "looks like microseconds since the Unix epoch, not seconds; divide it by 1000000", "time_unit"),
    ("equity", lambda t: t.record_equity(INF, 1.0, 1.0),
     vm.RecordError, "balance must be a finite number, got inf", "not_finite"),
    ("market", lambda t: t.record_quote("EURUSD+", 1.2, 1.1),
     vm.RecordError, "ask", "out_of_range"),
    ("market", lambda t: t.record_physics("EURUSD+", "M5", momentum=NAN, velocity=0.0,
                                          acceleration=0.0, energy=1.0),
     vm.RecordError, "momentum must be a finite number", "not_finite"),
    ("agents", lambda t: t.record_rl("sniper", exploration_rate=2.0, learning_progress=0.1,
                                     experience_buffer_size=1, model_confidence=0.5),
     vm.RecordError, "exploration_rate must be within 0..=1, got 2", "out_of_range"),
    ("system", lambda t: t.record_error("FATAL"),
     vm.ParseError, 'unknown error severity "FATAL"', None),
    ("system", lambda t: t.record_db_query(-0.5),
     vm.RecordError, "latency must not be negative, got -0.5", None),
    ("risk engine", lambda t: t.set_risk_score(101.0),
     vm.RecordError, "risk_score must be within 0..=100, got 101", "out_of_range"),
    ("risk engine", lambda t: t.set_risk_limits(daily_loss_limit=0.0),
     vm.RecordError, "daily_loss_limit must be within", "out_of_range"),
    ("risk engine", lambda t: t.trip_circuit_breaker("gremlins"),
     vm.ParseError, 'unknown circuit-breaker reason "gremlins"', None),
    ("risk engine", lambda t: t.record_risk_decision("maybe", 0.001),
     vm.ParseError, 'unknown risk decision "maybe"', None),
    ("risk engine", lambda t: t.record_risk_decision("approve", NAN),
     vm.RecordError, "latency must be a finite number of seconds, got NaN", None),
    ("execution", lambda t: t.record_order_filled("EURUSD+", latency=0.01, slippage=0.0, spread=-1.0),
     vm.RecordError, "spread must not be negative, got -1", "negative"),
    ("execution", lambda t: t.record_order_rejected("EURUSD+", "cosmic_rays"),
     vm.ParseError, 'unknown order rejection reason "cosmic_rays"', None),
    ("bars", lambda t: t.record_bar("XAUUSD+", "H1", open=2.0, high=1.0, low=3.0, close=2.0),
     vm.RecordError, "high must be within", "out_of_range"),
    ("bars", lambda t: t.set_vpin("XAUUSD+", 1.5),
     vm.RecordError, "vpin must be within 0..=1, got 1.5", "out_of_range"),
    ("learners", lambda t: t.record_rl_training("sniper", loss=-1.0, q_value=0.0),
     vm.RecordError, "loss must not be negative, got -1", "negative"),
    ("learners", lambda t: t.record_rl_reward("sniper", NAN),
     vm.RecordError, "must be a finite number, got NaN", "not_finite"),
    ("run control", lambda t: t.set_primary_instance_ratio(-0.1),
     vm.RecordError, "ratio must be within 0..=1, got -0.1", "out_of_range"),
    ("run control", lambda t: t.start_run("run\n1", "abc"),
     vm.LabelError, "run_id label value", None),
]


@pytest.mark.parametrize("group,call,error,message,reason", CASES,
                         ids=[f"{c[0]}:{c[3][:40]}" for c in CASES])
def test_bad_input_raises_the_rust_error_and_records_nothing(t, group, call, error, message, reason):
    before = t.render()
    with pytest.raises(error) as raised:
        call(t)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, vm.VelocityMetricsError)
    after = t.render()
    if reason is not None:
        assert raised.value.reason == reason
        assert value(after, "velocitytrader_rejected_events_total", {"reason": reason}) == 1
    assert value(after, "velocitytrader_trades_total") == value(before, "velocitytrader_trades_total")


def test_record_error_names_the_field(t) -> None:
    with pytest.raises(vm.RecordError) as raised:
        t.record_trade("sniper", "EURUSD+", "M5", 1.0, confidence=-0.5)
    assert (raised.value.field, raised.value.reason) == ("confidence", "out_of_range")


def test_future_tolerance_bounds_how_far_ahead_a_time_may_be() -> None:
    t = vm.Telemetry(future_tolerance=60.0)
    assert t.config["future_tolerance"] == 60.0
    t.record_trade("sniper", "EURUSD+", "M5", 1.0, closed_at=time.time() + 30)
    with pytest.raises(vm.RecordError) as raised:
        t.record_trade("sniper", "EURUSD+", "M5", 1.0, closed_at=time.time() + 120)
    assert (raised.value.reason, raised.value.field) == ("in_future", "closed_at")
    assert "more than the 60 s allowed (TelemetryBuilder::future_tolerance)" in str(raised.value)
    text = t.render()
    assert value(text, "velocitytrader_trades_total") == 1
    assert value(text, "velocitytrader_rejected_events_total", {"reason": "in_future"}) == 1
    assert vm.Telemetry().config["future_tolerance"] == 300.0  # the default: five minutes
    assert vm.Telemetry(future_tolerance=7 * 86_400.0).config["future_tolerance"] == 86_400.0  # at most a day
    with pytest.raises(vm.RecordError, match="future_tolerance must not be negative"):
        vm.Telemetry(future_tolerance=-1.0)


def test_a_65th_run_is_refused_and_counted(t) -> None:
    for i in range(vm.MAX_RUNS):
        t.start_run(f"run-{i}", "h")
    with pytest.raises(vm.RecordError) as raised:
        t.start_run("one-too-many", "h")
    assert raised.value.reason == "limit_reached" and "runs: at most 64" in str(raised.value)
    assert value(t.render(), "velocitytrader_rejected_events_total", {"reason": "limit_reached"}) == 1


@pytest.mark.parametrize("call,error", [
    (lambda t: t.record_trade("sniper", "EURUSD+", "M5", "12.5"), TypeError),
    (lambda t: t.record_trade("sniper", "EURUSD+", "M5", None), TypeError),
    (lambda t: t.record_trade(None, "EURUSD+", "M5", 1.0), TypeError),
    (lambda t: t.record_trade(42, "EURUSD+", "M5", 1.0), TypeError),
    (lambda t: t.record_trade("sniper", b"EURUSD+", "M5", 1.0), TypeError),
    (lambda t: t.record_trade("sniper", "EURUSD+", None, 1.0), TypeError),
    (lambda t: t.record_trade("sniper", "EURUSD+", "M5", 10 ** 400), OverflowError),
    (lambda t: t.add_ticks(2 ** 64), OverflowError),
    (lambda t: t.add_ticks(-1), OverflowError),
    (lambda t: t.set_phase(256), OverflowError),
    (lambda t: t.set_active_positions("sniper", None), TypeError),
    (lambda t: t.record_equity(None, 1.0), TypeError),
    (lambda t: t.record_error(3), TypeError),
    (lambda t: t.record_trade("sniper", "EURUSD+", "M5", 1.0, bogus=1), TypeError),
    (lambda t: vm.Telemetry(starting_balanse=1.0), TypeError),
    (lambda t: t.record_regime("EURUSD+", "M5", "\x00"), vm.ParseError),
    (lambda t: t.record_signal("\x00"), vm.LabelError),
    (lambda t: t.record_signal("\ud800"), UnicodeEncodeError),
], ids=range(18))
def test_wrong_types_and_hostile_values_raise_instead_of_crashing(t, call, error) -> None:
    with pytest.raises(error):
        call(t)
    assert value(t.render(), "velocitytrader_trades_total") == 0


def test_hostile_but_valid_symbols_are_kept_verbatim_and_escaped(t) -> None:
    t.record_trade("sniper", 'a"b\\c,d é', "M5", 1.0)
    assert 'symbol="a\\"b\\\\c,d é"' in t.render()


def test_a_rust_panic_is_an_exception_that_except_exception_catches() -> None:
    try:
        vm._native._panic_for_tests()
    except Exception as caught:  # noqa: BLE001 - the point of the test
        assert isinstance(caught, vm.InternalError)
        assert "a deliberate panic" in str(caught)
    else:
        pytest.fail("no exception")


def test_exporter_options_are_checked() -> None:
    with pytest.raises(vm.ExporterConfigError, match="invalid listen address"):
        vm.serve(listen="localhost")
    with pytest.raises(vm.ExporterConfigError, match="invalid client allow-list entry"):
        vm.serve(allow_clients=["10.0.0.0/33"])
    with pytest.raises(vm.RecordError, match="scrape_timeout must not be negative"):
        vm.serve(listen="127.0.0.1:0", scrape_timeout=-1.0)
    with pytest.raises(vm.ExporterConfigError, match="no catalogue histogram"):
        vm.embedded(buckets={"velocitytrader_nope": [1.0]})
    with pytest.raises(vm.ExporterConfigError, match="invalid histogram buckets"):
        vm.embedded(buckets={"velocitytrader_db_query_duration_seconds": [0.5, 0.1]})
    with pytest.raises(vm.LabelError, match="reserved"):
        vm.embedded(global_labels={"job": "x"})
    with pytest.raises(vm.LabelError, match="invalid label name"):
        vm.Telemetry(labels={"bad-name": "x"})
    with pytest.raises(vm.ParseError, match="unknown mode"):
        vm.EngineIdentity("e1", mode="demo")
    assert math.isfinite(vm.MAX_ABS_AMOUNT)

"""Batch mode for backtests, from Python, against the real programs: a run
pushed to a Pushgateway (plain, and behind HTTPS with basic auth from a
password file and a private CA), deleted on finish, refused when its
grouping would rewrite its ``run_id``; a 30-day backtest imported into
VictoriaMetrics at its simulated timestamps and queried back; bad
checkpoint times and bad targets as typed errors with the Rust messages."""

from __future__ import annotations

import time
from pathlib import Path
from typing import List

import pytest

import velocity_metrics as vm
from conftest import Children, free_port, http_get, http_request
from credentials import secret_file
from exposition import value
from stores import query_range, settle, start_plain_pushgateway, start_secure_pushgateway, start_victoria_metrics

HOUR = 3_600.0
JOB = vm.DEFAULT_PUSH_JOB


def gateway_metrics(port: int) -> str:
    status, _, body = http_get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200, body
    return body


@pytest.mark.needs_pushgateway
def test_a_backtest_lands_in_the_pushgateway_periodically_and_at_finish(children: Children) -> None:
    port = start_plain_pushgateway(children)
    target = vm.PushTarget(f"http://127.0.0.1:{port}", grouping={"run_id": "py-run-1"}, every=0.2)
    with vm.batch(push=target, identity=vm.EngineIdentity("bt-py", mode="backtest")) as run:
        run.telemetry.start_run("py-run-1", "cfg-1")
        run.telemetry.record_trade("SNIPER", "EURUSD+", "M5", 4.0)
        deadline = time.monotonic() + 10  # the periodic push, before the run ends
        while value(gateway_metrics(port), "velocitytrader_trades_total", {"run_id": "py-run-1"}) != 1:
            assert time.monotonic() < deadline, "no periodic push within 10 s"
            time.sleep(0.1)
        run.telemetry.record_trade("SNIPER", "EURUSD+", "M5", -1.0)
    assert run.is_finished
    held = gateway_metrics(port)
    labels = {"job": JOB, "run_id": "py-run-1", "engine": "bt-py", "mode": "backtest"}
    assert value(held, "velocitytrader_trades_total", labels) == 2  # the final push
    assert value(held, "velocitytrader_run_info", {**labels, "config_hash": "cfg-1"}) == 1
    with pytest.raises(vm.PushError) as raised:
        run.finish()
    assert raised.value.kind == "finished"
    # The finished run still renders its final state.
    assert value(run.telemetry.render(), "velocitytrader_trades_total") == 2

    deleting = vm.batch(push=vm.PushTarget(f"http://127.0.0.1:{port}", grouping={"run_id": "py-run-2"},
                                           delete_on_finish=True))
    deleting.telemetry.record_trade("SNIPER", "EURUSD+", "M5", 1.0)
    report = deleting.finish()
    assert (report.pushes, report.failures, report.deleted) == (1, 0, True)
    held = gateway_metrics(port)
    assert value(held, "velocitytrader_trades_total", {"run_id": "py-run-2"}) is None
    assert value(held, "velocitytrader_trades_total", {"run_id": "py-run-1"}) == 2


@pytest.mark.needs_pushgateway
def test_a_push_whose_grouping_would_rewrite_the_run_id_is_refused(children: Children) -> None:
    port = start_plain_pushgateway(children)
    run = vm.batch(push=vm.PushTarget(f"http://127.0.0.1:{port}", grouping={"run_id": "r-two"}))
    run.telemetry.start_run("other-run", "cfg")
    with pytest.raises(vm.PushConfigError) as raised:
        run.push_now()
    assert raised.value.kind == "grouping_conflict" and raised.value.reason == "config"
    assert 'the series carry run_id="other-run" but the destination would rewrite it to run_id="r-two"' in str(
        raised.value)
    with pytest.raises(vm.PushConfigError, match="grouping_conflict|would rewrite"):
        run.finish()
    assert value(gateway_metrics(port), "velocitytrader_trades_total") is None  # nothing was sent
    assert value(run.telemetry.render(), "velocitytrader_push_failures_total", {"reason": "config"}) >= 1

    with pytest.raises(vm.PushConfigError) as raised:
        vm.batch(push=vm.PushTarget("http://127.0.0.1:9", grouping={"run_id": "a"}),
                 import_=vm.ImportTarget("http://127.0.0.1:9", "b"))
    assert raised.value.kind == "grouping_conflict"
    with pytest.raises(vm.ExporterError) as raised:
        vm.batch(push=vm.PushTarget("http://127.0.0.1:9", grouping={"account": "a"}), labels={"account": "a"})
    assert raised.value.kind == "label_clash"


@pytest.mark.needs_pushgateway
def test_over_https_with_basic_auth_from_a_password_file(children: Children, tmp_path: Path) -> None:
    port, creds, auth = start_secure_pushgateway(children, tmp_path, "backtests", "s3cret pass")
    url = f"https://127.0.0.1:{port}"
    right = secret_file(tmp_path, "password", "s3cret pass")
    target = vm.PushTarget(url, grouping={"run_id": "tls-1"}, user="backtests", password_file=right,
                           ca_file=creds.ca_cert, timeout=5.0)
    assert "s3cret" not in repr(target) and "redacted" in repr(target)
    run = vm.batch(push=target)
    run.telemetry.record_trade("SNIPER", "EURUSD+", "M5", 4.0)
    assert (run.finish().pushes, len(run.telemetry.render()) > 0) == (1, True)
    status, _, body = http_request(f"{url}/metrics", auth, creds.client_context())
    assert status == 200 and value(body.decode(), "velocitytrader_trades_total", {"run_id": "tls-1"}) == 1

    wrong = vm.batch(push=vm.PushTarget(url, grouping={"run_id": "tls-2"}, user="backtests",
                                        password_file=secret_file(tmp_path, "wrong", "guess"),
                                        ca_file=creds.ca_cert))
    with pytest.raises(vm.PushError) as raised:
        wrong.finish()
    assert (raised.value.kind, raised.value.reason) == ("unauthorized", "auth")
    assert "refused the credentials (HTTP 401)" in str(raised.value)
    assert not isinstance(raised.value, ValueError)

    untrusted = vm.batch(push=vm.PushTarget(url, user="backtests", password_file=right))
    with pytest.raises(vm.PushError) as raised:
        untrusted.finish()
    assert (raised.value.kind, raised.value.reason) == ("connect", "connect")


def test_bad_targets_and_checkpoint_times_raise_the_rust_messages(tmp_path: Path) -> None:
    with pytest.raises(vm.PushConfigError, match="no scheme: write http://127.0.0.1:9091") as raised:
        vm.PushTarget("127.0.0.1:9091")
    assert raised.value.kind == "invalid_url" and isinstance(raised.value, ValueError)
    with pytest.raises(vm.PushConfigError, match="reserved") as raised:
        vm.PushTarget("http://127.0.0.1:9091", grouping={"instance": "x"})
    assert raised.value.kind == "invalid_grouping"
    with pytest.raises(vm.PushConfigError, match="absent") as raised:
        vm.PushTarget("http://127.0.0.1:9091", user="ci", password_file=tmp_path / "absent")
    assert raised.value.kind == "credentials"
    with pytest.raises(vm.PushConfigError, match="needs password_file"):
        vm.ImportTarget("http://127.0.0.1:8428", "r", user="ci")
    with pytest.raises(vm.PushConfigError, match="not both"):
        vm.ImportTarget("http://127.0.0.1:8428", "r", bearer_token_file=secret_file(tmp_path, "t", "tok"),
                        user="ci", password_file=secret_file(tmp_path, "p", "pw"))
    with pytest.raises(vm.PushConfigError, match="CA file") as raised:
        vm.ImportTarget("http://127.0.0.1:8428", "r", ca_file=secret_file(tmp_path, "ca", "not a certificate"))
    assert raised.value.kind == "ca_file"
    with pytest.raises(TypeError, match="needs push="):
        vm.batch()

    # Nothing listens on this port: the checkpoints' checks come first, the send fails at finish.
    run = vm.batch(import_=vm.ImportTarget(f"http://127.0.0.1:{free_port()}", "r-1", timeout=1.0))
    at = time.time() - 30 * 86_400
    for bad, says in [(at * 1_000, "looks like milliseconds since the Unix epoch, not seconds; divide it by 1000"),
                      (-1.0, "simulated_at must not be negative, got -1"),
                      (float("nan"), "simulated_at must be a finite number, got NaN"),
                      (time.time() + 86_400, "ahead of the clock")]:
        with pytest.raises(vm.PushConfigError) as raised:
            run.checkpoint(bad)
        assert says in str(raised.value) and str(raised.value).startswith("checkpoint refused: simulated_at")
        assert raised.value.kind == "checkpoint"
    run.checkpoint(at)
    with pytest.raises(vm.PushConfigError, match="older than the previous"):
        run.checkpoint(at - 60)
    with pytest.raises(vm.PushError) as raised:
        run.finish()
    assert (raised.value.kind, raised.value.reason) == ("connect", "connect")


def backtest(port: int, run_id: str, start: float, steps: int, win: float, loss: float) -> List[float]:
    """One simulated run: a trade and an equity sample each hour, checkpointed
    at that hour, imported into VictoriaMetrics. Returns the equity curve."""
    balance, curve = 10_000.0, []
    with vm.batch(import_=vm.ImportTarget(f"http://127.0.0.1:{port}", run_id),
                  identity=vm.EngineIdentity("bt-py", mode="backtest"), starting_balance=balance) as run:
        run.telemetry.start_run(run_id, "cfg-1")
        for step in range(steps):
            at = start + HOUR * step
            pnl = loss if step % 3 == 2 else win
            run.telemetry.record_trade("SNIPER", "EURUSD+", "H1", pnl, closed_at=at)
            balance += pnl
            run.telemetry.record_equity(balance, balance, at)
            run.checkpoint(at)
            curve.append(balance)
    return curve


@pytest.mark.needs_victoria_metrics
def test_thirty_simulated_days_land_on_their_own_dates(children: Children, tmp_path: Path) -> None:
    port = start_victoria_metrics(children, tmp_path)
    steps = 30 * 24
    start = (time.time() // HOUR) * HOUR - 40 * 24 * HOUR
    curves = {"py-bt-a": backtest(port, "py-bt-a", start, steps, 3.0, -4.0),
              "py-bt-b": backtest(port, "py-bt-b", start, steps, 5.0, -1.0)}
    settle(port)
    end = start + HOUR * (steps - 1)
    for run_id, curve in curves.items():
        selector = (f'{{run_id="{run_id}", instance="{run_id}", job="{JOB}", engine="bt-py", '
                    'mode="backtest"}')
        deadline = time.monotonic() + 30
        while len(equity := query_range(port, "velocitytrader_account_equity" + selector, start, end,
                                        HOUR)) < steps and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [at for at, _ in equity] == [start + HOUR * step for step in range(steps)], run_id
        assert [v for _, v in equity] == curve, run_id
        trades = query_range(port, "velocitytrader_trades_total" + selector, start, end, HOUR)
        assert [v for _, v in trades] == [float(step + 1) for step in range(steps)], run_id
    # Nothing at the wall-clock time of the runs: each curve is on its own dates.
    assert query_range(port, 'velocitytrader_account_equity{run_id="py-bt-a"}', time.time() - 600,
                       time.time(), 60) == []

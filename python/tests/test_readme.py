"""The README's Python examples run as written, in child processes: the
complete engine (in a directory holding a `trading_logs.db`, on a free port
instead of 9090), and the backtest against a real Pushgateway behind HTTPS
with basic auth and a real VictoriaMetrics (their addresses, the password
file and the CA replaced by the test's)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Children, free_port, http_request
from credentials import secret_file
from engine_db import EngineDb
from exposition import value
from stores import query_range, settle, start_secure_pushgateway, start_victoria_metrics

README = Path(__file__).resolve().parents[2] / "README.md"


def python_block(after_heading: str) -> str:
    text = README.read_text()
    section = text[text.index(after_heading):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_complete_engine_example_runs(tmp_path: Path) -> None:
    db = EngineDb(tmp_path / "trading_logs.db")
    db.close_trade(1_795_564_800.0, "BERSERKER", "EURUSD+", 12.0)
    db.close()
    code = python_block("### A complete engine").replace("127.0.0.1:9090", f"127.0.0.1:{free_port()}")
    code += "\nassert vm.render().count('velocitytrader_trades_total') >= 1\nprint('done')\n"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["not_finite pnl", "done"]


@pytest.mark.needs_pushgateway
@pytest.mark.needs_victoria_metrics
def test_the_backtest_example_runs_against_real_stores(children: Children, tmp_path: Path) -> None:
    gateway, creds, auth = start_secure_pushgateway(children, tmp_path, "backtests", "pw")
    store = start_victoria_metrics(children, tmp_path)
    code = (python_block("### Backtests from Python")
            .replace("https://pushgateway.example:9091", f"https://127.0.0.1:{gateway}")
            .replace("/run/secrets/pushgateway", str(secret_file(tmp_path, "password", "pw")))
            .replace("/etc/velocitytrader/ca.pem", str(creds.ca_cert))
            .replace("http://victoriametrics.example:8428", f"http://127.0.0.1:{store}"))
    result = subprocess.run([sys.executable, "-c", "import velocity_metrics as vm\n" + code], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("lines in the final state\n")
    status, _, body = http_request(f"https://127.0.0.1:{gateway}/metrics", auth, creds.client_context())
    assert value(body.decode(), "velocitytrader_trades_total", {"run_id": "2026-11-26-eurusd-m5"}) == 720
    settle(store)
    points = query_range(store, 'velocitytrader_account_equity{run_id="2026-11-26-eurusd-m5"}',
                         1_790_000_000.0, 1_790_000_000.0 + 719 * 3_600.0, 3_600.0)
    assert [v for _, v in points] == [10_000.0 + 3.0 * (i + 1) for i in range(720)]

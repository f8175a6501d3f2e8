"""The Python example engine serves every group of series, and the benchmark
script runs (its figures are published in BENCHMARKS.md, not asserted here:
speed is measured, never timed in a test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import Children, free_port, http_get, wait_until
from exposition import blocks, value

PYTHON_DIR = Path(__file__).resolve().parents[1]


def test_the_simulated_engine_serves_every_group(children: Children) -> None:
    port = free_port()
    engine = children.start([sys.executable, str(PYTHON_DIR / "examples" / "simulated_engine.py"),
                             "--port", str(port), "--duration", "30", "--engine", "py-sim"],
                            stdout=subprocess.PIPE, text=True)
    assert engine.stdout.readline().startswith("serving http://127.0.0.1:")
    url = f"http://127.0.0.1:{port}/metrics"
    body = wait_until(lambda: (lambda r: r[2] if r[0] == 200 and (value(r[2], "velocitytrader_trades_total") or 0) >= 3
                                else None)(http_get(url)), timeout=30, what="three simulated trades")
    families = blocks(body)
    for name in ["velocitytrader_win_rate", "velocitytrader_account_equity", "velocitytrader_physics_energy",
                 "velocitytrader_regime_current", "velocitytrader_risk_budget_utilization",
                 "velocitytrader_orders_submitted_total", "velocitytrader_price_close",
                 "velocitytrader_agent_cumulative_reward", "velocitytrader_run_info",
                 "velocitytrader_rl_exploration_rate", "velocitytrader_vpin"]:
        assert name in families, name
    assert value(body, "velocitytrader_build_info", {"engine": "py-sim", "engine_version": "python-example"}) == 1
    engine.terminate()
    assert engine.wait(timeout=10) == 0


def test_the_benchmark_runs() -> None:
    result = subprocess.run([sys.executable, str(PYTHON_DIR / "benchmarks" / "bench_record_trade.py"), "--quick"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "RATIO prometheus_client_per_call / velocity_metrics_str" in result.stdout

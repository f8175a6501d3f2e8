"""A multi-process engine: one endpoint per process, told apart by identity
labels, scraped by a real Prometheus (Debian's ``prometheus``, on a free
loopback port, in a temporary directory, stopped by pid)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import Children, free_port, start_prometheus, wait_until
from conftest import prometheus_query as query


@pytest.mark.needs_prometheus
def test_child_engines_are_scraped_by_a_real_prometheus(children: Children, tmp_path: Path) -> None:
    engines = {"py-engine-1": (free_port(), 7), "py-engine-2": (free_port(), 12)}
    for engine, (port, trades) in engines.items():
        child = children.python("engine_child.py", "--port", str(port), "--engine", engine,
                                "--trades", str(trades), stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready", f"{engine} did not start"

    targets = ", ".join(f"'127.0.0.1:{port}'" for port, _ in engines.values())
    prometheus_port = start_prometheus(children, tmp_path, "  - job_name: velocitytrader\n"
                                       f"    static_configs:\n      - targets: [{targets}]\n")

    result = wait_until(lambda: len(query(prometheus_port, "velocitytrader_trades_total")) == 2
                        and query(prometheus_port, "velocitytrader_trades_total"),
                        timeout=60, what="both engines' trades in Prometheus")
    by_engine = {r["metric"]["engine"]: float(r["value"][1]) for r in result}
    assert by_engine == {engine: float(trades) for engine, (_, trades) in engines.items()}
    for r in result:
        assert (r["metric"]["account"], r["metric"]["mode"], r["metric"]["job"]) == ("acc-1", "paper", "velocitytrader")
    total = query(prometheus_port, "sum(velocitytrader_agent_trades_total{agent='sniper'})")
    assert float(total[0]["value"][1]) == 19
    up = query(prometheus_port, "sum by (engine) (up{job='velocitytrader'} * on(instance) group_left(engine) velocitytrader_mt5_connection)")
    assert sorted(r["metric"]["engine"] for r in up) == sorted(engines)

"""The README's Python engine example runs as written (in a child process,
in a directory holding a `trading_logs.db`, on a free port instead of 9090)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import free_port
from engine_db import EngineDb

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

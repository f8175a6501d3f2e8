"""The same sequence of calls from Rust (``parity_render.rs``) and from
Python (``parity_calls.py``) renders the same exposition, byte for byte.

Two things are normalised, and only these: the order of families and of
series within a family (metrics-exporter-prometheus renders them in hash-map
order, which differs between any two processes, two Rust runs included), and
the sample lines of the series that depend on the wall clock by nature —
uptime, run duration, process CPU time and resident memory — whose
``# HELP``/``# TYPE`` lines are still compared. Every trade and equity
sample carries an explicit time, so nothing else depends on when the test runs.
"""

from __future__ import annotations

import difflib
import subprocess
from pathlib import Path

import pytest

import parity_calls
from conftest import require_program
from exposition import WALL_CLOCK_FAMILIES, blocks, canonical

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.mark.needs_cargo
def test_python_and_rust_render_the_same_bytes(tmp_path: Path) -> None:
    cargo = require_program("cargo")
    rust_out = tmp_path / "rust.txt"
    subprocess.run([cargo, "run", "--quiet", "-p", "velocity_metrics_python", "--example",
                    "parity_render", "--", str(rust_out)], cwd=REPOSITORY, check=True, timeout=1800)
    rust = rust_out.read_text()

    telemetry = parity_calls.telemetry()
    parity_calls.run(telemetry)
    python = telemetry.render()

    assert len(blocks(rust)) > 100, "the Rust render is missing most families"
    assert set(blocks(rust)) == set(blocks(python))
    for family in WALL_CLOCK_FAMILIES:
        assert family in blocks(python), f"{family} not rendered: scrubbing it would hide nothing"
    expected, actual = canonical(rust), canonical(python)
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "rust", "python"))
    assert expected == actual, diff
    assert len(python.splitlines()) == len(rust.splitlines())

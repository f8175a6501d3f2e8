"""Reading the Prometheus text exposition in tests."""

from __future__ import annotations

import math
import re
from typing import Dict, Iterable, List, Optional

#: Series whose value depends on the wall clock by nature: the time since the
#: telemetry (or the run) started and the process's CPU time and memory.
WALL_CLOCK_FAMILIES = (
    "velocitytrader_uptime_seconds",
    "velocitytrader_run_duration_seconds",
    "velocitytrader_process_cpu_seconds",
    "velocitytrader_process_resident_memory_bytes",
)

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$')


def blocks(text: str) -> Dict[str, List[str]]:
    """Each metric family's lines (``# HELP``, ``# TYPE``, samples), by family name.

    metrics-exporter-prometheus renders families, and series within a family,
    in hash-map order, which differs from process to process (Rust's own
    included); the lines themselves do not.
    """
    families: Dict[str, List[str]] = {}
    for block in text.strip("\n").split("\n\n"):
        lines = [line for line in block.split("\n") if line]
        if not lines:
            continue
        name = lines[0].split(" ")[2] if lines[0].startswith("#") else _SAMPLE.match(lines[0]).group(1)
        assert name not in families, f"family {name} rendered twice"
        families[name] = lines
    return families


def canonical(text: str, scrub: Iterable[str] = WALL_CLOCK_FAMILIES) -> str:
    """The exposition with families sorted by name and each family's sample
    lines sorted, every byte of every line kept, except the sample lines of
    the ``scrub`` families (their ``# HELP``/``# TYPE`` lines stay)."""
    out = []
    for name, lines in sorted(blocks(text).items()):
        comments = [line for line in lines if line.startswith("#")]
        samples = sorted(line for line in lines if not line.startswith("#"))
        if name in scrub:
            samples = []
        out.append("\n".join(comments + samples))
    return "\n\n".join(out) + "\n"


def value(text: str, name: str, labels: Optional[Dict[str, str]] = None) -> Optional[float]:
    """The value of the sample ``name{labels}`` (labels: a subset to match), or ``None``."""
    labels = labels or {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            raw = match.group(3)
            return {"+Inf": math.inf, "-Inf": -math.inf}.get(raw, float(raw))
    return None

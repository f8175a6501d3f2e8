"""What recording a closed trade costs from Python, measured in one run:

* a bare Python function call with the same arguments (the floor);
* ``velocity_metrics`` ``record_trade`` — every statistic (win rate, profit
  factor, payoff, streaks, breakdowns per agent, symbol, regime, timeframe …)
  — with plain strings, with pre-checked ``Agent``/``Symbol`` objects, and
  through the module-level function;
* ``prometheus_client`` doing the seven labelled updates a user would write
  for the same trade (trades, wins or losses, P&L; trades and P&L per agent
  and per symbol), with ``.labels()`` looked up per call as usually written,
  and with the children cached.

Each operation records one winning and one losing trade; figures are per
trade, the best of several repeats (``timeit``), and the ratios are against
the same run's baselines.

    python python/benchmarks/bench_record_trade.py            # the published figures
    python python/benchmarks/bench_record_trade.py --quick    # a smoke run
"""

from __future__ import annotations

import argparse
import platform
import sys
import timeit
from typing import Callable, Dict

import velocity_metrics as vm


def bare_function() -> Callable[[], None]:
    def record_trade(agent, symbol, timeframe, pnl, *, regime=None, duration_secs=None, confidence=None):
        return None

    def op() -> None:
        record_trade("BERSERKER", "EURUSD+", "M5", 12.5, regime="CHAOTIC", duration_secs=310.0, confidence=0.8)
        record_trade("BERSERKER", "EURUSD+", "M5", -7.5, regime="CHAOTIC", duration_secs=310.0, confidence=0.8)
    return op


def velocity_strings() -> Callable[[], None]:
    record_trade = vm.Telemetry().record_trade

    def op() -> None:
        record_trade("BERSERKER", "EURUSD+", "M5", 12.5, regime="CHAOTIC", duration_secs=310.0, confidence=0.8)
        record_trade("BERSERKER", "EURUSD+", "M5", -7.5, regime="CHAOTIC", duration_secs=310.0, confidence=0.8)
    return op


def velocity_objects() -> Callable[[], None]:
    record_trade = vm.Telemetry().record_trade
    agent, symbol = vm.Agent("BERSERKER"), vm.Symbol("EURUSD+")

    def op() -> None:
        record_trade(agent, symbol, "M5", 12.5, regime="CHAOTIC", duration_secs=310.0, confidence=0.8)
        record_trade(agent, symbol, "M5", -7.5, regime="CHAOTIC", duration_secs=310.0, confidence=0.8)
    return op


def velocity_module() -> Callable[[], None]:
    def op() -> None:
        vm.record_trade("BERSERKER", "EURUSD+", "M5", 12.5, regime="CHAOTIC", duration_secs=310.0, confidence=0.8)
        vm.record_trade("BERSERKER", "EURUSD+", "M5", -7.5, regime="CHAOTIC", duration_secs=310.0, confidence=0.8)
    return op


def prometheus_client_updates(cached: bool) -> Callable[[], None]:
    from prometheus_client import CollectorRegistry, Counter, Gauge

    registry = CollectorRegistry()
    trades = Counter("trades", "Closed trades", registry=registry)
    wins = Counter("trades_winning", "Winning trades", registry=registry)
    losses = Counter("trades_losing", "Losing trades", registry=registry)
    pnl_total = Gauge("pnl_total", "Net P&L", registry=registry)
    agent_trades = Counter("agent_trades", "Trades per agent", ["agent"], registry=registry)
    agent_pnl = Gauge("agent_pnl_total", "P&L per agent", ["agent"], registry=registry)
    symbol_trades = Counter("symbol_trades", "Trades per symbol", ["symbol"], registry=registry)
    symbol_pnl = Gauge("symbol_pnl", "P&L per symbol", ["symbol"], registry=registry)

    def record_trade(agent: str, symbol: str, pnl: float) -> None:
        trades.inc()
        (wins if pnl > 0 else losses).inc()
        pnl_total.inc(pnl)
        agent_trades.labels(agent.lower()).inc()
        agent_pnl.labels(agent.lower()).inc(pnl)
        symbol_trades.labels(symbol).inc()
        symbol_pnl.labels(symbol).inc(pnl)

    if not cached:
        def op_per_call() -> None:
            record_trade("BERSERKER", "EURUSD+", 12.5)
            record_trade("BERSERKER", "EURUSD+", -7.5)
        return op_per_call

    a_trades, a_pnl = agent_trades.labels("berserker"), agent_pnl.labels("berserker")
    s_trades, s_pnl = symbol_trades.labels("EURUSD+"), symbol_pnl.labels("EURUSD+")

    def record_cached(pnl: float) -> None:
        trades.inc()
        (wins if pnl > 0 else losses).inc()
        pnl_total.inc(pnl)
        a_trades.inc()
        a_pnl.inc(pnl)
        s_trades.inc()
        s_pnl.inc(pnl)

    def op_cached() -> None:
        record_cached(12.5)
        record_cached(-7.5)
    return op_cached


def per_trade_ns(op: Callable[[], None], number: int, repeat: int) -> float:
    op()  # first label set registered outside the timing
    best = min(timeit.repeat(op, number=number, repeat=repeat))
    return best / number / 2 * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description="record_trade from Python vs prometheus_client")
    parser.add_argument("--quick", action="store_true", help="a smoke run: few iterations")
    args = parser.parse_args()
    number, repeat = (2_000, 3) if args.quick else (100_000, 7)

    cases: Dict[str, Callable[[], None]] = {
        "bare Python function call": bare_function(),
        "velocity_metrics Telemetry.record_trade (str labels)": velocity_strings(),
        "velocity_metrics Telemetry.record_trade (Agent/Symbol)": velocity_objects(),
        "velocity_metrics.record_trade (module-level)": velocity_module(),
        "prometheus_client, 7 labelled updates (.labels() per call)": prometheus_client_updates(cached=False),
        "prometheus_client, 7 updates (children cached)": prometheus_client_updates(cached=True),
    }
    results = {name: per_trade_ns(op, number, repeat) for name, op in cases.items()}
    print(f"Python {platform.python_version()} on {platform.machine()}, {number} × {repeat} repeats, ns per trade")
    bare = results["bare Python function call"]
    prom = results["prometheus_client, 7 labelled updates (.labels() per call)"]
    for name, ns in results.items():
        print(f"{name:62s} {ns:9.0f} ns   ×{ns / bare:5.1f} bare   prometheus_client/this ×{prom / ns:5.1f}")
    ours = results["velocity_metrics Telemetry.record_trade (str labels)"]
    print(f"RATIO prometheus_client_per_call / velocity_metrics_str = {prom / ours:.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

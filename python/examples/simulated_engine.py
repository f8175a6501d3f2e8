"""A simulated trading engine recording every series in-process, served on
``/metrics`` — the Python twin of ``cargo run --example exporter``.

    python python/examples/simulated_engine.py --port 9090
    python python/examples/simulated_engine.py --port 9091 --engine ams-01 --account acc-1 --mode paper
    python python/examples/simulated_engine.py --db trading_logs.db    # restore first, then trade

Two agents trade six symbols on three timeframes; equity follows the closed
P&L; the physics classifier, risk engine, broker, bar feed, learners and run
control report as the real engine would. ``--duration`` stops it (seconds;
default: run until Ctrl-C).
"""

from __future__ import annotations

import argparse
import math
import random
import signal
import time
from typing import Optional

import velocity_metrics as vm

SYMBOLS = ["EURUSD+", "GBPUSD+", "USDJPY+", "XAUUSD+", "BTCUSD+", "US30+"]
TIMEFRAMES = [vm.Timeframe.M1, vm.Timeframe.M5, vm.Timeframe.H1]
AGENTS = [vm.Agent("BERSERKER"), vm.Agent("SNIPER")]
REGIMES = list(vm.Regime)


class Engine:
    """The simulated engine's state: prices, balance, learners."""

    def __init__(self, seed: int, balance: float) -> None:
        self.rng = random.Random(seed)
        self.prices = {s: 1.0 + i * 0.5 for i, s in enumerate(SYMBOLS)}
        self.balance = balance
        self.epsilon = {a: 0.5 for a in AGENTS}
        self.symbols = [vm.Symbol(s) for s in SYMBOLS]  # checked once, reused

    def tick(self) -> None:
        """One second of market data, signals, trades and engine state."""
        rng = self.rng
        vm.add_ticks(rng.randint(50, 150))
        for symbol, name in zip(self.symbols, SYMBOLS):
            price = self.prices[name] = max(0.01, self.prices[name] * (1 + rng.gauss(0, 0.001)))
            spread = price * 0.00005
            vm.record_quote(symbol, price - spread / 2, price + spread / 2)
            for timeframe in TIMEFRAMES:
                vm.record_regime(symbol, timeframe, rng.choice(REGIMES) if rng.random() < 0.05
                                 else REGIMES[(SYMBOLS.index(name) + TIMEFRAMES.index(timeframe)) % 4])
                damping = abs(rng.gauss(1.0, 0.3))
                vm.record_physics(symbol, timeframe, momentum=rng.gauss(0, 1e-4), velocity=rng.gauss(0, 1e-4),
                                  acceleration=rng.gauss(0, 1e-6), energy=abs(rng.gauss(1, 0.2)),
                                  damping_ratio=damping, natural_frequency=abs(rng.gauss(0.3, 0.05)))
                high, low = price * (1 + abs(rng.gauss(0, 5e-4))), price * (1 - abs(rng.gauss(0, 5e-4)))
                vm.record_bar(symbol, timeframe, open=min(max(price * (1 + rng.gauss(0, 2e-4)), low), high),
                              high=high, low=low, close=price, volume=float(rng.randint(100, 5000)))
            vm.set_vpin(symbol, min(1.0, abs(rng.gauss(0.35, 0.1))), 0.7)
            vm.set_spread_stress(symbol, abs(rng.gauss(1.0, 0.3)), 3.0)
        for agent in AGENTS:
            vm.record_signal(agent)
            self.trade(agent)
            self.learn(agent)
        self.risk_and_execution()

    def trade(self, agent: vm.Agent) -> None:
        rng = self.rng
        if rng.random() > 0.4:
            return
        symbol = rng.choice(self.symbols)
        pnl = round(rng.gauss(2.0 if agent == AGENTS[1] else 0.5, 20.0), 2)
        decision = vm.RiskDecision.APPROVE if rng.random() < 0.8 else vm.RiskDecision.REDUCE_SIZE
        vm.record_risk_decision(decision, abs(rng.gauss(0.0002, 0.0001)))
        vm.record_order_submitted(symbol)
        if rng.random() < 0.05:
            vm.record_order_rejected(symbol, vm.OrderRejectReason.INSUFFICIENT_MARGIN)
            return
        vm.record_order_filled(symbol, latency=abs(rng.gauss(0.05, 0.03)), slippage=rng.gauss(0, 2e-5),
                               spread=abs(rng.gauss(7e-5, 2e-5)), partial=rng.random() < 0.1)
        vm.record_trade(agent, symbol, rng.choice(TIMEFRAMES), pnl, regime=rng.choice(REGIMES),
                        duration_secs=abs(rng.gauss(300, 120)), confidence=rng.random())
        self.balance += pnl
        vm.record_equity(self.balance, self.balance + rng.gauss(0, 5))

    def learn(self, agent: vm.Agent) -> None:
        rng = self.rng
        self.epsilon[agent] = max(0.01, self.epsilon[agent] * 0.995)
        vm.record_rl_reward(agent, rng.gauss(0.01, 0.1))
        vm.record_rl(agent, exploration_rate=self.epsilon[agent], learning_progress=1 - self.epsilon[agent],
                     experience_buffer_size=rng.randint(1_000, 10_000), model_confidence=rng.random())
        vm.add_rl_experiences(agent, rng.randint(1, 20))
        if rng.random() < 0.1:
            vm.record_rl_training(agent, loss=abs(rng.gauss(0.02, 0.01)), q_value=rng.gauss(1.0, 0.3))
            vm.add_rl_episodes(agent, 1)
            vm.record_rl_episode_reward(agent, rng.gauss(10, 5))
        vm.set_active_positions(agent, rng.randint(0, 3))

    def risk_and_execution(self) -> None:
        rng = self.rng
        vm.set_risk_budget(abs(rng.gauss(150, 50)), 400.0)
        vm.set_risk_score(min(100.0, abs(rng.gauss(35, 10))))
        vm.set_open_positions(rng.randint(0, 6))
        vm.set_risk_exposure(min(100.0, abs(rng.gauss(20, 5))))
        for symbol in self.symbols[:3]:
            vm.set_symbol_exposure(symbol, rng.gauss(0, 5_000))
        vm.record_db_query(abs(rng.gauss(0.003, 0.001)))
        vm.set_websocket_clients(rng.randint(0, 4))
        vm.set_primary_instance_ratio(min(1.0, abs(rng.gauss(0.8, 0.05))))
        if rng.random() < 0.01:
            vm.record_error(rng.choice(list(vm.Severity)))


def main(argv: Optional[list] = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--port", type=int, default=9090, help="port to serve /metrics on (0: any free port)")
    parser.add_argument("--listen", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--duration", type=float, default=None, help="seconds to run (default: until Ctrl-C)")
    parser.add_argument("--engine", default="sim-1")
    parser.add_argument("--account", default=None)
    parser.add_argument("--mode", default="paper", choices=[m.value for m in vm.Mode])
    parser.add_argument("--db", default=None, help="restore from this trading_logs.db before trading")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    balance = 10_000.0
    exporter = vm.install(listen=f"{args.listen}:{args.port}", start_unready=args.db is not None,
                          identity=vm.EngineIdentity(args.engine, account=args.account, mode=args.mode,
                                                     engine_version="python-example"),
                          starting_balance=balance)
    if args.db:
        report = vm.replay(args.db, starting_balance=balance)
        print(report, flush=True)
        exporter.set_ready()
    address = exporter.listen_address
    assert address is not None  # install() always listens
    host, port = address
    print(f"serving http://{host}:{port}/metrics", flush=True)

    engine = Engine(args.seed, balance)
    vm.set_system_status(True)
    vm.set_mt5_connected(True)
    vm.set_active_symbols(len(SYMBOLS))
    vm.reset_circuit_breaker()
    vm.set_risk_limits(daily_loss_limit=500.0, daily_drawdown_limit_percent=5.0, max_positions=6,
                       max_position_size=1.0, consecutive_losses_limit=4)
    vm.start_run(f"sim-{args.seed}", "python-example")
    vm.set_session_active(True)
    vm.set_phase(1)

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    deadline = math.inf if args.duration is None else time.monotonic() + args.duration
    try:
        while not stop["now"] and time.monotonic() < deadline:
            engine.tick()
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
    except KeyboardInterrupt:
        pass
    finally:
        vm.set_session_active(False)
        vm.shutdown()


if __name__ == "__main__":
    main()

"""The drop-in for the original engine: an instrumented look-alike
`ComprehensiveLogger` (same method names and signatures, `TradeLog` and
`RewardShapingLog` with the same attribute names; nothing of the original
is copied) records what it logs, by the database's rules."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import pytest

import velocity_metrics as vm
from exposition import value

T0 = 1_795_564_800.0


@dataclass
class TradeLog:
    timestamp: float
    agent_id: str
    instrument: str
    timeframe: str
    action: str
    entry_price: float
    exit_price: Optional[float]
    position_size: float
    pnl: Optional[float]
    mae: Optional[float]
    mfe: Optional[float]
    trade_duration: Optional[float]
    spread_cost: float
    slippage: float
    market_conditions: Dict[str, Any]
    confidence_score: float
    risk_reward_ratio: Optional[float]
    win_loss: Optional[str]
    trade_id: str
    virtual_trade: bool


@dataclass
class RewardShapingLog:
    timestamp: float
    agent_id: str
    instrument: str
    state_vector: List[float]
    action_taken: str
    immediate_reward: float
    shaped_reward: float
    reward_components: Dict[str, float]
    q_values: List[float]
    exploration_bonus: float
    risk_penalty: float
    market_regime: str
    learning_rate: float
    epsilon: float


class LookAlikeLogger:
    """Keeps what it is asked to log in lists; the real one writes SQLite."""

    def __init__(self) -> None:
        self.trades: List[TradeLog] = []
        self.errors: List[tuple] = []
        self.rewards: List[RewardShapingLog] = []

    def log_trade(self, trade_log: TradeLog) -> None:
        if trade_log.trade_id == "duplicate":
            self.log_error("trade_logging", "UNIQUE constraint failed", "CRITICAL", {})
            return
        self.trades.append(trade_log)

    def log_error(self, component: str, error_msg: str, severity: str, context: Dict[str, Any] = None) -> None:
        self.errors.append((component, error_msg, severity, context))

    def log_reward_shaping(self, reward_log: RewardShapingLog) -> str:
        self.rewards.append(reward_log)
        return "stored"


def trade(pnl: Optional[float], *, at: float = T0, agent: str = "BERSERKER", symbol: str = "EURUSD+",
          duration: Optional[float] = 120.0, confidence: float = 0.0, conditions=None,
          timeframe: str = "M5", trade_id: str = "t") -> TradeLog:
    return TradeLog(at, agent, symbol, timeframe, "CLOSE" if pnl is not None else "BUY", 1.0842,
                    None if pnl is None else 1.0851, 0.1, pnl, -3.0, 9.0, duration, 0.2, 0.0,
                    conditions if conditions is not None else {"exit_reason": "TAKE_PROFIT"},
                    confidence, 3.0, None if pnl is None else ("WIN" if pnl > 0 else "LOSS"), trade_id, False)


def reward(immediate: float, q_values, epsilon: float, agent: str = "SNIPER") -> RewardShapingLog:
    return RewardShapingLog(T0, agent, "EURUSD+", [0.1], "BUY", immediate, immediate + 0.1, {},
                            q_values, 0.0, 0.0, "CHAOTIC", 0.001, epsilon)


def test_logged_trades_errors_and_rewards_are_recorded() -> None:
    t = vm.Telemetry()
    logger = LookAlikeLogger()
    instrumentation = vm.instrument_logger(logger, t)
    logger.log_trade(trade(None, confidence=3.7))                                 # open: not a trade
    logger.log_trade(trade(30.0, conditions={"regime": "CRITICAL"}, confidence=0.0))
    logger.log_trade(trade(-10.0, at=T0 + 60, agent="SNIPER", symbol="XAUUSD+", duration=-1.0,
                           confidence=0.6, conditions={"market_regime": "CHAOTIC"}))
    logger.log_trade(trade(5.0, timeframe="ALL"))                                  # skipped
    logger.log_trade(trade(float("nan")))                                          # skipped
    logger.log_trade(trade(1.0, conditions={"regime": "TRENDING"}))                # no regime
    logger.log_error("main_loop", "boom", "HIGH", {"x": 1})
    logger.log_error("main_loop", "boom", severity="critical")
    logger.log_error("main_loop", "boom", "WHATEVER")                              # skipped
    assert logger.log_reward_shaping(reward(0.5, [0.1, 0.7], 0.05)) == "stored"   # result passes through
    logger.log_reward_shaping(reward(-0.25, [], 1.5))
    assert len(logger.trades) == 6 and len(logger.errors) == 3 and len(logger.rewards) == 2

    report = instrumentation.report()
    assert (report.trades_recorded, report.errors_recorded, report.rewards_recorded) == (3, 2, 2)
    assert report.tables["trade_logs"]["open"] == 1
    assert report.tables["trade_logs"]["skipped"] == {"unknown timeframe": 1, "infinite `pnl`": 1}
    assert report.adjusted == {
        "invalid duration read as unknown": 1,
        "placeholder confidence 0.0 read as unknown": 2,
        "unknown regime read as none": 1,
        "empty q_values: no Q-value": 1,
        "epsilon outside 0..=1: no exploration rate": 1,
    }
    text = t.render()
    assert value(text, "velocitytrader_trades_total") == 3
    assert value(text, "velocitytrader_pnl_total") == 21
    assert value(text, "velocitytrader_agent_trades_total", {"agent": "sniper"}) == 1
    assert value(text, "velocitytrader_regime_trades_total", {"regime": "CRITICALLY_DAMPED"}) == 1
    assert value(text, "velocitytrader_regime_trades_total", {"regime": "CHAOTIC"}) == 1
    assert value(text, "velocitytrader_agent_avg_confidence", {"agent": "sniper"}) == 0.6
    assert value(text, "velocitytrader_last_trade_timestamp_seconds") == T0 + 60  # the latest close
    assert value(text, "velocitytrader_errors_total", {"severity": "high"}) == 1
    assert value(text, "velocitytrader_errors_total", {"severity": "critical"}) == 1
    assert value(text, "velocitytrader_agent_cumulative_reward", {"agent": "sniper"}) == 0.25
    assert value(text, "velocitytrader_rl_q_value", {"agent": "sniper"}) == 0.7
    assert value(text, "velocitytrader_rl_exploration_rate", {"agent": "sniper"}) == 0.05


def test_the_loggers_own_error_path_is_recorded_too() -> None:
    t = vm.Telemetry()
    logger = LookAlikeLogger()
    vm.instrument_logger(logger, t)
    logger.log_trade(trade(4.0, trade_id="duplicate"))  # the original's A4: it logs a CRITICAL error
    text = t.render()
    assert value(text, "velocitytrader_errors_total", {"severity": "critical"}) == 1
    assert value(text, "velocitytrader_trades_total") == 1  # the trade closed all the same


def test_exceptions_of_the_original_pass_through_and_bad_calls_never_break_the_engine() -> None:
    class Failing(LookAlikeLogger):
        def log_trade(self, trade_log):
            raise RuntimeError("disk full")

    t = vm.Telemetry()
    logger = Failing()
    instrumentation = vm.instrument_logger(logger, t)
    with pytest.raises(RuntimeError, match="disk full"):
        logger.log_trade(trade(2.0))
    assert instrumentation.report().trades_recorded == 1
    for wrong_arity in [(), ("only one",)]:  # the original raises; the instrumentation counts
        with pytest.raises(TypeError):
            logger.log_error(*wrong_arity)
    assert instrumentation.unreadable_calls == 2
    assert instrumentation.report().tables["error_logs"]["rows"] == 0


def test_remove_restores_the_methods_and_double_instrumentation_is_refused() -> None:
    logger = LookAlikeLogger()
    original = logger.log_trade
    instrumentation = vm.instrument_logger(logger, vm.Telemetry())
    assert logger.log_trade is not original
    with pytest.raises(ValueError, match="instrumented already"):
        vm.instrument_logger(logger)
    instrumentation.remove()
    assert logger.log_trade == original
    vm.instrument_logger(logger, vm.Telemetry()).remove()
    with pytest.raises(TypeError, match="not a ComprehensiveLogger"):
        vm.instrument_logger(object())


def test_market_conditions_as_json_text_and_enums() -> None:
    from enum import Enum

    class AgentType(Enum):
        SNIPER = "SNIPER"

    t = vm.Telemetry()
    logger = LookAlikeLogger()
    vm.instrument_logger(logger, t)
    logged = trade(3.0, conditions=json.dumps({"regime": 4}))
    logged.agent_id = AgentType.SNIPER
    logger.log_trade(logged)
    text = t.render()
    assert value(text, "velocitytrader_regime_trades_total", {"regime": "OVERDAMPED"}) == 1
    assert value(text, "velocitytrader_agent_trades_total", {"agent": "sniper"}) == 1


def test_instrumented_logger_from_eight_threads() -> None:
    t = vm.Telemetry()
    logger = LookAlikeLogger()
    instrumentation = vm.instrument_logger(logger, t)

    def work(i: int) -> None:
        for n in range(250):
            logger.log_trade(trade(1.0 if n % 2 else -0.5, agent=f"agent{i}"))
            logger.log_error("loop", "e", "LOW")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert instrumentation.report().trades_recorded == 2000
    text = t.render()
    assert value(text, "velocitytrader_trades_total") == 2000
    assert value(text, "velocitytrader_pnl_total") == 8 * 125 * 0.5
    assert value(text, "velocitytrader_errors_total", {"severity": "low"}) == 2000


def test_instrumenting_before_install_leaves_install_free() -> None:
    from conftest import run_python
    run_python(
        "import velocity_metrics as vm\n"
        "from test_logger import LookAlikeLogger, trade\n"
        "from exposition import value\n"
        "logger = LookAlikeLogger()\n"
        "instrumentation = vm.instrument_logger(logger)\n"
        "vm.install(listen='127.0.0.1:0', starting_balance=5000.0)  # a changed configuration\n"
        "logger.log_trade(trade(3.0))\n"
        "assert value(vm.render(), 'velocitytrader_trades_total') == 1\n"
        "assert instrumentation.report().trades_recorded == 1\n"
    )

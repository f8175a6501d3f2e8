"""Databases with the engine's ``trading_logs.db`` schema (as
``ComprehensiveLogger.setup_database`` creates it: four tables,
AUTOINCREMENT ids, ``trade_id`` UNIQUE, REAL epoch timestamps, four indexes)
and rows with the column values the engine's writers put there."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Optional, Sequence

DDL = """
CREATE TABLE IF NOT EXISTS trade_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, agent_id TEXT, instrument TEXT,
    timeframe TEXT, action TEXT, entry_price REAL, exit_price REAL, position_size REAL, pnl REAL,
    mae REAL, mfe REAL, trade_duration REAL, spread_cost REAL, slippage REAL,
    market_conditions TEXT, confidence_score REAL, risk_reward_ratio REAL, win_loss TEXT,
    trade_id TEXT UNIQUE, virtual_trade BOOLEAN);
CREATE TABLE IF NOT EXISTS performance_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, agent_id TEXT, instrument TEXT,
    timeframe TEXT, win_rate REAL, profit_factor REAL, sharpe_ratio REAL, max_drawdown REAL,
    total_trades INTEGER, avg_trade_duration REAL, hit_ratio REAL, avg_win REAL, avg_loss REAL,
    consecutive_wins INTEGER, consecutive_losses INTEGER, volatility_adjusted_return REAL,
    kelly_criterion REAL, calmar_ratio REAL);
CREATE TABLE IF NOT EXISTS error_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, error_type TEXT, error_message TEXT,
    error_code TEXT, component TEXT, severity TEXT, stack_trace TEXT, context TEXT,
    recovery_action TEXT, error_count INTEGER, resolved BOOLEAN);
CREATE TABLE IF NOT EXISTS reward_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, agent_id TEXT, instrument TEXT,
    state_vector TEXT, action_taken TEXT, immediate_reward REAL, shaped_reward REAL,
    reward_components TEXT, q_values TEXT, exploration_bonus REAL, risk_penalty REAL,
    market_regime TEXT, learning_rate REAL, epsilon REAL);
CREATE INDEX IF NOT EXISTS idx_trade_agent_time ON trade_logs(agent_id, timestamp);
CREATE INDEX IF NOT EXISTS idx_performance_agent_time ON performance_logs(agent_id, timestamp);
CREATE INDEX IF NOT EXISTS idx_error_severity_time ON error_logs(severity, timestamp);
CREATE INDEX IF NOT EXISTS idx_reward_agent_time ON reward_logs(agent_id, timestamp);
"""


class EngineDb:
    """A database being written as the engine writes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(str(path))
        self.conn.executescript(DDL)

    def open_trade(self, timestamp: float, agent_id: str, instrument: str) -> None:
        self.conn.execute(
            "INSERT INTO trade_logs (timestamp, agent_id, instrument, timeframe, action, entry_price,"
            " position_size, pnl, market_conditions, confidence_score, trade_id, virtual_trade)"
            " VALUES (?, ?, ?, 'M5', 'BUY', 1.0842, 0.1, NULL, ?, 3.7, ?, 0)",
            (timestamp, agent_id, instrument, json.dumps({"momentum": 0.00012}),
             f"{instrument}_{timestamp}_open"))

    def close_trade(self, timestamp: float, agent_id: str, instrument: str, pnl: Optional[float],
                    duration: Optional[float] = 60.0, confidence: Optional[float] = 0.0,
                    timeframe: str = "M5") -> None:
        self.conn.execute(
            "INSERT INTO trade_logs (timestamp, agent_id, instrument, timeframe, action, entry_price,"
            " exit_price, position_size, pnl, trade_duration, market_conditions, confidence_score,"
            " win_loss, trade_id, virtual_trade)"
            " VALUES (?, ?, ?, ?, 'CLOSE', 1.0842, 1.0851, 0.1, ?, ?, ?, ?, ?, ?, 0)",
            (timestamp, agent_id, instrument, timeframe, pnl, duration,
             json.dumps({"exit_reason": "TAKE_PROFIT"}), confidence,
             "WIN" if (pnl or 0) > 0 else "LOSS", f"{instrument}_{timestamp}_close"))

    def error(self, timestamp: float, severity: str, component: str = "main_loop") -> None:
        self.conn.execute(
            "INSERT INTO error_logs (timestamp, error_type, error_message, component, severity,"
            " stack_trace, context, error_count, resolved) VALUES (?, 'type', 'boom', ?, ?,"
            " 'NoneType: None', '{}', 1, 0)", (timestamp, component, severity))

    def reward(self, timestamp: float, agent_id: str, immediate: float, q_values: Sequence[float],
               epsilon: float) -> None:
        self.conn.execute(
            "INSERT INTO reward_logs (timestamp, agent_id, instrument, state_vector, action_taken,"
            " immediate_reward, shaped_reward, reward_components, q_values, exploration_bonus,"
            " risk_penalty, market_regime, learning_rate, epsilon)"
            " VALUES (?, ?, 'EURUSD+', '[]', 'BUY', ?, ?, '{}', ?, 0.0, 0.0, 'CHAOTIC', 0.001, ?)",
            (timestamp, agent_id, immediate, immediate + 0.1, json.dumps(list(q_values)), epsilon))

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.commit()
        self.conn.close()

"""The closed vocabularies as ``str`` enums.

Every recorder also takes the plain strings, in the spellings the Rust
``FromStr`` implementations accept: any case, and the original engine's
names (``"CRITICAL"`` for the critically damped regime, ``"MN"`` for
``MN1``, ``"LONG"``/``"SHORT"`` for a side). A member *is* its string, so
``Timeframe.M5 == "M5"``.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "Regime",
    "Timeframe",
    "Severity",
    "Side",
    "Mode",
    "BreakerReason",
    "RiskDecision",
    "OrderRejectReason",
    "Role",
]


class _StrEnum(str, Enum):
    def __str__(self) -> str:
        return str.__str__(self)


class Regime(_StrEnum):
    """Market regime from the physics classifier (exported upper case)."""

    CHAOTIC = "CHAOTIC"
    UNDERDAMPED = "UNDERDAMPED"
    CRITICALLY_DAMPED = "CRITICALLY_DAMPED"
    OVERDAMPED = "OVERDAMPED"


class Timeframe(_StrEnum):
    """MT5 chart timeframe."""

    M1 = "M1"
    M5 = "M5"
    M15 = "M15"
    M30 = "M30"
    H1 = "H1"
    H4 = "H4"
    D1 = "D1"
    W1 = "W1"
    MN1 = "MN1"


class Severity(_StrEnum):
    """Severity of an engine error, as in ``error_logs.severity``."""

    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class Side(_StrEnum):
    """Direction of a position."""

    BUY = "BUY"
    SELL = "SELL"


class Mode(_StrEnum):
    """What an engine trades for: the ``mode`` identity label."""

    LIVE = "live"
    PAPER = "paper"
    BACKTEST = "backtest"


class BreakerReason(_StrEnum):
    """Why the circuit breaker tripped."""

    DAILY_LOSS = "daily_loss"
    DRAWDOWN = "drawdown"
    CONSECUTIVE_LOSSES = "consecutive_losses"
    VOLATILITY = "volatility"
    SPREAD = "spread"
    VPIN = "vpin"
    MANUAL = "manual"
    OTHER = "other"


class RiskDecision(_StrEnum):
    """A decision of the risk engine."""

    APPROVE = "approve"
    REDUCE_SIZE = "reduce_size"
    REJECT = "reject"
    HALT = "halt"


class OrderRejectReason(_StrEnum):
    """Why the broker rejected an order."""

    INSUFFICIENT_MARGIN = "insufficient_margin"
    INVALID_PRICE = "invalid_price"
    MARKET_CLOSED = "market_closed"
    RISK_LIMIT = "risk_limit"
    BROKER = "broker"
    TIMEOUT = "timeout"
    OTHER = "other"


class Role(_StrEnum):
    """What a telemetry stands for (the ``role`` telemetry option)."""

    ENGINE = "engine"
    DATABASE_READER = "database_reader"

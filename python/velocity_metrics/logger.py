"""Drop-in instrumentation of the engine's ``ComprehensiveLogger``.

``instrument_logger(logger)`` wraps the logger object's ``log_trade``,
``log_error`` and ``log_reward_shaping`` (duck-typed: any object with those
methods) so that every call is also recorded in-process, by the rules a
replay of ``trading_logs.db`` applies to the rows the call writes — the
Rust ``backfill::LogRecorder`` decodes the values:

* ``log_trade(TradeLog)``: a trade with a ``pnl`` is a closed trade
  (``agent_id`` any case, ``instrument`` verbatim, ``timeframe``,
  ``trade_duration``, ``confidence_score`` where 0.0 — the engine's close-row
  constant — is unknown, ``timestamp`` as the close time, and the regime
  from ``market_conditions["regime"]`` or ``["market_regime"]``); a trade
  with ``pnl=None`` is an open position, not a trade.
* ``log_error(component, error_msg, severity, context)``: the severity.
* ``log_reward_shaping(RewardShapingLog)``: ``immediate_reward`` adds to the
  agent's cumulative reward, the largest ``q_values`` entry sets the Q-value,
  ``epsilon`` the exploration rate.

Bad values never reach the engine as exceptions: they are skipped or
adjusted and counted in ``instrumentation.report()``. The original methods
run first and their results and exceptions pass through unchanged.
"""

from __future__ import annotations

import inspect
import json
import threading
from collections.abc import Mapping
from enum import Enum
from typing import Any, Callable, Dict, Optional

from . import _native

__all__ = ["instrument_logger", "LoggerInstrumentation"]

_METHODS = ("log_trade", "log_error", "log_reward_shaping")
_MARKER = "_velocity_metrics_instrumentation"


def _plain(value: Any) -> Any:
    """An engine enum member as its value (``AgentType.BERSERKER`` → ``"BERSERKER"``)."""
    return value.value if isinstance(value, Enum) else value


def _regime(market_conditions: Any) -> Any:
    if isinstance(market_conditions, str):
        try:
            market_conditions = json.loads(market_conditions)
        except ValueError:
            return None
    if not isinstance(market_conditions, Mapping):
        return None
    regime = market_conditions.get("regime")
    if regime is None:
        regime = market_conditions.get("market_regime")
    return _plain(regime)


def _q_values_json(q_values: Any) -> Any:
    """``q_values`` as the logger stores it: ``json.dumps`` of the list."""
    if q_values is None:
        return None
    if hasattr(q_values, "tolist"):  # a numpy array
        q_values = q_values.tolist()
    try:
        return json.dumps(q_values)
    except (TypeError, ValueError):
        return q_values  # not JSON: counted as malformed


class LoggerInstrumentation:
    """An instrumented logger: ``report()`` counts what its calls recorded,
    ``remove()`` restores the original methods."""

    def __init__(self, logger: Any, telemetry: Optional[_native.Telemetry]) -> None:
        self._logger = logger
        self._telemetry = telemetry
        self._native: Optional[_native.LogRecorder] = None
        self._originals: Dict[str, Any] = {}
        self._lock = threading.Lock()
        self._unreadable = 0

    @property
    def _recorder(self) -> _native.LogRecorder:
        """The native recorder, made at the first logged call: instrumenting
        the logger before ``install()`` does not create the process-wide
        telemetry (``install`` could then not change its configuration)."""
        recorder = self._native
        if recorder is None:
            with self._lock:
                if self._native is None:
                    self._native = _native.LogRecorder(self._telemetry)
                recorder = self._native
        return recorder

    @property
    def unreadable_calls(self) -> int:
        """Calls whose arguments could not be read at all (an attribute that
        raised, a call that did not match the method's signature)."""
        return self._unreadable

    def report(self) -> _native.ReplayReport:
        """What the logger's calls recorded, opened, skipped and adjusted."""
        return self._recorder.report()

    def remove(self) -> None:
        """Restores the logger's original methods; idempotent."""
        for name, original in self._originals.items():
            if original is None:
                self._logger.__dict__.pop(name, None)
            else:
                setattr(self._logger, name, original)
        self._originals.clear()
        self._logger.__dict__.pop(_MARKER, None)

    def _wrap(self, name: str, record: Callable[[inspect.BoundArguments], None]) -> None:
        method = getattr(self._logger, name)
        signature = inspect.signature(method)
        self._originals[name] = self._logger.__dict__.get(name)

        def instrumented(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            finally:
                self._record(signature, record, args, kwargs)

        instrumented.__name__ = name
        instrumented.__doc__ = method.__doc__
        instrumented.__wrapped__ = method  # type: ignore[attr-defined]
        setattr(self._logger, name, instrumented)

    def _record(self, signature: inspect.Signature, record: Callable[[inspect.BoundArguments], None],
                args: Any, kwargs: Any) -> None:
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            record(bound)
        except Exception:  # never let instrumentation break the engine's call
            with self._lock:
                self._unreadable += 1

    def _trade(self, bound: inspect.BoundArguments) -> None:
        trade = next(iter(bound.arguments.values()))
        get = lambda name: _plain(getattr(trade, name, None))  # noqa: E731
        self._recorder.trade(
            get("timestamp"), get("agent_id"), get("instrument"), get("timeframe"),
            get("pnl"), get("trade_duration"), get("confidence_score"),
            _regime(getattr(trade, "market_conditions", None)),
        )

    def _error(self, bound: inspect.BoundArguments) -> None:
        arguments = list(bound.arguments.values())
        severity = bound.arguments.get("severity", arguments[2] if len(arguments) > 2 else None)
        self._recorder.error(_plain(severity))

    def _reward(self, bound: inspect.BoundArguments) -> None:
        reward = next(iter(bound.arguments.values()))
        get = lambda name: _plain(getattr(reward, name, None))  # noqa: E731
        self._recorder.reward(
            get("timestamp"), get("agent_id"), get("immediate_reward"),
            _q_values_json(getattr(reward, "q_values", None)), get("epsilon"),
        )


def instrument_logger(logger: Any, telemetry: Optional[_native.Telemetry] = None) -> LoggerInstrumentation:
    """Records every closed trade, error and reward ``logger`` logs into
    ``telemetry`` (default: the process-wide one), as it logs them.

    ``logger`` is any object with at least one of ``log_trade(trade_log)``,
    ``log_error(component, error_msg, severity, context=None)`` and
    ``log_reward_shaping(reward_log)`` (the original ``ComprehensiveLogger``'s
    methods); only this object's methods are wrapped, not its class's.
    Raises ``TypeError`` for an object with none of them and ``ValueError``
    for a logger instrumented already.
    """
    present = [name for name in _METHODS if callable(getattr(logger, name, None))]
    if not present:
        raise TypeError(
            f"{type(logger).__name__} has none of {', '.join(_METHODS)}: not a ComprehensiveLogger"
        )
    if getattr(logger, "__dict__", {}).get(_MARKER) is not None:
        raise ValueError("this logger is instrumented already; call remove() on its instrumentation first")
    instrumentation = LoggerInstrumentation(logger, telemetry)
    handlers = {
        "log_trade": instrumentation._trade,
        "log_error": instrumentation._error,
        "log_reward_shaping": instrumentation._reward,
    }
    for name in present:
        instrumentation._wrap(name, handlers[name])
    logger.__dict__[_MARKER] = instrumentation
    return instrumentation

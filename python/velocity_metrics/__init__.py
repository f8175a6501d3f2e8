"""In-process Prometheus telemetry for the VelocityPTrader engine, from Python.

The same Rust core as the ``velocity_metrics`` crate — identical series,
statistics, validation and exposition — as typed calls::

    import velocity_metrics as vm

    vm.install(port=9090)                      # serves 127.0.0.1:9090/metrics until vm.shutdown()
    vm.record_trade("BERSERKER", "EURUSD+", "M5", 42.0, regime="CRITICAL",
                    duration_secs=310.0, confidence=0.81)
    vm.record_equity(10_042.0, 10_030.5)

The module-level functions record into the process-wide default telemetry
(created on first use; ``install`` serves it). ``Telemetry(...)`` builds one
of its own (several accounts, tests); ``embedded`` serves ``/metrics`` from
the engine's own web framework and ``batch`` carries a backtest to a
Pushgateway and VictoriaMetrics. Recorders hold the GIL (they cost less than
releasing it); publishing, rendering, scraping, serving, pushing and reading
a database release it.
"""

from __future__ import annotations

from . import _native
from ._errors import (
    BackfillError,
    ExporterConfigError,
    ExporterError,
    InternalError,
    LabelError,
    ParseError,
    PushConfigError,
    PushError,
    RecordError,
    VelocityMetricsError,
    WebConfigError,
)
from ._native import (
    CONTENT_TYPE,
    DEFAULT_PUSH_JOB,
    MAX_ABS_AMOUNT,
    MAX_LABEL_BYTES,
    MAX_RUNS,
    OPENMETRICS_CONTENT_TYPE,
    OVERFLOW_LABEL,
    PROTOBUF_CONTENT_TYPE,
    TELEMETRY_OPTIONS,
    Agent,
    BatchRun,
    EngineIdentity,
    Exporter,
    Follower,
    HistoryReport,
    ImportTarget,
    PushReport,
    PushTarget,
    ReplayReport,
    Symbol,
    Telemetry,
    batch,
    embedded,
    install,
    installed,
    render,
    replay,
    scrape,
    serve,
    set_default,
    shutdown,
    write_history,
)
from .enums import (
    BreakerReason,
    Mode,
    OrderRejectReason,
    Regime,
    RiskDecision,
    Role,
    Severity,
    Side,
    Timeframe,
)
from ._scrape import ScrapeResponse
from .logger import LoggerInstrumentation, instrument_logger

__version__ = "0.1.0"

#: The process-wide default telemetry; the functions below are its methods.
default_telemetry: Telemetry = _native._default_telemetry()

# Trades, equity, market, agents, system.
record_trade = default_telemetry.record_trade
record_equity = default_telemetry.record_equity
set_risk_exposure = default_telemetry.set_risk_exposure
record_regime = default_telemetry.record_regime
record_physics = default_telemetry.record_physics
record_quote = default_telemetry.record_quote
record_signal = default_telemetry.record_signal
set_active_positions = default_telemetry.set_active_positions
record_rl = default_telemetry.record_rl
set_rl_exploration_rate = default_telemetry.set_rl_exploration_rate
add_rl_experiences = default_telemetry.add_rl_experiences
add_rl_episodes = default_telemetry.add_rl_episodes
set_system_status = default_telemetry.set_system_status
set_mt5_connected = default_telemetry.set_mt5_connected
add_ticks = default_telemetry.add_ticks
record_error = default_telemetry.record_error
set_active_symbols = default_telemetry.set_active_symbols
set_websocket_clients = default_telemetry.set_websocket_clients
record_db_query = default_telemetry.record_db_query
# Risk engine and circuit breakers.
trip_circuit_breaker = default_telemetry.trip_circuit_breaker
reset_circuit_breaker = default_telemetry.reset_circuit_breaker
set_trading_halted = default_telemetry.set_trading_halted
record_risk_decision = default_telemetry.record_risk_decision
set_risk_budget = default_telemetry.set_risk_budget
set_risk_score = default_telemetry.set_risk_score
set_risk_limits = default_telemetry.set_risk_limits
set_open_positions = default_telemetry.set_open_positions
set_symbol_exposure = default_telemetry.set_symbol_exposure
# Execution quality.
record_order_submitted = default_telemetry.record_order_submitted
record_order_filled = default_telemetry.record_order_filled
record_order_cancelled = default_telemetry.record_order_cancelled
record_order_rejected = default_telemetry.record_order_rejected
# Bars and microstructure.
record_bar = default_telemetry.record_bar
add_bars_processed = default_telemetry.add_bars_processed
set_vpin = default_telemetry.set_vpin
set_spread_stress = default_telemetry.set_spread_stress
# Learners.
record_rl_reward = default_telemetry.record_rl_reward
record_rl_episode_reward = default_telemetry.record_rl_episode_reward
record_rl_training = default_telemetry.record_rl_training
set_rl_q_value = default_telemetry.set_rl_q_value
# Run control.
start_run = default_telemetry.start_run
set_session_active = default_telemetry.set_session_active
set_phase = default_telemetry.set_phase
record_instance_switch = default_telemetry.record_instance_switch
set_primary_instance_ratio = default_telemetry.set_primary_instance_ratio
# Publishing.
publish = default_telemetry.publish
on_publish = default_telemetry.on_publish

__all__ = [
    # Types.
    "Telemetry", "Exporter", "Agent", "Symbol", "EngineIdentity", "ReplayReport",
    "HistoryReport", "Follower", "LoggerInstrumentation", "ScrapeResponse", "PushTarget",
    "ImportTarget", "BatchRun", "PushReport",
    # Enums.
    "Regime", "Timeframe", "Severity", "Side", "Mode", "BreakerReason", "RiskDecision",
    "OrderRejectReason", "Role",
    # Errors.
    "VelocityMetricsError", "RecordError", "LabelError", "ParseError", "ExporterError",
    "ExporterConfigError", "WebConfigError", "BackfillError", "PushError", "PushConfigError",
    "InternalError",
    # Serving, batch runs.
    "install", "serve", "embedded", "shutdown", "installed", "set_default", "render", "scrape",
    "batch",
    # Restore, history, the logger.
    "replay", "write_history", "instrument_logger",
    # Constants.
    "CONTENT_TYPE", "OPENMETRICS_CONTENT_TYPE", "PROTOBUF_CONTENT_TYPE", "DEFAULT_PUSH_JOB",
    "MAX_ABS_AMOUNT", "MAX_LABEL_BYTES", "MAX_RUNS", "OVERFLOW_LABEL",
    "TELEMETRY_OPTIONS", "default_telemetry",
    # The default telemetry's methods.
    "record_trade", "record_equity", "set_risk_exposure", "record_regime", "record_physics",
    "record_quote", "record_signal", "set_active_positions", "record_rl", "set_rl_exploration_rate",
    "add_rl_experiences", "add_rl_episodes", "set_system_status", "set_mt5_connected", "add_ticks",
    "record_error", "set_active_symbols", "set_websocket_clients", "record_db_query",
    "trip_circuit_breaker", "reset_circuit_breaker", "set_trading_halted", "record_risk_decision",
    "set_risk_budget", "set_risk_score", "set_risk_limits", "set_open_positions",
    "set_symbol_exposure", "record_order_submitted", "record_order_filled",
    "record_order_cancelled", "record_order_rejected", "record_bar", "add_bars_processed",
    "set_vpin", "set_spread_stress", "record_rl_reward", "record_rl_episode_reward",
    "record_rl_training", "set_rl_q_value", "start_run", "set_session_active", "set_phase",
    "record_instance_switch", "set_primary_instance_ratio", "publish", "on_publish",
]

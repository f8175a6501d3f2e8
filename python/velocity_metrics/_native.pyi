"""Type stubs of the PyO3 extension module ``velocity_metrics._native``.

``tests/test_stubs.py`` checks them against the module: every public name,
every method and every parameter name and kind.
"""

from os import PathLike
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union, final

from typing_extensions import TypedDict, Unpack

from ._scrape import ScrapeResponse

_StrPath = Union[str, "PathLike[str]"]
_AgentLike = Union[str, "Agent"]
_SymbolLike = Union[str, "Symbol"]

class TelemetrySettings(TypedDict, total=False):
    """The telemetry keywords of ``install``/``serve``/``embedded`` (whose own
    ``identity`` keyword labels the whole endpoint); ``None`` means the default."""

    starting_balance: Optional[float]
    max_agents: Optional[int]
    max_symbols: Optional[int]
    return_period: Optional[float]
    periods_per_year: Optional[float]
    var_window: Optional[int]
    equity_clock_tolerance: Optional[float]
    future_tolerance: Optional[float]
    trading_day_start: Optional[float]
    role: Optional[str]
    labels: Optional[Mapping[str, str]]
    engine_version: Optional[str]

class TelemetryOptions(TelemetrySettings, total=False):
    """The telemetry options (``TELEMETRY_OPTIONS``) of ``Telemetry(...)`` and
    ``Exporter.add_telemetry(...)``."""

    identity: Optional["EngineIdentity"]

CONTENT_TYPE: str
OPENMETRICS_CONTENT_TYPE: str
PROTOBUF_CONTENT_TYPE: str
DEFAULT_PUSH_JOB: str
MAX_ABS_AMOUNT: float
MAX_LABEL_BYTES: int
MAX_RUNS: int
OVERFLOW_LABEL: str
TELEMETRY_OPTIONS: Tuple[str, ...]

@final
class Agent:
    def __new__(cls, name: str) -> "Agent": ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Symbol:
    def __new__(cls, symbol: str) -> "Symbol": ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class EngineIdentity:
    def __new__(
        cls,
        engine: str,
        *,
        account: Optional[str] = None,
        mode: Optional[str] = None,
        engine_version: Optional[str] = None,
    ) -> "EngineIdentity": ...
    @property
    def labels(self) -> List[Tuple[str, str]]: ...
    @property
    def engine_version(self) -> Optional[str]: ...

@final
class Telemetry:
    def __new__(cls, **options: Unpack[TelemetryOptions]) -> "Telemetry": ...
    def publish(self) -> int: ...
    def render(self) -> str: ...
    def scrape(self, accept: Optional[str] = None, accept_encoding: Optional[str] = None) -> ScrapeResponse: ...
    def on_publish(self, hook: Callable[[], Any]) -> None: ...
    @property
    def constant_labels(self) -> List[Tuple[str, str]]: ...
    @property
    def config(self) -> Dict[str, Any]: ...
    def same_as(self, other: "Telemetry") -> bool: ...
    # Trades, equity, market, agents, system.
    def record_trade(
        self,
        agent: _AgentLike,
        symbol: _SymbolLike,
        timeframe: str,
        pnl: float,
        *,
        regime: Optional[str] = None,
        duration_secs: Optional[float] = None,
        confidence: Optional[float] = None,
        closed_at: Optional[float] = None,
        side: Optional[str] = None,
    ) -> None: ...
    def record_equity(self, balance: float, equity: float, at: Optional[float] = None) -> None: ...
    def set_risk_exposure(self, percent_of_equity: float) -> None: ...
    def record_regime(self, symbol: _SymbolLike, timeframe: str, regime: str) -> None: ...
    def record_physics(
        self,
        symbol: _SymbolLike,
        timeframe: str,
        *,
        momentum: float,
        velocity: float,
        acceleration: float,
        energy: float,
        damping_ratio: Optional[float] = None,
        natural_frequency: Optional[float] = None,
    ) -> None: ...
    def record_quote(self, symbol: _SymbolLike, bid: float, ask: float) -> None: ...
    def record_signal(self, agent: _AgentLike) -> None: ...
    def set_active_positions(self, agent: _AgentLike, open_positions: int) -> None: ...
    def record_rl(
        self,
        agent: _AgentLike,
        *,
        exploration_rate: float,
        learning_progress: float,
        experience_buffer_size: int,
        model_confidence: float,
    ) -> None: ...
    def set_rl_exploration_rate(self, agent: _AgentLike, epsilon: float) -> None: ...
    def add_rl_experiences(self, agent: _AgentLike, experiences: int) -> None: ...
    def add_rl_episodes(self, agent: _AgentLike, episodes: int) -> None: ...
    def set_system_status(self, running: bool) -> None: ...
    def set_mt5_connected(self, connected: bool) -> None: ...
    def add_ticks(self, ticks: int) -> None: ...
    def record_error(self, severity: str) -> None: ...
    def set_active_symbols(self, symbols: int) -> None: ...
    def set_websocket_clients(self, clients: int) -> None: ...
    def record_db_query(self, latency: float) -> None: ...
    # Risk engine and circuit breakers.
    def trip_circuit_breaker(self, reason: str) -> None: ...
    def reset_circuit_breaker(self) -> None: ...
    def set_trading_halted(self, halted: bool) -> None: ...
    def record_risk_decision(self, decision: str, latency: float) -> None: ...
    def set_risk_budget(self, used: float, budget: float) -> None: ...
    def set_risk_score(self, score: float) -> None: ...
    def set_risk_limits(
        self,
        *,
        daily_loss_limit: Optional[float] = None,
        daily_drawdown_limit_percent: Optional[float] = None,
        max_positions: Optional[int] = None,
        max_position_size: Optional[float] = None,
        consecutive_losses_limit: Optional[int] = None,
    ) -> None: ...
    def set_open_positions(self, positions: int) -> None: ...
    def set_symbol_exposure(self, symbol: _SymbolLike, exposure: float) -> None: ...
    # Execution quality.
    def record_order_submitted(self, symbol: _SymbolLike) -> None: ...
    def record_order_filled(
        self,
        symbol: _SymbolLike,
        *,
        latency: float,
        slippage: float,
        spread: float,
        partial: bool = False,
    ) -> None: ...
    def record_order_cancelled(self, symbol: _SymbolLike) -> None: ...
    def record_order_rejected(self, symbol: _SymbolLike, reason: str) -> None: ...
    # Bars and microstructure.
    def record_bar(
        self,
        symbol: _SymbolLike,
        timeframe: str,
        *,
        open: float,
        high: float,
        low: float,
        close: float,
        volume: Optional[float] = None,
    ) -> None: ...
    def add_bars_processed(self, bars: int) -> None: ...
    def set_vpin(self, symbol: _SymbolLike, vpin: float, threshold: Optional[float] = None) -> None: ...
    def set_spread_stress(
        self, symbol: _SymbolLike, index: float, threshold: Optional[float] = None
    ) -> None: ...
    # Learners.
    def record_rl_reward(self, agent: _AgentLike, reward: float) -> None: ...
    def record_rl_episode_reward(self, agent: _AgentLike, reward: float) -> None: ...
    def record_rl_training(self, agent: _AgentLike, *, loss: float, q_value: float) -> None: ...
    def set_rl_q_value(self, agent: _AgentLike, q_value: float) -> None: ...
    # Run control.
    def start_run(self, run_id: str, config_hash: str) -> None: ...
    def set_session_active(self, active: bool) -> None: ...
    def set_phase(self, phase: int) -> None: ...
    def record_instance_switch(self, agent: _AgentLike) -> None: ...
    def set_primary_instance_ratio(self, ratio: float) -> None: ...

@final
class Exporter:
    @property
    def telemetry(self) -> Telemetry: ...
    def add_telemetry(self, **options: Unpack[TelemetryOptions]) -> Telemetry: ...
    @property
    def listen_address(self) -> Optional[Tuple[str, int]]: ...
    def render(self) -> str: ...
    def scrape(self, accept: Optional[str] = None, accept_encoding: Optional[str] = None) -> ScrapeResponse: ...
    def set_ready(self) -> None: ...
    @property
    def is_ready(self) -> bool: ...
    def shutdown(self) -> None: ...
    @property
    def is_running(self) -> bool: ...
    def __enter__(self) -> "Exporter": ...
    def __exit__(self, *_exc: object) -> bool: ...

@final
class ReplayReport:
    @property
    def trades_recorded(self) -> int: ...
    @property
    def errors_recorded(self) -> int: ...
    @property
    def rewards_recorded(self) -> int: ...
    @property
    def rows_read(self) -> int: ...
    @property
    def skipped_total(self) -> int: ...
    @property
    def equity_samples(self) -> int: ...
    @property
    def tables(self) -> Dict[str, Dict[str, Any]]: ...
    @property
    def adjusted(self) -> Dict[str, int]: ...
    @property
    def examples(self) -> List[Tuple[str, int, str]]: ...
    @property
    def watermark(self) -> Dict[str, int]: ...

@final
class HistoryReport:
    @property
    def replay(self) -> ReplayReport: ...
    @property
    def steps(self) -> int: ...
    @property
    def series(self) -> int: ...
    @property
    def samples(self) -> int: ...
    @property
    def span(self) -> Optional[Tuple[float, float]]: ...

@final
class Follower:
    def __new__(
        cls,
        db: _StrPath,
        telemetry: Optional[Telemetry] = None,
        *,
        starting_balance: Optional[float] = None,
        busy_timeout: float = 5.0,
        include_errors: bool = True,
        include_rewards: bool = True,
    ) -> "Follower": ...
    @property
    def initial_report(self) -> ReplayReport: ...
    def poll(self) -> ReplayReport: ...

@final
class LogRecorder:
    def __new__(cls, telemetry: Optional[Telemetry] = None) -> "LogRecorder": ...
    def trade(
        self,
        timestamp: Any,
        agent_id: Any,
        instrument: Any,
        timeframe: Any,
        pnl: Any,
        trade_duration: Any,
        confidence_score: Any,
        regime: Any,
    ) -> str: ...
    def error(self, severity: Any) -> str: ...
    def reward(
        self, timestamp: Any, agent_id: Any, immediate_reward: Any, q_values: Any, epsilon: Any
    ) -> str: ...
    def report(self) -> ReplayReport: ...

def _default_telemetry() -> Telemetry: ...
def _panic_for_tests() -> None: ...

@final
class PushTarget:
    def __new__(
        cls,
        url: str,
        *,
        grouping: Optional[Mapping[str, str]] = None,
        job: Optional[str] = None,
        every: Optional[float] = None,
        delete_on_finish: bool = False,
        user: Optional[str] = None,
        password_file: Optional[_StrPath] = None,
        bearer_token_file: Optional[_StrPath] = None,
        ca_file: Optional[_StrPath] = None,
        timeout: Optional[float] = None,
    ) -> "PushTarget": ...

@final
class ImportTarget:
    def __new__(
        cls,
        url: str,
        run_id: str,
        *,
        job: Optional[str] = None,
        user: Optional[str] = None,
        password_file: Optional[_StrPath] = None,
        bearer_token_file: Optional[_StrPath] = None,
        ca_file: Optional[_StrPath] = None,
        timeout: Optional[float] = None,
    ) -> "ImportTarget": ...
    @property
    def run_id(self) -> str: ...

@final
class PushReport:
    @property
    def pushes(self) -> int: ...
    @property
    def failures(self) -> int: ...
    @property
    def deleted(self) -> bool: ...
    @property
    def imports(self) -> int: ...
    @property
    def imported_samples(self) -> int: ...

@final
class BatchRun:
    @property
    def telemetry(self) -> Telemetry: ...
    @property
    def exporter(self) -> Exporter: ...
    def checkpoint(self, simulated_at: float) -> None: ...
    def push_now(self) -> None: ...
    def finish(self) -> PushReport: ...
    @property
    def is_finished(self) -> bool: ...
    def __enter__(self) -> "BatchRun": ...
    def __exit__(self, exc_type: object, _exc_value: object, _traceback: object) -> bool: ...

def install(
    *,
    listen: Optional[str] = None,
    port: Optional[int] = None,
    allow_clients: Optional[Sequence[str]] = None,
    web_config_file: Optional[_StrPath] = None,
    tls_cert_file: Optional[_StrPath] = None,
    tls_key_file: Optional[_StrPath] = None,
    client_ca_file: Optional[_StrPath] = None,
    client_auth: Optional[str] = None,
    tls_min_version: Optional[str] = None,
    basic_auth_users: Optional[Mapping[str, str]] = None,
    max_connections: Optional[int] = None,
    header_read_timeout: Optional[float] = None,
    keep_alive_timeout: Optional[float] = None,
    max_header_bytes: Optional[int] = None,
    scrape_timeout: Optional[float] = None,
    global_labels: Optional[Mapping[str, str]] = None,
    identity: Optional[EngineIdentity] = None,
    buckets: Optional[Mapping[str, Sequence[float]]] = None,
    upkeep_interval: Optional[float] = None,
    start_unready: bool = False,
    **telemetry: Unpack[TelemetrySettings],
) -> Exporter: ...
serve = install
def embedded(
    *,
    global_labels: Optional[Mapping[str, str]] = None,
    identity: Optional[EngineIdentity] = None,
    buckets: Optional[Mapping[str, Sequence[float]]] = None,
    upkeep_interval: Optional[float] = None,
    start_unready: bool = False,
    **telemetry: Unpack[TelemetrySettings],
) -> Exporter: ...
def batch(
    *,
    push: Optional[PushTarget] = None,
    import_: Optional[ImportTarget] = None,
    global_labels: Optional[Mapping[str, str]] = None,
    identity: Optional[EngineIdentity] = None,
    buckets: Optional[Mapping[str, Sequence[float]]] = None,
    upkeep_interval: Optional[float] = None,
    **telemetry: Unpack[TelemetrySettings],
) -> BatchRun: ...
def shutdown() -> None: ...
def installed() -> Optional[Exporter]: ...
def set_default(telemetry: Telemetry) -> None: ...
def render() -> str: ...
def scrape(accept: Optional[str] = None, accept_encoding: Optional[str] = None) -> ScrapeResponse: ...
def replay(
    path: _StrPath,
    telemetry: Optional[Telemetry] = None,
    *,
    starting_balance: Optional[float] = None,
    busy_timeout: float = 5.0,
    include_errors: bool = True,
    include_rewards: bool = True,
) -> ReplayReport: ...
def write_history(
    db: _StrPath,
    out: _StrPath,
    *,
    step: float,
    starting_balance: Optional[float] = None,
    max_steps: int = 100000,
    busy_timeout: float = 5.0,
    include_errors: bool = True,
    include_rewards: bool = True,
) -> HistoryReport: ...

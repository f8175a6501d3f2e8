//! The declarations themselves. `legacy` marks the original exporter's 67.

use super::{Group, MetricDef, MetricKind, Unit};

macro_rules! metrics_table {
    ($( $const:ident = $name:literal, $kind:ident, $unit:ident, [$($label:literal),*], $group:ident, $legacy:literal, $help:literal; )+) => {
        $(
            #[doc = concat!("`", $name, "`: ", $help)]
            #[allow(clippy::doc_markdown, reason = "the doc is the series' HELP text")]
            pub const $const: MetricDef = MetricDef {
                name: $name,
                kind: MetricKind::$kind,
                unit: Unit::$unit,
                labels: &[$($label),*],
                group: Group::$group,
                legacy: $legacy,
                help: $help,
            };
        )+

        /// Every series, in catalogue order.
        pub const METRICS: &[MetricDef] = &[$($const),+];
    };
}

metrics_table! {
    // ── trading: closed-trade statistics over all agents ─────────────────────
    TRADES_TOTAL = "velocitytrader_trades_total", Counter, Count, [], Trading, true, "Closed trades, breakevens included.";
    TRADES_WINNING_TOTAL = "velocitytrader_trades_winning_total", Counter, Count, [], Trading, true, "Closed trades with pnl > 0.";
    TRADES_LOSING_TOTAL = "velocitytrader_trades_losing_total", Counter, Count, [], Trading, true, "Closed trades with pnl < 0.";
    TRADES_BREAKEVEN_TOTAL = "velocitytrader_trades_breakeven_total", Counter, Count, [], Trading, false, "Closed trades with pnl = 0 (neither win nor loss).";
    WIN_RATE = "velocitytrader_win_rate", Gauge, Percent, [], Trading, true, "Winning trades / (winning + losing trades); breakevens excluded; no sample before the first decided trade.";
    PNL_TOTAL = "velocitytrader_pnl_total", Gauge, Currency, [], Trading, true, "Net realised P&L (legacy gauge name; can go down).";
    GROSS_PROFIT = "velocitytrader_gross_profit", Gauge, Currency, [], Trading, true, "Sum of winning trades' pnl.";
    GROSS_LOSS = "velocitytrader_gross_loss", Gauge, Currency, [], Trading, true, "Sum of losing trades' pnl as a positive magnitude.";
    PROFIT_FACTOR = "velocitytrader_profit_factor", Gauge, Ratio, [], Trading, true, "Gross profit / gross loss; +Inf with wins and no losses; no sample before the first decided trade.";
    PAYOFF_RATIO = "velocitytrader_payoff_ratio", Gauge, Ratio, [], Trading, false, "Average win / average loss; no sample without both a winning and a losing trade.";
    AVG_TRADE_PNL = "velocitytrader_avg_trade_pnl", Gauge, Currency, [], Trading, true, "Net P&L per closed trade (expectancy).";
    AVG_WIN = "velocitytrader_avg_win", Gauge, Currency, [], Trading, true, "Mean pnl of winning trades.";
    AVG_LOSS = "velocitytrader_avg_loss", Gauge, Currency, [], Trading, true, "Mean loss of losing trades as a positive magnitude.";
    LARGEST_WIN = "velocitytrader_largest_win", Gauge, Currency, [], Trading, true, "Largest winning trade; no sample before the first win.";
    LARGEST_LOSS = "velocitytrader_largest_loss", Gauge, Currency, [], Trading, true, "Largest losing trade as a positive magnitude; no sample before the first loss.";
    TRADE_DURATION_AVG_SECONDS = "velocitytrader_trade_duration_avg_seconds", Gauge, Seconds, [], Trading, true, "Mean holding time of closed trades.";
    LAST_TRADE_TIMESTAMP_SECONDS = "velocitytrader_last_trade_timestamp_seconds", Gauge, Timestamp, [], Trading, false, "Close time of the most recent trade.";

    // ── agent ─────────────────────────────────────────────────────────────────
    AGENT_TRADES_TOTAL = "velocitytrader_agent_trades_total", Counter, Count, ["agent"], Agent, true, "Closed trades per agent.";
    AGENT_TRADES_WINNING_TOTAL = "velocitytrader_agent_trades_winning_total", Counter, Count, ["agent"], Agent, false, "Winning trades per agent.";
    AGENT_TRADES_LOSING_TOTAL = "velocitytrader_agent_trades_losing_total", Counter, Count, ["agent"], Agent, false, "Losing trades per agent.";
    AGENT_WIN_RATE = "velocitytrader_agent_win_rate", Gauge, Percent, ["agent"], Agent, true, "Win rate per agent (breakevens excluded).";
    AGENT_PNL_TOTAL = "velocitytrader_agent_pnl_total", Gauge, Currency, ["agent"], Agent, true, "Net realised P&L per agent (legacy gauge name).";
    AGENT_GROSS_PROFIT = "velocitytrader_agent_gross_profit", Gauge, Currency, ["agent"], Agent, false, "Sum of winning pnl per agent.";
    AGENT_GROSS_LOSS = "velocitytrader_agent_gross_loss", Gauge, Currency, ["agent"], Agent, false, "Sum of losing pnl per agent, positive magnitude.";
    AGENT_AVG_CONFIDENCE = "velocitytrader_agent_avg_confidence", Gauge, Fraction, ["agent"], Agent, true, "Mean signal confidence of the agent's closed trades that reported one.";
    AGENT_SIGNALS_TOTAL = "velocitytrader_agent_signals_total", Counter, Count, ["agent"], Agent, true, "Trading signals generated per agent.";
    AGENT_ACTIVE_POSITIONS = "velocitytrader_agent_active_positions", Gauge, Count, ["agent"], Agent, true, "Open positions per agent.";

    // ── regime ────────────────────────────────────────────────────────────────
    REGIME_CURRENT = "velocitytrader_regime_current", Gauge, Code, ["symbol", "timeframe"], Regime, true, "Current regime: 1 CHAOTIC, 2 UNDERDAMPED, 3 CRITICALLY_DAMPED, 4 OVERDAMPED.";
    REGIME_CHANGES_TOTAL = "velocitytrader_regime_changes_total", Counter, Count, ["symbol", "timeframe"], Regime, true, "Regime transitions observed.";
    REGIME_TRADES_TOTAL = "velocitytrader_regime_trades_total", Counter, Count, ["regime"], Regime, true, "Closed trades per regime at entry.";
    REGIME_TRADES_WINNING_TOTAL = "velocitytrader_regime_trades_winning_total", Counter, Count, ["regime"], Regime, false, "Winning trades per regime at entry.";
    REGIME_TRADES_LOSING_TOTAL = "velocitytrader_regime_trades_losing_total", Counter, Count, ["regime"], Regime, false, "Losing trades per regime at entry.";
    REGIME_WIN_RATE = "velocitytrader_regime_win_rate", Gauge, Percent, ["regime"], Regime, true, "Win rate per regime at entry (breakevens excluded).";
    REGIME_PNL = "velocitytrader_regime_pnl", Gauge, Currency, ["regime"], Regime, true, "Net realised P&L per regime at entry.";
    REGIME_GROSS_PROFIT = "velocitytrader_regime_gross_profit", Gauge, Currency, ["regime"], Regime, false, "Sum of winning pnl per regime.";
    REGIME_GROSS_LOSS = "velocitytrader_regime_gross_loss", Gauge, Currency, ["regime"], Regime, false, "Sum of losing pnl per regime, positive magnitude.";

    // ── physics ───────────────────────────────────────────────────────────────
    PHYSICS_MOMENTUM = "velocitytrader_physics_momentum", Gauge, PricePerSecond, ["symbol", "timeframe"], Physics, true, "Market momentum as reported by the physics engine (signed).";
    PHYSICS_VELOCITY = "velocitytrader_physics_velocity", Gauge, PricePerSecond, ["symbol", "timeframe"], Physics, true, "Price velocity (first derivative of mid price, signed).";
    PHYSICS_ACCELERATION = "velocitytrader_physics_acceleration", Gauge, PricePerSecond, ["symbol", "timeframe"], Physics, true, "Price acceleration (price units per second squared, signed).";
    PHYSICS_ENERGY = "velocitytrader_physics_energy", Gauge, Energy, ["symbol", "timeframe"], Physics, true, "Market energy as defined by the engine (>= 0).";
    PHYSICS_DAMPING_RATIO = "velocitytrader_physics_damping_ratio", Gauge, Ratio, ["symbol", "timeframe"], Physics, true, "Physical damping ratio zeta: < 1 underdamped, 1 critical, > 1 overdamped.";
    PHYSICS_NATURAL_FREQUENCY = "velocitytrader_physics_natural_frequency", Gauge, RadiansPerSecond, ["symbol", "timeframe"], Physics, true, "Undamped natural angular frequency omega_n.";

    // ── symbol ────────────────────────────────────────────────────────────────
    SYMBOL_TRADES_TOTAL = "velocitytrader_symbol_trades_total", Counter, Count, ["symbol"], Symbol, true, "Closed trades per symbol.";
    SYMBOL_TRADES_WINNING_TOTAL = "velocitytrader_symbol_trades_winning_total", Counter, Count, ["symbol"], Symbol, false, "Winning trades per symbol.";
    SYMBOL_TRADES_LOSING_TOTAL = "velocitytrader_symbol_trades_losing_total", Counter, Count, ["symbol"], Symbol, false, "Losing trades per symbol.";
    SYMBOL_WIN_RATE = "velocitytrader_symbol_win_rate", Gauge, Percent, ["symbol"], Symbol, true, "Win rate per symbol (breakevens excluded).";
    SYMBOL_PNL = "velocitytrader_symbol_pnl", Gauge, Currency, ["symbol"], Symbol, true, "Net realised P&L per symbol.";
    SYMBOL_GROSS_PROFIT = "velocitytrader_symbol_gross_profit", Gauge, Currency, ["symbol"], Symbol, false, "Sum of winning pnl per symbol.";
    SYMBOL_GROSS_LOSS = "velocitytrader_symbol_gross_loss", Gauge, Currency, ["symbol"], Symbol, false, "Sum of losing pnl per symbol, positive magnitude.";
    SYMBOL_PRICE = "velocitytrader_symbol_price", Gauge, Price, ["symbol"], Symbol, true, "Latest mid price (bid + ask) / 2.";
    SYMBOL_SPREAD = "velocitytrader_symbol_spread", Gauge, Price, ["symbol"], Symbol, true, "Latest spread ask - bid, in price units (not pips).";

    // ── timeframe ─────────────────────────────────────────────────────────────
    TIMEFRAME_TRADES_TOTAL = "velocitytrader_timeframe_trades_total", Counter, Count, ["timeframe"], Timeframe, true, "Closed trades per timeframe.";
    TIMEFRAME_TRADES_WINNING_TOTAL = "velocitytrader_timeframe_trades_winning_total", Counter, Count, ["timeframe"], Timeframe, false, "Winning trades per timeframe.";
    TIMEFRAME_TRADES_LOSING_TOTAL = "velocitytrader_timeframe_trades_losing_total", Counter, Count, ["timeframe"], Timeframe, false, "Losing trades per timeframe.";
    TIMEFRAME_WIN_RATE = "velocitytrader_timeframe_win_rate", Gauge, Percent, ["timeframe"], Timeframe, true, "Win rate per timeframe (breakevens excluded).";
    TIMEFRAME_PNL = "velocitytrader_timeframe_pnl", Gauge, Currency, ["timeframe"], Timeframe, true, "Net realised P&L per timeframe.";
    TIMEFRAME_GROSS_PROFIT = "velocitytrader_timeframe_gross_profit", Gauge, Currency, ["timeframe"], Timeframe, false, "Sum of winning pnl per timeframe.";
    TIMEFRAME_GROSS_LOSS = "velocitytrader_timeframe_gross_loss", Gauge, Currency, ["timeframe"], Timeframe, false, "Sum of losing pnl per timeframe, positive magnitude.";

    // ── risk: account, equity curve, time statistics ─────────────────────────
    ACCOUNT_BALANCE = "velocitytrader_account_balance", Gauge, Currency, [], Risk, true, "Account balance (closed P&L).";
    ACCOUNT_EQUITY = "velocitytrader_account_equity", Gauge, Currency, [], Risk, true, "Account equity (balance plus open P&L).";
    CURRENT_DRAWDOWN = "velocitytrader_current_drawdown", Gauge, Percent, [], Risk, true, "Current drawdown: (peak equity - equity) / peak equity, positive.";
    MAX_DRAWDOWN = "velocitytrader_max_drawdown", Gauge, Percent, [], Risk, true, "Largest drawdown seen, positive percent of peak equity (starting balance counts as the first peak).";
    RISK_EXPOSURE = "velocitytrader_risk_exposure", Gauge, Percent, [], Risk, true, "Open exposure as a percent of equity, as reported by the engine.";
    VAR_95 = "velocitytrader_var_95", Gauge, Percent, [], Risk, true, "Historical one-period 95% value at risk: numpy-linear 5th percentile of the recent return window (empyrical, Nautilus), as a positive percent loss.";
    EXPECTED_SHORTFALL_95 = "velocitytrader_expected_shortfall_95", Gauge, Percent, [], Risk, false, "Historical one-period 95% expected shortfall: mean of the window's returns at or below the VaR (threshold selection, as quantstats historical CVaR and Nautilus), positive percent loss.";
    SHARPE_RATIO = "velocitytrader_sharpe_ratio", Gauge, Ratio, [], Risk, true, "Annualised Sharpe ratio of period returns (rf = 0, sample std).";
    SORTINO_RATIO = "velocitytrader_sortino_ratio", Gauge, Ratio, [], Risk, true, "Annualised Sortino ratio of period returns (target 0, full-sample downside deviation).";
    CALMAR_RATIO = "velocitytrader_calmar_ratio", Gauge, Ratio, [], Risk, true, "CAGR / max drawdown since inception.";
    RECOVERY_FACTOR = "velocitytrader_recovery_factor", Gauge, Ratio, [], Risk, true, "Net profit / largest drawdown, both in account currency (signed).";
    CONSECUTIVE_WINS_MAX = "velocitytrader_consecutive_wins_max", Gauge, Count, [], Risk, true, "Longest run of winning trades (a breakeven breaks it).";
    CONSECUTIVE_LOSSES_MAX = "velocitytrader_consecutive_losses_max", Gauge, Count, [], Risk, true, "Longest run of losing trades (a breakeven breaks it).";
    CONSECUTIVE_WINS = "velocitytrader_consecutive_wins", Gauge, Count, [], Risk, false, "Current run of winning trades.";
    CONSECUTIVE_LOSSES = "velocitytrader_consecutive_losses", Gauge, Count, [], Risk, false, "Current run of losing trades.";
    RETURN_PERIODS_TOTAL = "velocitytrader_return_periods_total", Counter, Count, [], Risk, false, "Complete equity periods whose return feeds Sharpe, Sortino, Calmar and VaR.";
    RETURN_PERIODS_SKIPPED_TOTAL = "velocitytrader_return_periods_skipped_total", Counter, Count, [], Risk, false, "Equity periods that gave no return: the first (partial) period, periods without a sample, the first period after such a gap, periods opening at equity <= 0.";

    // ── reinforcement learning ───────────────────────────────────────────────
    RL_EXPLORATION_RATE = "velocitytrader_rl_exploration_rate", Gauge, Fraction, ["agent"], Rl, true, "Exploration rate epsilon.";
    RL_LEARNING_PROGRESS = "velocitytrader_rl_learning_progress", Gauge, Fraction, ["agent"], Rl, true, "Learning progress as reported by the learner.";
    RL_EXPERIENCE_BUFFER_SIZE = "velocitytrader_rl_experience_buffer_size", Gauge, Count, ["agent"], Rl, true, "Experiences currently held in the replay buffer.";
    RL_MODEL_CONFIDENCE = "velocitytrader_rl_model_confidence", Gauge, Fraction, ["agent"], Rl, true, "Model confidence.";
    RL_TOTAL_EXPERIENCES = "velocitytrader_rl_total_experiences", Gauge, Count, ["agent"], Rl, true, "Legacy name: experiences recorded so far (use velocitytrader_rl_experiences_total).";
    RL_TRAINING_EPISODES = "velocitytrader_rl_training_episodes", Gauge, Count, ["agent"], Rl, true, "Legacy name: training episodes so far (use velocitytrader_rl_episodes_total).";
    RL_EXPERIENCES_TOTAL = "velocitytrader_rl_experiences_total", Counter, Count, ["agent"], Rl, false, "Experiences recorded.";
    RL_EPISODES_TOTAL = "velocitytrader_rl_episodes_total", Counter, Count, ["agent"], Rl, false, "Training episodes completed.";

    // ── system ────────────────────────────────────────────────────────────────
    SYSTEM_STATUS = "velocitytrader_system_status", Gauge, Boolean, [], System, true, "Engine trading loop running as reported by the engine (liveness: use up / absent()).";
    MT5_CONNECTION = "velocitytrader_mt5_connection", Gauge, Boolean, [], System, true, "MT5 terminal connected; no sample until the engine reports it.";
    UPTIME_SECONDS = "velocitytrader_uptime_seconds", Gauge, Seconds, [], System, true, "Seconds since the engine (this process's telemetry) started.";
    TICKS_PROCESSED_TOTAL = "velocitytrader_ticks_processed_total", Counter, Count, [], System, true, "Market ticks processed.";
    SIGNALS_GENERATED_TOTAL = "velocitytrader_signals_generated_total", Counter, Count, [], System, true, "Trading signals generated by all agents.";
    ERRORS_TOTAL = "velocitytrader_errors_total", Counter, Count, ["severity"], System, true, "Engine errors by severity (critical, high, medium, low).";
    ERRORS_CRITICAL_TOTAL = "velocitytrader_errors_critical_total", Counter, Count, [], System, true, "Engine errors of severity critical.";
    ACTIVE_SYMBOLS = "velocitytrader_active_symbols", Gauge, Count, [], System, true, "Symbols the engine is currently trading.";
    WEBSOCKET_CLIENTS = "velocitytrader_websocket_clients", Gauge, Count, [], System, true, "Connected websocket clients.";
    DB_QUERY_LATENCY_MS = "velocitytrader_db_query_latency_ms", Gauge, Milliseconds, [], System, true, "Legacy: latency of the most recent database query.";
    DB_QUERY_DURATION_SECONDS = "velocitytrader_db_query_duration_seconds", Histogram, Seconds, [], System, false, "Database query latency distribution.";

    // ── risk engine and circuit breakers ─────────────────────────────────────
    CIRCUIT_BREAKER_ACTIVE = "velocitytrader_circuit_breaker_active", Gauge, Boolean, [], RiskEngine, false, "Circuit breaker tripped (1) or armed (0), as the engine reports it; no sample until it does.";
    CIRCUIT_BREAKER_TRIPS_TOTAL = "velocitytrader_circuit_breaker_trips_total", Counter, Count, ["reason"], RiskEngine, false, "Circuit-breaker trips by reason (daily_loss, drawdown, consecutive_losses, volatility, spread, vpin, manual, other); every reason at 0 from an engine's start.";
    TRADING_HALTED = "velocitytrader_trading_halted", Gauge, Boolean, [], RiskEngine, false, "Trading halted (1) or allowed (0), as the engine reports it.";
    RISK_DECISION_TOTAL = "velocitytrader_risk_decision_total", Counter, Count, ["decision"], RiskEngine, false, "Risk-engine decisions by outcome (approve, reduce_size, reject, halt); every outcome at 0 from an engine's start.";
    RISK_DECISION_DURATION_SECONDS = "velocitytrader_risk_decision_duration_seconds", Histogram, Seconds, [], RiskEngine, false, "Time the risk engine took per decision (replaces the original risk_engine_latency_ms gauge).";
    RISK_BUDGET_USED = "velocitytrader_risk_budget_used", Gauge, Currency, [], RiskEngine, false, "Risk budget in use, as the engine reports it.";
    RISK_BUDGET = "velocitytrader_risk_budget", Gauge, Currency, [], RiskEngine, false, "Total risk budget, as the engine reports it (the original's risk_budget_total, renamed: a gauge does not end in _total).";
    RISK_BUDGET_UTILIZATION = "velocitytrader_risk_budget_utilization", Gauge, Percent, [], RiskEngine, false, "100 * risk budget used / risk budget; no sample (NaN once it existed) while the budget is 0.";
    RISK_SCORE = "velocitytrader_risk_score", Gauge, Score, [], RiskEngine, false, "Risk score as the engine reports it.";
    DAILY_PNL = "velocitytrader_daily_pnl", Gauge, Currency, [], RiskEngine, false, "Closed P&L of the trades whose close time falls in the current trading day (wall clock, day starting at the configured trading_day_start, UTC); 0 while the day has no trade.";
    DAILY_LOSS_LIMIT = "velocitytrader_daily_loss_limit", Gauge, Currency, [], RiskEngine, false, "Daily loss limit as a positive amount, as the engine reports it; no sample without one.";
    DAILY_LOSS_LIMIT_USED = "velocitytrader_daily_loss_limit_used", Gauge, Percent, [], RiskEngine, false, "100 * max(0, -daily P&L) / daily loss limit; no sample without a limit.";
    DAILY_DRAWDOWN = "velocitytrader_daily_drawdown", Gauge, Percent, [], RiskEngine, false, "Drawdown within the current trading day: (day's peak equity - equity) / day's peak; the equity at the day's start (the last sample before it) is the day's first peak.";
    DAILY_DRAWDOWN_LIMIT = "velocitytrader_daily_drawdown_limit", Gauge, Percent, [], RiskEngine, false, "Daily drawdown limit, as the engine reports it; no sample without one.";
    POSITION_COUNT = "velocitytrader_position_count", Gauge, Count, [], RiskEngine, false, "Open positions, as the engine reports them.";
    MAX_POSITIONS = "velocitytrader_max_positions", Gauge, Count, [], RiskEngine, false, "Most positions the risk engine allows open at once; no sample without a limit.";
    MAX_POSITION_SIZE = "velocitytrader_max_position_size", Gauge, Lots, [], RiskEngine, false, "Largest position size the risk engine allows; no sample without a limit.";
    CONSECUTIVE_LOSSES_LIMIT = "velocitytrader_consecutive_losses_limit", Gauge, Count, [], RiskEngine, false, "Losing streak at which the risk engine stops trading; compare with velocitytrader_consecutive_losses.";
    SYMBOL_EXPOSURE = "velocitytrader_symbol_exposure", Gauge, Currency, ["symbol"], RiskEngine, false, "Open exposure per symbol (signed: long positive), last value the engine reported.";

    // ── execution quality ─────────────────────────────────────────────────────
    ORDERS_SUBMITTED_TOTAL = "velocitytrader_orders_submitted_total", Counter, Count, ["symbol"], Execution, false, "Orders submitted to the broker.";
    ORDERS_FILLED_TOTAL = "velocitytrader_orders_filled_total", Counter, Count, ["symbol"], Execution, false, "Fills that completed an order.";
    ORDERS_PARTIALLY_FILLED_TOTAL = "velocitytrader_orders_partially_filled_total", Counter, Count, ["symbol"], Execution, false, "Partial fills (the order stays open).";
    ORDERS_CANCELLED_TOTAL = "velocitytrader_orders_cancelled_total", Counter, Count, ["symbol"], Execution, false, "Orders cancelled before a complete fill.";
    ORDERS_REJECTED_TOTAL = "velocitytrader_orders_rejected_total", Counter, Count, ["symbol", "reason"], Execution, false, "Orders rejected, by reason (insufficient_margin, invalid_price, market_closed, risk_limit, broker, timeout, other).";
    ORDER_FILL_DURATION_SECONDS = "velocitytrader_order_fill_duration_seconds", Histogram, Seconds, [], Execution, false, "Time from order submission to each fill (complete or partial).";
    ORDER_SLIPPAGE = "velocitytrader_order_slippage", Histogram, Price, ["symbol"], Execution, false, "Slippage per fill, signed: fill price minus expected price in the trader's disfavour (positive = worse for the trader).";
    ORDER_FILL_SPREAD = "velocitytrader_order_fill_spread", Gauge, Price, ["symbol"], Execution, false, "Spread (ask - bid) at the most recent fill.";

    // ── instrument bars ───────────────────────────────────────────────────────
    PRICE_OPEN = "velocitytrader_price_open", Gauge, Price, ["symbol", "timeframe"], Bars, false, "Open of the last bar recorded.";
    PRICE_HIGH = "velocitytrader_price_high", Gauge, Price, ["symbol", "timeframe"], Bars, false, "High of the last bar recorded.";
    PRICE_LOW = "velocitytrader_price_low", Gauge, Price, ["symbol", "timeframe"], Bars, false, "Low of the last bar recorded.";
    PRICE_CLOSE = "velocitytrader_price_close", Gauge, Price, ["symbol", "timeframe"], Bars, false, "Close of the last bar recorded.";
    VOLUME_CURRENT = "velocitytrader_volume_current", Gauge, Volume, ["symbol", "timeframe"], Bars, false, "Volume of the last bar recorded; no sample (NaN once it existed) for a bar without volume.";
    VOLATILITY_CURRENT = "velocitytrader_volatility_current", Gauge, Percent, ["symbol", "timeframe"], Bars, false, "Realised volatility x 100: sample standard deviation of the last 20 log close-to-close returns, per bar of the timeframe, not annualised; no sample before 21 bars.";
    ATR_14 = "velocitytrader_atr_14", Gauge, Price, ["symbol", "timeframe"], Bars, false, "Average true range over 14 bars (Wilder, as TA-Lib); no sample before 15 bars.";
    VPIN = "velocitytrader_vpin", Gauge, Fraction, ["symbol"], Bars, false, "Volume-synchronised probability of informed trading, as the engine reports it.";
    VPIN_THRESHOLD = "velocitytrader_vpin_threshold", Gauge, Fraction, ["symbol"], Bars, false, "VPIN level at which the engine acts.";
    SPREAD_STRESS_INDEX = "velocitytrader_spread_stress_index", Gauge, EngineUnits, ["symbol"], Bars, false, "Spread stress index, as the engine reports it.";
    SPREAD_STRESS_THRESHOLD = "velocitytrader_spread_stress_threshold", Gauge, EngineUnits, ["symbol"], Bars, false, "Spread stress level at which the engine acts.";
    BARS_PROCESSED_TOTAL = "velocitytrader_bars_processed_total", Counter, Count, [], Bars, false, "Bars processed: every bar recorded with OHLC plus the bars counted without.";

    // ── reinforcement learning: rewards and training ─────────────────────────
    AGENT_CUMULATIVE_REWARD = "velocitytrader_agent_cumulative_reward", Gauge, Reward, ["agent"], Rl, false, "Running sum of the rewards the agent received (can fall).";
    AGENT_EPISODE_REWARD = "velocitytrader_agent_episode_reward", Gauge, Reward, ["agent"], Rl, false, "Total reward of the agent's last completed episode.";
    RL_LOSS = "velocitytrader_rl_loss", Gauge, EngineUnits, ["agent"], Rl, false, "Training loss at the last model update.";
    RL_Q_VALUE = "velocitytrader_rl_q_value", Gauge, Reward, ["agent"], Rl, false, "Latest Q-value estimate of the agent's learner (the greedy action's value), from a model update or set alone.";
    RL_MODEL_UPDATES_TOTAL = "velocitytrader_rl_model_updates_total", Counter, Count, ["agent"], Rl, false, "Model updates (training steps) of the agent's learner.";
    AGENT_REGIME_TRADES_WINNING_TOTAL = "velocitytrader_agent_regime_trades_winning_total", Counter, Count, ["agent", "regime"], Agent, false, "Winning trades per agent and regime at entry (replaces the original agent_regime_wins).";
    AGENT_REGIME_TRADES_LOSING_TOTAL = "velocitytrader_agent_regime_trades_losing_total", Counter, Count, ["agent", "regime"], Agent, false, "Losing trades per agent and regime at entry.";

    // ── run control ───────────────────────────────────────────────────────────
    SESSION_ACTIVE = "velocitytrader_session_active", Gauge, Boolean, [], RunControl, false, "Trading session active, as the engine reports it.";
    CURRENT_PHASE = "velocitytrader_current_phase", Gauge, Code, [], RunControl, false, "The engine's current phase number.";
    RUN_INFO = "velocitytrader_run_info", Gauge, Boolean, ["run_id", "config_hash"], RunControl, false, "1 for the current run, 0 for earlier runs of this process (mode is the fleet label mode).";
    RUN_DURATION_SECONDS = "velocitytrader_run_duration_seconds", Gauge, Seconds, [], RunControl, false, "Time since the current run started.";
    INSTANCE_SWITCHES_TOTAL = "velocitytrader_instance_switches_total", Counter, Count, ["agent"], RunControl, false, "Switches of the agent's live model instance.";
    PRIMARY_INSTANCE_RATIO = "velocitytrader_primary_instance_ratio", Gauge, Fraction, [], RunControl, false, "Share of decisions taken by the primary instances, as the engine reports it.";
    PROCESS_CPU_SECONDS = "velocitytrader_process_cpu_seconds", Gauge, Seconds, [], RunControl, false, "User plus system CPU time of the engine process; never falls within a process (use rate()); a gauge because the metrics facade would round a counter to whole seconds.";
    PROCESS_RESIDENT_MEMORY_BYTES = "velocitytrader_process_resident_memory_bytes", Gauge, Bytes, [], RunControl, false, "Resident memory of the engine process.";
    RUN_SIMULATED_START_TIMESTAMP_SECONDS = "velocitytrader_run_simulated_start_timestamp_seconds", Gauge, Timestamp, [], RunControl, false, "Simulated time of a batch run's first checkpoint (the first date a backtest simulated); no sample outside batch runs.";
    RUN_SIMULATED_END_TIMESTAMP_SECONDS = "velocitytrader_run_simulated_end_timestamp_seconds", Gauge, Timestamp, [], RunControl, false, "Simulated time of a batch run's latest checkpoint (the last date simulated so far); no sample outside batch runs.";

    // ── the library's own accounting ─────────────────────────────────────────
    LABEL_OVERFLOW_TOTAL = "velocitytrader_label_overflow_total", Counter, Count, ["label"], Meta, false, "Events whose agent or symbol exceeded the cardinality limit and were recorded under the value __overflow__.";
    PUBLISH_FAILURES_TOTAL = "velocitytrader_publish_failures_total", Counter, Count, ["stage"], Meta, false, "Publish steps that panicked and were skipped for that scrape (stage: trades, risk, system, hook); publishing goes on.";
    REJECTED_EVENTS_TOTAL = "velocitytrader_rejected_events_total", Counter, Count, ["reason"], Meta, false, "Events refused by a recorder (not_finite, negative, out_of_range, out_of_order, limit_reached, time_unit: a time in milliseconds or smaller units, in_future: a time too far ahead of the clock); nothing of them was recorded.";
    PUSH_FAILURES_TOTAL = "velocitytrader_push_failures_total", Counter, Count, ["reason"], Meta, false, "Batch-mode pushes to a Pushgateway and imports into a store that failed (reason: config, connect, transfer, rejected, auth).";
    ENDPOINT_CONNECTIONS_DROPPED_TOTAL = "velocitytrader_endpoint_connections_dropped_total", Counter, Count, ["reason"], Meta, false, "Connections the built-in /metrics listener closed or refused (reason: evicted, to make room at the connection cap; refused, at the cap with every connection mid-request; timeout, no request in time or idle keep-alive; tls_handshake, a failed or timed-out TLS handshake; accept_failed, the system refused to accept, e.g. out of descriptors).";
    ENDPOINT_REQUESTS_REJECTED_TOTAL = "velocitytrader_endpoint_requests_rejected_total", Counter, Count, ["reason"], Meta, false, "Requests the built-in /metrics listener answered without serving them (reason: unauthorized, a missing or wrong basic-auth password; auth_busy, too many password checks queued; forbidden, a client outside the allow-list; scrape_timeout, the publish outlasted the scraper's timeout).";
    BUILD_INFO = "velocitytrader_build_info", Gauge, Boolean, ["version", "engine_version"], Meta, false, "Always 1; version is the velocity_metrics release, engine_version the engine's build when it gives one (empty otherwise).";
}

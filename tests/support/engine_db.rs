//! Builds databases with the engine's exact `trading_logs.db` schema, written
//! from reference/original-system.md §2 (`ComprehensiveLogger.setup_database`):
//! four tables, AUTOINCREMENT ids (hence `sqlite_sequence`), `trade_id`
//! UNIQUE, REAL epoch timestamps, and the four indexes of §2.5 — and
//! writers with the column values of the engine's `log_trade`, `log_error`,
//! `log_reward_shaping` and both `performance_logs` writers.
#![allow(dead_code, reason = "each test crate uses a different part")]

use std::path::Path;

use rusqlite::{Connection, params};

/// The engine's DDL, as `CREATE TABLE IF NOT EXISTS` like the original.
pub const ENGINE_DDL: &str = "
CREATE TABLE IF NOT EXISTS trade_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp REAL,
    agent_id TEXT,
    instrument TEXT,
    timeframe TEXT,
    action TEXT,
    entry_price REAL,
    exit_price REAL,
    position_size REAL,
    pnl REAL,
    mae REAL,
    mfe REAL,
    trade_duration REAL,
    spread_cost REAL,
    slippage REAL,
    market_conditions TEXT,
    confidence_score REAL,
    risk_reward_ratio REAL,
    win_loss TEXT,
    trade_id TEXT UNIQUE,
    virtual_trade BOOLEAN
);
CREATE TABLE IF NOT EXISTS performance_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp REAL,
    agent_id TEXT,
    instrument TEXT,
    timeframe TEXT,
    win_rate REAL,
    profit_factor REAL,
    sharpe_ratio REAL,
    max_drawdown REAL,
    total_trades INTEGER,
    avg_trade_duration REAL,
    hit_ratio REAL,
    avg_win REAL,
    avg_loss REAL,
    consecutive_wins INTEGER,
    consecutive_losses INTEGER,
    volatility_adjusted_return REAL,
    kelly_criterion REAL,
    calmar_ratio REAL
);
CREATE TABLE IF NOT EXISTS error_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp REAL,
    error_type TEXT,
    error_message TEXT,
    error_code TEXT,
    component TEXT,
    severity TEXT,
    stack_trace TEXT,
    context TEXT,
    recovery_action TEXT,
    error_count INTEGER,
    resolved BOOLEAN
);
CREATE TABLE IF NOT EXISTS reward_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp REAL,
    agent_id TEXT,
    instrument TEXT,
    state_vector TEXT,
    action_taken TEXT,
    immediate_reward REAL,
    shaped_reward REAL,
    reward_components TEXT,
    q_values TEXT,
    exploration_bonus REAL,
    risk_penalty REAL,
    market_regime TEXT,
    learning_rate REAL,
    epsilon REAL
);
CREATE INDEX IF NOT EXISTS idx_trade_agent_time ON trade_logs(agent_id, timestamp);
CREATE INDEX IF NOT EXISTS idx_performance_agent_time ON performance_logs(agent_id, timestamp);
CREATE INDEX IF NOT EXISTS idx_error_severity_time ON error_logs(severity, timestamp);
CREATE INDEX IF NOT EXISTS idx_reward_agent_time ON reward_logs(agent_id, timestamp);
";

/// Columns of a close row the tests vary; the rest get engine-like values.
#[derive(Debug, Clone)]
pub struct CloseRow {
    pub timestamp: f64,
    pub agent_id: &'static str,
    pub instrument: &'static str,
    pub timeframe: &'static str,
    pub pnl: f64,
    pub trade_duration: f64,
    pub confidence_score: f64,
}

/// Creates `path` with the engine schema and returns a writable connection.
pub fn create(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("create test database");
    conn.execute_batch(ENGINE_DDL).expect("engine DDL");
    conn
}

/// Inserts an open row (pnl NULL) as the engine's `log_trade` does on entry.
pub fn insert_open(conn: &Connection, timestamp: f64, agent_id: &str, instrument: &str) -> i64 {
    conn.execute(
        "INSERT INTO trade_logs (timestamp, agent_id, instrument, timeframe, action, entry_price,
             exit_price, position_size, pnl, mae, mfe, trade_duration, spread_cost, slippage,
             market_conditions, confidence_score, risk_reward_ratio, win_loss, trade_id, virtual_trade)
         VALUES (?1, ?2, ?3, 'M5', 'BUY', 1.0842, NULL, 0.1, NULL, 0.0, 0.0, 0.0, 0.2, 0.0,
             '{\"momentum\": 0.00012, \"volatility\": 0.0004}', 3.7, NULL, NULL, ?4, 0)",
        params![timestamp, agent_id, instrument, format!("{instrument}_{timestamp}_open")],
    )
    .expect("insert open row");
    conn.last_insert_rowid()
}

/// Inserts a close row; `trade_id` is made unique so the row is stored
/// (the original engine's close insert collides, defect A4).
pub fn insert_close(conn: &Connection, row: &CloseRow) -> i64 {
    let win_loss = if row.pnl > 0.0 { "WIN" } else { "LOSS" };
    conn.prepare_cached(
        "INSERT INTO trade_logs (timestamp, agent_id, instrument, timeframe, action, entry_price,
             exit_price, position_size, pnl, mae, mfe, trade_duration, spread_cost, slippage,
             market_conditions, confidence_score, risk_reward_ratio, win_loss, trade_id, virtual_trade)
         VALUES (?1, ?2, ?3, ?4, 'CLOSE', 1.0842, 1.0851, 0.1, ?5, -3.0, 9.0, ?6, 0.2, 0.0,
             '{\"exit_reason\": \"TAKE_PROFIT\", \"volatility\": 0.0004}', ?7, 3.0, ?8,
             ?9 || '_' || ?1 || '_close_' || (SELECT coalesce(max(id), 0) + 1 FROM trade_logs), 0)",
    )
    .expect("prepare close row")
    .execute(params![
        row.timestamp,
        row.agent_id,
        row.instrument,
        row.timeframe,
        row.pnl,
        row.trade_duration,
        row.confidence_score,
        win_loss,
        row.instrument,
    ])
    .expect("insert close row");
    conn.last_insert_rowid()
}

/// Inserts an error_logs row as `ComprehensiveLogger.log_error` does.
pub fn insert_error(conn: &Connection, timestamp: f64, severity: &str) -> i64 {
    conn.execute(
        "INSERT INTO error_logs (timestamp, error_type, error_message, error_code, component,
             severity, stack_trace, context, recovery_action, error_count, resolved)
         VALUES (?1, 'type', 'UNIQUE constraint failed: trade_logs.trade_id', NULL,
             'trade_logging', ?2, 'NoneType: None', '{}', NULL, 1, 0)",
        params![timestamp, severity],
    )
    .expect("insert error row");
    conn.last_insert_rowid()
}

/// Inserts the engine's periodic SYSTEM performance row (+inf calmar).
pub fn insert_system_performance(conn: &Connection, timestamp: f64) {
    conn.execute(
        "INSERT INTO performance_logs (timestamp, agent_id, instrument, timeframe, win_rate,
             profit_factor, sharpe_ratio, max_drawdown, total_trades, avg_trade_duration, hit_ratio,
             avg_win, avg_loss, consecutive_wins, consecutive_losses, volatility_adjusted_return,
             kelly_criterion, calmar_ratio)
         VALUES (?1, 'SYSTEM', 'ALL', 'ALL', 0.55, 1.5, 0.0, 0.05, 10, 0, 0, 0, 0, 0, 0, 0, 0, ?2)",
        params![timestamp, f64::INFINITY],
    )
    .expect("insert performance row");
}

/// Inserts one of the logger's own performance rows
/// (`update_performance_metrics`, writer (a) of §2.2): `max_drawdown` a USD
/// amount ≤ 0, `+inf` profit factor and Calmar ratio, Kelly where Calmar
/// should be.
pub fn insert_logger_performance(
    conn: &Connection,
    timestamp: f64,
    agent_id: &str,
    instrument: &str,
) {
    conn.execute(
        "INSERT INTO performance_logs (timestamp, agent_id, instrument, timeframe, win_rate,
             profit_factor, sharpe_ratio, max_drawdown, total_trades, avg_trade_duration, hit_ratio,
             avg_win, avg_loss, consecutive_wins, consecutive_losses, volatility_adjusted_return,
             kelly_criterion, calmar_ratio)
         VALUES (?1, ?2, ?3, 'ALL', 1.0, ?4, 0.62, -45.0, 7, 310.0, 1.0, 12.5, 0.0, 3, 0, 0.41,
             0.93, ?4)",
        params![timestamp, agent_id, instrument, f64::INFINITY],
    )
    .expect("insert logger performance row");
}

/// Columns of a `reward_logs` row the tests vary; the rest get engine-like
/// values.
#[derive(Debug, Clone)]
pub struct RewardRow {
    pub timestamp: f64,
    pub agent_id: &'static str,
    pub immediate_reward: f64,
    /// Written as Python's `json.dumps` writes a list of floats.
    pub q_values: Vec<f64>,
    pub epsilon: f64,
}

/// Exploration bonus and risk penalty of every generated row: the shaped
/// reward differs from the immediate one, so a reader that summed the wrong
/// column would be caught.
pub const EXPLORATION_BONUS: f64 = 0.015;
pub const RISK_PENALTY: f64 = 0.04;

/// Python's `json.dumps` of a list of floats: `[0.12, -0.4]`, with `NaN`,
/// `Infinity` and `-Infinity` for the non-finite values. (`repr` and Rust's
/// `Debug` give the same shortest round-trip digits; only the exponent may be
/// spelt differently, `1e-05` against `1e-5`, both valid JSON.)
pub fn json_dumps(values: &[f64]) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|v| match *v {
            v if v.is_nan() => "NaN".to_owned(),
            f64::INFINITY => "Infinity".to_owned(),
            f64::NEG_INFINITY => "-Infinity".to_owned(),
            v => format!("{v:?}"),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// Inserts a `reward_logs` row with the column values of the engine's
/// `ComprehensiveLogger.log_reward_shaping`: `state_vector`,
/// `reward_components` and `q_values` as `json.dumps` text, the shaped reward
/// as the immediate one plus the exploration bonus minus the risk penalty.
pub fn insert_reward(conn: &Connection, row: &RewardRow) -> i64 {
    let shaped = row.immediate_reward + EXPLORATION_BONUS - RISK_PENALTY;
    let components = format!(
        "{{\"pnl\": {:?}, \"exploration\": {EXPLORATION_BONUS:?}, \"risk\": {:?}}}",
        row.immediate_reward, -RISK_PENALTY
    );
    conn.prepare_cached(
        "INSERT INTO reward_logs (timestamp, agent_id, instrument, state_vector, action_taken,
             immediate_reward, shaped_reward, reward_components, q_values, exploration_bonus,
             risk_penalty, market_regime, learning_rate, epsilon)
         VALUES (?1, ?2, 'EURUSD+', '[0.00012, 0.0004, 0.5, 1.0842]', 'BUY', ?3, ?4, ?5, ?6, ?7,
             ?8, 'TRENDING', 0.002, ?9)",
    )
    .expect("prepare reward row")
    .execute(params![
        row.timestamp,
        row.agent_id,
        row.immediate_reward,
        shaped,
        components,
        json_dumps(&row.q_values),
        EXPLORATION_BONUS,
        RISK_PENALTY,
        row.epsilon,
    ])
    .expect("insert reward row");
    conn.last_insert_rowid()
}

/// `n` reward rows spread over `span_secs` from `start`: the engine's agents
/// in upper case plus a mixed-case one and `SYSTEM`, signed rewards, three
/// Q-values each (now and then one `NaN`, as `json.dumps` writes it), ε
/// decaying from 0.15 and 0.05 as the engine's shadow agents do. Timestamps
/// are shuffled relative to ids.
pub fn sample_rewards(n: usize, start: f64, span_secs: f64, seed: u64) -> Vec<RewardRow> {
    let mut rng = Lcg(seed);
    let agents = ["BERSERKER", "SNIPER", "SNIPER", "Berserker_Prime", "SYSTEM"];
    (0..n)
        .map(|i| {
            let agent_id = rng.pick(&agents);
            let start_epsilon = if agent_id == "SNIPER" { 0.05 } else { 0.15 };
            let decay = 0.995f64.powi(i32::try_from(i % 400).unwrap_or(0));
            let mut q_values: Vec<f64> = (0..3)
                .map(|_| ((rng.unit() - 0.5) * 4.0 * 1e4).round() / 1e4)
                .collect();
            if rng.unit() < 0.05 {
                q_values[1] = f64::NAN;
            }
            RewardRow {
                timestamp: start + rng.unit() * span_secs,
                agent_id,
                immediate_reward: ((rng.unit() - 0.48) * 2.0 * 1e4).round() / 1e4,
                q_values,
                epsilon: (start_epsilon * decay).max(0.01),
            }
        })
        .collect()
}

/// What the documented rules make of a reward row, written independently of
/// the reader: `None` when the row is skipped; else the agent, the reward,
/// the greedy Q-value (the first largest entry, if every entry is finite)
/// and ε (if within 0..=1).
pub fn expected_reward(
    row: &RewardRow,
) -> Option<(velocity_metrics::Agent, f64, Option<f64>, Option<f64>)> {
    let agent = velocity_metrics::Agent::new(row.agent_id).ok()?;
    let r = row.immediate_reward;
    if !row.timestamp.is_finite() || !r.is_finite() || r.abs() > velocity_metrics::MAX_ABS_AMOUNT {
        return None;
    }
    let q = if row.q_values.iter().all(|q| q.is_finite()) {
        row.q_values
            .iter()
            .copied()
            .fold(None, |best: Option<f64>, q| match best {
                Some(b) if q <= b => Some(b),
                _ => Some(q),
            })
    } else {
        None
    };
    let epsilon = (0.0..=1.0).contains(&row.epsilon).then_some(row.epsilon);
    Some((agent, r, q, epsilon))
}

/// Inserts reward `rows` in one transaction and returns them in replay
/// order (timestamp, then id).
pub fn insert_rewards(conn: &mut Connection, rows: &[RewardRow]) -> Vec<RewardRow> {
    let tx = conn.transaction().expect("begin");
    let mut pairs: Vec<(RewardRow, i64)> = rows
        .iter()
        .map(|r| (r.clone(), insert_reward(&tx, r)))
        .collect();
    tx.commit().expect("commit");
    pairs.sort_by(|a, b| a.0.timestamp.total_cmp(&b.0.timestamp).then(a.1.cmp(&b.1)));
    pairs.into_iter().map(|(r, _)| r).collect()
}

/// A deterministic pseudo-random generator (64-bit LCG), so tests need no
/// extra dependency.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }

    /// Uniform in [0, 1).
    #[allow(clippy::cast_precision_loss, reason = "53-bit mantissa")]
    pub fn unit(&mut self) -> f64 {
        self.next_u64() as f64 / (1u64 << 53) as f64
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = usize::try_from(self.next_u64() % items.len() as u64).unwrap_or(0);
        items[i]
    }
}

/// `n` close rows spread over `span_secs` from `start`, mixed agents (in
/// engine upper case, plus a mixed-case and a `SYSTEM` one), symbols with and
/// without the `+` suffix, wins, losses and breakevens, in-range and
/// out-of-range confidences. Timestamps are shuffled relative to ids.
pub fn sample_trades(n: usize, start: f64, span_secs: f64, seed: u64) -> Vec<CloseRow> {
    let mut rng = Lcg(seed);
    let agents = [
        "BERSERKER",
        "SNIPER",
        "BERSERKER",
        "SNIPER",
        "Berserker_Prime",
        "SYSTEM",
    ];
    let symbols = ["EURUSD+", "GBPUSD+", "EURUSD", "XAUUSD+", "BTCUSD+"];
    let timeframes = ["M5", "M5", "M1", "H1"];
    let confidences = [0.0, 0.35, 0.9, 3.7, 1.0];
    (0..n)
        .map(|_| {
            let r = rng.unit();
            let pnl = if r < 0.1 {
                0.0
            } else {
                ((rng.unit() - 0.45) * 200.0 * 100.0).round() / 100.0
            };
            CloseRow {
                timestamp: start + rng.unit() * span_secs,
                agent_id: rng.pick(&agents),
                instrument: rng.pick(&symbols),
                timeframe: rng.pick(&timeframes),
                pnl,
                trade_duration: (rng.unit() * 3600.0).round(),
                confidence_score: rng.pick(&confidences),
            }
        })
        .collect()
}

/// What the documented rules make of a close row, written independently of
/// the reader: `None` when the row is skipped.
pub fn expected_trade(row: &CloseRow) -> Option<velocity_metrics::Trade> {
    use velocity_metrics::{Agent, Symbol, Timeframe, Trade};
    let timeframe: Timeframe = row.timeframe.parse().ok()?;
    if !row.pnl.is_finite() || !row.timestamp.is_finite() {
        return None;
    }
    let duration =
        (row.trade_duration.is_finite() && row.trade_duration >= 0.0).then_some(row.trade_duration);
    let c = row.confidence_score;
    let confidence = (c > 0.0 && c <= 1.0).then_some(c);
    Some(Trade {
        agent: Agent::new(row.agent_id).ok()?,
        symbol: Symbol::new(row.instrument).ok()?,
        timeframe,
        regime: None,
        side: None,
        pnl: row.pnl,
        duration_secs: duration,
        confidence,
        closed_at: row.timestamp,
    })
}

/// Inserts `rows` in one transaction and returns their ids.
pub fn insert_all(conn: &mut Connection, rows: &[CloseRow]) -> Vec<i64> {
    let tx = conn.transaction().expect("begin");
    let ids = rows.iter().map(|r| insert_close(&tx, r)).collect();
    tx.commit().expect("commit");
    ids
}

/// The rows sorted as the reader replays them: by timestamp, then id.
pub fn in_replay_order(rows: &[CloseRow], ids: &[i64]) -> Vec<CloseRow> {
    let mut pairs: Vec<(&CloseRow, i64)> = rows.iter().zip(ids.iter().copied()).collect();
    pairs.sort_by(|a, b| a.0.timestamp.total_cmp(&b.0.timestamp).then(a.1.cmp(&b.1)));
    pairs.into_iter().map(|(r, _)| r.clone()).collect()
}

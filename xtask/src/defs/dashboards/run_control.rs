//! Run Control & Meta (`run-control-meta`).

use crate::defs::prelude::*;

/// The dashboard.
#[rustfmt::skip]
#[must_use]
pub fn dashboard() -> Dashboard {
    Dashboard::new("run-control-meta", "Run Control & Meta", &["control", "sessions", "process"], "The run and the engine process: session, phase, the run catalogue (run_id, configuration hash, mode), run duration, bars and ticks processed, RL episodes and model updates, switches of the agents' live model instances, the primary instances' share, open positions, trade duration, active symbols, and the process's CPU and resident memory. Rebuilt from the original run-control-meta: its per-phase panels (P&L, win rate, trades, Sharpe and equity of phases A, B and C) are dropped, since no series carries a phase label — the phase is shown over time beside the equity curve instead; the average trade duration is in seconds (no series counts it in bars); CPU is the process's CPU time per second and memory its resident bytes.")
        .rows(vec![
            row("Run", vec![
                stat(4, 4, "Session", "Whether the engine's trading session is active (ACTIVE green, INACTIVE plain), as the engine reports it.").q("{{instance}}", m(SESSION_ACTIVE)).map(SESSION).set("options.colorMode", "background").set("options.graphMode", "none"),
                stat(4, 4, "Current phase", "The engine's current phase number; 1, 2 and 3 are the original engine's phases A, B and C (other numbers show as they are).").q("{{instance}}", m(CURRENT_PHASE)).map(PHASES).set("options.colorMode", "background").set("options.graphMode", "none"),
                stat(4, 4, "Run duration", "Time since the current run started (start_run).").q("{{instance}}", m(RUN_DURATION_SECONDS)).set("options.graphMode", "none"),
                stat(4, 4, "Bars processed in range", "Bars the engine processed in the selected time range (recorded with OHLC or counted without).").qi("{{instance}}", sum_by(&["instance"], increase(m(BARS_PROCESSED_TOTAL), RANGE))),
                stat(4, 4, "Open positions", "Open positions, as the engine reports them to its risk engine.").q("{{instance}}", m(POSITION_COUNT)),
                stat(4, 4, "Active symbols", "Symbols the engine is trading, as it reports them (the original counted a series no exporter served, and showed nothing rather than 0).").q("{{instance}}", m(ACTIVE_SYMBOLS)).set("options.graphMode", "none"),
                table(16, 7, "Run catalogue", "Every run this process started: its run_id and configuration hash, with the engine's identity (mode is the fleet label). 'Current' is the run in progress; earlier runs of the process show 'earlier'.").col_map("Current", RUN, m(RUN_INFO)).hide(&["job"]).rename(&[("run_id", "Run"), ("config_hash", "Config hash")]).sort("Current"),
                gauge(4, 7, "Primary instance share", "Share of decisions taken by the agents' primary model instances, as the engine reports it (a fraction 0–1, shown as percent; the original multiplied by 100 on a percent axis).").q("{{instance}}", m(PRIMARY_INSTANCE_RATIO)).min(0.0).max(1.0),
                stat(4, 7, "Avg trade duration", "Mean holding time of closed trades, in seconds (no series counts it in bars, as the original's panel asked).").q("{{instance}}", m(TRADE_DURATION_AVG_SECONDS)),
            ]),
            row("Phases and progress", vec![
                timeline(6, 8, "Session timeline", "The engine's trading session over time: ACTIVE (green) or INACTIVE.").q("{{instance}}", m(SESSION_ACTIVE)).auto_decimals().map(SESSION),
                timeline(6, 8, "Phase timeline", "The engine's phase over time (1, 2, 3 = phases A, B, C). The original's per-phase panels (P&L, win rate, trades, Sharpe and equity of phases A, B and C) are not rebuilt: no series carries a phase label, so the phase over time beside the equity curve is what can honestly be shown.").q("{{instance}}", m(CURRENT_PHASE)).auto_decimals().map(PHASES),
                timeseries(12, 8, "Equity and phase", "Equity (left axis, account currency) with the engine's phase number (right axis), to read each phase's result off the curve. A backtest imported into the store shows its curve on the dates it simulated (open it from the table at the bottom).").q("{{instance}} equity", m(ACCOUNT_EQUITY)).q("{{instance}} phase", m(CURRENT_PHASE)).axis("account currency").field_override(json!({"matcher": {"id": "byFrameRefID", "options": "B"}, "properties": [{"id": "unit", "value": "none"}, {"id": "decimals", "value": 0}, {"id": "custom.axisPlacement", "value": "right"}, {"id": "custom.drawStyle", "value": "line"}, {"id": "custom.lineInterpolation", "value": "stepAfter"}, {"id": "custom.axisLabel", "value": "phase"}]})),
                timeseries(8, 8, "Bars and ticks processed", "Bars and market ticks the engine processes per second.").q("{{instance}} bars", rate(m(BARS_PROCESSED_TOTAL), RATE)).q("{{instance}} ticks", rate(m(TICKS_PROCESSED_TOTAL), RATE)).decimals(1).min(0.0).axis("per second"),
                timeseries(8, 8, "Learning progress", "RL training episodes and model updates per minute, per agent.").q("{{instance}} {{agent}} episodes", rate(m(RL_EPISODES_TOTAL), RATE) * 60.0).q("{{instance}} {{agent}} model updates", rate(m(RL_MODEL_UPDATES_TOTAL), RATE) * 60.0).decimals(1).min(0.0).axis("per minute"),
                timeseries(8, 8, "Instance switches", "Switches of each agent's live model instance, per hour.").q("{{instance}} {{agent}}", rate(m(INSTANCE_SWITCHES_TOTAL), RATE) * 3600.0).decimals(1).min(0.0).axis("switches / hour"),
            ]),
            row("Engine process", vec![
                stat(4, 8, "CPU", "CPU time the engine process uses per second of wall time (user plus system; 100 % is one core).").q("{{instance}}", rate(m(PROCESS_CPU_SECONDS), RATE)).unit("percentunit").decimals(1),
                stat(4, 8, "Resident memory", "Resident memory of the engine process.").q("{{instance}}", m(PROCESS_RESIDENT_MEMORY_BYTES)),
                timeseries(8, 8, "CPU over time", "CPU time per second of the engine process (100 % is one core). The library exports the process's CPU seconds as a gauge that never falls within a process; rate() turns it into usage.").q("{{instance}}", rate(m(PROCESS_CPU_SECONDS), RATE)).unit("percentunit").decimals(1).min(0.0).axis("CPU"),
                timeseries(8, 8, "Resident memory over time", "Resident memory of the engine process.").q("{{instance}}", m(PROCESS_RESIDENT_MEMORY_BYTES)).min(0.0),
            ]),
            row("Backtests on their own dates", vec![
                table(24, 7, "Backtest runs and the dates they simulated", "Each batch run's simulated span: the simulated time of its first and latest checkpoint (BatchRun::checkpoint). A run imported into the store (ImportTarget) has its whole state — equity, trades, drawdown — at those dates, not at the time it ran: click a run_id to open this dashboard (or Risk Management) on its dates, filtered to the run.").col("Simulated from", DATE, max_by(&["job", "instance", "engine", "account", "mode", "run_id"], 1000.0 * m(RUN_SIMULATED_START_TIMESTAMP_SECONDS).eq("mode", "backtest"))).col("Simulated to", DATE, max_by(&["job", "instance", "engine", "account", "mode", "run_id"], 1000.0 * m(RUN_SIMULATED_END_TIMESTAMP_SECONDS).eq("mode", "backtest"))).sort("Simulated to").run_links(&[RUN_CONTROL, RISK], "Simulated from", "Simulated to"),
            ]),
        ])
}

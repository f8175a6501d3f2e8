//! promtool cases for the hand-written alerts and recording rules (the
//! objectives generate their own). Every alert is shown firing and quiet.

use crate::rules::promtool::{Case, case};

/// Every case, in file order.
#[rustfmt::skip]
#[must_use]
#[allow(clippy::too_many_lines, reason = "a table of cases")]
pub fn cases() -> Vec<Case> {
    vec![
        case("target down fires from up == 0 after 1m; a healthy target stays quiet")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1 1 0 0 0 0 1 1")
            .series("up{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "1x8")
            .quiet("1m", "VelocityTraderTargetDown")
            .quiet("2m", "VelocityTraderTargetDown")
            .fires("4m", "VelocityTraderTargetDown", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "VelocityTrader target engine-a:9090 is down",
                "Prometheus cannot scrape engine-a:9090 (job velocitytrader): up = 0 for more than 1 minute. The engine process or its metrics endpoint is gone; while it is down its other alerts stay quiet (their series are stale and windowed alerts require up == 1), so this alert speaks for all of them.")
            .quiet("7m", "VelocityTraderTargetDown")
            .quiet("4m", "VelocityTraderTargetMissing"),
        case("target missing fires from absent(up) once every target is gone")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1 1 1 stale")
            .quiet("2m", "VelocityTraderTargetMissing")
            .quiet("6m", "VelocityTraderTargetMissing")
            .fires("9m", "VelocityTraderTargetMissing", &[("job", "velocitytrader")],
                "No VelocityTrader target is being scraped",
                "Prometheus has no target in job velocitytrader (absent = 1) for 5 minutes: the scrape configuration or service discovery lost the exporter, so nothing about trading is monitored.")
            .quiet("9m", "VelocityTraderTargetDown"),
        case("in a fleet, target down names the engine it served and fires for that target only; while its target is down the engine is not reported missing")
            .series("up{job=\"velocitytrader\", instance=\"host-a:9090\"}", "1 1 0x12")
            .series("velocitytrader_build_info{job=\"velocitytrader\", instance=\"host-a:9090\", engine=\"ams-01\", account=\"acc-1\", mode=\"live\", version=\"0.1.0\", engine_version=\"2.4.1\"}", "1 1 stale")
            .series("up{job=\"velocitytrader\", instance=\"host-b:9090\"}", "1x14")
            .series("velocitytrader_build_info{job=\"velocitytrader\", instance=\"host-b:9090\", engine=\"ams-02\", account=\"acc-2\", mode=\"paper\", version=\"0.1.0\"}", "1x14")
            .quiet("2m", "VelocityTraderTargetDown")
            .fires("4m", "VelocityTraderTargetDown", &[("job", "velocitytrader"), ("instance", "host-a:9090")],
                "VelocityTrader target host-a:9090 is down",
                "Prometheus cannot scrape host-a:9090 (job velocitytrader): up = 0 for more than 1 minute. It served engine ams-01 (account acc-1, mode live). The engine process or its metrics endpoint is gone; while it is down its other alerts stay quiet (their series are stale and windowed alerts require up == 1), so this alert speaks for all of them.")
            .quiet("4m", "VelocityTraderEngineMissing")
            .quiet("8m", "VelocityTraderEngineMissing"),
        case("an engine missing from the scrape targets altogether is missing; one that moved to another address, or a finished backtest, is not")
            .series("velocitytrader_build_info{job=\"velocitytrader\", instance=\"host-c:9090\", engine=\"ams-03\", mode=\"live\", version=\"0.1.0\"}", "1 1 1 stale")
            .series("velocitytrader_build_info{job=\"velocitytrader\", instance=\"host-d:9090\", engine=\"ams-04\", mode=\"paper\", version=\"0.1.0\"}", "1 1 1 stale")
            .series("velocitytrader_build_info{job=\"velocitytrader\", instance=\"host-d:9191\", engine=\"ams-04\", mode=\"paper\", version=\"0.1.0\"}", "_ _ _ 1x60")
            .series("velocitytrader_build_info{job=\"velocitytrader\", instance=\"host-e:9090\", engine=\"bt-1\", mode=\"backtest\", version=\"0.1.0\"}", "1 1 1 stale")
            .series("velocitytrader_build_info{job=\"velocitytrader_backtest\", instance=\"r-7\", run_id=\"r-7\", engine=\"bt-2\", mode=\"backtest\", version=\"0.1.0\"}", "1 1 1 stale")
            .quiet("6m", "VelocityTraderEngineMissing")
            .fires("10m", "VelocityTraderEngineMissing", &[("job", "velocitytrader"), ("instance", "host-c:9090"), ("engine", "ams-03"), ("mode", "live")],
                "VelocityTrader engine ams-03 stopped reporting",
                "Engine ams-03 (account -, mode live), last seen at host-c:9090, reported within the last hour (build_info = 1) but none of its series has arrived for 5 minutes: it was removed from the scrape targets, or its scraping agent or the agent's remote write is broken. While its target is down, VelocityTraderTargetDown speaks for it instead.")
            .quiet("70m", "VelocityTraderEngineMissing"),
        case("backtest series never alert, a live engine with the same values does")
            .series("velocitytrader_current_drawdown{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\"}", "40x20")
            .series("velocitytrader_mt5_connection{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\"}", "32")
            .series("velocitytrader_system_status{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\"}", "32")
            .series("velocitytrader_profit_factor{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\"}", "0.5x80")
            .series("velocitytrader_trades_winning_total{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\"}", "10x80")
            .series("velocitytrader_trades_losing_total{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\"}", "30x80")
            .series("velocitytrader_current_drawdown{job=\"velocitytrader\", instance=\"host-a:9090\", engine=\"ams-01\", mode=\"live\"}", "40x20")
            .fires("10m", "VelocityTraderDrawdownCritical", &[("job", "velocitytrader"), ("instance", "host-a:9090"), ("engine", "ams-01"), ("mode", "live")],
                "Drawdown above 25% on host-a:9090",
                "Current drawdown on host-a:9090 is 40.0% of peak equity, above the 25% limit, for 1 minute. Consider stopping trading.")
            .quiet("10m", "VelocityTraderMT5Disconnected")
            .quiet("10m", "VelocityTraderEngineStopped")
            .quiet("75m", "VelocityTraderProfitFactorBelowOne"),
        case("MT5 disconnected pages after 2m and engine stopped notifies after 5m, each on its own")
            .series("velocitytrader_mt5_connection{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1 1 0x10")
            .series("velocitytrader_mt5_connection{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "1x12")
            .series("velocitytrader_system_status{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1 1 0x10")
            .series("velocitytrader_system_status{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "1x12")
            .quiet("1m", "VelocityTraderMT5Disconnected")
            .quiet("3m", "VelocityTraderMT5Disconnected")
            .fires("5m", "VelocityTraderMT5Disconnected", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "MT5 terminal disconnected on engine-a:9090",
                "The engine on engine-a:9090 reports its MT5 connection down (value 0) for 2 minutes: no quotes, no orders, open positions unmanaged.")
            .quiet("5m", "VelocityTraderEngineStopped")
            .fires("8m", "VelocityTraderEngineStopped", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Trading loop stopped on engine-a:9090",
                "The process on engine-a:9090 is up but reports its trading loop stopped (system_status = 0) for 5 minutes.")
            .fires("8m", "VelocityTraderMT5Disconnected", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "MT5 terminal disconnected on engine-a:9090",
                "The engine on engine-a:9090 reports its MT5 connection down (value 0) for 2 minutes: no quotes, no orders, open positions unmanaged."),
        case("no recent trades fires only while ticks keep arriving")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1x300")
            .series("up{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "1x300")
            .series("velocitytrader_last_trade_timestamp_seconds{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0x300")
            .series("velocitytrader_ticks_processed_total{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0+60x300")
            .series("velocitytrader_last_trade_timestamp_seconds{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "0x300")
            .series("velocitytrader_ticks_processed_total{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "1000x300")
            .quiet("3h", "VelocityTraderNoRecentTrades")
            .quiet("4h10m", "VelocityTraderNoRecentTrades")
            .fires("4h30m", "VelocityTraderNoRecentTrades", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "No trade closed on engine-a:9090 for over 4 hours",
                "The last trade on engine-a:9090 closed 4h 30m 0s ago while market ticks keep arriving: the agents may be stuck, muted or rejected by the broker."),
        case("drawdown alerts judge the current drawdown: warning, then critical, then both resolve when equity recovers although the maximum stays high")
            .series("velocitytrader_current_drawdown{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "5 20x10 30x10 10x10")
            .series("velocitytrader_max_drawdown{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "5 20x10 30x20")
            .series("velocitytrader_current_drawdown{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "10x31")
            .series("velocitytrader_max_drawdown{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "40x31")
            .quiet("3m", "VelocityTraderDrawdownHigh")
            .fires("8m", "VelocityTraderDrawdownHigh", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Drawdown above 15% on engine-a:9090",
                "Current drawdown on engine-a:9090 is 20.0% of peak equity, above the 15% warning level, for 5 minutes.")
            .quiet("8m", "VelocityTraderDrawdownCritical")
            .fires("13m", "VelocityTraderDrawdownCritical", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Drawdown above 25% on engine-a:9090",
                "Current drawdown on engine-a:9090 is 30.0% of peak equity, above the 25% limit, for 1 minute. Consider stopping trading.")
            .fires("13m", "VelocityTraderDrawdownHigh", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Drawdown above 15% on engine-a:9090",
                "Current drawdown on engine-a:9090 is 30.0% of peak equity, above the 15% warning level, for 5 minutes.")
            .quiet("25m", "VelocityTraderDrawdownCritical")
            .quiet("25m", "VelocityTraderDrawdownHigh"),
        case("low win rate is judged over the last hour, with 20 decided trades in it, and resolves when the target is down")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1x50 0x20")
            .series("up{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "1x70")
            .series("up{job=\"velocitytrader\", instance=\"engine-c:9090\"}", "1x70")
            .series("velocitytrader_trades_winning_total{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0+1x70")
            .series("velocitytrader_trades_losing_total{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0+2x70")
            .series("velocitytrader_trades_winning_total{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "0x70")
            .series("velocitytrader_trades_losing_total{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "0+0.2x70")
            .series("velocitytrader_win_rate{job=\"velocitytrader\", instance=\"engine-c:9090\"}", "20x70")
            .series("velocitytrader_trades_winning_total{job=\"velocitytrader\", instance=\"engine-c:9090\"}", "100+3x70")
            .series("velocitytrader_trades_losing_total{job=\"velocitytrader\", instance=\"engine-c:9090\"}", "400+2x70")
            .quiet("20m", "VelocityTraderLowWinRate")
            .fires("40m", "VelocityTraderLowWinRate", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Win rate below 40% over the last hour on engine-a:9090",
                "Win rate over the last hour on engine-a:9090 is 33.3% of at least 20 decided trades, below 40%, for 30 minutes.")
            .quiet("52m", "VelocityTraderLowWinRate"),
        case("profit factor below one needs 20 decided trades since start")
            .series("velocitytrader_profit_factor{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0.8x70")
            .series("velocitytrader_trades_winning_total{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "10x70")
            .series("velocitytrader_trades_losing_total{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "15x70")
            .series("velocitytrader_profit_factor{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "0.5x70")
            .series("velocitytrader_trades_winning_total{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "1x70")
            .series("velocitytrader_trades_losing_total{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "4x70")
            .quiet("31m", "VelocityTraderProfitFactorBelowOne")
            .fires("61m", "VelocityTraderProfitFactorBelowOne", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Profit factor below 1 on engine-a:9090",
                "Gross profit / gross loss since start on engine-a:9090 is 0.80: the system is losing money overall."),
        case("agent underperformance is judged per agent label over the last 24 hours; no agent is named in the rules")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1x80")
            .series("velocitytrader_agent_trades_winning_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "0+1x80")
            .series("velocitytrader_agent_trades_losing_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "0+3x80")
            .series("velocitytrader_agent_gross_profit{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "80x80")
            .series("velocitytrader_agent_gross_loss{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "100x80")
            .series("velocitytrader_agent_trades_winning_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"beta\"}", "0+3x80")
            .series("velocitytrader_agent_trades_losing_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"beta\"}", "0+2x80")
            .series("velocitytrader_agent_gross_profit{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"beta\"}", "150x80")
            .series("velocitytrader_agent_gross_loss{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"beta\"}", "100x80")
            .series("velocitytrader_agent_trades_winning_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"gamma\"}", "0+0.02x80")
            .series("velocitytrader_agent_trades_losing_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"gamma\"}", "0+0.08x80")
            .series("velocitytrader_agent_gross_profit{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"gamma\"}", "10x80")
            .series("velocitytrader_agent_gross_loss{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"gamma\"}", "100x80")
            .quiet("30m", "VelocityTraderAgentUnderperforming")
            .quiet("30m", "VelocityTraderAgentLosingMoney")
            .fires("75m", "VelocityTraderAgentUnderperforming", &[("job", "velocitytrader"), ("instance", "engine-a:9090"), ("agent", "alpha")],
                "Agent alpha underperforming on engine-a:9090",
                "Agent alpha on engine-a:9090 won 25.0% of at least 20 decided trades over the last 24 hours, below 35%, for an hour.")
            .fires("75m", "VelocityTraderAgentLosingMoney", &[("job", "velocitytrader"), ("instance", "engine-a:9090"), ("agent", "alpha")],
                "Agent alpha losing money on engine-a:9090",
                "Agent alpha on engine-a:9090 has a profit factor since start of 0.80 (below 1) for an hour."),
        case("error rate counts high and critical errors only; windowed error alerts resolve when the target is down")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1x20 0x10")
            .series("up{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "1x30")
            .series("velocitytrader_errors_total{job=\"velocitytrader\", instance=\"engine-a:9090\", severity=\"high\"}", "0+5x30")
            .series("velocitytrader_errors_total{job=\"velocitytrader\", instance=\"engine-a:9090\", severity=\"low\"}", "0+1x30")
            .series("velocitytrader_errors_total{job=\"velocitytrader\", instance=\"engine-b:9090\", severity=\"low\"}", "0+40x30")
            .series("velocitytrader_errors_total{job=\"velocitytrader\", instance=\"engine-b:9090\", severity=\"medium\"}", "0+10x30")
            .series("velocitytrader_errors_critical_total{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0x5 1x25")
            .series("velocitytrader_errors_critical_total{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "0x30")
            .quiet("4m", "VelocityTraderHighErrorRate")
            .fires("12m", "VelocityTraderHighErrorRate", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "High error rate on engine-a:9090",
                "The engine on engine-a:9090 logs 25.0 errors of severity high or critical per 5 minutes, above 10 (low and medium errors are not counted).")
            .quiet("22m", "VelocityTraderHighErrorRate")
            .quiet("4m", "VelocityTraderCriticalErrors")
            .fires("10m", "VelocityTraderCriticalErrors", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Critical engine errors on engine-a:9090",
                "The engine on engine-a:9090 logged about 1 critical error(s) in the last 15 minutes.")
            .quiet("22m", "VelocityTraderCriticalErrors"),
        case("critical errors resolve 15 minutes after the last one")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1x40")
            .series("velocitytrader_errors_critical_total{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0x5 1x35")
            .fires("10m", "VelocityTraderCriticalErrors", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Critical engine errors on engine-a:9090",
                "The engine on engine-a:9090 logged about 1 critical error(s) in the last 15 minutes.")
            .quiet("30m", "VelocityTraderCriticalErrors"),
        case("slow database, label overflow and rejected events")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1x30")
            .series("up{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "1x30")
            .series("velocitytrader_db_query_duration_seconds_bucket{job=\"velocitytrader\", instance=\"engine-a:9090\", le=\"0.1\"}", "0+1x30")
            .series("velocitytrader_db_query_duration_seconds_bucket{job=\"velocitytrader\", instance=\"engine-a:9090\", le=\"1\"}", "0+10x30")
            .series("velocitytrader_db_query_duration_seconds_bucket{job=\"velocitytrader\", instance=\"engine-a:9090\", le=\"+Inf\"}", "0+10x30")
            .series("velocitytrader_db_query_duration_seconds_bucket{job=\"velocitytrader\", instance=\"engine-b:9090\", le=\"0.1\"}", "0+10x30")
            .series("velocitytrader_db_query_duration_seconds_bucket{job=\"velocitytrader\", instance=\"engine-b:9090\", le=\"1\"}", "0+10x30")
            .series("velocitytrader_db_query_duration_seconds_bucket{job=\"velocitytrader\", instance=\"engine-b:9090\", le=\"+Inf\"}", "0+10x30")
            .series("velocitytrader_label_overflow_total{job=\"velocitytrader\", instance=\"engine-a:9090\", label=\"symbol\"}", "0x5 3x25")
            .series("velocitytrader_rejected_events_total{job=\"velocitytrader\", instance=\"engine-a:9090\", reason=\"not_finite\"}", "0x5 2x25")
            .series("velocitytrader_rejected_events_total{job=\"velocitytrader\", instance=\"engine-b:9090\", reason=\"not_finite\"}", "0x30")
            .quiet("8m", "VelocityTraderSlowDatabase")
            .fires("15m", "VelocityTraderSlowDatabase", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Slow database queries on engine-a:9090",
                "95th percentile database query latency on engine-a:9090 is 0.950 s, above 0.5 s, for 10 minutes.")
            .quiet("4m", "VelocityTraderLabelOverflow")
            .fires("10m", "VelocityTraderLabelOverflow", &[("job", "velocitytrader"), ("instance", "engine-a:9090"), ("label", "symbol")],
                "Too many distinct symbol values on engine-a:9090",
                "About 3 events in the last hour on engine-a:9090 carried a new symbol beyond the cardinality limit and were recorded under __overflow__.")
            .quiet("15m", "VelocityTraderRejectedEvents")
            .fires("25m", "VelocityTraderRejectedEvents", &[("job", "velocitytrader"), ("instance", "engine-a:9090"), ("reason", "not_finite")],
                "Telemetry events rejected on engine-a:9090 (not_finite)",
                "About 2 events in the last hour on engine-a:9090 were refused with reason not_finite and are missing from every statistic."),
        case("windowed telemetry and database alerts resolve when the target is down")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1x16 0x14")
            .series("velocitytrader_db_query_duration_seconds_bucket{job=\"velocitytrader\", instance=\"engine-a:9090\", le=\"0.1\"}", "0+1x30")
            .series("velocitytrader_db_query_duration_seconds_bucket{job=\"velocitytrader\", instance=\"engine-a:9090\", le=\"1\"}", "0+10x30")
            .series("velocitytrader_db_query_duration_seconds_bucket{job=\"velocitytrader\", instance=\"engine-a:9090\", le=\"+Inf\"}", "0+10x30")
            .series("velocitytrader_label_overflow_total{job=\"velocitytrader\", instance=\"engine-a:9090\", label=\"symbol\"}", "0x5 3x25")
            .series("velocitytrader_rejected_events_total{job=\"velocitytrader\", instance=\"engine-a:9090\", reason=\"not_finite\"}", "0x5 2x25")
            .fires("15m", "VelocityTraderSlowDatabase", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Slow database queries on engine-a:9090",
                "95th percentile database query latency on engine-a:9090 is 0.950 s, above 0.5 s, for 10 minutes.")
            .quiet("18m", "VelocityTraderSlowDatabase")
            .quiet("18m", "VelocityTraderLabelOverflow")
            .quiet("18m", "VelocityTraderRejectedEvents"),
        case("a panicking publish step warns at once and resolves when it stops")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1x40")
            .series("velocitytrader_publish_failures_total{job=\"velocitytrader\", instance=\"engine-a:9090\", stage=\"hook\"}", "0x5 1x35")
            .series("velocitytrader_publish_failures_total{job=\"velocitytrader\", instance=\"engine-a:9090\", stage=\"trades\"}", "64")
            .quiet("5m", "VelocityTraderPublishFailing")
            .fires("8m", "VelocityTraderPublishFailing", &[("job", "velocitytrader"), ("instance", "engine-a:9090"), ("stage", "hook")],
                "Telemetry publish step hook failing on engine-a:9090",
                "The hook publish step panicked 1 times in the last 10 minutes on engine-a:9090; its series may be stale while the others stay current.")
            .quiet("20m", "VelocityTraderPublishFailing"),
        case("RL alerts stay quiet for a fresh learner")
            .series("velocitytrader_rl_model_confidence{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "0.2x70")
            .series("velocitytrader_rl_episodes_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "150x70")
            .series("velocitytrader_rl_exploration_rate{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "0.6x70")
            .series("velocitytrader_rl_model_confidence{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"fresh\"}", "0.1x70")
            .series("velocitytrader_rl_episodes_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"fresh\"}", "10x70")
            .series("velocitytrader_rl_exploration_rate{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"fresh\"}", "0.9x70")
            .series("velocitytrader_rl_model_confidence{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"legacy\"}", "0.25x70")
            .series("velocitytrader_rl_training_episodes{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"legacy\"}", "200x70")
            .series("velocitytrader_rl_model_confidence{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"beta\"}", "0.8x70")
            .series("velocitytrader_rl_episodes_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"beta\"}", "600x70")
            .series("velocitytrader_rl_exploration_rate{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"beta\"}", "0.55x70")
            .quiet("20m", "VelocityTraderRLLowModelConfidence")
            .fires("31m", "VelocityTraderRLLowModelConfidence", &[("job", "velocitytrader"), ("instance", "engine-a:9090"), ("agent", "alpha")],
                "Low RL model confidence for alpha on engine-a:9090",
                "Model confidence of agent alpha on engine-a:9090 is 0.20 (below 0.30) after at least 100 training episodes. Consider retraining.")
            .fires("31m", "VelocityTraderRLLowModelConfidence", &[("job", "velocitytrader"), ("instance", "engine-a:9090"), ("agent", "legacy")],
                "Low RL model confidence for legacy on engine-a:9090",
                "Model confidence of agent legacy on engine-a:9090 is 0.25 (below 0.30) after at least 100 training episodes. Consider retraining.")
            .quiet("31m", "VelocityTraderRLHighExploration")
            .fires("61m", "VelocityTraderRLHighExploration", &[("job", "velocitytrader"), ("instance", "engine-a:9090"), ("agent", "beta")],
                "RL exploration still high for beta on engine-a:9090",
                "Agent beta on engine-a:9090 still explores with epsilon = 0.55 (above 0.50) after at least 500 training episodes: epsilon is not decaying."),
        case("the watchdog always fires, from the first evaluation")
            .fires("0m", "VelocityTraderWatchdog", &[],
                "Alerting pipeline heartbeat (always firing)",
                "Always firing (value 1) while Prometheus evaluates the VelocityTrader rules and can reach Alertmanager. Its notifications stopping means the pipeline is broken, not that all is well.")
            .fires("10m", "VelocityTraderWatchdog", &[],
                "Alerting pipeline heartbeat (always firing)",
                "Always firing (value 1) while Prometheus evaluates the VelocityTrader rules and can reach Alertmanager. Its notifications stopping means the pipeline is broken, not that all is well."),
        case("Prometheus rule failures, notification failures and failed reloads")
            .series("prometheus_rule_evaluation_failures_total{job=\"prometheus\", instance=\"localhost:9090\", rule_group=\"/etc/rules.yml;velocitytrader.errors\"}", "0x10 1 2 3x10")
            .series("prometheus_rule_evaluation_failures_total{job=\"prometheus\", instance=\"localhost:9090\", rule_group=\"/etc/rules.yml;velocitytrader.risk\"}", "0x25")
            .series("prometheus_notifications_errors_total{job=\"prometheus\", instance=\"localhost:9090\", alertmanager=\"http://alertmanager:9093/api/v2/alerts\"}", "0x5 0+6x20")
            .series("prometheus_notifications_errors_total{job=\"prometheus\", instance=\"localhost:9090\", alertmanager=\"http://other:9093/api/v2/alerts\"}", "0x25")
            .series("prometheus_config_last_reload_successful{job=\"prometheus\", instance=\"localhost:9090\"}", "1x5 0x10 1x10")
            .quiet("5m", "VelocityTraderPrometheusRuleFailures")
            .fires("13m", "VelocityTraderPrometheusRuleFailures", &[("job", "prometheus"), ("instance", "localhost:9090"), ("rule_group", "/etc/rules.yml;velocitytrader.errors")],
                "Prometheus localhost:9090 fails to evaluate rules",
                "Prometheus localhost:9090 failed 3 rule evaluation(s) of group /etc/rules.yml;velocitytrader.errors in the last 5 minutes: alerts of that group may not fire.")
            .quiet("25m", "VelocityTraderPrometheusRuleFailures")
            .quiet("8m", "VelocityTraderPrometheusNotificationsFailing")
            .fires("15m", "VelocityTraderPrometheusNotificationsFailing", &[("job", "prometheus"), ("instance", "localhost:9090"), ("alertmanager", "http://alertmanager:9093/api/v2/alerts")],
                "Prometheus localhost:9090 cannot send alerts to http://alertmanager:9093/api/v2/alerts",
                "Prometheus localhost:9090 fails to send 0.10 alert notifications per second to Alertmanager http://alertmanager:9093/api/v2/alerts.")
            .quiet("8m", "VelocityTraderPrometheusConfigReloadFailed")
            .fires("12m", "VelocityTraderPrometheusConfigReloadFailed", &[("job", "prometheus"), ("instance", "localhost:9090")],
                "Prometheus localhost:9090 failed to reload its configuration",
                "The last configuration reload of Prometheus localhost:9090 failed (success = 0): it keeps running the previous configuration and rules until the file is fixed.")
            .quiet("20m", "VelocityTraderPrometheusConfigReloadFailed"),
        case("Alertmanager notification failures, failed reloads and a down Alertmanager")
            .series("alertmanager_notifications_failed_total{job=\"alertmanager\", instance=\"alertmanager:9093\", integration=\"webhook\", reason=\"clientError\"}", "0x5 0+3x20")
            .series("alertmanager_notifications_failed_total{job=\"alertmanager\", instance=\"alertmanager:9093\", integration=\"webhook\", reason=\"serverError\"}", "0x5 0+3x20")
            .series("alertmanager_notifications_failed_total{job=\"alertmanager\", instance=\"alertmanager:9093\", integration=\"email\", reason=\"other\"}", "0x25")
            .series("alertmanager_config_last_reload_successful{job=\"alertmanager\", instance=\"alertmanager:9093\"}", "1x5 0x10 1x10")
            .series("up{job=\"alertmanager\", instance=\"alertmanager:9093\"}", "1x5 0x10 1x10")
            .quiet("8m", "VelocityTraderAlertmanagerNotificationsFailing")
            .fires("15m", "VelocityTraderAlertmanagerNotificationsFailing", &[("job", "alertmanager"), ("instance", "alertmanager:9093"), ("integration", "webhook")],
                "Alertmanager alertmanager:9093 fails to deliver webhook notifications",
                "Alertmanager alertmanager:9093 fails 0.10 webhook notifications per second: the receiver is unreachable or refuses them, so alerts do not reach a person.")
            .quiet("8m", "VelocityTraderAlertmanagerConfigReloadFailed")
            .fires("12m", "VelocityTraderAlertmanagerConfigReloadFailed", &[("job", "alertmanager"), ("instance", "alertmanager:9093")],
                "Alertmanager alertmanager:9093 failed to reload its configuration",
                "The last configuration reload of Alertmanager alertmanager:9093 failed (success = 0): it keeps routing with the previous configuration.")
            .quiet("20m", "VelocityTraderAlertmanagerConfigReloadFailed")
            .quiet("8m", "VelocityTraderAlertmanagerDown")
            .fires("12m", "VelocityTraderAlertmanagerDown", &[("job", "alertmanager"), ("instance", "alertmanager:9093")],
                "Alertmanager alertmanager:9093 is down",
                "Prometheus cannot scrape Alertmanager alertmanager:9093 (up = 0) for 5 minutes: notifications are probably not delivered either, so watch for the watchdog going silent.")
            .quiet("20m", "VelocityTraderAlertmanagerDown"),
        case("runbook_url follows the external label runbook_base_url when it is set").external_labels(&[("runbook_base_url", "https://git.example.com/team/velocity_metrics/blob/main/alerts/runbooks/velocitytrader.md")])
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1 1 0 0 0 0")
            .fires("4m", "VelocityTraderTargetDown", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "VelocityTrader target engine-a:9090 is down",
                "Prometheus cannot scrape engine-a:9090 (job velocitytrader): up = 0 for more than 1 minute. The engine process or its metrics endpoint is gone; while it is down its other alerts stay quiet (their series are stale and windowed alerts require up == 1), so this alert speaks for all of them."),
        case("recording rules: windowed win rates and decided trades, profit factor, error rates")
            .series("velocitytrader_trades_winning_total{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0+3x120")
            .series("velocitytrader_trades_losing_total{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0+1x120")
            .series("velocitytrader_trades_winning_total{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "5x120")
            .series("velocitytrader_trades_losing_total{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "5x120")
            .series("velocitytrader_agent_trades_winning_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "0+1x120")
            .series("velocitytrader_agent_trades_losing_total{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "0+3x120")
            .series("velocitytrader_agent_gross_profit{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "80x120")
            .series("velocitytrader_agent_gross_loss{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "100x120")
            .series("velocitytrader_agent_gross_profit{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"winner\"}", "50x120")
            .series("velocitytrader_agent_gross_loss{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"winner\"}", "0x120")
            .series("velocitytrader_agent_gross_profit{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"idle\"}", "0x120")
            .series("velocitytrader_agent_gross_loss{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"idle\"}", "0x120")
            .series("velocitytrader_errors_total{job=\"velocitytrader\", instance=\"engine-a:9090\", severity=\"critical\"}", "0+1x120")
            .series("velocitytrader_errors_total{job=\"velocitytrader\", instance=\"engine-a:9090\", severity=\"high\"}", "0+5x120")
            .series("velocitytrader_errors_total{job=\"velocitytrader\", instance=\"engine-a:9090\", severity=\"low\"}", "0+1x120")
            .series("velocitytrader_errors_total{job=\"velocitytrader\", instance=\"engine-a:9090\", severity=\"medium\"}", "0+2x120")
            .expr("90m", "velocitytrader:win_rate_1h:percent", &[("velocitytrader:win_rate_1h:percent{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "75")])
            .expr("90m", "velocitytrader:decided_trades_1h:count", &[("velocitytrader:decided_trades_1h:count{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "240"), ("velocitytrader:decided_trades_1h:count{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "0")])
            .expr("90m", "velocitytrader:agent_win_rate_24h:percent", &[("velocitytrader:agent_win_rate_24h:percent{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "25")])
            .expr("90m", "velocitytrader:agent_profit_factor:ratio", &[("velocitytrader:agent_profit_factor:ratio{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"alpha\"}", "0.8"), ("velocitytrader:agent_profit_factor:ratio{job=\"velocitytrader\", instance=\"engine-a:9090\", agent=\"winner\"}", ".inf")])
            .expr("90m", "round(velocitytrader:errors:rate5m * 60, 0.001)", &[("{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "9")])
            .expr("90m", "round(velocitytrader:errors_high_or_critical:rate5m * 60, 0.001)", &[("{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "6")])
            .expr("90m", "velocitytrader:decided_trades:count", &[("velocitytrader:decided_trades:count{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "360"), ("velocitytrader:decided_trades:count{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "10")]),
        case("the breaker tripped notifies after 1m while trading goes on; trading halted pages, and the breaker alert resolves, superseded by it; a momentary trip, a backtest and a reset stay quiet")
            .series("velocitytrader_circuit_breaker_active{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0 0 1 1 1 1 1 1 0 0")
            .series("velocitytrader_trading_halted{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0 0 0 0 0 1 1 1 0 0")
            .series("velocitytrader_circuit_breaker_trips_total{job=\"velocitytrader\", instance=\"engine-a:9090\", reason=\"daily_loss\"}", "0 0 1 1 1 1 1 1 1 1")
            .series("velocitytrader_circuit_breaker_trips_total{job=\"velocitytrader\", instance=\"engine-a:9090\", reason=\"spread\"}", "7")
            .series("velocitytrader_circuit_breaker_active{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "0 0 1 0 0 0 0 0")
            .series("velocitytrader_trading_halted{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "7")
            .series("velocitytrader_trading_halted{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\"}", "1x9")
            .series("velocitytrader_circuit_breaker_active{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\"}", "1x9")
            .quiet("2m", "VelocityTraderCircuitBreakerTripped")
            .fires("3m", "VelocityTraderCircuitBreakerTripped", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Circuit breaker tripped on engine-a:9090",
                "The circuit breaker on engine-a:9090 has been tripped (circuit_breaker_active = 1) for 1 minute: the risk engine refuses new risk until it is reset. Tripped in the last hour for daily_loss.")
            .quiet("3m", "VelocityTraderTradingHalted")
            .quiet("6m", "VelocityTraderCircuitBreakerTripped")
            .fires("6m", "VelocityTraderTradingHalted", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Trading halted on engine-a:9090",
                "The risk engine on engine-a:9090 reports trading halted (trading_halted = 1) for 1 minute: no new orders go out, and open positions stay as they are until someone acts.")
            .quiet("9m", "VelocityTraderTradingHalted")
            .quiet("9m", "VelocityTraderCircuitBreakerTripped"),
        case("daily loss notifies at 80% of its limit after 1m and pages at 100% at once; a new trading day resolves both")
            .series("velocitytrader_daily_loss_limit_used{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "10 50 79 85 90 95 100 120 120 0 0")
            .series("velocitytrader_daily_loss_limit{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "2000x10")
            .series("velocitytrader_daily_loss_limit_used{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "79x10")
            .series("velocitytrader_daily_loss_limit_used{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\"}", "150x10")
            .quiet("3m", "VelocityTraderDailyLossLimitNear")
            .fires("4m", "VelocityTraderDailyLossLimitNear", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Daily loss at 80% of its limit on engine-a:9090",
                "Today's closed loss on engine-a:9090 is 90% of the daily loss limit of 2000.00 (80% or more) for 1 minute.")
            .quiet("5m", "VelocityTraderDailyLossLimitReached")
            .fires("6m", "VelocityTraderDailyLossLimitReached", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Daily loss limit reached on engine-a:9090",
                "Today's closed loss on engine-a:9090 is 100% of the daily loss limit of 2000.00: the limit is reached and the engine must not open new risk until the trading day ends.")
            .fires("6m", "VelocityTraderDailyLossLimitNear", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Daily loss at 80% of its limit on engine-a:9090",
                "Today's closed loss on engine-a:9090 is 100% of the daily loss limit of 2000.00 (80% or more) for 1 minute.")
            .quiet("9m", "VelocityTraderDailyLossLimitReached")
            .quiet("9m", "VelocityTraderDailyLossLimitNear"),
        case("order rejects above 10% of at least 20 orders in 15 minutes notify after 5m; no reject yet is a ratio of 0; few orders stay quiet")
            .series("velocitytrader_orders_submitted_total{job=\"velocitytrader\", instance=\"engine-a:9090\", symbol=\"EURUSD+\"}", "0+10x20")
            .series("velocitytrader_orders_submitted_total{job=\"velocitytrader\", instance=\"engine-a:9090\", symbol=\"GBPUSD+\"}", "0+10x20")
            .series("velocitytrader_orders_rejected_total{job=\"velocitytrader\", instance=\"engine-a:9090\", symbol=\"EURUSD+\", reason=\"broker\"}", "0+3x20")
            .series("velocitytrader_orders_rejected_total{job=\"velocitytrader\", instance=\"engine-a:9090\", symbol=\"GBPUSD+\", reason=\"insufficient_margin\"}", "0+1x20")
            .series("up{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "1x20")
            .series("velocitytrader_orders_submitted_total{job=\"velocitytrader\", instance=\"engine-b:9090\", symbol=\"EURUSD+\"}", "0+10x20")
            .series("up{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "1x20")
            .series("velocitytrader_orders_submitted_total{job=\"velocitytrader\", instance=\"engine-c:9090\", symbol=\"EURUSD+\"}", "0+1x20")
            .series("velocitytrader_orders_rejected_total{job=\"velocitytrader\", instance=\"engine-c:9090\", symbol=\"EURUSD+\", reason=\"market_closed\"}", "0+1x20")
            .series("up{job=\"velocitytrader\", instance=\"engine-c:9090\"}", "1x20")
            .quiet("5m", "VelocityTraderOrderRejectRatioHigh")
            .fires("7m", "VelocityTraderOrderRejectRatioHigh", &[("job", "velocitytrader"), ("instance", "engine-a:9090")],
                "Many orders rejected on engine-a:9090",
                "20% of the orders submitted on engine-a:9090 in the last 15 minutes (at least 20) were rejected, above 10%, for 5 minutes.")
            .expr("7m", "velocitytrader:order_reject_ratio_15m:ratio", &[("velocitytrader:order_reject_ratio_15m:ratio{job=\"velocitytrader\", instance=\"engine-a:9090\"}", "0.2"), ("velocitytrader:order_reject_ratio_15m:ratio{job=\"velocitytrader\", instance=\"engine-b:9090\"}", "0"), ("velocitytrader:order_reject_ratio_15m:ratio{job=\"velocitytrader\", instance=\"engine-c:9090\"}", "1")]),
        case("VPIN above the engine's threshold for 5 minutes notifies for that symbol only")
            .series("velocitytrader_vpin{job=\"velocitytrader\", instance=\"engine-a:9090\", symbol=\"EURUSD+\"}", "0.4 0.4 0.8x10")
            .series("velocitytrader_vpin_threshold{job=\"velocitytrader\", instance=\"engine-a:9090\", symbol=\"EURUSD+\"}", "0.7x11")
            .series("velocitytrader_vpin{job=\"velocitytrader\", instance=\"engine-a:9090\", symbol=\"GBPUSD+\"}", "0.5x11")
            .series("velocitytrader_vpin_threshold{job=\"velocitytrader\", instance=\"engine-a:9090\", symbol=\"GBPUSD+\"}", "0.7x11")
            .series("velocitytrader_vpin{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\", symbol=\"EURUSD+\"}", "0.9x11")
            .series("velocitytrader_vpin_threshold{job=\"velocitytrader_backtest\", instance=\"r-1\", run_id=\"r-1\", engine=\"bt-1\", mode=\"backtest\", symbol=\"EURUSD+\"}", "0.7x11")
            .quiet("6m", "VelocityTraderVpinAboveThreshold")
            .fires("8m", "VelocityTraderVpinAboveThreshold", &[("job", "velocitytrader"), ("instance", "engine-a:9090"), ("symbol", "EURUSD+")],
                "VPIN of EURUSD+ above its threshold on engine-a:9090",
                "VPIN of EURUSD+ on engine-a:9090 is 0.80, above the engine's threshold of 0.70, for 5 minutes: order flow in it looks informed (toxic), so fills are likely to go against the engine."),
    ]
}

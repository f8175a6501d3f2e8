//! Backtests never page anyone: every engine series an alert reads excludes
//! `mode="backtest"` (the promtool tests show a backtest with a live
//! engine's values staying quiet), and Alertmanager routes what slips
//! through to a receiver that delivers nowhere (tests/assets_alerts.rs,
//! tests/alertmanager_fleet.rs).

#[path = "support/asset_files.rs"]
mod asset_files;
#[path = "support/promql_schema.rs"]
mod promql_schema;

use promql_parser::label::MatchOp;

use asset_files::*;
use promql_schema::*;

#[test]
fn every_engine_series_an_alert_reads_excludes_backtests() {
    let mut errors = Vec::new();
    let mut checked = 0;
    for rule in rules() {
        let Some(name) = rule.alert else { continue };
        let expr = parse(&rule.expr).unwrap();
        let mut found = Vec::new();
        selectors(&expr, false, &mut found);
        for (vs, _) in found {
            let series = vs.name.as_deref().unwrap_or_default();
            if !series.starts_with("velocitytrader") {
                continue;
            }
            checked += 1;
            let excluded = all_matchers(&vs.matchers)
                .any(|m| m.name == "mode" && m.op == MatchOp::NotEqual && m.value == "backtest");
            if !excluded {
                errors.push(format!("{name}: `{vs}` lacks mode!=\"backtest\""));
            }
        }
    }
    assert!(checked >= 25, "only {checked} engine selectors in alerts");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn recording_rules_keep_backtests_for_the_dashboards() {
    // Recorded win rates and profit factors of a backtest run are useful on
    // the fleet dashboard: only alerts exclude backtests.
    for rule in rules().into_iter().filter(|r| r.record.is_some()) {
        assert!(!rule.expr.contains("backtest"), "{:?}", rule.record);
    }
}

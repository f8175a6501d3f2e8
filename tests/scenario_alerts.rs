//! The example's scenarios say every alert they fire, from one list
//! (`SCENARIOS` in `examples/exporter/scenario.rs`, which `--help` prints):
//! every alert named there exists in the shipped rules, and every alert
//! about an engine's state is demonstrated by some scenario (the liveness
//! and pipeline alerts need none: stop the example, or the stack).

#[allow(
    dead_code,
    reason = "the example's module; only its table is read here"
)]
#[path = "../examples/exporter/scenario.rs"]
mod scenario;

#[path = "support/asset_files.rs"]
mod asset_files;

use std::collections::BTreeSet;

use asset_files::rules;

/// Alerts no scenario demonstrates, and why.
const NOT_A_SCENARIO: [&str; 11] = [
    "VelocityTraderTargetDown",             // stop the example
    "VelocityTraderTargetMissing",          // remove it from the scrape targets
    "VelocityTraderEngineMissing",          // a fleet's agent or remote write broken
    "VelocityTraderWatchdog",               // always
    "VelocityTraderPublishFailing",         // a panicking publish hook
    "VelocityTraderPrometheusRuleFailures", // the monitoring stack itself
    "VelocityTraderPrometheusNotificationsFailing",
    "VelocityTraderPrometheusConfigReloadFailed",
    "VelocityTraderAlertmanagerNotificationsFailing",
    "VelocityTraderAlertmanagerConfigReloadFailed",
    "VelocityTraderAlertmanagerDown",
];

#[test]
fn every_alert_a_scenario_lists_exists_and_every_engine_alert_has_a_scenario() {
    let alerts: BTreeSet<String> = rules().into_iter().filter_map(|r| r.alert).collect();
    let mut demonstrated = BTreeSet::new();
    for (_, name, fires) in scenario::SCENARIOS {
        for (alert, when) in fires {
            assert!(
                alerts.contains(*alert),
                "--scenario {name} lists {alert}, which no rule defines"
            );
            assert!(
                !when.is_empty(),
                "--scenario {name}: when does {alert} fire?"
            );
            demonstrated.insert((*alert).to_owned());
        }
    }
    let missing: Vec<&String> = alerts
        .iter()
        .filter(|a| !demonstrated.contains(*a) && !NOT_A_SCENARIO.contains(&a.as_str()))
        .collect();
    // The slow pages of the objectives are superseded by their fast ones
    // while a scenario burns fast: a scenario cannot show them alone.
    let missing: Vec<&&String> = missing
        .iter()
        .filter(|a| !a.ends_with("BudgetBurnSlow"))
        .collect();
    assert!(
        missing.is_empty(),
        "alerts no scenario demonstrates: {missing:?}"
    );
}

#[test]
fn the_help_lists_each_scenarios_alerts() {
    let help = scenario::Scenario::help();
    assert!(
        help.contains("daily-loss  VelocityTraderDailyLossLimitReached at once;"),
        "{help}"
    );
    for (_, name, fires) in scenario::SCENARIOS {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no help line for {name}"));
        for (alert, _) in fires {
            assert!(line.contains(alert), "{name}: {line}");
        }
    }
}

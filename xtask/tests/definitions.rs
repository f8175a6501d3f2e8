//! What the definitions promise, checked on what they generate.

use xtask::alertmanager::inhibited_pairs;
use xtask::defs;
use xtask::grafana::SCHEMA_VERSION;
use xtask::promql::Scope;

/// Grafana's migrations 40–42 (`apps/dashboard/pkg/migration/schemaversion/
/// v40.go`…`v42.go`) would change nothing: `refresh` is a string, the
/// timepicker has no `time_options`, and a field hidden from the
/// visualisation is hidden from the tooltip too. So Grafana 12.3 to 13.2
/// load the dashboards as written.
#[test]
fn dashboards_need_no_migration_on_current_grafana() {
    for d in defs::dashboards::all() {
        let json = d.json();
        assert_eq!(json["schemaVersion"], SCHEMA_VERSION, "{}", d.uid);
        assert!(json["refresh"].is_string(), "{}: v40", d.uid);
        assert!(
            json["timepicker"].get("time_options").is_none(),
            "{}: v41",
            d.uid
        );
        let text = serde_json::to_string(&json).unwrap();
        assert!(
            !text.contains("\"custom.hideFrom\"") || !text.contains("\"viz\":true"),
            "{}: v42 would add tooltip to hideFrom",
            d.uid
        );
    }
}

/// Only escalation pairs share an alertgroup across severities: one series,
/// two thresholds, so the warning cannot resolve while the critical alert
/// fires and the inhibit rule never mutes a `resolved` notification.
#[test]
fn alertgroups_pair_a_critical_and_a_warning_only_on_one_series_at_two_levels() {
    let groups = defs::rule_groups();
    let alerts = defs::alerts(&groups);
    let pairs = inhibited_pairs(&alerts);
    let mut escalations = 0;
    for (critical, warning) in pairs {
        if critical.group == "liveness" {
            // TargetDown and TargetMissing carry no engine identity: the
            // inhibit rule's `equal` can match no engine's warning.
            continue;
        }
        let strip = |e: &xtask::promql::Expr| -> String {
            e.render(Scope::Alert)
                .chars()
                .filter(|c| !c.is_ascii_digit() && *c != '.')
                .collect()
        };
        assert_eq!(
            strip(&critical.expr),
            strip(&warning.expr),
            "{} / {}: not one series at two levels",
            critical.name,
            warning.name
        );
        escalations += 1;
    }
    assert_eq!(escalations, 2, "drawdown and daily loss");
}

#[test]
fn alert_names_are_unique_and_every_alert_has_a_runbook_section() {
    let groups = defs::rule_groups();
    let alerts = defs::alerts(&groups);
    let mut names: Vec<&str> = alerts.iter().map(|a| a.name).collect();
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "duplicate alert names");
    let objectives: Vec<_> = defs::objectives::ALL.iter().map(|(_, o)| *o).collect();
    let page = xtask::runbooks::markdown(&groups, &objectives);
    for name in names {
        assert!(page.contains(&format!("\n## {name}\n")), "{name}");
    }
}

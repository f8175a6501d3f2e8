//! The definitions: what the dashboards show and what the rules judge.
//! Everything else in this crate turns them into files.

pub mod dashboards;
pub mod objectives;
pub mod prelude;
pub mod records;
pub mod rule_tests;
pub mod rules;

use crate::rules::promtool::Case;
use crate::rules::{Alert, Group};

/// Every rule group: the hand-written ones, then the objectives'.
#[must_use]
pub fn rule_groups() -> Vec<Group> {
    let mut groups = rules::groups();
    for (name, objective) in objectives::ALL {
        groups.extend(objective.groups(name));
    }
    groups
}

/// Every promtool case: the hand-written ones, then the objectives'.
#[must_use]
pub fn rule_cases() -> Vec<Case> {
    let mut cases = rule_tests::cases();
    for (_, objective) in objectives::ALL {
        cases.extend(objective.cases());
    }
    cases
}

/// Every alert of every group.
#[must_use]
pub fn alerts(groups: &[Group]) -> Vec<&Alert> {
    groups
        .iter()
        .flat_map(|g| g.rules.iter().filter_map(crate::rules::Rule::as_alert))
        .collect()
}

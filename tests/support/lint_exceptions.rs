//! The exceptions file of grafana/dashboard-linter (`.lint`): which findings
//! of which rule are excused, and why.

use super::Finding;

/// One exclusion entry; every field but `reason` narrows the match.
#[derive(Debug, Clone)]
pub struct Exception {
    pub rule: String,
    pub dashboard: Option<String>,
    pub panel: Option<String>,
    pub target: Option<usize>,
    pub reason: String,
}

impl Exception {
    pub fn matches(&self, f: &Finding) -> bool {
        self.rule == f.rule
            && self.dashboard.as_ref().is_none_or(|d| *d == f.dashboard)
            && self
                .panel
                .as_ref()
                .is_none_or(|p| f.panel.as_ref() == Some(p))
            && self.target.is_none_or(|t| f.target == Some(t))
    }
}

/// The `exclusions` of a linter configuration file. Panics on entries
/// without a reason, on `warnings` (nothing may be downgraded), and on
/// rule-wide exclusions (each exception names its panel).
pub fn exceptions(text: &str) -> Vec<Exception> {
    let doc: serde_yaml::Value = serde_yaml::from_str(text).expect(".lint parses");
    assert!(
        doc.get("warnings").is_none(),
        ".lint must not downgrade rules to warnings"
    );
    let mut out = Vec::new();
    for (rule, body) in doc["exclusions"].as_mapping().expect("exclusions") {
        let rule = rule.as_str().unwrap().to_owned();
        let entries = body["entries"]
            .as_sequence()
            .unwrap_or_else(|| panic!("{rule}: a rule-wide exclusion; name each panel"));
        for e in entries {
            let reason = e["reason"].as_str().unwrap_or_default().trim().to_owned();
            assert!(!reason.is_empty(), "{rule}: entry {e:?} has no reason");
            let text = |k: &str| e[k].as_str().map(str::to_owned);
            out.push(Exception {
                rule: rule.clone(),
                dashboard: text("dashboard"),
                panel: text("panel"),
                target: e["targetIdx"].as_u64().map(|t| usize::try_from(t).unwrap()),
                reason,
            });
        }
    }
    out
}

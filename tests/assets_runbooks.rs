//! Every alert has a runbook section with the four parts on-call needs, every
//! `runbook_url` anchor exists in the runbook file, and the file is where the
//! compose stack serves it.

#[path = "support/asset_files.rs"]
mod asset_files;

use std::collections::BTreeMap;

use asset_files::*;

const RUNBOOK: &str = "alerts/runbooks/velocitytrader.md";
const PARTS: [&str; 4] = ["**Meaning.**", "**Likely causes", "**Check.**", "**Do.**"];

/// The anchor GitHub, GitLab and rustdoc give a heading: lower case, spaces
/// to hyphens, punctuation other than `-` and `_` dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// `## heading` sections: anchor → (heading, body).
fn sections() -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in asset(RUNBOOK).lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            if let Some((h, body)) = current.take() {
                out.insert(slug(&h), (h, body));
            }
            current = Some((heading.to_owned(), String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    if let Some((h, body)) = current {
        out.insert(slug(&h), (h, body));
    }
    out
}

#[test]
fn slug_matches_the_anchor_git_hosts_generate() {
    assert_eq!(slug("VelocityTraderTargetDown"), "velocitytradertargetdown");
    assert_eq!(slug("What to do: now!"), "what-to-do-now");
}

#[test]
fn every_alert_has_a_runbook_section_with_meaning_causes_checks_and_actions() {
    let sections = sections();
    let mut errors = Vec::new();
    let alerts: Vec<String> = rules().into_iter().filter_map(|r| r.alert).collect();
    assert!(alerts.len() >= 20, "only {} alerts", alerts.len());
    for name in &alerts {
        match sections.get(&slug(name)) {
            Some((heading, body)) => {
                if heading != name {
                    errors.push(format!("{name}: section titled `{heading}`"));
                }
                for part in PARTS {
                    if !body.contains(part) {
                        errors.push(format!("{name}: runbook section lacks {part}"));
                    }
                }
            }
            None => errors.push(format!("{name}: no `## {name}` section in {RUNBOOK}")),
        }
    }
    for (heading, _) in sections.values() {
        if !alerts.contains(heading) {
            errors.push(format!("runbook section `{heading}` names no alert"));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn every_runbook_url_anchor_exists_in_the_runbook_file() {
    let sections = sections();
    let mut checked = 0;
    for rule in rules() {
        let Some(name) = rule.alert else { continue };
        let url = &rule.annotations["runbook_url"];
        let (base, anchor) = url
            .rsplit_once('#')
            .unwrap_or_else(|| panic!("{name}: runbook_url `{url}` has no anchor"));
        assert!(
            sections.contains_key(anchor),
            "{name}: anchor #{anchor} is not a heading of {RUNBOOK}"
        );
        // The default base is the runbook file's name under Prometheus's /user/.
        assert!(
            base.contains("\"/user/velocitytrader.html\""),
            "{name}: base `{base}` does not default to the served runbook file"
        );
        checked += 1;
    }
    assert!(checked >= 20);
}

#[test]
fn the_html_page_has_every_anchor_a_runbook_url_points_at() {
    let page = asset("alerts/runbooks/velocitytrader.html");
    assert!(page.starts_with("<!DOCTYPE html>"), "not an HTML page");
    let mut checked = 0;
    for rule in rules() {
        let Some(name) = rule.alert else { continue };
        let anchor = rule.annotations["runbook_url"]
            .rsplit_once('#')
            .unwrap()
            .1
            .to_owned();
        assert!(
            page.contains(&format!("<h2 id=\"{anchor}\">{name}</h2>")),
            "{name}: no section with id {anchor} in the HTML runbook page"
        );
        checked += 1;
    }
    assert!(checked >= 20);
}

#[test]
fn the_compose_stack_serves_the_runbook_file_where_the_links_point() {
    let compose = yaml("deploy/docker-compose.yml");
    let prometheus = &compose["services"]["prometheus"];
    let flags: Vec<&str> = prometheus["command"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let assets_dir = flags
        .iter()
        .find_map(|f| f.strip_prefix("--web.user-assets="))
        .expect("prometheus serves user assets");
    // ../alerts is mounted at /etc/velocitytrader/alerts: the served
    // directory must be the runbook file's folder.
    let mounted = prometheus["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .find_map(|v| v.strip_prefix("../alerts:"))
        .and_then(|v| v.strip_suffix(":ro"))
        .expect("../alerts mounted read-only");
    let served = RUNBOOK
        .strip_prefix("alerts/")
        .and_then(|p| p.rsplit_once('/'))
        .map(|(dir, file)| (format!("{mounted}/{dir}"), file))
        .unwrap();
    assert_eq!(
        (assets_dir, "velocitytrader.md"),
        (served.0.as_str(), served.1)
    );
    // Links are built from the external URL, which must be the published one.
    assert!(
        flags.contains(&"--web.external-url=${PROMETHEUS_EXTERNAL_URL:-http://localhost:9091}"),
        "{flags:?}"
    );
}

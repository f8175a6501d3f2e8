//! No dead names: every series name a shipped dashboard (panel or template
//! variable) or rule file uses is served by the example exporter — scraped
//! from it serving as the default calm engine, or pushed by it in batch mode
//! — except the series Prometheus, Alertmanager and the Pushgateway export
//! about themselves (and `up`, `ALERTS`) and the recording rules' outputs.
//! The original's advanced dashboards used 60 names nothing ever served.
//!
//! Builds and runs `examples/exporter.rs` (batch mode needs the `push`
//! feature); nothing else to install.

#[path = "support/asset_files.rs"]
mod asset_files;
#[path = "common/example_engines.rs"]
mod example_engines;
#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;
#[path = "support/promql_schema.rs"]
mod promql_schema;
#[path = "common/webhook.rs"]
mod webhook;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use asset_files::*;
use example_engines::{engine, example_binary};
use net::{free_port, get};
use promql_schema::*;
use webhook::Webhook;

/// Every series name the dashboards' queries and variables and the rules use.
fn referenced() -> BTreeSet<String> {
    let mut exprs: Vec<String> = Vec::new();
    for (_, dash) in dashboards() {
        exprs.extend(targets(&dash).iter().map(|t| substitute(t.expr)));
        for (_, query) in template_queries(&dash) {
            exprs.push(label_values(&substitute(&query)).0);
        }
    }
    exprs.extend(rules().into_iter().map(|r| r.expr));
    let mut names = BTreeSet::new();
    for expr in exprs {
        let parsed = parse(&expr).unwrap_or_else(|e| panic!("`{expr}`: {e}"));
        let mut found = Vec::new();
        selectors(&parsed, false, &mut found);
        names.extend(found.into_iter().filter_map(|(vs, _)| vs.name.clone()));
    }
    names
}

/// Names served by no engine by design: `up`, the monitoring stack's own
/// series, and what the recording rules write.
fn not_the_engines() -> BTreeSet<String> {
    let mut names: BTreeSet<String> = SELF_METRICS
        .iter()
        .map(|(name, _, _)| (*name).to_owned())
        .collect();
    names.insert("up".into());
    names.extend(rules().into_iter().filter_map(|r| r.record));
    names
}

fn sample_names(text: &str) -> BTreeSet<String> {
    exposition::parse(text)
        .unwrap_or_else(|e| panic!("exposition does not parse: {e}"))
        .samples
        .into_iter()
        .map(|s| s.name)
        .collect()
}

/// A one-second backtest pushed to a stand-in Pushgateway: the names of
/// every push it made.
fn pushed_by_a_backtest(binary: &std::path::Path) -> BTreeSet<String> {
    let hook = Webhook::start();
    let output = Command::new(binary)
        .args(["--engine", "dead-names", "--duration", "1"])
        .args(["--push", &format!("http://127.0.0.1:{}", hook.port)])
        .args(["--run-id", "dead-names-1"])
        .stderr(Stdio::inherit())
        .output()
        .expect("the example runs");
    assert!(output.status.success(), "{output:?}");
    let pushes = hook.received();
    assert!(!pushes.is_empty(), "the backtest pushed nothing");
    pushes.iter().flat_map(|p| sample_names(&p.body)).collect()
}

#[test]
#[cfg_attr(not(feature = "push"), ignore = "needs the push feature (batch mode)")]
fn every_name_a_dashboard_or_rule_uses_is_served_by_the_example_exporter() {
    let referenced = referenced();
    let exempt = not_the_engines();
    let wanted: BTreeSet<&String> = referenced.difference(&exempt).collect();
    assert!(
        wanted.len() > 150,
        "only {} engine series used",
        wanted.len()
    );

    let binary = example_binary();
    let mut served = pushed_by_a_backtest(&binary);

    // Serving: the default calm engine. A counter that appears with its
    // first event (a rejection reason) may take some seconds.
    let port = free_port();
    let mut exporter = engine(&binary, port, &[]);
    let deadline = Instant::now() + Duration::from_secs(60);
    let missing = loop {
        if let Ok((200, text)) = get(port, "/metrics") {
            served.extend(sample_names(&text));
        }
        let missing: Vec<&&String> = wanted.iter().filter(|n| !served.contains(**n)).collect();
        if missing.is_empty() || Instant::now() > deadline {
            break missing;
        }
        assert!(exporter.exited().is_none(), "the example exporter exited");
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(
        missing.is_empty(),
        "dead names: used by a dashboard or rule, served by no example engine: {missing:?}"
    );
    // The exemptions exempt only what the example really does not serve.
    let served_anyway: Vec<&String> = exempt.intersection(&served).collect();
    assert!(served_anyway.is_empty(), "{served_anyway:?}");
}

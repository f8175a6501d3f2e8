//! The compose stack is wired consistently, every file is embedded verbatim,
//! and `assets::write_to` round-trips without clobbering edits.

#[path = "support/asset_files.rs"]
mod asset_files;
#[path = "support/promql_schema.rs"]
mod promql_schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_yaml::Value as Yaml;
use velocity_metrics::assets::{self, AssetError, Overwrite};

use asset_files::*;

#[test]
fn compose_stack_is_wired_consistently() {
    let compose = yaml("deploy/docker-compose.yml");
    let services = &compose["services"];
    let strings = |v: &Yaml| -> Vec<String> {
        v.as_sequence()
            .into_iter()
            .flatten()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    // Published on loopback unless the user says otherwise, never 0.0.0.0.
    let ports = |svc: &str| strings(&services[svc]["ports"]);
    for (svc, port) in [
        ("prometheus", "9091:9090"),
        ("grafana", "3000:3000"),
        ("alertmanager", "9093:9093"),
    ] {
        assert_eq!(
            ports(svc),
            [format!(
                "${{VELOCITYTRADER_BIND_ADDRESS:-127.0.0.1}}:{port}"
            )],
            "{svc}"
        );
    }
    // Pinned images: an explicit version, never `latest`.
    for (name, svc) in services.as_mapping().unwrap() {
        let image = svc["image"].as_str().unwrap();
        let (_, tag) = image.rsplit_once(':').unwrap_or((image, ""));
        assert!(
            tag.trim_start_matches('v')
                .split('.')
                .filter(|p| p.parse::<u32>().is_ok())
                .count()
                == 3,
            "{name:?}: image `{image}` is not pinned to a version"
        );
    }
    assert!(
        strings(&services["prometheus"]["extra_hosts"])
            .contains(&"host.docker.internal:host-gateway".into())
    );
    // No default password: compose refuses to start without one.
    let env = strings(&services["grafana"]["environment"]);
    assert!(
        env.iter()
            .any(|e| e.starts_with("GF_SECURITY_ADMIN_PASSWORD=${GRAFANA_ADMIN_PASSWORD:?")),
        "{env:?}"
    );
    assert!(!asset("deploy/docker-compose.yml").contains("GRAFANA_ADMIN_PASSWORD:-"));
    // Alertmanager renders its receivers from the environment, refusing to
    // start without a webhook URL.
    let am = &services["alertmanager"];
    assert_eq!(
        strings(&am["entrypoint"]),
        [
            "/bin/sh",
            "/etc/velocitytrader/deploy/alertmanager-start.sh"
        ]
    );
    assert!(
        am["environment"]["ALERT_WEBHOOK_URL"]
            .as_str()
            .is_some_and(|v| v.starts_with("${ALERT_WEBHOOK_URL:?")),
        "{:?}",
        am["environment"]
    );
    let am_command = strings(&am["command"]);
    assert_eq!(am_command[0], "/bin/alertmanager");
    assert!(am_command.contains(&"--config.file=/alertmanager/alertmanager.yml".into()));
    assert!(
        !env.iter().any(|e| e.starts_with("GF_INSTALL_PLUGINS")),
        "plugins need the internet at start-up"
    );
    // Every bind mount exists in the repository and is read-only.
    let mut mounts = BTreeMap::new();
    for (name, svc) in services.as_mapping().unwrap() {
        for volume in strings(&svc["volumes"]) {
            let parts: Vec<&str> = volume.split(':').collect();
            if parts[0].starts_with('.') {
                assert!(
                    root().join("deploy").join(parts[0]).exists(),
                    "{name:?}: {volume} does not exist"
                );
                assert_eq!(
                    parts.get(2),
                    Some(&"ro"),
                    "{name:?}: {volume} is not read-only"
                );
                mounts.insert(parts[0].to_owned(), parts[1].to_owned());
            }
        }
    }
    assert!(
        mounts.contains_key("../dashboards") && mounts.contains_key("../alerts"),
        "{mounts:?}"
    );
    // Grafana's dashboard provider reads where ../dashboards is mounted.
    let provider = yaml("dashboards/provisioning/dashboards/velocitytrader.yml");
    assert_eq!(
        provider["providers"][0]["options"]["path"].as_str(),
        Some(mounts["../dashboards"].as_str())
    );
    let datasource = yaml("dashboards/provisioning/datasources/velocitytrader.yml");
    assert_eq!(
        datasource["datasources"][0]["uid"].as_str(),
        Some(DATASOURCE_UID)
    );
    assert_eq!(
        datasource["datasources"][0]["url"].as_str(),
        Some("http://prometheus:9090")
    );
    // Prometheus: scrape the exporter every 5 s, load the rules, alert Alertmanager.
    let prom = yaml("deploy/prometheus.yml");
    let job = prom["scrape_configs"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|j| j["job_name"] == "velocitytrader")
        .expect("velocitytrader job");
    assert_eq!(job["scrape_interval"].as_str(), Some("5s"));
    assert_eq!(
        job["static_configs"][0]["targets"][0].as_str(),
        Some("host.docker.internal:9090")
    );
    assert_eq!(
        prom["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"][0].as_str(),
        Some("alertmanager:9093")
    );
    for file in strings(&prom["rule_files"]) {
        let in_repo = root().join("deploy").join(&file);
        assert!(
            in_repo.exists(),
            "rule file {file} does not resolve from deploy/"
        );
    }
    let command = strings(&services["prometheus"]["command"]).join(" ");
    assert!(
        command.contains(&format!("--config.file={}", mounts["./prometheus.yml"])),
        "{command}"
    );
    assert!(
        !command.contains("enable-lifecycle"),
        "Prometheus must not expose reload/quit over HTTP"
    );
    assert_eq!(
        mounts["./alertmanager-start.sh"],
        "/etc/velocitytrader/deploy/alertmanager-start.sh"
    );
    // The meta alerts need Alertmanager's own series.
    let am_job = prom["scrape_configs"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|j| j["job_name"] == "alertmanager")
        .expect("alertmanager scrape job");
    assert_eq!(
        am_job["static_configs"][0]["targets"][0].as_str(),
        Some("alertmanager:9093")
    );
}

// ── the embedded copies ────────────────────────────────────────────────────

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_asset_file_is_embedded_verbatim() {
    let mut on_disk = Vec::new();
    for dir in ["dashboards", "alerts", "deploy"] {
        files_under(&root().join(dir), &mut on_disk);
    }
    let mut expected: Vec<String> = on_disk
        .iter()
        .map(|p| {
            p.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    expected.sort();
    let mut embedded: Vec<String> = assets::ALL.iter().map(|a| a.path.to_owned()).collect();
    embedded.sort();
    assert_eq!(embedded, expected);
    for a in assets::ALL {
        assert_eq!(
            std::fs::read_to_string(root().join(a.path)).unwrap(),
            a.contents,
            "{}",
            a.path
        );
    }
}

#[test]
fn write_to_round_trips_and_refuses_to_clobber() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("monitoring");
    let written = assets::write_to(&target).unwrap();
    assert_eq!(written.len(), assets::ALL.len());
    for (path, a) in written.iter().zip(assets::ALL) {
        assert_eq!(std::fs::read_to_string(path).unwrap(), a.contents);
        assert!(path.ends_with(a.path), "{}", path.display());
    }
    // Identical files: fine to write again.
    assert_eq!(assets::write_to(&target).unwrap(), written);
    // A tuned file is kept, and nothing else is touched.
    let tuned = target.join("alerts/velocitytrader.rules.yml");
    std::fs::write(&tuned, "# tuned\n").unwrap();
    let removed = target.join("dashboards/velocitytrader-risk.json");
    std::fs::remove_file(&removed).unwrap();
    match assets::write_to(&target) {
        Err(AssetError::Conflict { path }) => assert_eq!(path, tuned),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&tuned).unwrap(), "# tuned\n");
    assert!(!removed.exists(), "a refused write must write nothing");
    let message = assets::write_to(&target).unwrap_err().to_string();
    assert!(message.contains("velocitytrader.rules.yml"), "{message}");
    // Unless asked.
    assets::write_to_with(&target, Overwrite::Always).unwrap();
    assert_eq!(
        std::fs::read_to_string(&tuned).unwrap(),
        asset("alerts/velocitytrader.rules.yml")
    );
    assert!(removed.exists());
    // A directory where a file belongs is reported with its path.
    let blocker = dir.path().join("blocked");
    std::fs::create_dir_all(blocker.join("deploy/prometheus.yml")).unwrap();
    let err = assets::write_to(&blocker).unwrap_err();
    assert!(err.to_string().contains("prometheus.yml"), "{err}");
}

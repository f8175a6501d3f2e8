//! `deploy/fleet/` is wired as documented: engines scraped by vmagent into
//! VictoriaMetrics, vmalert on the shipped rules, Alertmanager, Grafana on
//! the store, a Pushgateway for backtests; pinned images, loopback ports,
//! no default password, and the store's address only in the two URLs a
//! cluster store replaces. The tools' own checks are ignored tests at the
//! end (`-- --include-ignored`).

#[path = "support/asset_files.rs"]
mod asset_files;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_yaml::Value as Yaml;

use asset_files::*;

const COMPOSE: &str = "deploy/fleet/docker-compose.yml";
const VMAGENT: &str = "deploy/fleet/vmagent.yml";
const WRITE_URL: &str = "${METRICS_WRITE_URL:-http://victoriametrics:8428/api/v1/write}";
const READ_URL: &str = "${METRICS_READ_URL:-http://victoriametrics:8428}";

fn strings(v: &Yaml) -> Vec<String> {
    v.as_sequence()
        .into_iter()
        .flatten()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

fn service<'a>(compose: &'a Yaml, name: &str) -> &'a Yaml {
    let svc = &compose["services"][name];
    assert!(svc.is_mapping(), "no service {name}");
    svc
}

/// Bind mounts of every service: host path (relative to deploy/fleet) → container path.
fn mounts(compose: &Yaml) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, svc) in compose["services"].as_mapping().unwrap() {
        for volume in strings(&svc["volumes"]) {
            let parts: Vec<&str> = volume.split(':').collect();
            if parts[0].starts_with('.') {
                assert!(
                    root().join("deploy/fleet").join(parts[0]).exists(),
                    "{name:?}: {volume} does not exist"
                );
                assert_eq!(parts.get(2), Some(&"ro"), "{name:?}: {volume} is writable");
                out.insert(parts[0].to_owned(), parts[1].to_owned());
            }
        }
    }
    out
}

#[test]
fn the_stack_has_its_services_pinned_on_loopback_without_default_passwords() {
    let compose = yaml(COMPOSE);
    let names: Vec<&str> = compose["services"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    for expected in [
        "victoriametrics",
        "vmagent",
        "vmalert",
        "alertmanager",
        "pushgateway",
        "grafana",
        "runbooks",
    ] {
        assert!(names.contains(&expected), "{expected} missing: {names:?}");
    }
    let mut vm_tags = Vec::new();
    for (name, svc) in compose["services"].as_mapping().unwrap() {
        let image = svc["image"].as_str().unwrap();
        let (repo, tag) = image.rsplit_once(':').unwrap_or((image, ""));
        let version = tag.trim_start_matches('v');
        let version = version.split_once('-').map_or(version, |(v, _)| v);
        assert!(
            version.split('.').count() == 3 && version.split('.').all(|p| p.parse::<u32>().is_ok()),
            "{name:?}: image `{image}` is not pinned to a version"
        );
        if repo.starts_with("victoriametrics/") {
            vm_tags.push(tag.to_owned());
        }
        for port in strings(&svc["ports"]) {
            assert!(
                port.starts_with("${VELOCITYTRADER_BIND_ADDRESS:-127.0.0.1}:"),
                "{name:?} publishes {port} beyond loopback by default"
            );
        }
    }
    vm_tags.dedup();
    assert_eq!(
        vm_tags,
        ["v1.79.14"],
        "VictoriaMetrics images of one release line"
    );
    let text = asset(COMPOSE);
    assert!(
        !text.contains("GRAFANA_ADMIN_PASSWORD:-"),
        "a default password"
    );
    let grafana_env = strings(&service(&compose, "grafana")["environment"]);
    assert!(
        grafana_env
            .iter()
            .any(|e| e.starts_with("GF_SECURITY_ADMIN_PASSWORD=${GRAFANA_ADMIN_PASSWORD:?")),
        "{grafana_env:?}"
    );
    let am = service(&compose, "alertmanager");
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
    );
    let m = mounts(&compose);
    assert_eq!(
        m["../alertmanager-start.sh"],
        "/etc/velocitytrader/deploy/alertmanager-start.sh"
    );
    assert_eq!(m["../../alerts"], "/etc/velocitytrader/alerts");
}

#[test]
fn only_the_write_and_read_urls_name_the_store() {
    // Moving to a cluster store changes METRICS_WRITE_URL and
    // METRICS_READ_URL and nothing else: the store's address appears only
    // as their defaults.
    let text = asset(COMPOSE);
    let stripped = text.replace(WRITE_URL, "").replace(READ_URL, "");
    let outside: Vec<&str> = stripped
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains("victoriametrics:8428"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    let compose = yaml(COMPOSE);
    let vmagent = strings(&service(&compose, "vmagent")["command"]);
    assert!(
        vmagent.contains(&format!("-remoteWrite.url={WRITE_URL}")),
        "{vmagent:?}"
    );
    assert!(
        vmagent
            .iter()
            .any(|f| f.starts_with("-remoteWrite.tmpDataPath="))
    );
    let vmalert = strings(&service(&compose, "vmalert")["command"]);
    for flag in [
        format!("-datasource.url={READ_URL}"),
        format!("-remoteRead.url={READ_URL}"),
        format!("-remoteWrite.url={WRITE_URL}"),
        "-remoteWrite.disablePathAppend".to_owned(),
        "-notifier.url=http://alertmanager:9093".to_owned(),
        // The rules' alertgroup label must survive for the inhibit rules.
        "-disableAlertgroupLabel".to_owned(),
    ] {
        assert!(vmalert.contains(&flag), "vmalert lacks {flag}: {vmalert:?}");
    }
    let grafana_env = strings(&service(&compose, "grafana")["environment"]);
    assert!(
        grafana_env.contains(&format!("METRICS_READ_URL={READ_URL}")),
        "{grafana_env:?}"
    );
    let datasource = yaml("deploy/fleet/grafana-datasource.yml");
    let ds = &datasource["datasources"][0];
    assert_eq!(ds["uid"].as_str(), Some(DATASOURCE_UID));
    assert_eq!(ds["type"].as_str(), Some("prometheus"));
    assert_eq!(ds["url"].as_str(), Some("${METRICS_READ_URL}"));
}

#[test]
fn vmalert_grafana_and_runbooks_read_the_shipped_files() {
    let compose = yaml(COMPOSE);
    let m = mounts(&compose);
    let vmalert = strings(&service(&compose, "vmalert")["command"]);
    let rule = vmalert
        .iter()
        .find_map(|f| f.strip_prefix("-rule="))
        .expect("-rule");
    let in_repo = rule.replace(&m["../../alerts"], "alerts");
    assert_eq!(in_repo, "alerts/vmalert/velocitytrader.rules.yml");
    // Runbook links point at the runbooks service's /user/, which serves
    // alerts/runbooks: vmalert substitutes its environment's RUNBOOK_BASE_URL
    // into the rule file; no label rides on the alerts.
    assert!(
        !vmalert.iter().any(|f| f.starts_with("-external.label")),
        "{vmalert:?}"
    );
    assert_eq!(
        service(&compose, "vmalert")["environment"]["RUNBOOK_BASE_URL"].as_str(),
        Some("${RUNBOOK_BASE_URL:-http://localhost:8081/user/velocitytrader.html}")
    );
    let fleet_rules = asset("alerts/vmalert/velocitytrader.rules.yml");
    assert!(fleet_rules.contains("runbook_url: '%{RUNBOOK_BASE_URL}#velocitytradertargetdown'"));
    assert!(
        fleet_rules.contains("vmagent cannot scrape")
            && !fleet_rules.contains("Prometheus cannot scrape")
    );
    let runbooks = service(&compose, "runbooks");
    assert_eq!(
        strings(&runbooks["ports"]),
        ["${VELOCITYTRADER_BIND_ADDRESS:-127.0.0.1}:8081:8080"]
    );
    let nginx = asset("deploy/fleet/runbooks-nginx.conf");
    assert!(nginx.contains("listen 8080;") && nginx.contains("location /user/ {"));
    assert!(nginx.contains(&format!("alias {}/;", m["../../alerts/runbooks"])));
    assert!(root().join("alerts/runbooks/velocitytrader.md").exists());
    // Grafana: the shared dashboard provider, reading where dashboards/ is mounted.
    let provider = yaml("dashboards/provisioning/dashboards/velocitytrader.yml");
    assert_eq!(
        provider["providers"][0]["options"]["path"].as_str(),
        Some(m["../../dashboards"].as_str())
    );
    assert_eq!(
        m["../../dashboards/provisioning/dashboards"],
        "/etc/grafana/provisioning/dashboards"
    );
    let home = strings(&service(&compose, "grafana")["environment"])
        .into_iter()
        .find_map(|e| {
            e.strip_prefix("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH=")
                .map(str::to_owned)
        })
        .unwrap();
    let home = home.replace(&m["../../dashboards"], "dashboards");
    assert!(root().join(&home).exists(), "{home}");
}

#[test]
fn vmagent_scrapes_engines_without_identity_labels_and_the_pushgateway_with_honor_labels() {
    let config = yaml(VMAGENT);
    let jobs = config["scrape_configs"].as_sequence().unwrap();
    let job = |name: &str| {
        jobs.iter()
            .find(|j| j["job_name"] == name)
            .unwrap_or_else(|| panic!("no {name} job"))
    };
    let engines = job("velocitytrader");
    // Identity comes from the engines: no target labels, no relabelling.
    for key in [
        "static_configs",
        "relabel_configs",
        "metric_relabel_configs",
        "honor_labels",
    ] {
        assert!(engines[key].is_null(), "the engines' job sets {key}");
    }
    // Relative to vmagent.yml: the same in the container and on a host.
    let pattern = strings(&engines["file_sd_configs"][0]["files"]).remove(0);
    let compose = yaml(COMPOSE);
    let m = mounts(&compose);
    let config_dir = Path::new(&m["./vmagent.yml"]).parent().unwrap();
    let dir = config_dir.join(Path::new(&pattern).parent().unwrap());
    assert_eq!(Path::new(&m["./targets"]), dir);
    assert_eq!(m["./vmagent.yml"], "/etc/velocitytrader/fleet/vmagent.yml");
    let targets = yaml("deploy/fleet/targets/engines.yml");
    for group in targets.as_sequence().unwrap() {
        assert!(group["labels"].is_null(), "labels in the target list");
        assert!(!strings(&group["targets"]).is_empty());
    }
    let push = job("pushgateway");
    assert_eq!(push["honor_labels"].as_bool(), Some(true));
    assert_eq!(
        strings(&push["static_configs"][0]["targets"]),
        ["pushgateway:9091"]
    );
    let relabels = push["metric_relabel_configs"].as_sequence().unwrap();
    assert_eq!(
        strings(&relabels[0]["source_labels"]),
        ["instance", "run_id"]
    );
    assert_eq!(relabels[0]["target_label"].as_str(), Some("instance"));
    assert_eq!(relabels[1]["target_label"].as_str(), Some("mode"));
    assert_eq!(relabels[1]["replacement"].as_str(), Some("backtest"));
    assert_eq!(
        strings(&job("alertmanager")["static_configs"][0]["targets"]),
        ["alertmanager:9093"]
    );
}

// ── the tools' own checks ──────────────────────────────────────────────────

/// The shipped vmagent.yml (its targets are relative to it, in the checkout too).
fn local_vmagent_config(_dir: &Path) -> std::path::PathBuf {
    root().join(VMAGENT)
}

fn run(tool: &str, package: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `{tool}` ({e}): install the Debian package `{package}`")
    });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "`{tool} {}` failed:\n{text}",
        args.join(" ")
    );
    text
}

#[test]
#[ignore = "needs promtool (Debian package prometheus)"]
fn vmagent_config_passes_promtool_check_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = local_vmagent_config(dir.path());
    let out = run(
        "promtool",
        "prometheus",
        &["check", "config", config.to_str().unwrap()],
    );
    assert!(out.contains("SUCCESS"), "{out}");
}

#[test]
#[ignore = "needs vmagent (Debian package victoria-metrics)"]
fn vmagent_config_passes_vmagent_dry_run() {
    let dir = tempfile::tempdir().unwrap();
    let config = local_vmagent_config(dir.path());
    run(
        "vmagent",
        "victoria-metrics",
        &[
            "-dryRun",
            &format!("-promscrape.config={}", config.display()),
            "-loggerLevel=ERROR",
        ],
    );
}

#[test]
#[ignore = "needs vmalert (Debian package victoria-metrics)"]
fn shipped_rules_pass_vmalert_dry_run() {
    let rules = root().join("alerts/vmalert/velocitytrader.rules.yml");
    run(
        "vmalert",
        "victoria-metrics",
        &[
            "-dryRun",
            &format!("-rule={}", rules.display()),
            "-loggerLevel=ERROR",
        ],
    );
}

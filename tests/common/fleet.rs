//! The fleet on loopback as `deploy/fleet/host/` ships it for a Debian host:
//! VictoriaMetrics, vmagent, vmalert, a Pushgateway and Alertmanager started
//! with the shipped flags and configuration — ports replaced by free
//! loopback ones, data directories by a temporary directory, the install
//! root by the checkout, intervals shortened — and stopped by process id
//! when dropped.
//! Needs the Debian packages `victoria-metrics`, `prometheus-pushgateway`
//! and `prometheus-alertmanager`.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use super::example_engines::{query, wait_until};
use super::fleet_config::{Ports, free_ports, shipped_command, unit_environment};
use super::net::{ChildGroup, get, http};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The running stack. Dropping it stops every process it started.
pub struct Stack {
    pub dir: tempfile::TempDir,
    pub ports: Ports,
    /// Free ports for the engines, listed in vmagent's targets.
    pub engine_ports: Vec<u16>,
    children: Vec<(&'static str, ChildGroup)>,
    /// Environment of the next service started (a unit's `Environment=`).
    env: Vec<(String, String)>,
}

/// Test settings on top of the shipped ones.
pub struct Settings {
    /// Every scrape and rule evaluation interval.
    pub interval: &'static str,
    /// How many engines vmagent scrapes (on `Stack::engine_ports`).
    pub engines: usize,
    /// Where Alertmanager delivers (`ALERT_WEBHOOK_URL`); `None` starts no
    /// vmalert and no Alertmanager.
    pub webhook: Option<String>,
}

impl Stack {
    pub fn start(settings: &Settings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let all = free_ports(5 + settings.engines);
        let mut stack = Stack {
            dir,
            ports: Ports::from(&all),
            engine_ports: all[5..].to_vec(),
            children: Vec::new(),
            env: Vec::new(),
        };
        stack.start_victoria_metrics();
        stack.start_pushgateway();
        let engines: Vec<String> = stack
            .engine_ports
            .iter()
            .map(|p| format!("127.0.0.1:{p}"))
            .collect();
        stack.write_targets(&engines);
        stack.start_vmagent(settings.interval);
        if let Some(webhook) = &settings.webhook {
            stack.start_alertmanager(webhook);
            stack.start_vmalert(settings.interval);
        }
        stack
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn log(&self, name: &str) -> File {
        File::create(self.path(&format!("{name}.log"))).unwrap()
    }

    /// Every log so far, for failure messages.
    pub fn logs(&self) -> String {
        [
            "victoriametrics",
            "vmagent",
            "vmalert",
            "pushgateway",
            "alertmanager",
        ]
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(self.path(&format!("{n}.log"))).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(15).collect();
            format!(
                "── {n}\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
    }

    fn spawn(&mut self, name: &'static str, program: &str, args: &[String], ready: (u16, &str)) {
        let child = ChildGroup::spawn(
            Command::new(program)
                .args(args)
                .envs(std::mem::take(&mut self.env))
                .stdout(Stdio::null())
                .stderr(self.log(name)),
        );
        self.children.push((name, child));
        let (port, path) = ready;
        let ready = self.children.last_mut().unwrap().1.wait_ready(
            program,
            Duration::from_secs(60),
            || matches!(get(port, path), Ok((200, _))),
        );
        if let Err(e) = ready {
            panic!("{e}\n{}", self.logs());
        }
    }

    /// Replaces `-flag=value` of a shipped command.
    fn set(args: &mut [String], flag: &str, value: &str) {
        let prefix = format!("{flag}=");
        let arg = args
            .iter_mut()
            .find(|a| a.starts_with(&prefix))
            .unwrap_or_else(|| panic!("the shipped command has no {flag}"));
        *arg = format!("{prefix}{value}");
    }

    fn start_victoria_metrics(&mut self) {
        let mut args = shipped_command("victoriametrics");
        Self::set(
            &mut args,
            "-storageDataPath",
            self.path("vm").to_str().unwrap(),
        );
        let listen = format!("127.0.0.1:{}", self.ports.victoriametrics);
        Self::set(&mut args, "-httpListenAddr", &listen);
        // Query what was just written (the default hides the last 30 s) and
        // never answer from a cache filled before the data arrived.
        args.push("-search.latencyOffset=1s".into());
        args.push("-search.disableCache".into());
        let port = self.ports.victoriametrics;
        self.spawn(
            "victoriametrics",
            "victoria-metrics",
            &args,
            (port, "/health"),
        );
    }

    fn start_pushgateway(&mut self) {
        let mut args = shipped_command("pushgateway");
        // Memory only (as shipped): never Debian's machine-wide persistence file.
        assert!(args.contains(&"--persistence.file=".to_owned()), "{args:?}");
        Self::set(
            &mut args,
            "--web.listen-address",
            &format!("127.0.0.1:{}", self.ports.pushgateway),
        );
        let port = self.ports.pushgateway;
        self.spawn(
            "pushgateway",
            "prometheus-pushgateway",
            &args,
            (port, "/-/ready"),
        );
    }

    /// The file_sd target list vmagent reads (rewritten on each call).
    pub fn write_targets(&self, engines: &[String]) {
        let targets = self.path("targets");
        std::fs::create_dir_all(&targets).unwrap();
        let list: Vec<String> = engines.iter().map(|e| format!("\"{e}\"")).collect();
        std::fs::write(
            targets.join("engines.yml"),
            format!("- targets: [{}]\n", list.join(", ")),
        )
        .unwrap();
    }

    fn start_vmagent(&mut self, interval: &str) {
        let shipped =
            std::fs::read_to_string(root().join("deploy/fleet/host/vmagent.yml")).unwrap();
        // targets/*.yml is relative to the file: the test's copy sits beside
        // the test's targets folder.
        let text = self.ports.rewrite(&shipped);
        let mut config: Yaml = serde_yaml::from_str(&text).unwrap();
        config["global"]["scrape_interval"] = interval.into();
        config["global"]["scrape_timeout"] = interval.into();
        for job in config["scrape_configs"].as_sequence_mut().unwrap() {
            if job.get("scrape_interval").is_some() {
                job["scrape_interval"] = interval.into();
                job["scrape_timeout"] = interval.into();
            }
        }
        let config_path = self.path("vmagent.yml");
        std::fs::write(&config_path, serde_yaml::to_string(&config).unwrap()).unwrap();
        let mut args: Vec<String> = shipped_command("vmagent")
            .iter()
            .map(|a| self.ports.rewrite(a))
            .collect();
        Self::set(
            &mut args,
            "-promscrape.config",
            config_path.to_str().unwrap(),
        );
        Self::set(
            &mut args,
            "-remoteWrite.tmpDataPath",
            self.path("vmagent").to_str().unwrap(),
        );
        Self::set(
            &mut args,
            "-httpListenAddr",
            &format!("127.0.0.1:{}", self.ports.vmagent),
        );
        let port = self.ports.vmagent;
        self.spawn("vmagent", "vmagent", &args, (port, "/health"));
    }

    fn start_alertmanager(&mut self, webhook: &str) {
        let child = super::alertmanager::start_shipped(
            self.dir.path(),
            self.ports.alertmanager,
            webhook,
            self.log("alertmanager").into(),
        );
        self.children.push(("alertmanager", child));
        let port = self.ports.alertmanager;
        wait_until("alertmanager", Duration::from_secs(60), || {
            matches!(http(port, "GET", "/-/ready", ""), Ok((200, _)))
        });
    }

    fn start_vmalert(&mut self, interval: &str) {
        let mut args: Vec<String> = shipped_command("vmalert")
            .iter()
            .map(|a| self.ports.rewrite(a))
            .collect();
        Self::set(&mut args, "-evaluationInterval", interval);
        Self::set(
            &mut args,
            "-httpListenAddr",
            &format!("127.0.0.1:{}", self.ports.vmalert),
        );
        Self::set(
            &mut args,
            "-external.url",
            &format!("http://127.0.0.1:{}", self.ports.vmalert),
        );
        let port = self.ports.vmalert;
        // The unit's environment (RUNBOOK_BASE_URL), for the rule file's placeholders.
        self.env = unit_environment("vmalert");
        self.spawn("vmalert", "vmalert", &args, (port, "/health"));
    }

    /// The process id of a service (`victoriametrics`, `vmagent`, …).
    pub fn pid(&self, service: &str) -> u32 {
        self.children
            .iter()
            .find(|(name, _)| *name == service)
            .map(|(_, child)| child.id())
            .unwrap_or_else(|| panic!("{service} is not running"))
    }

    /// An instant query against VictoriaMetrics: the result vector, or why
    /// there is none.
    pub fn query(&self, promql: &str) -> Result<Vec<Json>, String> {
        query(self.ports.victoriametrics, promql)
    }

    /// The same, evaluated at Unix time `at`.
    pub fn query_at(&self, promql: &str, at: f64) -> Result<Vec<Json>, String> {
        query(self.ports.victoriametrics, &format!("{promql}&time={at}"))
    }

    /// `GET path` on the Pushgateway.
    pub fn pushgateway(&self, path: &str) -> String {
        get(self.ports.pushgateway, path).unwrap().1
    }

    /// The alerts vmalert holds (pending and firing).
    pub fn vmalert_alerts(&self) -> Vec<Json> {
        let (_, body) = get(self.ports.vmalert, "/api/v1/alerts").unwrap();
        let json: Json = serde_json::from_str(&body).unwrap();
        json["data"]["alerts"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// vmalert's rules with their last evaluation.
    pub fn vmalert_rules(&self) -> Vec<Json> {
        let (_, body) = get(self.ports.vmalert, "/api/v1/rules").unwrap();
        let json: Json = serde_json::from_str(&body).unwrap();
        json["data"]["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
            .collect()
    }
}

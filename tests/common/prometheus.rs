//! A bare Prometheus (Debian's `prometheus`) on a free loopback port, with a
//! test's own configuration and data directory, stopped by process id when
//! dropped. (Prometheus as the shipped stack runs it: `host_prometheus.rs`.)

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use super::net::{ChildGroup, free_port, get, url_encode};

/// A running Prometheus.
pub struct Prometheus {
    /// Its loopback port.
    pub port: u16,
    log: PathBuf,
    _child: ChildGroup,
}

impl Prometheus {
    /// Starts Prometheus with `config` (written to `dir/<name>.yml`), its
    /// TSDB in [`Self::data`]`(dir, name)` (blocks made there beforehand are
    /// served), its log in `dir/<name>.log` and `flags` besides; returns
    /// once it answers `/-/ready`.
    pub fn start(dir: &Path, name: &str, config: &str, flags: &[&str]) -> Self {
        let port = free_port();
        let config_path = dir.join(format!("{name}.yml"));
        std::fs::write(&config_path, config).unwrap();
        let log = dir.join(format!("{name}.log"));
        let mut child = ChildGroup::spawn(
            Command::new("prometheus")
                .arg(format!("--config.file={}", config_path.display()))
                .arg(format!(
                    "--storage.tsdb.path={}",
                    Self::data(dir, name).display()
                ))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .args(flags)
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap()),
        );
        let ready = child.wait_ready("prometheus", Duration::from_secs(60), || {
            matches!(get(port, "/-/ready"), Ok((200, _)))
        });
        let prometheus = Self {
            port,
            log,
            _child: child,
        };
        if let Err(e) = ready {
            panic!("{e}; its log:\n{}", prometheus.log());
        }
        prometheus
    }

    /// The TSDB directory of the Prometheus `name` started in `dir`.
    pub fn data(dir: &Path, name: &str) -> PathBuf {
        dir.join(format!("{name}-data"))
    }

    /// Target health and last error by job, once every target has been
    /// scraped at least twice (health known and a second scrape since) and
    /// there are `jobs` of them.
    pub fn targets_settled(&self, jobs: usize) -> Option<BTreeMap<String, (String, String)>> {
        let json = self.api("/api/v1/targets");
        let active = json["data"]["activeTargets"].as_array()?;
        let by_job: BTreeMap<String, (String, String)> = active
            .iter()
            .map(|t| {
                (
                    t["labels"]["job"].as_str().unwrap_or("").to_owned(),
                    (
                        t["health"].as_str().unwrap_or("").to_owned(),
                        t["lastError"].as_str().unwrap_or("").to_owned(),
                    ),
                )
            })
            .collect();
        (by_job.len() == jobs && by_job.values().all(|(health, _)| health != "unknown"))
            .then_some(by_job)
    }

    /// Its log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `GET path` on its API as JSON (an error text as a JSON string).
    pub fn api(&self, path: &str) -> Json {
        let (status, body) = get(self.port, path).unwrap_or((0, String::new()));
        serde_json::from_str(&body)
            .unwrap_or_else(|_| Json::String(format!("HTTP {status}: {body}")))
    }

    /// An instant query's result vector (empty when none or on error).
    pub fn query(&self, promql: &str) -> Vec<Json> {
        let json = self.api(&format!("/api/v1/query?query={}", url_encode(promql)));
        json["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Polls `check` every 250 ms until it gives a value; panics naming
    /// `what`, with the log, after `limit`.
    pub fn wait<T>(&self, what: &str, limit: Duration, mut check: impl FnMut() -> Option<T>) -> T {
        let started = Instant::now();
        loop {
            if let Some(value) = check() {
                return value;
            }
            assert!(
                started.elapsed() < limit,
                "{what} within {limit:?}; Prometheus log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

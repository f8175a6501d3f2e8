//! Prometheus started as `deploy/host/` ships it: the flags of
//! `deploy/host/default/prometheus` and the configuration
//! `deploy/host/prometheus.yml`, with only what must change for a test
//! replaced: ports (free loopback ones), the data directory, the install
//! root `/etc/velocitytrader` (the checkout), the engines scraped, and the
//! scrape and evaluation intervals (shortened).

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::net::ChildGroup;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `ARGS` of a shipped `/etc/default/<package>` file, split into flags.
pub fn default_args(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let args = text
        .lines()
        .find_map(|l| l.strip_prefix("ARGS=\""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{path} has no ARGS"));
    args.split_whitespace().map(str::to_owned).collect()
}

/// What the test's Prometheus talks to.
pub struct Wiring<'a> {
    /// Prometheus's own port.
    pub port: u16,
    /// The engines' ports (the shipped file has one, localhost:9090).
    pub engines: &'a [u16],
    /// Alertmanager's port, if one runs.
    pub alertmanager: Option<u16>,
    /// Scrape and evaluation interval.
    pub interval: &'static str,
}

/// Starts Prometheus from the shipped host files; its log goes to `work/prometheus.log`.
pub fn start(work: &Path, wiring: &Wiring<'_>) -> ChildGroup {
    let install = root().to_string_lossy().into_owned();
    let shipped = std::fs::read_to_string(root().join("deploy/host/prometheus.yml")).unwrap();
    let engines: Vec<String> = wiring
        .engines
        .iter()
        .map(|p| format!("'127.0.0.1:{p}'"))
        .collect();
    let alertmanager = wiring
        .alertmanager
        .map_or_else(|| "127.0.0.1:1".to_owned(), |p| format!("127.0.0.1:{p}"));
    let config = shipped
        .replace("[localhost:9090]", &format!("[{}]", engines.join(", ")))
        .replace("localhost:9091", &format!("127.0.0.1:{}", wiring.port))
        .replace("localhost:9093", &alertmanager)
        .replace("../../alerts/", &format!("{install}/alerts/"))
        .replace("15s", wiring.interval)
        .replace("5s", wiring.interval)
        .replace(
            "scrape_timeout: 4s",
            &format!("scrape_timeout: {}", wiring.interval),
        );
    assert!(
        config.contains(&format!("{install}/alerts/velocitytrader.rules.yml")),
        "{config}"
    );
    let config_path = work.join("prometheus.yml");
    std::fs::write(&config_path, config).unwrap();
    let args: Vec<String> = default_args("deploy/host/default/prometheus")
        .into_iter()
        .map(|a| {
            let (flag, value) = a.split_once('=').unwrap_or((&a, ""));
            match flag {
                "--config.file" => format!("{flag}={}", config_path.display()),
                "--storage.tsdb.path" => format!("{flag}={}", work.join("data").display()),
                "--web.listen-address" => format!("{flag}=127.0.0.1:{}", wiring.port),
                "--web.external-url" => format!("{flag}=http://127.0.0.1:{}", wiring.port),
                _ => format!("{flag}={}", value.replace("/etc/velocitytrader", &install)),
            }
        })
        .collect();
    let log = std::fs::File::create(work.join("prometheus.log")).unwrap();
    ChildGroup::spawn(
        Command::new("prometheus")
            .args(&args)
            .stdout(Stdio::null())
            .stderr(log),
    )
}

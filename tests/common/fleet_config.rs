//! The shipped `deploy/fleet/host/` configuration made to run on loopback:
//! the services' flags as the host files ship them (the packaged services'
//! `/etc/default` files, the units of vmagent and vmalert), and their
//! addresses (`localhost:<port>`) mapped to free loopback ports.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::net::TcpListener;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The loopback ports of the stack's services.
#[derive(Debug, Clone, Copy)]
pub struct Ports {
    pub victoriametrics: u16,
    pub vmagent: u16,
    pub vmalert: u16,
    pub pushgateway: u16,
    pub alertmanager: u16,
}

/// `n` distinct ports nothing listens on right now (held together while
/// chosen, so no two are the same).
pub fn free_ports(n: usize) -> Vec<u16> {
    let held: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    held.iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

impl Ports {
    pub fn from(ports: &[u16]) -> Self {
        Self {
            victoriametrics: ports[0],
            vmagent: ports[1],
            vmalert: ports[2],
            pushgateway: ports[3],
            alertmanager: ports[4],
        }
    }

    /// Shipped address → loopback address of the test's service.
    fn addresses(&self) -> [(&'static str, String); 5] {
        [
            (
                "localhost:8428",
                format!("127.0.0.1:{}", self.victoriametrics),
            ),
            ("localhost:8429", format!("127.0.0.1:{}", self.vmagent)),
            ("localhost:8880", format!("127.0.0.1:{}", self.vmalert)),
            ("localhost:9091", format!("127.0.0.1:{}", self.pushgateway)),
            ("localhost:9093", format!("127.0.0.1:{}", self.alertmanager)),
        ]
    }

    /// `text` with every shipped address replaced by its loopback one.
    pub fn rewrite(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (from, to) in self.addresses() {
            out = out.replace(from, &to);
        }
        out
    }
}

/// The shipped flags of `service` on a host, with the install root
/// `/etc/velocitytrader` replaced by the checkout.
pub fn shipped_command(service: &str) -> Vec<String> {
    let text = |path: &str| std::fs::read_to_string(root().join(path)).unwrap();
    let line = match service {
        "victoriametrics" => default_args(&text("deploy/fleet/host/default/victoria-metrics")),
        "pushgateway" => default_args(&text("deploy/fleet/host/default/prometheus-pushgateway")),
        "vmagent" => exec_start(&text(
            "deploy/fleet/host/systemd/velocitytrader-vmagent.service",
        )),
        "vmalert" => exec_start(&text(
            "deploy/fleet/host/systemd/velocitytrader-vmalert.service",
        )),
        other => panic!("no host files for {other}"),
    };
    let install = root().to_string_lossy().into_owned();
    line.split_whitespace()
        .map(|a| a.replace("/etc/velocitytrader", &install))
        .collect()
}

/// The `Environment=` settings of a shipped unit.
pub fn unit_environment(service: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join(format!(
        "deploy/fleet/host/systemd/velocitytrader-{service}.service"
    )))
    .unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("Environment="))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn default_args(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("ARGS=\""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("ARGS")
        .to_owned()
}

fn exec_start(text: &str) -> String {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("ExecStart");
    // The program itself is started by the test.
    line.split_once(' ').map_or("", |(_, args)| args).to_owned()
}

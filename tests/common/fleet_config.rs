//! The shipped `deploy/fleet/` configuration made to run on loopback: the
//! compose file's commands with `${VAR:-default}` resolved, and container
//! addresses mapped to free local ports.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::net::TcpListener;
use std::path::PathBuf;

use serde_yaml::Value as Yaml;

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

    /// Container address → loopback address, as the compose network names them.
    fn addresses(&self) -> [(&'static str, String); 5] {
        [
            (
                "victoriametrics:8428",
                format!("127.0.0.1:{}", self.victoriametrics),
            ),
            ("localhost:8429", format!("127.0.0.1:{}", self.vmagent)),
            ("vmalert:8880", format!("127.0.0.1:{}", self.vmalert)),
            (
                "pushgateway:9091",
                format!("127.0.0.1:{}", self.pushgateway),
            ),
            (
                "alertmanager:9093",
                format!("127.0.0.1:{}", self.alertmanager),
            ),
        ]
    }

    /// `text` with every container address replaced by its loopback one.
    pub fn rewrite(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (from, to) in self.addresses() {
            out = out.replace(from, &to);
        }
        out
    }
}

/// `${NAME:-default}` → `default`, as compose resolves it with NAME unset.
fn defaults(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("closing brace") + start;
        let inner = &rest[start + 2..end];
        out.push_str(inner.split_once(":-").map_or("", |(_, d)| d));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The shipped compose command of `service`.
pub fn shipped_command(service: &str) -> Vec<String> {
    let compose: Yaml = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("deploy/fleet/docker-compose.yml")).unwrap(),
    )
    .unwrap();
    compose["services"][service]["command"]
        .as_sequence()
        .unwrap_or_else(|| panic!("no command for {service}"))
        .iter()
        .map(|v| defaults(v.as_str().unwrap()))
        .collect()
}

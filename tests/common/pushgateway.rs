//! A Prometheus Pushgateway (Debian's `prometheus-pushgateway`) on a free
//! loopback port, in memory only, stopped by process id when dropped;
//! optionally behind TLS and basic auth (`--web.config.file`).

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::net::{ChildGroup, free_port};

/// Starts a gateway; `web_config` is an exporter-toolkit web configuration
/// (TLS, users); `ready` answers whether the gateway on a port is up.
pub fn start(web_config: Option<&Path>, ready: impl Fn(u16) -> bool) -> (ChildGroup, u16) {
    let port = free_port();
    let mut command = Command::new("prometheus-pushgateway");
    command
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        // Debian's build persists to /var/lib/prometheus by default: keep
        // each test's gateway in memory only.
        .arg("--persistence.file=")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(config) = web_config {
        command.arg(format!("--web.config.file={}", config.display()));
    }
    let mut child = ChildGroup::spawn(&mut command);
    if let Err(e) = child.wait_ready("pushgateway", Duration::from_secs(20), || ready(port)) {
        panic!("{e} (port {port} taken?)");
    }
    // A gateway that lost the port to another process exits at once: make
    // sure the one answering is ours.
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.exited().is_none(),
        "pushgateway exited (port {port} taken?)"
    );
    (child, port)
}

/// A plain-HTTP gateway.
pub fn plain() -> (ChildGroup, u16) {
    start(None, |port| {
        super::net::get(port, "/-/ready").map(|(s, _)| s).ok() == Some(200)
    })
}

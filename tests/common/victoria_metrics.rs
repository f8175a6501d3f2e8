//! A single-node VictoriaMetrics (Debian's `victoria-metrics`) on a free
//! loopback port, storing in a test's directory, stopped by process id when
//! dropped.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::net::{ChildGroup, free_port, get};

/// Starts VictoriaMetrics with its data in `dir/vm` and a year's retention;
/// returns once `/health` answers.
pub fn start(dir: &Path) -> (ChildGroup, u16) {
    let port = free_port();
    let mut child = ChildGroup::spawn(
        Command::new("victoria-metrics")
            .arg(format!("-storageDataPath={}", dir.join("vm").display()))
            .arg(format!("-httpListenAddr=127.0.0.1:{port}"))
            .arg("-retentionPeriod=1y")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    child
        .wait_ready("victoria-metrics", Duration::from_secs(60), || {
            matches!(get(port, "/health"), Ok((200, _)))
        })
        .unwrap();
    (child, port)
}

/// Makes everything written searchable now and drops answers cached
/// before.
pub fn settle(port: u16) {
    get(port, "/internal/force_flush").unwrap();
    get(port, "/internal/resetRollupResultCache").unwrap();
}

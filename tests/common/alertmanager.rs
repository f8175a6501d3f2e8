//! Alertmanager started as the compose stacks start it:
//! `deploy/alertmanager-start.sh` writes its configuration from the shipped
//! `alerts/alertmanager.yml` with the receiver URL supplied, then runs the
//! Debian binary on loopback, with its state in a test's directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::net::ChildGroup;

/// Starts Alertmanager on 127.0.0.1:`port`, keeping its configuration and
/// storage in `work`, delivering every receiver to `webhook`; its standard
/// error goes to `stderr`. Does not wait for it to be ready.
pub fn start_shipped(work: &Path, port: u16, webhook: &str, stderr: Stdio) -> ChildGroup {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = work.join("alertmanager.yml");
    ChildGroup::spawn(
        Command::new("sh")
            .arg(root.join("deploy/alertmanager-start.sh"))
            .arg("prometheus-alertmanager")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.path={}", work.join("am").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .env(
                "ALERTMANAGER_TEMPLATE",
                root.join("alerts/alertmanager.yml"),
            )
            .env("ALERTMANAGER_CONFIG", &config)
            .env("ALERT_WEBHOOK_URL", webhook)
            .stdout(Stdio::null())
            .stderr(stderr),
    )
}

//! `deploy/alertmanager-start.sh` supplies the receiver URLs from the
//! environment without editing `alerts/alertmanager.yml`, and refuses to
//! start Alertmanager without a usable URL. Runs the script with `sh`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the script with only `env` (plus PATH) set; returns its output and
/// the rendered file, if any.
fn start(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> (Output, Option<String>) {
    let config = dir.join("alertmanager.yml");
    let _ = std::fs::remove_file(&config);
    let output = Command::new("sh")
        .arg(root().join("deploy/alertmanager-start.sh"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env(
            "ALERTMANAGER_TEMPLATE",
            root().join("alerts/alertmanager.yml"),
        )
        .env("ALERTMANAGER_CONFIG", &config)
        .envs(env.iter().copied())
        .output()
        .expect("sh runs");
    (output, std::fs::read_to_string(&config).ok())
}

/// (receiver, webhook URL) of every receiver that delivers; the silent
/// `backtest` receiver (no configuration at all) is the only one that does not.
fn webhook_urls(config: &str) -> Vec<(String, String)> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(config).unwrap();
    let receivers = yaml["receivers"].as_sequence().unwrap();
    let silent: Vec<&str> = receivers
        .iter()
        .filter(|r| r["webhook_configs"].is_null())
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(silent, ["backtest"]);
    receivers
        .iter()
        .filter(|r| !r["webhook_configs"].is_null())
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["webhook_configs"][0]["url"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn one_url_feeds_every_receiver_and_the_rest_of_the_file_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let url = "https://hooks.example.com/services/T0/B1?token=a&b=c|d";
    let (out, config) = start(dir.path(), &[("ALERT_WEBHOOK_URL", url)], &[]);
    assert!(out.status.success(), "{out:?}");
    let config = config.expect("config written");
    for (receiver, got) in webhook_urls(&config) {
        assert_eq!(got, url, "{receiver}");
    }
    let shipped = std::fs::read_to_string(root().join("alerts/alertmanager.yml")).unwrap();
    let differing: Vec<(&str, &str)> = shipped
        .lines()
        .zip(config.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(shipped.lines().count(), config.lines().count());
    assert_eq!(differing.len(), 4, "{differing:?}");
    assert!(
        differing
            .iter()
            .all(|(a, _)| a.contains("url: 'http://127.0.0.1:5001/"))
    );
}

#[test]
fn critical_and_watchdog_urls_can_differ_and_come_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("pager_url");
    std::fs::write(&secret, "https://pager.example.com/hook/123\n").unwrap();
    let secret = secret.to_str().unwrap();
    let (out, config) = start(
        dir.path(),
        &[
            (
                "ALERT_WEBHOOK_URL",
                "http://host.docker.internal:5001/alerts",
            ),
            ("ALERT_CRITICAL_WEBHOOK_URL_FILE", secret),
            ("ALERT_WATCHDOG_URL", "https://hc.example.com/ping/abc"),
        ],
        &[],
    );
    assert!(out.status.success(), "{out:?}");
    let urls = webhook_urls(&config.unwrap());
    let url = |name: &str| urls.iter().find(|(n, _)| n == name).unwrap().1.clone();
    assert_eq!(url("default"), "http://host.docker.internal:5001/alerts");
    assert_eq!(url("warning"), "http://host.docker.internal:5001/alerts");
    assert_eq!(url("critical"), "https://pager.example.com/hook/123");
    assert_eq!(url("watchdog"), "https://hc.example.com/ping/abc");
}

#[test]
fn refuses_to_start_without_a_usable_url() {
    let dir = tempfile::tempdir().unwrap();
    for (env, needle) in [
        (&[][..], "set ALERT_WEBHOOK_URL"),
        (&[("ALERT_WEBHOOK_URL", "")][..], "set ALERT_WEBHOOK_URL"),
        (
            &[("ALERT_WEBHOOK_URL", "hooks.example.com/x")][..],
            "http:// or https://",
        ),
        (
            &[("ALERT_WEBHOOK_URL", "https://x.example/a b")][..],
            "must not contain spaces",
        ),
        (
            &[("ALERT_WEBHOOK_URL", "https://x.example/it's")][..],
            "must not contain spaces or quotes",
        ),
        (
            &[
                ("ALERT_WEBHOOK_URL", "https://x.example/"),
                ("ALERT_WATCHDOG_URL_FILE", "/nonexistent/url"),
            ][..],
            "cannot read /nonexistent/url",
        ),
    ] {
        // The command after the settings must not run.
        let (out, config) = start(dir.path(), env, &["touch", "ran"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(64), "{env:?}: {stderr}");
        assert!(stderr.contains(needle), "{env:?}: {stderr}");
        assert!(config.is_none(), "{env:?}: wrote a config");
        assert!(!Path::new("ran").exists());
    }
}

#[test]
fn runs_the_given_command_after_writing_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("started");
    let (out, config) = start(
        dir.path(),
        &[("ALERT_WEBHOOK_URL", "https://x.example/")],
        &[
            "sh",
            "-c",
            "cat \"$ALERTMANAGER_CONFIG\" > \"$1\"",
            "sh",
            marker.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read_to_string(marker).unwrap(), config.unwrap());
}

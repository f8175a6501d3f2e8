//! The example exporter as the engines of a test fleet: built once with the
//! test's features, started with an identity on a given port, and queried
//! through any Prometheus-compatible API.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use super::net::{ChildGroup, get, url_encode};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Polls `ready` every 250 ms; panics naming `what` after `timeout`.
pub fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Builds the example exporter with this test's features; returns its path.
pub fn example_binary() -> PathBuf {
    super::net::build_example("exporter")
}

/// An instant query on a Prometheus-compatible API at 127.0.0.1:`port`.
pub fn query(port: u16, promql: &str) -> Result<Vec<Json>, String> {
    // `promql&time=…` keeps its time argument unencoded.
    let (promql, time) = promql
        .split_once("&time=")
        .map_or((promql, None), |(q, t)| (q, Some(t)));
    let mut path = format!("/api/v1/query?query={}", url_encode(promql));
    if let Some(time) = time {
        path.push_str(&format!("&time={time}"));
    }
    let (status, body) = get(port, &path).map_err(|e| e.to_string())?;
    let json: Json =
        serde_json::from_str(&body).map_err(|e| format!("HTTP {status}: {e}: {body}"))?;
    if json["status"] != "success" {
        return Err(format!("HTTP {status}: {}", json["error"]));
    }
    match &json["data"]["result"] {
        Json::Array(v) if !v.is_empty() => Ok(v.clone()),
        Json::Array(_) => Err("empty result".into()),
        other => Ok(vec![other.clone()]),
    }
}

/// Starts one example engine serving on `port` with this identity.
pub fn engine(binary: &Path, port: u16, identity: &[&str]) -> ChildGroup {
    ChildGroup::spawn(
        Command::new(binary)
            .args(["--port", &port.to_string(), "--duration", "900"])
            .args(identity)
            .stdout(Stdio::null()),
    )
}

//! Loopback helpers for tests that talk to real servers: free ports, a
//! minimal HTTP/1.0 client, and child processes that die with the test.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

/// A port nothing listens on right now, never the same twice in this
/// process (tests run in parallel threads: two servers must not be handed
/// one port between probing it and binding it).
pub fn free_port() -> u16 {
    static HANDED_OUT: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut handed_out = HANDED_OUT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if !handed_out.contains(&port) {
            handed_out.push(port);
            return port;
        }
    }
}

/// One HTTP/1.0 request to 127.0.0.1:`port`; returns (status, body).
pub fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let response = String::from_utf8_lossy(&response);
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// `GET path` on 127.0.0.1:`port`; returns (status, body).
pub fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    http(port, "GET", path, "")
}

/// Percent-encodes a query-string value.
pub fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A child in its own process group; dropping it ends the whole group
/// (e.g. `cargo run` and the program it started).
pub struct ChildGroup(Child);

impl ChildGroup {
    /// Starts `command`, panicking with its name if it cannot start.
    pub fn spawn(command: &mut Command) -> Self {
        let program = command.get_program().to_string_lossy().into_owned();
        Self(
            command
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start `{program}` ({e})")),
        )
    }

    /// The exit status, if the child has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.0.try_wait().ok().flatten()
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.0.id()
    }

    /// Polls `ready` every 100 ms until it holds. An error naming `what`
    /// when the child exits first or `limit` passes (the caller adds its
    /// log).
    pub fn wait_ready(
        &mut self,
        what: &str,
        limit: Duration,
        mut ready: impl FnMut() -> bool,
    ) -> Result<(), String> {
        let started = std::time::Instant::now();
        while !ready() {
            if let Some(status) = self.exited() {
                return Err(format!("{what} exited ({status}) before it was ready"));
            }
            if started.elapsed() > limit {
                return Err(format!("{what} was not ready within {limit:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    /// Kills exactly this child, by its process id (SIGKILL, as a crash
    /// would end it), and reaps it.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for ChildGroup {
    fn drop(&mut self) {
        let pgid = format!("-{}", self.0.id());
        // Already gone (e.g. after `kill`) is fine: say nothing.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &pgid])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The features of this test build, for building examples the same way
/// (so cargo reuses what it built).
pub fn example_features() -> String {
    let mut features = vec!["exporter"];
    if cfg!(feature = "sqlite") {
        features.push("sqlite");
    }
    if cfg!(feature = "push") {
        features.push("push");
    }
    if cfg!(feature = "tls") {
        features.push("tls");
    }
    if cfg!(feature = "protobuf") {
        features.push("protobuf");
    }
    features.join(",")
}

/// `cargo run --example NAME -- ARGS` in the crate's directory, with the
/// features of this test build, as a child group that ends with the
/// returned value. Output is discarded.
pub fn spawn_example(name: &str, args: &[&str]) -> ChildGroup {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    ChildGroup::spawn(
        Command::new(cargo)
            .args([
                "run",
                "--quiet",
                "--features",
                &example_features(),
                "--example",
                name,
                "--",
            ])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    )
}

/// Builds example `name` with this test's features and returns the path of
/// its binary (to run it directly, e.g. to stop exactly one of several).
pub fn build_example(name: &str) -> std::path::PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--features",
            &example_features(),
            "--example",
            name,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building example {name} failed");
    // target/<profile>/deps/<this test> → target/<profile>/examples/<name>
    let exe = std::env::current_exe().unwrap();
    let binary = exe
        .parent()
        .and_then(std::path::Path::parent)
        .unwrap()
        .join("examples")
        .join(name);
    assert!(binary.exists(), "{} missing", binary.display());
    binary
}

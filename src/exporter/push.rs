//! Batch mode for backtests: the exposition pushed to a Prometheus
//! Pushgateway under a run-scoped grouping key — periodically if asked, and
//! always once more when the run finishes, so a one-second backtest still
//! lands; optionally deleted afterwards.
//!
//! ```no_run
//! use std::time::Duration;
//! use velocity_metrics::exporter::{ExporterBuilder, PushTarget};
//! use velocity_metrics::{EngineIdentity, Mode};
//!
//! let run = ExporterBuilder::new()
//!     .identity(&EngineIdentity::new("bt-runner-1")?.mode(Mode::Backtest))?
//!     .build_push(
//!         PushTarget::new("http://127.0.0.1:9091")?
//!             .grouping("batch", "2026-11-26-eurusd-m5")?
//!             .every(Duration::from_secs(10)),
//!     )?;
//! // … the backtest records into run.telemetry() …
//! let report = run.finish()?; // final push; `delete_on_finish(true)` also deletes the group
//! println!("{report:?}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Plain HTTP only (a Pushgateway inside the cluster or on loopback): no
//! TLS stack is linked. Put a TLS-terminating proxy in front of a remote one.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use thiserror::Error;

use super::Exporter;
use crate::error::LabelError;
use crate::telemetry::{Telemetry, lock, validate_constant_labels};

/// Default job label of pushed series.
pub const DEFAULT_PUSH_JOB: &str = "velocitytrader_backtest";

/// Largest response body read from the Pushgateway.
const MAX_RESPONSE_BYTES: u64 = 64 * 1024;

/// Pushing to the Pushgateway failed, or its address is unusable.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PushError {
    /// Not an `http://host[:port][/path]` URL.
    #[error("invalid Pushgateway URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A job name or grouping label refused (see [`LabelError`]).
    #[error("invalid push grouping: {0}")]
    InvalidGrouping(#[from] LabelError),
    /// No connection could be made.
    #[error("cannot connect to the Pushgateway at {address}: {reason}")]
    Connect {
        /// `host:port` of the Pushgateway.
        address: String,
        /// What the operating system said.
        reason: String,
    },
    /// The request could not be sent or the answer read in time.
    #[error("pushing to {address} failed: {reason}")]
    Transfer {
        /// `host:port` of the Pushgateway.
        address: String,
        /// What went wrong.
        reason: String,
    },
    /// The Pushgateway answered with an error status.
    #[error("the Pushgateway refused the push with HTTP {status}: {body}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The start of the response body (the Pushgateway says why).
        body: String,
    },
}

impl PushError {
    /// The `reason` label this failure is counted under in
    /// `velocitytrader_push_failures_total`.
    #[must_use]
    pub fn reason(&self) -> &'static str {
        match self {
            PushError::InvalidUrl { .. } | PushError::InvalidGrouping(_) => "config",
            PushError::Connect { .. } => "connect",
            PushError::Transfer { .. } => "transfer",
            PushError::Rejected { .. } => "rejected",
        }
    }
}

/// Where and how to push: a Pushgateway URL, the `job` and the grouping
/// labels that make the group run-scoped, and the schedule.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct PushTarget {
    url: String,
    host: String,
    port: u16,
    prefix: String,
    job: String,
    grouping: Vec<(String, String)>,
    every: Option<Duration>,
    delete_on_finish: bool,
    timeout: Duration,
}

impl PushTarget {
    /// A Pushgateway at `url` (`http://host[:port][/path]`, port 80 by
    /// default), job [`DEFAULT_PUSH_JOB`], no periodic push, the group kept
    /// after the run, 5 s timeout.
    ///
    /// # Errors
    /// [`PushError::InvalidUrl`] for anything but such a URL (`https` too:
    /// no TLS stack is linked).
    pub fn new(url: &str) -> Result<Self, PushError> {
        let invalid = |reason| PushError::InvalidUrl {
            url: url.to_owned(),
            reason,
        };
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            invalid("expected http://host[:port][/path] (https is not supported)")
        })?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
            let (host, after) = bracketed
                .split_once(']')
                .ok_or_else(|| invalid("unclosed [ in an IPv6 address"))?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().map_err(|_| invalid("bad port"))?,
                None if after.is_empty() => 80,
                None => return Err(invalid("unexpected text after ]")),
            };
            (host.to_owned(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((host, p)) => (host.to_owned(), p.parse().map_err(|_| invalid("bad port"))?),
                None => (authority.to_owned(), 80),
            }
        };
        if host.is_empty() {
            return Err(invalid("no host"));
        }
        Ok(Self {
            url: url.to_owned(),
            host,
            port,
            prefix: path.trim_end_matches('/').to_owned(),
            job: DEFAULT_PUSH_JOB.to_owned(),
            grouping: Vec::new(),
            every: None,
            delete_on_finish: false,
            timeout: Duration::from_secs(5),
        })
    }

    /// The `job` label of the pushed group.
    ///
    /// # Errors
    /// [`PushError::InvalidGrouping`] for an empty, too long or
    /// control-character value.
    pub fn job(mut self, job: &str) -> Result<Self, PushError> {
        validate_constant_labels(&[("job_name".to_owned(), job.to_owned())])?;
        job.clone_into(&mut self.job);
        Ok(self)
    }

    /// Adds a grouping label, e.g. `batch`: pushes with the same job and
    /// grouping labels replace each other; a new `batch` is a new group.
    /// Not `run_id` (refused like every catalogue label):
    /// `velocitytrader_run_info` carries it, and the Pushgateway refuses a
    /// push whose series contradict the grouping key, as the previous run's
    /// `run_info` would.
    ///
    /// # Errors
    /// [`PushError::InvalidGrouping`] as for constant labels (a valid name,
    /// not reserved, not repeated; a bounded printable value).
    pub fn grouping(mut self, name: &str, value: &str) -> Result<Self, PushError> {
        let mut grouping = self.grouping.clone();
        grouping.push((name.to_owned(), value.to_owned()));
        validate_constant_labels(&grouping)?;
        self.grouping = grouping;
        Ok(self)
    }

    /// Also pushes every `interval` while the run lasts (at least 100 ms),
    /// so a long backtest can be watched.
    pub fn every(mut self, interval: Duration) -> Self {
        self.every = Some(interval.max(Duration::from_millis(100)));
        self
    }

    /// Deletes the group after the final push (the final state then lives
    /// only in whatever scraped the Pushgateway meanwhile).
    pub fn delete_on_finish(mut self, delete: bool) -> Self {
        self.delete_on_finish = delete;
        self
    }

    /// Timeout of each connection and request (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(10));
        self
    }

    /// The grouping labels, for clash checks.
    pub(crate) fn grouping_labels(&self) -> &[(String, String)] {
        &self.grouping
    }

    /// `/metrics/job/<job>/<name>/<value>…`, values base64url-encoded when
    /// they hold anything but URL-safe characters (the Pushgateway's
    /// `@base64` convention).
    fn group_path(&self) -> String {
        let mut path = format!("{}/metrics", self.prefix);
        let pairs = std::iter::once(("job", self.job.as_str()))
            .chain(self.grouping.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        for (name, value) in pairs {
            if value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
            {
                let _ = write!(path, "/{name}/{value}");
            } else {
                let _ = write!(path, "/{name}@base64/{}", base64url(value.as_bytes()));
            }
        }
        path
    }

    fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// One HTTP/1.1 request with `Connection: close`; `Ok` on a 2xx answer.
    fn send(&self, method: &str, body: &str) -> Result<(), PushError> {
        let address = self.address();
        let connect = |reason: String| PushError::Connect {
            address: address.clone(),
            reason,
        };
        let candidates: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| connect(e.to_string()))?
            .collect();
        let mut last = String::from("no address");
        let mut stream = None;
        for candidate in candidates {
            match TcpStream::connect_timeout(&candidate, self.timeout) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last = e.to_string(),
            }
        }
        let mut stream = stream.ok_or_else(|| connect(last))?;
        let transfer = |e: std::io::Error| PushError::Transfer {
            address: address.clone(),
            reason: e.to_string(),
        };
        stream
            .set_read_timeout(Some(self.timeout))
            .map_err(transfer)?;
        stream
            .set_write_timeout(Some(self.timeout))
            .map_err(transfer)?;
        let head = format!(
            "{method} {} HTTP/1.1\r\nHost: {address}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.group_path(),
            body.len()
        );
        stream.write_all(head.as_bytes()).map_err(transfer)?;
        stream.write_all(body.as_bytes()).map_err(transfer)?;
        let mut response = Vec::new();
        stream
            .take(MAX_RESPONSE_BYTES)
            .read_to_end(&mut response)
            .map_err(transfer)?;
        let text = String::from_utf8_lossy(&response);
        let status: u16 = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| PushError::Transfer {
                address: address.clone(),
                reason: "no HTTP status in the answer".to_owned(),
            })?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
            Err(PushError::Rejected {
                status,
                body: body.chars().take(300).collect(),
            })
        }
    }
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What a finished run pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PushReport {
    /// Successful pushes, the final one included.
    pub pushes: u64,
    /// Failed pushes (each also counted in
    /// `velocitytrader_push_failures_total{reason}`).
    pub failures: u64,
    /// Whether the group was deleted after the final push.
    pub deleted: bool,
}

/// Push state shared with the periodic thread.
struct Pusher {
    exporter: Exporter,
    target: PushTarget,
    report: Mutex<PushReport>,
}

impl Pusher {
    /// Publishes, renders and pushes (pushes are serialised, so they land in
    /// order).
    fn push(&self) -> Result<(), PushError> {
        let mut report = lock(&self.report);
        let body = self.exporter.render();
        match self.target.send("PUT", &body) {
            Ok(()) => {
                report.pushes += 1;
                Ok(())
            }
            Err(error) => {
                report.failures += 1;
                self.exporter.telemetry().count_push_failure(error.reason());
                Err(error)
            }
        }
    }
}

/// The periodic thread's stop signal.
type Stop = Arc<(Mutex<bool>, Condvar)>;

/// A backtest's telemetry, pushed to a Pushgateway. Record into
/// [`telemetry`](Self::telemetry); [`finish`](Self::finish) (or drop) pushes
/// the final state. Built by
/// [`ExporterBuilder::build_push`](super::ExporterBuilder::build_push).
pub struct BatchRun {
    pusher: Arc<Pusher>,
    periodic: Option<(Stop, JoinHandle<()>)>,
    finished: bool,
}

impl std::fmt::Debug for BatchRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchRun")
            .field("target", &self.pusher.target.url)
            .field("report", &*lock(&self.pusher.report))
            .finish_non_exhaustive()
    }
}

impl BatchRun {
    pub(crate) fn start(exporter: Exporter, target: PushTarget) -> Self {
        exporter.telemetry().register_push_series();
        let pusher = Arc::new(Pusher {
            exporter,
            target,
            report: Mutex::new(PushReport::default()),
        });
        let periodic = pusher.target.every.map(|interval| {
            let stop: Stop = Arc::new((Mutex::new(false), Condvar::new()));
            let (signal, worker) = (Arc::clone(&stop), Arc::clone(&pusher));
            let thread = std::thread::spawn(move || {
                let (stopped, wake) = &*signal;
                let mut done = lock(stopped);
                loop {
                    done = wake
                        .wait_timeout(done, interval)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0;
                    if *done {
                        break;
                    }
                    drop(done);
                    let _ = worker.push();
                    done = lock(stopped);
                }
            });
            (stop, thread)
        });
        Self {
            pusher,
            periodic,
            finished: false,
        }
    }

    /// The telemetry the run records into.
    #[must_use]
    pub fn telemetry(&self) -> &Telemetry {
        self.pusher.exporter.telemetry()
    }

    /// The exporter behind the run (render, scrape, add telemetries).
    #[must_use]
    pub fn exporter(&self) -> &Exporter {
        &self.pusher.exporter
    }

    /// Pushes the current state now.
    ///
    /// # Errors
    /// [`PushError`]; the failure is also counted.
    pub fn push_now(&self) -> Result<(), PushError> {
        self.pusher.push()
    }

    /// Stops periodic pushing, pushes the final state, and deletes the group
    /// if [`PushTarget::delete_on_finish`] was set.
    ///
    /// # Errors
    /// The final push's or the delete's [`PushError`] (the group is not
    /// deleted when the final push failed).
    pub fn finish(mut self) -> Result<PushReport, PushError> {
        self.finish_inner()
    }

    fn finish_inner(&mut self) -> Result<PushReport, PushError> {
        self.finished = true;
        if let Some((stop, thread)) = self.periodic.take() {
            *lock(&stop.0) = true;
            stop.1.notify_all();
            let _ = thread.join();
        }
        self.pusher.push()?;
        if self.pusher.target.delete_on_finish {
            self.pusher.target.send("DELETE", "").inspect_err(|error| {
                self.telemetry().count_push_failure(error.reason());
            })?;
            lock(&self.pusher.report).deleted = true;
        }
        Ok(*lock(&self.pusher.report))
    }
}

impl Drop for BatchRun {
    /// A run dropped without [`finish`](BatchRun::finish) (an early return,
    /// a panic unwinding) still pushes its final state; a failure is counted.
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.finish_inner();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths() {
        let t = PushTarget::new("http://127.0.0.1:9091").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("127.0.0.1", 9091));
        assert_eq!(t.group_path(), "/metrics/job/velocitytrader_backtest");
        let t = PushTarget::new("http://[::1]:9091/pgw/")
            .unwrap()
            .job("bt")
            .unwrap()
            .grouping("batch", "2026/11/26 #1")
            .unwrap();
        assert_eq!(t.address(), "[::1]:9091");
        assert_eq!(
            t.group_path(),
            "/pgw/metrics/job/bt/batch@base64/MjAyNi8xMS8yNiAjMQ=="
        );
        assert_eq!(PushTarget::new("http://gw").unwrap().port, 80);
        for bad in [
            "https://gw:9091",
            "gw:9091",
            "http://:9091",
            "http://gw:x",
            "http://[::1",
        ] {
            assert!(PushTarget::new(bad).is_err(), "{bad}");
        }
        assert!(
            PushTarget::new("http://gw")
                .unwrap()
                .grouping("instance", "x")
                .is_err()
        );
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("\u{ff}\u{fe}", "w7_Dvg=="),
        ] {
            assert_eq!(base64url(plain.as_bytes()), encoded, "{plain:?}");
        }
    }
}

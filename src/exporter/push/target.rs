//! [`PushTarget`]: a Pushgateway's address, the group to push to, the
//! schedule, and the one HTTP request a push is.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::PushError;
use crate::telemetry::{validate_constant_value, validate_grouping_labels};

/// Default job label of pushed series.
pub const DEFAULT_PUSH_JOB: &str = "velocitytrader_backtest";

/// Largest response body read from the Pushgateway.
const MAX_RESPONSE_BYTES: u64 = 64 * 1024;

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
        validate_constant_value(job)?;
        job.clone_into(&mut self.job);
        Ok(self)
    }

    /// Adds a grouping label, e.g. `run_id`: pushes with the same job and
    /// grouping labels replace each other; a new `run_id` is a new group.
    /// When the backtest also calls `start_run`, give it the same run id:
    /// the Pushgateway refuses a push whose series contradict the grouping
    /// key (`velocitytrader_run_info{run_id}` would), and the refusal is a
    /// [`PushError::Rejected`].
    ///
    /// # Errors
    /// [`PushError::InvalidGrouping`] as for constant labels (a valid name,
    /// not reserved, not repeated; a bounded printable value).
    pub fn grouping(mut self, name: &str, value: &str) -> Result<Self, PushError> {
        let mut grouping = self.grouping.clone();
        grouping.push((name.to_owned(), value.to_owned()));
        validate_grouping_labels(&grouping)?;
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

    /// The URL given.
    pub(super) fn url(&self) -> &str {
        &self.url
    }

    /// The periodic push interval, if any.
    pub(super) fn interval(&self) -> Option<Duration> {
        self.every
    }

    /// Whether to delete the group after the final push.
    pub(super) fn deletes_on_finish(&self) -> bool {
        self.delete_on_finish
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
    pub(super) fn send(&self, method: &str, body: &str) -> Result<(), PushError> {
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
            .grouping("run_id", "2026/11/26 #1")
            .unwrap();
        assert_eq!(t.address(), "[::1]:9091");
        assert_eq!(
            t.group_path(),
            "/pgw/metrics/job/bt/run_id@base64/MjAyNi8xMS8yNiAjMQ=="
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

//! The listener's resource limits: connections, timeouts, header size, and
//! the builder methods that set them.

use std::time::Duration;

use super::ExporterBuilder;

/// Default cap on open connections of the built-in listener. Scrapers keep
/// one or two each; the cap only has to stay far below the process's
/// descriptor limit (commonly 1,024).
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;

/// Default time a client has, from connecting, to send a complete request
/// (and, with TLS, to finish the handshake).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Default time a keep-alive connection may sit idle between requests:
/// longer than a one-minute scrape interval, so a scraper's connection is
/// reused.
pub const DEFAULT_KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(120);

/// Default limit on a request's start line and headers together; larger
/// requests get 431.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 16 * 1024;

/// Default time a scrape may take when the scraper does not say
/// (`X-Prometheus-Scrape-Timeout-Seconds`): Prometheus' default scrape
/// timeout.
pub const DEFAULT_SCRAPE_TIMEOUT: Duration = Duration::from_secs(10);

/// The limits one listener applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) max_connections: usize,
    pub(crate) header_read_timeout: Duration,
    pub(crate) keep_alive_timeout: Duration,
    pub(crate) max_header_bytes: usize,
    pub(crate) scrape_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            keep_alive_timeout: DEFAULT_KEEP_ALIVE_TIMEOUT,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            scrape_timeout: DEFAULT_SCRAPE_TIMEOUT,
        }
    }
}

impl Limits {
    /// How long a scrape may take: a little less than the scraper's own
    /// timeout (so the answer arrives before it gives up), else the default.
    pub(crate) fn scrape_deadline(&self, scraper_timeout: Option<&str>) -> Duration {
        scraper_timeout
            .and_then(|text| text.trim().parse::<f64>().ok())
            .filter(|secs| secs.is_finite() && *secs > 0.0)
            .map_or(self.scrape_timeout, |secs| {
                // Leave 10 % (at most 0.5 s) for the network and the scraper.
                let margin = (secs * 0.1).min(0.5);
                Duration::from_secs_f64((secs - margin).min(3600.0))
            })
    }
}

impl ExporterBuilder {
    /// Cap on open connections (default [`DEFAULT_MAX_CONNECTIONS`], at
    /// least 1). At the cap a new connection still gets in: the oldest
    /// connection that has not completed a request is closed for it, else the
    /// oldest one idle between requests; it is refused only when every
    /// connection is mid-request. Each is counted in
    /// `velocitytrader_endpoint_connections_dropped_total{reason}`.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.limits.max_connections = max.max(1);
        self
    }

    /// Time a client has from connecting to send a complete request, TLS
    /// handshake included (default [`DEFAULT_HEADER_READ_TIMEOUT`], at least
    /// 100 ms).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.header_read_timeout = timeout.max(Duration::from_millis(100));
        self
    }

    /// Time a keep-alive connection has after an answer to send its next
    /// complete request (default
    /// [`DEFAULT_KEEP_ALIVE_TIMEOUT`], at least 1 s).
    pub fn keep_alive_timeout(mut self, timeout: Duration) -> Self {
        self.limits.keep_alive_timeout = timeout.max(Duration::from_secs(1));
        self
    }

    /// Limit on a request's start line and headers (default
    /// [`DEFAULT_MAX_HEADER_BYTES`], at least 1 KiB); larger requests get
    /// 431 and the connection is closed.
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_header_bytes = bytes.max(1024);
        self
    }

    /// Time a scrape may take when the scraper does not send
    /// `X-Prometheus-Scrape-Timeout-Seconds` (default
    /// [`DEFAULT_SCRAPE_TIMEOUT`], at least 100 ms). A scrape whose publish
    /// is not done by then is answered 503; the publish goes on and the next
    /// scrape gets its result.
    pub fn scrape_timeout(mut self, timeout: Duration) -> Self {
        self.limits.scrape_timeout = timeout.max(Duration::from_millis(100));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scrape_answers_before_the_scraper_gives_up() {
        let limits = Limits::default();
        assert_eq!(
            limits.scrape_deadline(Some("10")),
            Duration::from_secs_f64(9.5)
        );
        assert_eq!(
            limits.scrape_deadline(Some("1")),
            Duration::from_secs_f64(0.9)
        );
        assert_eq!(limits.scrape_deadline(None), DEFAULT_SCRAPE_TIMEOUT);
        for bad in ["", "-1", "NaN", "inf", "ten"] {
            assert_eq!(
                limits.scrape_deadline(Some(bad)),
                DEFAULT_SCRAPE_TIMEOUT,
                "{bad}"
            );
        }
    }
}

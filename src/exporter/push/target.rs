//! [`PushTarget`]: a Pushgateway, the group a run pushes to, the schedule.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use url::Url;

use super::remote::{Remote, connection_settings};
use super::{ImportTarget, PushError};
use crate::telemetry::{validate_constant_value, validate_grouping_labels};

/// Default job label of pushed (and imported) series.
pub const DEFAULT_PUSH_JOB: &str = "velocitytrader_backtest";

/// Where and how to push a run's state: a Pushgateway URL, the `job` and
/// the grouping labels that make the group run-scoped, the schedule, and
/// how to connect (HTTPS, credentials, timeout).
///
/// ```
/// use std::time::Duration;
/// use velocity_metrics::exporter::{Auth, PushTarget};
/// let target = PushTarget::new("https://ci:s3cret@pushgateway.example:9091")? // basic auth from the URL
///     .grouping("run_id", "2026-11-26-eurusd-m5")?
///     .every(Duration::from_secs(10));
/// let with_token = PushTarget::new("https://pushgateway.example")?.auth(Auth::bearer("t0k"));
/// assert!(PushTarget::new("pushgateway.example:9091").unwrap_err().to_string().contains("no scheme"));
/// # drop((target, with_token));
/// # Ok::<(), velocity_metrics::exporter::PushError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct PushTarget {
    pub(super) remote: Remote,
    job: String,
    grouping: Vec<(String, String)>,
    every: Option<Duration>,
    delete_on_finish: bool,
}

/// `name`/`value` as group path segments: plain when URL-safe, else the
/// Pushgateway's `name@base64`/base64url form (which also carries `/` and
/// the empty value).
fn group_segments(name: &str, value: &str) -> [String; 2] {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if plain {
        [name.to_owned(), value.to_owned()]
    } else if value.is_empty() {
        [format!("{name}@base64"), "=".to_owned()]
    } else {
        [format!("{name}@base64"), URL_SAFE.encode(value)]
    }
}

impl PushTarget {
    /// A Pushgateway at `url` (`http://` or `https://`, host, optional port
    /// and path prefix; `user:password@` is used for basic auth), job
    /// [`DEFAULT_PUSH_JOB`], no periodic push, the group kept after the
    /// run, 5 s timeout. HTTPS trusts the system's root certificates (read
    /// with `rustls-native-certs`) plus any [`ca_file`](Self::ca_file).
    ///
    /// # Errors
    /// [`PushError::InvalidUrl`] saying what is wrong: no scheme
    /// (`127.0.0.1:9091`), another scheme, no host, a query.
    pub fn new(url: &str) -> Result<Self, PushError> {
        Ok(Self {
            remote: Remote::parse(url)?,
            job: DEFAULT_PUSH_JOB.to_owned(),
            grouping: Vec::new(),
            every: None,
            delete_on_finish: false,
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

    /// Adds a grouping label. Pushes with the same job and grouping labels
    /// replace each other; a new value is a new group. **Group a backtest by
    /// its `run_id`**: the fleet stack makes it the `instance` and the Fleet
    /// dashboard lists runs by it. When the run also calls
    /// [`start_run`](crate::Telemetry::start_run), give it the same id: the
    /// Pushgateway would silently rewrite a pushed `run_id` to the group's,
    /// so a push whose series carry another value is refused before
    /// anything is sent ([`PushError::GroupingConflict`]).
    ///
    /// # Errors
    /// [`PushError::InvalidGrouping`] as for constant labels (a valid name,
    /// not reserved, not repeated, `run_id` the one catalogue label allowed;
    /// a bounded printable value).
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

    connection_settings!();

    /// Also imports the run's whole curve into a store (see
    /// [`ImportTarget`]): both go to
    /// [`ExporterBuilder::build_push`](crate::exporter::ExporterBuilder::build_push).
    ///
    /// # Errors
    /// [`PushError::GroupingConflict`] when this target groups by a
    /// `run_id` other than the import's.
    pub fn and_import(self, import: ImportTarget) -> Result<super::BatchTargets, PushError> {
        if let Some((_, grouped)) = self.grouping.iter().find(|(n, _)| n == "run_id")
            && grouped != import.run_id()
        {
            return Err(PushError::GroupingConflict {
                label: "run_id".to_owned(),
                grouping: grouped.clone(),
                pushed: import.run_id().to_owned(),
            });
        }
        Ok(super::BatchTargets {
            push: Some(self),
            import: Some(import),
        })
    }

    /// The grouping labels, for clash checks.
    pub(crate) fn grouping_labels(&self) -> &[(String, String)] {
        &self.grouping
    }

    /// The periodic push interval, if any.
    pub(super) fn interval(&self) -> Option<Duration> {
        self.every
    }

    /// Whether to delete the group after the final push.
    pub(super) fn deletes_on_finish(&self) -> bool {
        self.delete_on_finish
    }

    /// `<prefix>/metrics/job/<job>/<name>/<value>…`.
    pub(super) fn group_url(&self) -> Url {
        let mut segments = vec!["metrics".to_owned()];
        let pairs = std::iter::once(("job", self.job.as_str()))
            .chain(self.grouping.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        for (name, value) in pairs {
            segments.extend(group_segments(name, value));
        }
        self.remote.join(segments.iter().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_paths_follow_the_pushgateway_conventions() {
        let t = PushTarget::new("http://127.0.0.1:9091").unwrap();
        assert_eq!(
            t.group_url().as_str(),
            "http://127.0.0.1:9091/metrics/job/velocitytrader_backtest"
        );
        let t = PushTarget::new("https://[::1]:9091/pgw/")
            .unwrap()
            .job("bt")
            .unwrap()
            .grouping("run_id", "2026/11/26 #1")
            .unwrap()
            .grouping("batch", "")
            .unwrap_err();
        assert!(
            matches!(t, PushError::InvalidGrouping(_)),
            "an empty value is refused"
        );
        let t = PushTarget::new("https://[::1]:9091/pgw/")
            .unwrap()
            .job("bt")
            .unwrap()
            .grouping("run_id", "2026/11/26 #1")
            .unwrap();
        assert_eq!(
            t.group_url().as_str(),
            "https://[::1]:9091/pgw/metrics/job/bt/run_id@base64/MjAyNi8xMS8yNiAjMQ=="
        );
        assert_eq!(
            group_segments("x", ""),
            ["x@base64".to_owned(), "=".to_owned()]
        );
        assert!(
            PushTarget::new("http://gw")
                .unwrap()
                .grouping("instance", "x")
                .is_err()
        );
    }
}

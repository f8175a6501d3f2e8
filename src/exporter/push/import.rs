//! [`ImportTarget`]: a backtest's whole curve, every checkpoint's state at
//! its simulated time, written into `VictoriaMetrics` through
//! `/api/v1/import/prometheus` — where a Pushgateway can only hold the final
//! state at the wall-clock time of the push.

use url::Url;

use super::remote::{Remote, connection_settings};
use super::{DEFAULT_PUSH_JOB, PushError};
use crate::telemetry::validate_constant_value;

/// Series of the wall clock and the process, not of the simulation: left
/// out of the import (a backtest's "uptime" on a simulated date means
/// nothing).
const WALL_CLOCK_SERIES: &[&str] = &[
    "velocitytrader_uptime_seconds",
    "velocitytrader_process_cpu_seconds",
    "velocitytrader_process_resident_memory_bytes",
    "velocitytrader_run_duration_seconds",
];

/// Where a batch run writes its curve: a `VictoriaMetrics` import URL and the
/// run id its series are tagged with.
///
/// Each [`BatchRun::checkpoint`](super::BatchRun::checkpoint) renders the
/// run's state and stamps every sample with the simulated time; the samples
/// are sent in batches and once more when the run finishes. Every series
/// gets `run_id=<run id>`, `instance=<run id>` and `job` (default
/// [`DEFAULT_PUSH_JOB`]) — the labels the fleet's vmagent gives a pushed
/// run — and `mode="backtest"` unless the engine's identity sets a mode, so
/// dashboards show an imported run exactly like a pushed one, on the dates
/// it simulated.
///
/// ```
/// use velocity_metrics::exporter::ImportTarget;
/// // Single-node VictoriaMetrics; for a cluster, vminsert's URL with its
/// // path, e.g. http://vminsert:8480/insert/0/prometheus.
/// let import = ImportTarget::new("http://127.0.0.1:8428", "2026-11-26-eurusd-m5")?;
/// assert_eq!(import.run_id(), "2026-11-26-eurusd-m5");
/// # Ok::<(), velocity_metrics::exporter::PushError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct ImportTarget {
    pub(super) remote: Remote,
    run_id: String,
    job: String,
}

impl ImportTarget {
    /// `VictoriaMetrics` at `url` (`http://` or `https://`, with the path
    /// prefix of a cluster's vminsert if any; `user:password@` is used for
    /// basic auth, e.g. behind vmauth), the run tagged `run_id`.
    ///
    /// # Errors
    /// [`PushError::InvalidUrl`] as for [`PushTarget::new`](super::PushTarget::new);
    /// [`PushError::InvalidGrouping`] for an empty, too long or
    /// control-character run id.
    pub fn new(url: &str, run_id: &str) -> Result<Self, PushError> {
        validate_constant_value(run_id)?;
        Ok(Self {
            remote: Remote::parse(url)?,
            run_id: run_id.to_owned(),
            job: DEFAULT_PUSH_JOB.to_owned(),
        })
    }

    /// The `job` label of the imported series (default [`DEFAULT_PUSH_JOB`],
    /// as pushed runs).
    ///
    /// # Errors
    /// [`PushError::InvalidGrouping`] for an empty, too long or
    /// control-character value.
    pub fn job(mut self, job: &str) -> Result<Self, PushError> {
        validate_constant_value(job)?;
        job.clone_into(&mut self.job);
        Ok(self)
    }

    connection_settings!();

    /// The run id the series are tagged with.
    #[must_use]
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The labels the import sets on every series, for the conflict check.
    pub(super) fn labels(&self) -> Vec<(String, String)> {
        vec![("run_id".to_owned(), self.run_id.clone())]
    }

    /// `<prefix>/api/v1/import/prometheus?extra_label=…`; with `add_mode`,
    /// also `mode=backtest`.
    pub(super) fn import_url(&self, add_mode: bool) -> Url {
        let mut url = self.remote.join(["api", "v1", "import", "prometheus"]);
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("extra_label", &format!("job={}", self.job));
            query.append_pair("extra_label", &format!("instance={}", self.run_id));
            query.append_pair("extra_label", &format!("run_id={}", self.run_id));
            if add_mode {
                query.append_pair("extra_label", "mode=backtest");
            }
        }
        url
    }
}

/// Samples stamped with simulated times, waiting to be sent.
#[derive(Debug, Default)]
pub(super) struct Timeline {
    text: String,
    /// Where the latest checkpoint's lines start, and its time (ms).
    latest: Option<(usize, i64)>,
    /// Samples in `text`.
    pending: u64,
    /// Samples in the latest checkpoint.
    latest_samples: u64,
}

impl Timeline {
    /// Adds one checkpoint: every sample line of `exposition` but the wall
    /// clock's, stamped `at_ms`. A checkpoint at the time of the latest one
    /// replaces it (its lines are still here: see [`take_before`](Self::take_before)).
    pub(super) fn add(&mut self, exposition: &str, at_ms: i64) {
        if let Some((start, latest_ms)) = self.latest
            && latest_ms == at_ms
        {
            self.text.truncate(start);
            self.pending -= self.latest_samples;
        }
        let start = self.text.len();
        let mut samples = 0;
        for line in exposition.lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let family = line.split(['{', ' ']).next().unwrap_or("");
            if WALL_CLOCK_SERIES.contains(&family) {
                continue;
            }
            self.text.push_str(line);
            self.text.push(' ');
            self.text.push_str(&at_ms.to_string());
            self.text.push('\n');
            samples += 1;
        }
        self.latest = Some((start, at_ms));
        self.latest_samples = samples;
        self.pending += samples;
    }

    /// The latest checkpoint's time (ms), if any.
    pub(super) fn latest_ms(&self) -> Option<i64> {
        self.latest.map(|(_, ms)| ms)
    }

    /// Bytes waiting.
    pub(super) fn len(&self) -> usize {
        self.text.len()
    }

    /// Everything waiting, with the number of samples; the latest
    /// checkpoint's time is kept (for the order check), not its lines.
    pub(super) fn take(&mut self) -> (String, u64) {
        let samples = std::mem::take(&mut self.pending);
        self.latest = self.latest.map(|(_, ms)| (0, ms));
        self.latest_samples = 0;
        (std::mem::take(&mut self.text), samples)
    }

    /// Everything before the latest checkpoint (which a checkpoint at the
    /// same time may still replace), with the number of samples.
    pub(super) fn take_before(&mut self, at_ms: i64) -> (String, u64) {
        match self.latest {
            Some((start, latest_ms)) if latest_ms == at_ms => {
                let rest = self.text.split_off(start);
                let samples = self.pending - self.latest_samples;
                self.pending = self.latest_samples;
                self.latest = Some((0, latest_ms));
                (std::mem::replace(&mut self.text, rest), samples)
            }
            _ => self.take(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPOSITION: &str = "# HELP velocitytrader_trades_total x\n\
        # TYPE velocitytrader_trades_total counter\n\
        velocitytrader_trades_total{engine=\"bt\"} 3\n\
        velocitytrader_uptime_seconds{engine=\"bt\"} 0.5\n\
        velocitytrader_account_equity{engine=\"bt\"} 10030\n";

    #[test]
    fn samples_are_stamped_and_the_wall_clock_left_out() {
        let mut timeline = Timeline::default();
        timeline.add(EXPOSITION, 1_700_000_000_000);
        let (text, samples) = timeline.take();
        assert_eq!(samples, 2);
        assert_eq!(
            text,
            "velocitytrader_trades_total{engine=\"bt\"} 3 1700000000000\n\
             velocitytrader_account_equity{engine=\"bt\"} 10030 1700000000000\n"
        );
    }

    #[test]
    fn a_checkpoint_at_the_same_time_replaces_the_latest() {
        let mut timeline = Timeline::default();
        timeline.add(EXPOSITION, 1_000);
        timeline.add(EXPOSITION, 2_000);
        timeline.add(&EXPOSITION.replace("} 3", "} 4"), 2_000);
        let (before, samples) = timeline.take_before(2_000);
        assert_eq!((before.lines().count(), samples), (2, 2));
        let (latest, samples) = timeline.take();
        assert_eq!(samples, 2);
        assert!(
            latest.contains("} 4 2000\n") && !latest.contains("} 3 2000"),
            "{latest}"
        );
        assert_eq!(timeline.latest_ms(), Some(2_000));
    }

    #[test]
    fn the_import_url_tags_the_run() {
        let import = ImportTarget::new("http://vm:8428/", "r 1").unwrap();
        assert_eq!(
            import.import_url(true).as_str(),
            "http://vm:8428/api/v1/import/prometheus?extra_label=job%3Dvelocitytrader_backtest&extra_label=instance%3Dr+1&extra_label=run_id%3Dr+1&extra_label=mode%3Dbacktest"
        );
        assert!(ImportTarget::new("http://vm:8428", "").is_err());
    }
}

//! The evolution of every published series, one column per step, and its
//! OpenMetrics text: families contiguous, one series at a time, timestamps
//! increasing, `# EOF` last.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::snapshot::{Registered, SnapshotRecorder};
use crate::catalogue::{self as cat, Group, MetricDef, MetricKind, Unit};

/// Which families the database informs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Filter {
    /// An equity curve is rebuilt (risk series are real).
    pub(crate) equity: bool,
    /// `error_logs` is read (error counters are real).
    pub(crate) errors: bool,
    /// `reward_logs` is read (the learners' cumulative reward, Q-value and
    /// exploration rate are real).
    pub(crate) rewards: bool,
}

impl Filter {
    /// Series derived from trades, the rebuilt equity curve, errors and
    /// rewards; not the ones the database knows nothing about (uptime, ticks,
    /// signals, physics, the rest of RL, the library's own accounting), which
    /// would be fabricated numbers.
    fn includes(self, def: &MetricDef) -> bool {
        match def.group {
            Group::Agent => {
                def.name != cat::AGENT_SIGNALS_TOTAL.name
                    && def.name != cat::AGENT_ACTIVE_POSITIONS.name
            }
            Group::Trading | Group::Symbol | Group::Timeframe | Group::Regime => true,
            Group::Risk => self.equity || def.name != cat::RETURN_PERIODS_TOTAL.name,
            Group::System => {
                self.errors
                    && (def.name == cat::ERRORS_TOTAL.name
                        || def.name == cat::ERRORS_CRITICAL_TOTAL.name)
            }
            Group::Rl => {
                self.rewards
                    && [
                        cat::AGENT_CUMULATIVE_REWARD.name,
                        cat::RL_Q_VALUE.name,
                        cat::RL_EXPLORATION_RATE.name,
                    ]
                    .contains(&def.name)
            }
            _ => false,
        }
    }
}

/// The values of one series from its first step on.
struct Series {
    def: &'static MetricDef,
    labels: Vec<(String, String)>,
    first_step: u64,
    values: Vec<f64>,
}

/// Collected history of one run.
pub(crate) struct History {
    filter: Filter,
    step_ms: i64,
    first_boundary_ms: Option<i64>,
    steps: u64,
    examined: usize,
    series: Vec<Option<Series>>,
}

impl History {
    pub(crate) fn new(filter: Filter, step_ms: i64) -> Self {
        Self {
            filter,
            step_ms,
            first_boundary_ms: None,
            steps: 0,
            examined: 0,
            series: Vec::new(),
        }
    }

    /// Steps taken so far.
    pub(crate) fn steps(&self) -> u64 {
        self.steps
    }

    /// Timestamp of step `i`, in milliseconds.
    fn boundary_ms(&self, step: u64) -> i64 {
        let first = self.first_boundary_ms.unwrap_or(0);
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        first.saturating_add(step.saturating_mul(self.step_ms))
    }

    /// First and last step timestamps in seconds.
    #[allow(
        clippy::cast_precision_loss,
        reason = "epoch milliseconds stay below 2^53"
    )]
    pub(crate) fn span_secs(&self) -> Option<(f64, f64)> {
        let first = self.first_boundary_ms?;
        let last = self.boundary_ms(self.steps.checked_sub(1)?);
        Some((first as f64 / 1000.0, last as f64 / 1000.0))
    }

    /// Appends one column: fresh values when `changed`, else the previous
    /// ones again (nothing happened since, so nothing can differ).
    pub(crate) fn take(&mut self, boundary_ms: i64, changed: bool, recorder: &SnapshotRecorder) {
        if self.first_boundary_ms.is_none() {
            self.first_boundary_ms = Some(boundary_ms);
        }
        let step = self.steps;
        self.steps += 1;
        if !changed {
            for series in self.series.iter_mut().flatten() {
                if let Some(&last) = series.values.last() {
                    series.values.push(last);
                }
            }
            return;
        }
        let filter = self.filter;
        let examined = self.examined;
        let all = &mut self.series;
        recorder.visit(|i, registered| {
            if i >= examined {
                all.push(new_series(filter, registered, step));
            }
            if let Some(series) = &mut all[i] {
                series.values.push(registered.value());
            }
        });
        self.examined = all.len();
    }

    /// Writes the OpenMetrics text; returns (series, samples) written.
    pub(crate) fn write(&self, out: &mut impl Write) -> io::Result<(u64, u64)> {
        let (mut series_written, mut samples) = (0, 0);
        let mut line = String::new();
        for def in cat::METRICS {
            let mut family: Vec<&Series> = self
                .series
                .iter()
                .flatten()
                .filter(|s| s.def.name == def.name)
                .collect();
            if family.is_empty() {
                continue;
            }
            family.sort_by(|a, b| a.labels.cmp(&b.labels));
            write_header(out, def)?;
            for series in family {
                series_written += 1;
                let mut name = String::from(def.name);
                if !series.labels.is_empty() {
                    name.push('{');
                    for (i, (k, v)) in series.labels.iter().enumerate() {
                        let sep = if i == 0 { "" } else { "," };
                        let _ = write!(name, "{sep}{k}=\"{}\"", escape(v));
                    }
                    name.push('}');
                }
                for (offset, &value) in series.values.iter().enumerate() {
                    let step = series.first_step + offset as u64;
                    line.clear();
                    let _ = writeln!(
                        line,
                        "{name} {} {}",
                        number(value),
                        seconds(self.boundary_ms(step))
                    );
                    out.write_all(line.as_bytes())?;
                    samples += 1;
                }
            }
        }
        out.write_all(b"# EOF\n")?;
        Ok((series_written, samples))
    }
}

fn new_series(filter: Filter, registered: &Registered, step: u64) -> Option<Series> {
    let def = cat::find(registered.key.name())?;
    if !filter.includes(def) || def.kind == MetricKind::Histogram {
        return None;
    }
    let labels = registered
        .key
        .labels()
        .map(|l| (l.key().to_owned(), l.value().to_owned()))
        .collect();
    Some(Series {
        def,
        labels,
        first_step: step,
        values: Vec::new(),
    })
}

/// `# HELP`, `# TYPE` and, where the name ends in it, `# UNIT`. A counter's
/// family name drops the `_total` its samples carry.
fn write_header(out: &mut impl Write, def: &MetricDef) -> io::Result<()> {
    let (family, kind) = match def.kind {
        MetricKind::Counter => (
            def.name.strip_suffix("_total").unwrap_or(def.name),
            "counter",
        ),
        _ => (def.name, "gauge"),
    };
    writeln!(out, "# HELP {family} {}", escape(&def.help_text()))?;
    writeln!(out, "# TYPE {family} {kind}")?;
    if matches!(def.unit, Unit::Seconds | Unit::Timestamp) && family.ends_with("_seconds") {
        writeln!(out, "# UNIT {family} seconds")?;
    }
    Ok(())
}

/// OpenMetrics escaping of label values and help text.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{value}")
    }
}

/// Milliseconds as seconds with at most three decimals.
fn seconds(ms: i64) -> String {
    let (secs, frac) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    if frac == 0 {
        format!("{secs}")
    } else {
        format!("{secs}.{frac:03}")
    }
}

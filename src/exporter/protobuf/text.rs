//! Metric families read from the Prometheus text format 0.0.4, as the
//! endpoint renders it: `# HELP`, `# TYPE`, sample lines with escaped label
//! values, `_bucket`/`_sum`/`_count` with `le` for histograms,
//! `quantile`/`_sum`/`_count` for summaries, values spelled `+Inf`, `-Inf`,
//! `NaN` or as numbers. Escapes are undone as Prometheus' own text parser
//! undoes them, so a family carries exactly the series a text scrape gives.

use super::messages::{
    Bucket, Counter, Gauge, Histogram, Metric, MetricFamily, MetricType, Quantile, Summary, Untyped,
};
use super::sample_line::{Sample, as_count, parse_value, unescape_help};

/// What the text held.
#[derive(Debug, Default)]
pub(crate) struct ParsedText {
    /// The families, in the order of the text.
    pub(crate) families: Vec<MetricFamily>,
    /// Sample lines that were not valid text format and were left out.
    /// Zero for what the recorder renders; a unit test covers the rest.
    pub(crate) skipped_lines: usize,
}

/// Reads `text` into metric families, label pairs sorted by name.
pub(crate) fn parse(text: &str) -> ParsedText {
    let mut parsed = ParsedText::default();
    let mut current: Option<(MetricFamily, MetricType)> = None;
    // One label buffer for every line: most lines only repeat a series.
    let mut scratch = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(comment) = line.strip_prefix('#') {
            let mut words = comment.trim_start().splitn(3, [' ', '\t']);
            let (keyword, name, rest) = (words.next(), words.next(), words.next());
            let (Some(keyword @ ("HELP" | "TYPE")), Some(name)) = (keyword, name) else {
                continue;
            };
            let rest = rest.unwrap_or("").trim_start();
            let reuse = current.as_ref().is_some_and(|(family, _)| {
                family.name.as_deref() == Some(name)
                    && family.metric.is_empty()
                    && if keyword == "HELP" {
                        family.help.is_none()
                    } else {
                        family.r#type.is_none()
                    }
            });
            if !reuse {
                parsed.families.extend(current.take().map(|(f, _)| f));
                current = Some((family(name), MetricType::Untyped));
            }
            if let Some((family, kind)) = current.as_mut() {
                if keyword == "HELP" {
                    family.help = Some(unescape_help(rest)).filter(|h| !h.is_empty());
                } else {
                    *kind = metric_type(rest);
                    family.r#type = Some(*kind as i32);
                }
            }
            continue;
        }
        scratch.clear();
        let Some(mut sample) = Sample::parse(line, std::mem::take(&mut scratch)) else {
            parsed.skipped_lines += 1;
            continue;
        };
        let role = current
            .as_ref()
            .and_then(|(family, kind)| Role::of(&sample, family, *kind));
        let role = if let Some(role) = role {
            role
        } else {
            parsed.families.extend(current.take().map(|(f, _)| f));
            let mut untyped = family(sample.name);
            untyped.r#type = Some(MetricType::Untyped as i32);
            current = Some((untyped, MetricType::Untyped));
            Role::Value(MetricType::Untyped)
        };
        if let Some((family, _)) = current.as_mut() {
            if !role.add(&mut sample, family) {
                parsed.skipped_lines += 1;
            }
        }
        scratch = sample.labels;
    }
    parsed.families.extend(current.map(|(f, _)| f));
    parsed
}

fn family(name: &str) -> MetricFamily {
    MetricFamily {
        name: Some(name.to_owned()),
        ..MetricFamily::default()
    }
}

fn metric_type(word: &str) -> MetricType {
    match word.trim() {
        "counter" => MetricType::Counter,
        "gauge" => MetricType::Gauge,
        "histogram" => MetricType::Histogram,
        "summary" => MetricType::Summary,
        _ => MetricType::Untyped,
    }
}

/// What a sample line is to the family it belongs to.
enum Role {
    /// The value of a counter, gauge or untyped metric.
    Value(MetricType),
    /// A classic histogram bucket (`_bucket` with `le`).
    Bucket,
    /// A summary quantile (`quantile` label).
    Quantile,
    /// A histogram's or summary's `_sum`.
    Sum,
    /// A histogram's or summary's `_count`.
    Count,
}

impl Role {
    fn of(sample: &Sample<'_>, family: &MetricFamily, kind: MetricType) -> Option<Self> {
        let name = family.name.as_deref()?;
        let suffix = sample.name.strip_prefix(name)?;
        match (kind, suffix) {
            (MetricType::Counter | MetricType::Gauge | MetricType::Untyped, "") => {
                Some(Self::Value(kind))
            }
            (MetricType::Histogram, "_bucket") => Some(Self::Bucket),
            (MetricType::Summary, "") => Some(Self::Quantile),
            (MetricType::Histogram | MetricType::Summary, "_sum") => Some(Self::Sum),
            (MetricType::Histogram | MetricType::Summary, "_count") => Some(Self::Count),
            _ => None,
        }
    }

    /// Adds `sample` to `family`; false if it lacks what its role needs.
    fn add(self, sample: &mut Sample<'_>, family: &mut MetricFamily) -> bool {
        let value = sample.value;
        let part = match self {
            Self::Value(kind) => {
                family.metric.push(Metric {
                    label: sample.label_pairs(),
                    counter: (kind == MetricType::Counter)
                        .then_some(Counter { value: Some(value) }),
                    gauge: (kind == MetricType::Gauge).then_some(Gauge { value: Some(value) }),
                    untyped: (kind == MetricType::Untyped)
                        .then_some(Untyped { value: Some(value) }),
                    timestamp_ms: sample.timestamp_ms,
                    ..Metric::default()
                });
                return true;
            }
            Self::Bucket => match (
                sample.take_label("le").as_deref().and_then(parse_value),
                as_count(value),
            ) {
                (Some(bound), Some(count)) => Part::Bucket(bound, count),
                _ => return false,
            },
            Self::Quantile => match sample
                .take_label("quantile")
                .as_deref()
                .and_then(parse_value)
            {
                Some(quantile) => Part::Quantile(quantile),
                None => return false,
            },
            Self::Sum => Part::Sum,
            Self::Count => match as_count(value) {
                Some(count) => Part::Count(count),
                None => return false,
            },
        };
        let histogram = family.r#type == Some(MetricType::Histogram as i32);
        let metric = metric_for(family, sample, histogram);
        if let Some(h) = metric.histogram.as_mut() {
            match part {
                Part::Bucket(bound, count) if bound == f64::INFINITY => {
                    h.sample_count.get_or_insert(count);
                }
                Part::Bucket(bound, count) => h.bucket.push(Bucket {
                    cumulative_count: Some(count),
                    upper_bound: Some(bound),
                }),
                Part::Sum => h.sample_sum = Some(value),
                Part::Count(count) => h.sample_count = Some(count),
                Part::Quantile(_) => return false,
            }
        } else if let Some(s) = metric.summary.as_mut() {
            match part {
                Part::Quantile(quantile) => s.quantile.push(Quantile {
                    quantile: Some(quantile),
                    value: Some(value),
                }),
                Part::Sum => s.sample_sum = Some(value),
                Part::Count(count) => s.sample_count = Some(count),
                Part::Bucket(..) => return false,
            }
        }
        true
    }
}

/// A checked histogram or summary line.
enum Part {
    Bucket(f64, u64),
    Quantile(f64),
    Sum,
    Count(u64),
}

/// The histogram or summary metric of `family` with `labels`, created if
/// new (the recorder writes a series' lines together, so the last one is
/// checked first).
fn metric_for<'f>(
    family: &'f mut MetricFamily,
    sample: &Sample<'_>,
    histogram: bool,
) -> &'f mut Metric {
    let found = family
        .metric
        .iter()
        .rposition(|m| sample.labels_are(&m.label));
    let at = found.unwrap_or_else(|| {
        // As many buckets as the series before, most likely.
        let buckets = family
            .metric
            .last()
            .and_then(|m| m.histogram.as_ref())
            .map_or(0, |h| h.bucket.len());
        family.metric.push(Metric {
            label: sample.label_pairs(),
            histogram: histogram.then(|| Histogram {
                bucket: Vec::with_capacity(buckets),
                ..Histogram::default()
            }),
            summary: (!histogram).then(Summary::default),
            timestamp_ms: sample.timestamp_ms,
            ..Metric::default()
        });
        family.metric.len() - 1
    });
    &mut family.metric[at]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exporter::protobuf::messages::label;

    #[test]
    fn counters_gauges_and_untyped_samples() {
        let text = "# HELP a_total Closed \\\\ trades.\\nSecond line.\n# TYPE a_total counter\na_total{z=\"1\",b=\"2\"} 3\na_total 4\n\n# TYPE g gauge\ng NaN\nloose{x=\"y\"} 7 1700000000000\n";
        let parsed = parse(text);
        assert_eq!(parsed.skipped_lines, 0);
        let [a, g, loose] = parsed.families.as_slice() else {
            panic!("{:?}", parsed.families);
        };
        assert_eq!(a.help.as_deref(), Some("Closed \\ trades.\nSecond line."));
        assert_eq!(a.r#type, Some(MetricType::Counter as i32));
        assert_eq!(a.metric[0].label, [label("b", "2"), label("z", "1")]);
        assert_eq!(a.metric[0].counter, Some(Counter { value: Some(3.0) }));
        assert_eq!(a.metric[1].counter, Some(Counter { value: Some(4.0) }));
        assert!(g.help.is_none());
        assert!(g.metric[0].gauge.as_ref().unwrap().value.unwrap().is_nan());
        assert_eq!(loose.r#type, Some(MetricType::Untyped as i32));
        assert_eq!(loose.metric[0].untyped, Some(Untyped { value: Some(7.0) }));
        assert_eq!(loose.metric[0].timestamp_ms, Some(1_700_000_000_000));
    }

    #[test]
    fn histograms_and_summaries_group_their_lines_by_series() {
        let text = "# TYPE h histogram\nh_bucket{s=\"a\",le=\"0.5\"} 1\nh_bucket{s=\"a\",le=\"+Inf\"} 2\nh_sum{s=\"a\"} 1.5\nh_count{s=\"a\"} 2\nh_bucket{s=\"b\",le=\"0.5\"} 0\nh_bucket{s=\"b\",le=\"+Inf\"} 0\nh_sum{s=\"b\"} 0\nh_count{s=\"b\"} 0\n# TYPE q summary\nq{quantile=\"0.5\"} 0.2\nq{quantile=\"0.99\"} 0.9\nq_sum 3\nq_count 10\n";
        let parsed = parse(text);
        assert_eq!(parsed.skipped_lines, 0);
        let h = &parsed.families[0];
        assert_eq!(h.metric.len(), 2);
        let a = h.metric[0].histogram.as_ref().unwrap();
        assert_eq!(h.metric[0].label, [label("s", "a")]);
        assert_eq!(a.sample_count, Some(2));
        assert_eq!(a.sample_sum, Some(1.5));
        assert_eq!(
            a.bucket,
            [Bucket {
                cumulative_count: Some(1),
                upper_bound: Some(0.5)
            }]
        );
        let q = parsed.families[1].metric[0].summary.as_ref().unwrap();
        assert_eq!(q.sample_count, Some(10));
        assert_eq!(q.sample_sum, Some(3.0));
        assert_eq!(q.quantile.len(), 2);
        assert_eq!(q.quantile[1].quantile, Some(0.99));
    }

    #[test]
    fn invalid_lines_are_skipped_and_counted_never_a_panic() {
        let text = "ok 1\nnovalue\nbad{a=\"unterminated} 1\nbad{9x=\"v\"} 1\nbad{a=\"v\" b=\"w\"} 1\nbad 1 notatime\nbad 1 2 3\n# TYPE h histogram\nh_bucket{le=\"x\"} 1\nh_count -1\n{a=\"b\"} 1\n";
        let parsed = parse(text);
        assert_eq!(parsed.skipped_lines, 9);
        assert_eq!(parsed.families[0].metric.len(), 1);
    }
}

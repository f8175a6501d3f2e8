//! A protobuf render decoded with the same messages says what the text
//! render of the same moment says, line for line; the latency histograms
//! carry their native buckets too.

use std::collections::BTreeSet;
use std::time::Duration;

use metrics::{Key, Label, Recorder, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use prost::Message as _;

use super::messages::{Histogram, Metric, MetricFamily, MetricType};
use crate::exporter::native_histograms::{NATIVE_HISTOGRAMS, NativeHistograms};
use crate::exporter::negotiate::ExpositionFormat;
use crate::exporter::{Endpoint, prometheus_builder};
use crate::{Agent, Fill, RiskDecision, Symbol, Telemetry, Timeframe, Trade, catalogue};

const HOSTILE: &str = "say \"hi\" C:\\dir\\ two\nlines € 東京 🚀";
/// A global label value as an operator could write it (no control
/// characters: the builder refuses those).
const DESK: &str = "fx \"desk\" \\ € 東京";

fn decode(mut bytes: &[u8]) -> Vec<MetricFamily> {
    let mut families = Vec::new();
    while !bytes.is_empty() {
        families.push(MetricFamily::decode_length_delimited(&mut bytes).expect("valid protobuf"));
    }
    families
}

/// An endpoint with a telemetry that has recorded a bit of everything, and
/// engine-made series with hostile label values (a counter, a gauge, and a
/// histogram without buckets, which the recorder renders as a summary).
fn busy_endpoint() -> (Endpoint, Telemetry) {
    let endpoint = Endpoint::new(
        prometheus_builder()
            .add_global_label("desk", DESK)
            .build_recorder(),
        vec![("desk".into(), DESK.into())],
        None,
    );
    let telemetry = endpoint.attach(Telemetry::builder()).unwrap();
    let symbol = Symbol::new("EURUSD+").unwrap();
    for (i, pnl) in [12.5, -4.0, 0.0, 7.25].into_iter().enumerate() {
        let agent = if i % 2 == 0 {
            Agent::BERSERKER
        } else {
            Agent::SNIPER
        };
        telemetry
            .record_trade(&Trade::closed(agent, symbol, Timeframe::M5, pnl))
            .unwrap();
    }
    telemetry
        .record_equity(10_000.0, 10_250.0, 1_790_000_000.0)
        .unwrap();
    // Powers of two of a second: exact in nanoseconds and in binary, so
    // their native buckets are known by hand.
    for (i, exponent) in [-9, -6, -5, -4, -3, -1, 0, 2].into_iter().enumerate() {
        let fill = Fill {
            latency: Duration::from_secs_f64(f64::from(exponent).exp2()),
            slippage: 0.0,
            spread: 0.000_1,
            partial: i % 3 == 0,
        };
        telemetry.record_order_filled(symbol, &fill).unwrap();
        telemetry.record_risk_decision(RiskDecision::ALL[i % 4], Duration::ZERO);
    }
    let meta = catalogue::metadata();
    let labels = || vec![Label::new("note", HOSTILE), Label::new("a_first", "1")];
    endpoint
        .recorder
        .register_counter(&Key::from_parts("engine_events_total", labels()), &meta)
        .increment(3);
    endpoint
        .recorder
        .register_gauge(&Key::from_parts("engine_level", labels()), &meta)
        .set(f64::INFINITY);
    let summary = endpoint
        .recorder
        .register_histogram(&Key::from_parts("engine_wait_seconds", labels()), &meta);
    // The engine's own sample of a latency histogram (through the `metrics`
    // macros after `install`): a native series of its own.
    let own_fill = endpoint.recorder.register_histogram(
        &Key::from_parts(catalogue::ORDER_FILL_DURATION_SECONDS.name, labels()),
        &meta,
    );
    for v in [0.25, 0.5, 1.0] {
        summary.record(v);
        own_fill.record(v);
    }
    (endpoint, telemetry)
}

/// A text exposition's lines, label pairs in a canonical order (the test
/// values hold no `",` sequence, so a split finds every pair).
fn text_lines(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .map(|line| {
            if line.starts_with('#') {
                return line.to_owned();
            }
            let Some(open) = line.find('{') else {
                return line.to_owned();
            };
            let close = line.rfind('}').unwrap();
            let pairs = &line[open + 1..close];
            let mut pairs: Vec<String> = pairs
                .split("\",")
                .map(|p| {
                    if p.ends_with('"') {
                        p.to_owned()
                    } else {
                        format!("{p}\"")
                    }
                })
                .collect();
            pairs.sort();
            format!(
                "{}{{{}}}{}",
                &line[..open],
                pairs.join(","),
                &line[close + 1..]
            )
        })
        .collect()
}

fn escape(value: &str, quotes: bool) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quotes => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

fn number(value: f64) -> String {
    match value {
        f64::INFINITY => "+Inf".into(),
        f64::NEG_INFINITY => "-Inf".into(),
        v => v.to_string(),
    }
}

/// The text lines a decoded family stands for, in the same canonical form.
fn protobuf_lines(families: &[MetricFamily]) -> BTreeSet<String> {
    let mut lines = BTreeSet::new();
    for family in families {
        let name = family.name.as_deref().unwrap();
        if let Some(help) = &family.help {
            lines.insert(format!("# HELP {name} {}", escape(help, false)));
        }
        let kind = match MetricType::try_from(family.r#type.unwrap()).unwrap() {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Summary => "summary",
            MetricType::Untyped => "untyped",
            MetricType::Histogram => "histogram",
        };
        lines.insert(format!("# TYPE {name} {kind}"));
        for metric in &family.metric {
            let labels: Vec<String> = metric
                .label
                .iter()
                .map(|l| {
                    let value = escape(l.value.as_deref().unwrap(), true);
                    format!("{}=\"{value}\"", l.name.as_deref().unwrap())
                })
                .collect();
            let mut line = |suffix: &str, extra: Option<String>, value: String| {
                let mut pairs = labels.clone();
                pairs.extend(extra);
                pairs.sort();
                let braces = if pairs.is_empty() {
                    String::new()
                } else {
                    format!("{{{}}}", pairs.join(","))
                };
                lines.insert(format!("{name}{suffix}{braces} {value}"));
            };
            let Metric {
                counter,
                gauge,
                untyped,
                summary,
                histogram,
                ..
            } = metric;
            if let Some(v) = counter.as_ref().and_then(|c| c.value) {
                line("", None, number(v));
            }
            if let Some(v) = gauge.as_ref().and_then(|g| g.value) {
                line("", None, number(v));
            }
            if let Some(v) = untyped.as_ref().and_then(|u| u.value) {
                line("", None, number(v));
            }
            if let Some(s) = summary {
                for q in &s.quantile {
                    let quantile = format!("quantile=\"{}\"", q.quantile.unwrap());
                    line("", Some(quantile), number(q.value.unwrap()));
                }
                line("_sum", None, number(s.sample_sum.unwrap()));
                line("_count", None, s.sample_count.unwrap().to_string());
            }
            if let Some(h) = histogram {
                for b in &h.bucket {
                    let le = format!("le=\"{}\"", b.upper_bound.unwrap());
                    line("_bucket", Some(le), b.cumulative_count.unwrap().to_string());
                }
                let count = h.sample_count.unwrap().to_string();
                line("_bucket", Some("le=\"+Inf\"".into()), count.clone());
                line("_sum", None, number(h.sample_sum.unwrap()));
                line("_count", None, count);
            }
        }
    }
    lines
}

fn histogram<'a>(families: &'a [MetricFamily], name: &str) -> Vec<&'a Histogram> {
    families
        .iter()
        .filter(|f| f.name.as_deref() == Some(name))
        .flat_map(|f| &f.metric)
        .filter_map(|m| m.histogram.as_ref())
        .collect()
}

/// The assertions of the test this module replaced (when a second
/// recorder held the native copies), on the new parts.
#[test]
fn latency_histograms_carry_both_bucket_kinds() {
    let main = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(NATIVE_HISTOGRAMS[0].into()),
            catalogue::ORDER_FILL_BUCKETS,
        )
        .unwrap()
        .build_recorder();
    let natives = NativeHistograms::new(&[]);
    let key = Key::from_parts(NATIVE_HISTOGRAMS[0], vec![Label::new("symbol", "EURUSD+")]);
    let metadata = catalogue::metadata();
    main.describe_histogram(
        NATIVE_HISTOGRAMS[0].into(),
        Some(Unit::Seconds),
        "fills".into(),
    );
    let histogram = natives.fan_out(&key, main.register_histogram(&key, &metadata));
    for value in [0.02, 0.03, 0.3, 2.0] {
        histogram.record(value);
    }
    main.register_counter(&Key::from_name("other_total"), &metadata)
        .increment(1);

    let families = decode(&super::render(&main.handle().render(), &natives));
    let family = |name: &str| families.iter().find(|f| f.name.as_deref() == Some(name));
    assert!(
        family("other_total").is_some(),
        "other families pass through"
    );
    let merged = family(NATIVE_HISTOGRAMS[0]).expect("fill family");
    let h = merged.metric[0].histogram.clone().unwrap();
    assert_eq!(h.sample_count, Some(4));
    assert_eq!(h.schema, Some(3));
    let le_half = h
        .bucket
        .iter()
        .find(|b| b.upper_bound == Some(0.5))
        .unwrap();
    assert_eq!(le_half.cumulative_count, Some(3));
    assert!(
        h.bucket
            .iter()
            .all(|b| b.upper_bound.is_some_and(f64::is_finite))
    );
    assert!(!h.positive_span.is_empty());
    // Text keeps the classic histogram.
    assert!(main.handle().render().contains(
        "velocitytrader_order_fill_duration_seconds_bucket{symbol=\"EURUSD+\",le=\"0.5\"} 3"
    ));
}

#[test]
fn decoded_protobuf_says_what_the_text_says() {
    let (endpoint, _telemetry) = busy_endpoint();
    endpoint.publish();
    let text = String::from_utf8(endpoint.render_format(ExpositionFormat::PrometheusText)).unwrap();
    let families = decode(&endpoint.render_format(ExpositionFormat::Protobuf));
    assert_eq!(text_lines(&text), protobuf_lines(&families));
    // The hostile value survives as the text spells it, and the engine's
    // histogram without buckets arrives as a summary.
    let wait = families
        .iter()
        .find(|f| f.name.as_deref() == Some("engine_wait_seconds"))
        .unwrap();
    assert_eq!(wait.r#type, Some(MetricType::Summary as i32));
    let note = wait.metric[0]
        .label
        .iter()
        .find(|l| l.name.as_deref() == Some("note"));
    assert_eq!(note.unwrap().value.as_deref(), Some(HOSTILE));
    assert!(text.contains("note=\"say \\\"hi\\\" C:\\\\dir\\\\ two\\nlines € 東京 🚀\""));
}

#[test]
fn latency_histograms_carry_native_buckets_beside_the_classic_ones() {
    let (endpoint, _telemetry) = busy_endpoint();
    let families = decode(&endpoint.render_format(ExpositionFormat::Protobuf));
    let fills: Vec<&Metric> = families
        .iter()
        .filter(|f| f.name.as_deref() == Some(catalogue::ORDER_FILL_DURATION_SECONDS.name))
        .flat_map(|f| &f.metric)
        .collect();
    let [ours, own] = fills.as_slice() else {
        panic!("two fill series: {fills:?}");
    };
    let (fill, own) = if ours.label.len() == 1 {
        (ours, own)
    } else {
        (own, ours)
    };
    let fill = fill.histogram.as_ref().unwrap();
    assert_eq!(fill.sample_count, Some(8));
    assert_eq!(fill.schema, Some(3));
    assert_eq!(fill.zero_count, Some(0));
    // 2^e closes bucket 8e at schema 3.
    let starts: Vec<i32> = fill
        .positive_span
        .iter()
        .scan(0, |next, s| {
            let start = *next + s.offset.unwrap();
            *next = start + i32::try_from(s.length.unwrap()).unwrap();
            Some(start)
        })
        .collect();
    assert_eq!(starts, [-72, -48, -40, -32, -24, -8, 0, 16]);
    assert!(fill.positive_span.iter().all(|s| s.length == Some(1)));
    assert_eq!(fill.positive_delta, [1, 0, 0, 0, 0, 0, 0, 0]);
    // The engine's series, hostile label and all, has its native buckets:
    // 0.25, 0.5 and 1 close buckets -16, -8 and 0: 7 empty buckets apart.
    let own = own.histogram.as_ref().unwrap();
    assert_eq!(own.sample_count, Some(3));
    let spans: Vec<_> = own
        .positive_span
        .iter()
        .map(|s| (s.offset, s.length))
        .collect();
    assert_eq!(
        spans,
        [(Some(-16), Some(1)), (Some(7), Some(1)), (Some(7), Some(1))]
    );
    let half = fill
        .bucket
        .iter()
        .find(|b| b.upper_bound == Some(0.5))
        .unwrap();
    assert_eq!(half.cumulative_count, Some(6));
    assert!(
        fill.bucket
            .iter()
            .all(|b| b.upper_bound.is_some_and(f64::is_finite))
    );
    // Zero-duration risk decisions: the zero bucket.
    let risk = histogram(&families, catalogue::RISK_DECISION_DURATION_SECONDS.name);
    let [risk] = risk.as_slice() else {
        panic!("one risk series: {risk:?}");
    };
    assert_eq!((risk.zero_count, risk.sample_count), (Some(8), Some(8)));
    assert!(risk.positive_span.is_empty());
    // Text keeps the classic histogram only.
    let text = String::from_utf8(endpoint.render_format(ExpositionFormat::PrometheusText)).unwrap();
    assert!(text.contains(
        "velocitytrader_order_fill_duration_seconds_bucket{desk=\"fx \\\"desk\\\" \\\\ € 東京\",le=\"0.5\"} 6"
    ));
}

#[test]
fn samples_recorded_between_text_and_natives_never_break_a_bucket() {
    let (endpoint, telemetry) = busy_endpoint();
    let symbol = Symbol::new("EURUSD+").unwrap();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for _ in 0..20_000 {
                let fill = Fill {
                    latency: Duration::from_millis(30),
                    slippage: 0.0,
                    spread: 0.0,
                    partial: false,
                };
                telemetry.record_order_filled(symbol, &fill).unwrap();
            }
        });
        for _ in 0..50 {
            let families = decode(&endpoint.render_format(ExpositionFormat::Protobuf));
            for h in histogram(&families, catalogue::ORDER_FILL_DURATION_SECONDS.name) {
                let count = h.sample_count.unwrap();
                let native: i64 = h
                    .positive_delta
                    .iter()
                    .scan(0, |c, d| {
                        *c += d;
                        Some(*c)
                    })
                    .sum();
                assert_eq!(
                    u64::try_from(native).unwrap() + h.zero_count.unwrap(),
                    count
                );
                assert!(
                    h.bucket
                        .iter()
                        .all(|b| b.cumulative_count.unwrap() <= count)
                );
            }
        }
    });
}

//! OpenMetrics 1.0 text from the Prometheus text the recorder renders.
//!
//! The two formats share sample lines; what differs is metadata: a counter
//! family is named without `_total` (its samples keep it), `# HELP` escapes
//! `"` too, `# UNIT` states a unit the name ends with, blank lines are not
//! allowed, and the exposition ends with `# EOF`. A counter whose name lacks
//! `_total` (an engine's own `metrics::counter!("orders")`) is declared
//! `unknown`: as a counter, OpenMetrics would rename its samples `orders_total`,
//! and Prometheus would store it under another name than a text scrape gives.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::catalogue::{self, MetricKind, Unit};

/// OpenMetrics units of catalogue families, keyed by OpenMetrics family
/// name; only units that the name ends with (as the format requires).
static UNITS: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    catalogue::METRICS
        .iter()
        .filter_map(|def| {
            let unit = match def.unit {
                Unit::Seconds => "seconds",
                Unit::Bytes => "bytes",
                _ => return None,
            };
            let family = match def.kind {
                MetricKind::Counter => def.name.strip_suffix("_total").unwrap_or(def.name),
                MetricKind::Gauge | MetricKind::Histogram => def.name,
            };
            family
                .ends_with(&format!("_{unit}"))
                .then(|| (family.to_owned(), unit))
        })
        .collect()
});

/// Rewrites Prometheus text 0.0.4 (as `metrics-exporter-prometheus` renders
/// it: `# HELP` before `# TYPE`, families contiguous) as OpenMetrics 1.0.
pub(crate) fn from_prometheus_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut pending_help: Option<(&str, &str)> = None;
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            pending_help = Some(rest.split_once(' ').unwrap_or((rest, "")));
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or((rest, "unknown"));
            let (family, kind) = match (kind, name.strip_suffix("_total")) {
                ("counter", Some(stem)) => (stem, "counter"),
                ("counter", None) | ("untyped", _) => (name, "unknown"),
                _ => (name, kind),
            };
            if let Some((help_name, help)) = pending_help.take() {
                if help_name == name {
                    push_help(&mut out, family, help);
                }
            }
            out.push_str("# TYPE ");
            out.push_str(family);
            out.push(' ');
            out.push_str(kind);
            out.push('\n');
            if let Some(unit) = UNITS.get(family) {
                out.push_str("# UNIT ");
                out.push_str(family);
                out.push(' ');
                out.push_str(unit);
                out.push('\n');
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("# EOF\n");
    out
}

/// `# HELP family help`, with `"` escaped as OpenMetrics requires (the text
/// format already escaped `\` and newlines).
fn push_help(out: &mut String, family: &str, help: &str) {
    out.push_str("# HELP ");
    out.push_str(family);
    out.push(' ');
    for c in help.chars() {
        if c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_lose_total_in_metadata_only() {
        let text = "# HELP velocitytrader_trades_total Closed \"trades\".\n# TYPE velocitytrader_trades_total counter\nvelocitytrader_trades_total 3\n\n# TYPE orders counter\norders 2\n\n";
        assert_eq!(
            from_prometheus_text(text),
            "# HELP velocitytrader_trades Closed \\\"trades\\\".\n# TYPE velocitytrader_trades counter\nvelocitytrader_trades_total 3\n# TYPE orders unknown\norders 2\n# EOF\n"
        );
    }

    #[test]
    fn units_where_the_name_ends_with_them() {
        let text = "# HELP velocitytrader_order_fill_duration_seconds Fill.\n# TYPE velocitytrader_order_fill_duration_seconds histogram\nvelocitytrader_order_fill_duration_seconds_bucket{le=\"+Inf\"} 0\nvelocitytrader_order_fill_duration_seconds_sum 0\nvelocitytrader_order_fill_duration_seconds_count 0\n\n# TYPE velocitytrader_win_rate gauge\nvelocitytrader_win_rate NaN\n";
        let om = from_prometheus_text(text);
        assert!(om.contains("# TYPE velocitytrader_order_fill_duration_seconds histogram\n# UNIT velocitytrader_order_fill_duration_seconds seconds\n"));
        assert!(!om.contains("# UNIT velocitytrader_win_rate"));
        assert!(!om.contains("\n\n"));
        assert!(om.ends_with("velocitytrader_win_rate NaN\n# EOF\n"));
    }

    #[test]
    fn every_catalogue_unit_is_a_suffix_of_its_family() {
        for (family, unit) in UNITS.iter() {
            assert!(family.ends_with(unit), "{family} {unit}");
        }
        assert!(UNITS.contains_key("velocitytrader_risk_decision_duration_seconds"));
    }
}

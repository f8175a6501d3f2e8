//! The README's metric table matches the catalogue exactly.

use std::collections::BTreeMap;

use velocity_metrics::catalogue::{METRICS, MetricKind};

fn readme_rows() -> BTreeMap<String, Vec<String>> {
    let readme = include_str!("../README.md");
    readme
        .lines()
        .filter(|line| line.starts_with("| `velocitytrader_"))
        .map(|line| {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect();
            let name = cells[0].split('`').nth(1).unwrap().to_owned();
            (name, cells)
        })
        .collect()
}

#[test]
fn every_catalogue_series_is_documented_with_its_type_unit_and_labels() {
    let rows = readme_rows();
    for def in METRICS {
        let row = rows
            .get(def.name)
            .unwrap_or_else(|| panic!("{} missing from README", def.name));
        let kind = match def.kind {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
        };
        assert_eq!(row[1], kind, "{}", def.name);
        assert_eq!(row[2], def.unit.describe(), "{}", def.name);
        let labels = if def.labels.is_empty() {
            "–".to_owned()
        } else {
            def.labels.join(", ")
        };
        assert_eq!(row[3], labels, "{}", def.name);
        assert_eq!(
            row[0].contains("(new)"),
            !def.legacy,
            "{}: (new) marks non-legacy series",
            def.name
        );
    }
    assert_eq!(
        rows.len(),
        METRICS.len(),
        "README documents series that do not exist"
    );
}

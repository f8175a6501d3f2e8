//! The capacity figures the README states (section "Exposing the endpoint",
//! the **Capacity** table), for tests that measure them.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::collections::BTreeMap;

/// Row label (lower case) → number, from the README's capacity table.
/// `MB` figures are in bytes.
pub fn readme_capacity() -> BTreeMap<String, f64> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme
        .split_once("**Capacity**")
        .expect("README has a **Capacity** paragraph")
        .1;
    let mut figures = BTreeMap::new();
    for line in table.lines().skip_while(|l| !l.starts_with('|')) {
        let Some(row) = line.strip_prefix('|') else {
            break;
        };
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        if cells.len() < 2 {
            continue;
        }
        let figure = cells[1].replace(',', "");
        let number: String = figure
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let Ok(value) = number.parse::<f64>() else {
            continue;
        };
        let scale = if figure[number.len()..].trim_start().starts_with("MB") {
            1e6
        } else {
            1.0
        };
        figures.insert(cells[0].to_lowercase(), value * scale);
    }
    figures
}

/// The README's figure for `row`, panicking with the rows there are.
pub fn figure(figures: &BTreeMap<String, f64>, row: &str) -> f64 {
    *figures
        .get(row)
        .unwrap_or_else(|| panic!("README capacity table has no row {row:?}: {figures:?}"))
}

/// `measured` is within `tolerance` (a fraction) of the README's `stated`.
pub fn assert_close(what: &str, measured: f64, stated: f64, tolerance: f64) {
    assert!(
        (measured - stated).abs() <= stated * tolerance,
        "{what}: measured {measured}, README says {stated} (more than {:.0} % off: update the README)",
        tolerance * 100.0
    );
}

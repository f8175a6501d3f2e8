//! Reading back a history: an instant query's single value at a time, and a
//! sample of the exported OpenMetrics file. Shared by the tests that load a
//! history into Prometheus and into VictoriaMetrics.
#![allow(dead_code, reason = "each test binary uses a different part")]

use super::net::{get, url_encode};

/// The single value an instant query of `promql` answers at `time` (the
/// Prometheus API, which VictoriaMetrics serves too).
pub fn query_at(port: u16, promql: &str, time: f64) -> f64 {
    let path = format!("/api/v1/query?query={}&time={time}", url_encode(promql));
    let (status, body) = get(port, &path).unwrap();
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let result = &json["data"]["result"];
    assert_eq!(
        result.as_array().map(Vec::len),
        Some(1),
        "{promql} at {time}: {body}"
    );
    result[0]["value"][1].as_str().unwrap().parse().unwrap()
}

/// The sample of `series` at `time` in the exported file.
pub fn exported(text: &str, series: &str, time: f64) -> f64 {
    let suffix = format!(" {time}");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{series} ")) && l.ends_with(&suffix))
        .unwrap_or_else(|| panic!("no {series} sample at {time}"));
    line.split(' ').nth(1).unwrap().parse().unwrap()
}

//! Every counter whose label values form a closed set exists at 0 for every
//! value — from an engine telemetry's start, or from the first event of its
//! open labels — so `increase()` sees the first event of each value (a
//! counter born at 1 is invisible to it: the breaker alert's trip reasons
//! arrived empty).
//!
//! The closed sets come from `catalogue::closed_label_values`, which reads
//! the model's enums; the test walks the catalogue, so a new counter over a
//! closed set is checked without being named here.

#![cfg(feature = "exporter")]

#[path = "common/exposition.rs"]
mod exposition;
#[path = "common/net.rs"]
mod net;
#[path = "common/telemetry.rs"]
mod telemetry;

use telemetry::scrape;
use velocity_metrics::catalogue::{METRICS, MetricDef, MetricKind, closed_label_values};
use velocity_metrics::{Agent, Regime, Symbol, Telemetry, Timeframe, Trade};

/// A counter family with at least one closed label.
struct ClosedFamily {
    def: &'static MetricDef,
    closed: Vec<(&'static str, &'static [&'static str])>,
    open: Vec<&'static str>,
}

fn closed_families() -> Vec<ClosedFamily> {
    METRICS
        .iter()
        .filter(|d| d.kind == MetricKind::Counter)
        .filter_map(|def| {
            let mut closed = Vec::new();
            let mut open = Vec::new();
            for label in def.labels {
                match closed_label_values(def, label) {
                    Some(values) => closed.push((*label, values)),
                    None => open.push(*label),
                }
            }
            (!closed.is_empty()).then_some(ClosedFamily { def, closed, open })
        })
        .collect()
}

/// Every combination of the closed labels' values.
fn combinations(
    closed: &[(&'static str, &'static [&'static str])],
) -> Vec<Vec<(&'static str, &'static str)>> {
    closed
        .iter()
        .fold(vec![Vec::new()], |acc, (label, values)| {
            acc.iter()
                .flat_map(|prefix| {
                    values.iter().map(move |value| {
                        let mut next = prefix.clone();
                        next.push((*label, *value));
                        next
                    })
                })
                .collect()
        })
}

/// Asserts every closed combination of `family` exists at 0 beside each
/// combination of open-label values the scrape shows; returns how many open
/// combinations there were.
fn assert_complete(s: &exposition::Exposition, family: &ClosedFamily) -> usize {
    let mut open_sets: Vec<Vec<(String, String)>> = s
        .find(family.def.name, &[])
        .iter()
        .map(|sample| {
            family
                .open
                .iter()
                .map(|l| {
                    (
                        (*l).to_owned(),
                        sample.labels.get(*l).cloned().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .collect();
    open_sets.sort();
    open_sets.dedup();
    for open in &open_sets {
        for combination in combinations(&family.closed) {
            let mut filter: Vec<(&str, &str)> =
                open.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            filter.extend(combination.iter().copied());
            assert_eq!(
                s.value(family.def.name, &filter),
                Some(0.0),
                "{}{filter:?} is not at 0",
                family.def.name
            );
        }
    }
    open_sets.len()
}

#[test]
fn closed_sets_are_known_for_the_counters_that_need_them() {
    let names: Vec<&str> = closed_families().iter().map(|f| f.def.name).collect();
    for expected in [
        "velocitytrader_circuit_breaker_trips_total",
        "velocitytrader_risk_decision_total",
        "velocitytrader_errors_total",
        "velocitytrader_rejected_events_total",
        "velocitytrader_label_overflow_total",
        "velocitytrader_publish_failures_total",
        "velocitytrader_push_failures_total",
        "velocitytrader_regime_trades_total",
        "velocitytrader_timeframe_trades_losing_total",
        "velocitytrader_orders_rejected_total",
        "velocitytrader_agent_regime_trades_winning_total",
        "velocitytrader_endpoint_connections_dropped_total",
        "velocitytrader_endpoint_requests_rejected_total",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} not walked: {names:?}"
        );
    }
}

/// Closed-set counters that a telemetry does not own: batch mode's push
/// failures and the built-in listener's own accounting (each checked below,
/// from the start of what counts them).
const COUNTED_OUTSIDE_THE_TELEMETRY: [&str; 3] = [
    "velocitytrader_push_failures_total",
    "velocitytrader_endpoint_connections_dropped_total",
    "velocitytrader_endpoint_requests_rejected_total",
];

#[test]
fn an_engine_has_every_closed_only_counter_at_0_from_its_start() {
    let (t, h) = Telemetry::builder().build_prometheus();
    let s = scrape(&t, &h);
    for family in closed_families().iter().filter(|f| f.open.is_empty()) {
        if COUNTED_OUTSIDE_THE_TELEMETRY.contains(&family.def.name) {
            continue;
        }
        assert_eq!(assert_complete(&s, family), 1, "{}", family.def.name);
    }
}

#[test]
fn the_endpoint_serves_every_reason_of_its_own_counters_at_0_from_its_start() {
    use velocity_metrics::exporter::ExporterBuilder;
    let exporter = ExporterBuilder::new()
        .listen_address(([127, 0, 0, 1], 0).into())
        .build()
        .unwrap();
    let port = exporter.listen_address().unwrap().port();
    // The first scrape, as a scraper sees it.
    let (status, body) = net::get(port, "/metrics").unwrap();
    assert_eq!(status, 200, "{body}");
    let s = exposition::parse(&body).unwrap();
    let mut walked = 0;
    for family in closed_families()
        .iter()
        .filter(|f| f.def.name.starts_with("velocitytrader_endpoint_"))
    {
        assert_eq!(assert_complete(&s, family), 1, "{}", family.def.name);
        walked += 1;
    }
    assert_eq!(walked, 2, "dropped connections and rejected requests");
}

#[test]
fn counters_with_an_open_label_are_complete_from_its_first_event() {
    let (t, h) = Telemetry::builder().build_prometheus();
    let eurusd = Symbol::new("EURUSD+").unwrap();
    // The first event of each open label value, none of which counts in the
    // closed-set counters yet: a trade without a regime, an order
    // submitted, a first regime reading.
    t.record_trade(&Trade::closed(Agent::SNIPER, eurusd, Timeframe::M5, 0.0))
        .unwrap();
    t.record_order_submitted(eurusd);
    t.record_regime(eurusd, Timeframe::M5, Regime::Chaotic);
    let s = scrape(&t, &h);
    for family in closed_families().iter().filter(|f| !f.open.is_empty()) {
        assert!(
            assert_complete(&s, family) > 0,
            "{} has no series after the first event of {:?}",
            family.def.name,
            family.open
        );
    }
    // The regime reading's own counter: born at 0, before any change.
    assert_eq!(
        s.value(
            "velocitytrader_regime_changes_total",
            &[("symbol", "EURUSD+"), ("timeframe", "M5")]
        ),
        Some(0.0)
    );
}

#[test]
fn the_first_breaker_trip_of_a_reason_is_an_increase_from_0() {
    let (t, h) = Telemetry::builder().build_prometheus();
    let labels = [("reason", "volatility")];
    let name = "velocitytrader_circuit_breaker_trips_total";
    assert_eq!(scrape(&t, &h).value(name, &labels), Some(0.0));
    t.trip_circuit_breaker(velocity_metrics::BreakerReason::Volatility);
    assert_eq!(scrape(&t, &h).value(name, &labels), Some(1.0));
}

#[cfg(feature = "push")]
#[test]
fn a_batch_run_has_every_push_failure_reason_at_0_before_its_first_push() {
    use velocity_metrics::exporter::{ExporterBuilder, PushTarget};
    let target = PushTarget::new("http://127.0.0.1:9")
        .unwrap()
        .timeout(std::time::Duration::from_millis(100));
    let run = ExporterBuilder::new().build_push(target).unwrap();
    let s = exposition::parse(&run.exporter().render()).unwrap();
    let family = closed_families()
        .into_iter()
        .find(|f| f.def.name == "velocitytrader_push_failures_total")
        .unwrap();
    assert_eq!(assert_complete(&s, &family), 1);
}

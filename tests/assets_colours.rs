//! A colour means the same on every dashboard: each regime and each risk
//! decision has one colour wherever series are split by it; the damping
//! ratio ζ is coloured by its physical meaning; quantities several
//! dashboards colour by value (P&L, win rate, profit factor, drawdown, use
//! of a limit) use the same thresholds everywhere; the breaker and the halt
//! are green when all is well and red when not.

#[path = "support/asset_files.rs"]
mod asset_files;
#[path = "support/promql_schema.rs"]
mod promql_schema;

use serde_json::Value as Json;

use asset_files::*;
use promql_schema::*;

const REGIMES: [(&str, &str); 4] = [
    ("CHAOTIC", "red"),
    ("UNDERDAMPED", "orange"),
    ("CRITICALLY_DAMPED", "green"),
    ("OVERDAMPED", "blue"),
];
const DECISIONS: [(&str, &str); 4] = [
    ("approve", "green"),
    ("reduce_size", "yellow"),
    ("reject", "orange"),
    ("halt", "red"),
];

type Steps = &'static [(&'static str, Option<f64>)];

/// Series coloured by value, and the threshold steps that colour them.
const FAMILIES: &[(&str, &[&str], Steps)] = &[
    (
        "P&L",
        &[
            "velocitytrader_pnl_total",
            "velocitytrader_agent_pnl_total",
            "velocitytrader_symbol_pnl",
            "velocitytrader_regime_pnl",
            "velocitytrader_timeframe_pnl",
            "velocitytrader_avg_trade_pnl",
            "velocitytrader_daily_pnl",
        ],
        &[("red", None), ("green", Some(0.0))],
    ),
    (
        "win rate",
        &[
            "velocitytrader_win_rate",
            "velocitytrader_agent_win_rate",
            "velocitytrader_symbol_win_rate",
            "velocitytrader_regime_win_rate",
            "velocitytrader_timeframe_win_rate",
            "velocitytrader:win_rate_1h:percent",
            "velocitytrader:win_rate_24h:percent",
            "velocitytrader:agent_win_rate_1h:percent",
            "velocitytrader:agent_win_rate_24h:percent",
        ],
        &[("red", None), ("orange", Some(40.0)), ("green", Some(55.0))],
    ),
    (
        "profit factor",
        &[
            "velocitytrader_profit_factor",
            "velocitytrader:agent_profit_factor:ratio",
            "velocitytrader:symbol_profit_factor:ratio",
            "velocitytrader:regime_profit_factor:ratio",
            "velocitytrader:timeframe_profit_factor:ratio",
        ],
        &[("red", None), ("orange", Some(1.0)), ("green", Some(1.5))],
    ),
    (
        "drawdown (the alerts' 15 % and 25 %)",
        &[
            "velocitytrader_current_drawdown",
            "velocitytrader_max_drawdown",
        ],
        &[("green", None), ("orange", Some(15.0)), ("red", Some(25.0))],
    ),
    (
        "damping ratio ζ (< 1 underdamped, ≈ 1 critical, > 1 overdamped)",
        &["velocitytrader_physics_damping_ratio"],
        &[
            ("orange", None),
            ("green", Some(0.95)),
            ("blue", Some(1.05)),
        ],
    ),
    (
        "use of a limit (the daily-loss alerts' 80 % and 100 %)",
        &[
            "velocitytrader_daily_loss_limit_used",
            "velocitytrader_risk_budget_utilization",
        ],
        &[
            ("green", None),
            ("orange", Some(80.0)),
            ("red", Some(100.0)),
        ],
    ),
];

/// States that are green when 0 (all well) and red when 1.
const ALARM_STATES: [&str; 2] = [
    "velocitytrader_circuit_breaker_active",
    "velocitytrader_trading_halted",
];

fn steps_of(thresholds: &Json) -> Vec<(String, Option<f64>)> {
    thresholds["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["color"].as_str().unwrap_or("").to_owned(),
                s["value"].as_f64(),
            )
        })
        .collect()
}

fn family_of(series: &str) -> Option<&'static (&'static str, &'static [&'static str], Steps)> {
    FAMILIES
        .iter()
        .find(|(_, names, _)| names.contains(&series))
}

/// The series a target shows as it is (selector, sum, min, max, avg).
fn shown(target: &Json) -> Option<String> {
    let expr = parse(&substitute(target["expr"].as_str()?)).ok()?;
    passthrough(&expr).map(str::to_owned)
}

/// The colour a panel's overrides fix for the series named `name`.
fn fixed_colour(panel: &Json, name: &str) -> Option<String> {
    let overrides = panel["fieldConfig"]["overrides"].as_array()?;
    overrides.iter().rev().find_map(|o| {
        let options = o["matcher"]["options"].as_str()?;
        let hit = match o["matcher"]["id"].as_str()? {
            "byName" => options == name,
            "byRegexp" => options == name || options.contains(&format!("{name}$")),
            _ => false,
        };
        hit.then(|| {
            o["properties"].as_array()?.iter().find_map(|p| {
                (p["id"] == "color")
                    .then(|| p["value"]["fixedColor"].as_str().map(str::to_owned))?
            })
        })?
    })
}

fn mapped_colour(mappings: &Json, value: &str) -> Option<String> {
    mappings
        .as_array()?
        .iter()
        .find_map(|m| m["options"][value]["color"].as_str().map(str::to_owned))
}

#[test]
fn regimes_and_decisions_have_one_colour_each_everywhere() {
    let mut errors = Vec::new();
    let mut split = 0;
    for (path, dash) in dashboards() {
        for panel in all_panels(&dash) {
            let title = panel["title"].as_str().unwrap_or_default();
            let targets = panel["targets"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mappings = &panel["fieldConfig"]["defaults"]["mappings"];
            if targets.iter().any(|t| {
                t["expr"]
                    .as_str()
                    .is_some_and(|e| e.contains("velocitytrader_regime_current"))
            }) {
                for (i, (name, colour)) in REGIMES.iter().enumerate() {
                    let code = (i + 1).to_string();
                    if mapped_colour(mappings, &code).as_deref() != Some(colour) {
                        errors.push(format!(
                            "{path} `{title}`: regime {code} ({name}) is not {colour}"
                        ));
                    }
                }
            }
            // Series split by regime or decision, coloured by series (not by
            // value): each gets its own fixed colour.
            if panel["fieldConfig"]["defaults"]["color"]["mode"] == "thresholds" {
                continue;
            }
            for (label, colours) in [("{{regime}}", &REGIMES), ("{{decision}}", &DECISIONS)] {
                if !targets
                    .iter()
                    .any(|t| t["legendFormat"].as_str() == Some(label))
                {
                    continue;
                }
                split += 1;
                for (name, colour) in colours.iter() {
                    if fixed_colour(panel, name).as_deref() != Some(colour) {
                        errors.push(format!("{path} `{title}`: {name} is not fixed to {colour}"));
                    }
                }
            }
        }
    }
    assert!(
        split >= 4,
        "only {split} panels split by regime or decision"
    );
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn quantities_coloured_by_value_use_the_same_thresholds_everywhere() {
    let mut errors = Vec::new();
    let mut checked = 0;
    for (path, dash) in dashboards() {
        for panel in all_panels(&dash) {
            let title = panel["title"].as_str().unwrap_or_default();
            let targets = panel["targets"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut check = |what: &str, series: &str, thresholds: &Json| {
                let Some((family, _, want)) = family_of(series) else {
                    return;
                };
                checked += 1;
                let want: Vec<(String, Option<f64>)> =
                    want.iter().map(|(c, v)| ((*c).to_owned(), *v)).collect();
                if steps_of(thresholds) != want {
                    errors.push(format!(
                        "{path} `{title}` {what}: {series} ({family}) coloured {:?}, not {want:?}",
                        steps_of(thresholds)
                    ));
                }
            };
            // The whole panel coloured by value.
            let defaults = &panel["fieldConfig"]["defaults"];
            if defaults["color"]["mode"] == "thresholds" && panel["type"] != "table" {
                for target in targets {
                    if let Some(series) = shown(target) {
                        check("", &series, &defaults["thresholds"]);
                    }
                }
            }
            // A table column coloured by value.
            for o in panel["fieldConfig"]["overrides"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let Some(thresholds) = o["properties"]
                    .as_array()
                    .and_then(|p| p.iter().find(|p| p["id"] == "thresholds"))
                else {
                    continue;
                };
                let options = o["matcher"]["options"].as_str().unwrap_or_default();
                let ref_id = options.strip_prefix("Value #").unwrap_or(options);
                let Some(target) = targets.iter().find(|t| t["refId"] == ref_id) else {
                    continue;
                };
                if let Some(series) = shown(target) {
                    check(&format!("column {ref_id}"), &series, &thresholds["value"]);
                }
            }
        }
    }
    assert!(checked >= 30, "only {checked} value-coloured series found");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_breaker_and_the_halt_are_green_when_clear_and_red_when_set() {
    let mut found = 0;
    for (path, dash) in dashboards() {
        for panel in all_panels(&dash) {
            let shows_alarm = panel["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(shown)
                .any(|s| ALARM_STATES.contains(&s.as_str()));
            if !shows_alarm {
                continue;
            }
            found += 1;
            let mappings = &panel["fieldConfig"]["defaults"]["mappings"];
            let title = panel["title"].as_str().unwrap_or_default();
            assert_eq!(
                mapped_colour(mappings, "0").as_deref(),
                Some("green"),
                "{path} `{title}`"
            );
            assert_eq!(
                mapped_colour(mappings, "1").as_deref(),
                Some("red"),
                "{path} `{title}`"
            );
        }
    }
    assert!(found >= 2, "only {found} breaker or halt panels");
}

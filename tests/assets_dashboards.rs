//! The dashboards are structurally sound: UIDs, variables, datasources,
//! panel ids and grid positions, units, thresholds.

#[path = "support/asset_files.rs"]
mod asset_files;
#[path = "support/promql_schema.rs"]
mod promql_schema;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use asset_files::*;

#[test]
fn dashboards_are_structurally_sound() {
    let mut errors = Vec::new();
    let ds = serde_json::json!({"type": "prometheus", "uid": "${datasource}"});
    let mut titles = BTreeSet::new();
    for ((path, dash), uid) in dashboards().iter().zip(UIDS) {
        let err = |errors: &mut Vec<String>, m: String| errors.push(format!("{path}: {m}"));
        if dash["uid"] != uid {
            err(&mut errors, format!("uid {} instead of {uid}", dash["uid"]));
        }
        if dash["editable"] != false {
            err(
                &mut errors,
                "editable (provisioned dashboards are read-only)".into(),
            );
        }
        if dash["schemaVersion"].as_u64().unwrap_or(0) < 38 {
            err(&mut errors, "schemaVersion below 38".into());
        }
        if !titles.insert(dash["title"].as_str().unwrap_or_default().to_owned()) {
            err(&mut errors, "duplicate title".into());
        }
        let text = serde_json::to_string(dash).unwrap();
        for banned in [
            "fillValue",
            "nullValueMode",
            "vector(0)",
            "\"Prometheus\"",
            "currencyUSD",
        ] {
            if text.contains(banned) {
                err(&mut errors, format!("contains `{banned}`"));
            }
        }
        // ids unique, grid within 24 columns, no overlap
        let panels = all_panels(dash);
        let mut ids = BTreeSet::new();
        let mut rects = Vec::new();
        for p in &panels {
            let title = p["title"].as_str().unwrap_or_default();
            let id = p["id"]
                .as_u64()
                .unwrap_or_else(|| panic!("{path}: panel `{title}` without id"));
            if !ids.insert(id) {
                err(&mut errors, format!("duplicate panel id {id}"));
            }
            let g = &p["gridPos"];
            let (x, y, w, h) = (
                g["x"].as_u64().unwrap(),
                g["y"].as_u64().unwrap(),
                g["w"].as_u64().unwrap(),
                g["h"].as_u64().unwrap(),
            );
            if w == 0 || h == 0 || x + w > 24 {
                err(&mut errors, format!("panel `{title}` has gridPos {g}"));
            }
            for (other, (ox, oy, ow, oh)) in &rects {
                if x < ox + ow && *ox < x + w && y < oy + oh && *oy < y + h {
                    err(
                        &mut errors,
                        format!("panels `{title}` and `{other}` overlap"),
                    );
                }
            }
            rects.push((title.to_owned(), (x, y, w, h)));
            if p["type"] == "row" {
                continue;
            }
            if p["datasource"] != ds {
                err(
                    &mut errors,
                    format!("panel `{title}` datasource is {}", p["datasource"]),
                );
            }
            let targets = p["targets"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            if targets.is_empty() {
                err(&mut errors, format!("panel `{title}` has no query"));
            }
            let mut refs = BTreeSet::new();
            for t in targets {
                if t["datasource"] != ds {
                    err(
                        &mut errors,
                        format!("panel `{title}` target datasource is {}", t["datasource"]),
                    );
                }
                if !refs.insert(t["refId"].as_str().unwrap_or_default()) {
                    err(&mut errors, format!("panel `{title}` repeats a refId"));
                }
            }
            if p["description"].as_str().is_none_or(str::is_empty) {
                err(&mut errors, format!("panel `{title}` has no description"));
            }
            // Single-value panels show the last real value, and "No data" when there is none.
            if matches!(
                p["type"].as_str(),
                Some("stat" | "gauge" | "bargauge" | "piechart")
            ) {
                if p["options"]["reduceOptions"]["calcs"] != serde_json::json!(["lastNotNull"]) {
                    err(
                        &mut errors,
                        format!("panel `{title}` does not reduce with lastNotNull"),
                    );
                }
                let no_value = &p["fieldConfig"]["defaults"]["noValue"];
                if !(no_value.is_null() || no_value == "No data") {
                    err(
                        &mut errors,
                        format!("panel `{title}` shows {no_value} for no data"),
                    );
                }
            }
            let exprs: Vec<&str> = targets.iter().filter_map(|t| t["expr"].as_str()).collect();
            if exprs
                .iter()
                .any(|e| e.contains("velocitytrader_regime_current"))
            {
                let maps = p["fieldConfig"]["defaults"]["mappings"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                for (code, name) in [
                    ("1", "CHAOTIC"),
                    ("2", "UNDERDAMPED"),
                    ("3", "CRITICALLY_DAMPED"),
                    ("4", "OVERDAMPED"),
                ] {
                    if !maps.iter().any(|m| m["options"][code]["text"] == name) {
                        err(
                            &mut errors,
                            format!("panel `{title}` does not map {code} to {name}"),
                        );
                    }
                }
            }
            // ζ colours follow physics and the regime colours.
            if exprs
                .iter()
                .any(|e| e.contains("velocitytrader_physics_damping_ratio"))
            {
                let steps = &p["fieldConfig"]["defaults"]["thresholds"]["steps"];
                let (under, critical, over) = (
                    color_at(steps, 0.5),
                    color_at(steps, 1.0),
                    color_at(steps, 1.5),
                );
                if (under.as_str(), critical.as_str(), over.as_str()) != ("orange", "green", "blue")
                {
                    err(
                        &mut errors,
                        format!("panel `{title}` colours ζ 0.5/1/1.5 as {under}/{critical}/{over}"),
                    );
                }
            }
            // No agent names hard-coded: agents come from the label.
            for e in &exprs {
                if e.contains("agent=\"") || e.contains("agent!=\"") {
                    err(
                        &mut errors,
                        format!("panel `{title}` hard-codes an agent: {e}"),
                    );
                }
            }
        }
        // Template variables.
        let vars = dash["templating"]["list"].as_array().expect("templating");
        let by_name: BTreeMap<&str, &Json> = vars
            .iter()
            .map(|v| (v["name"].as_str().unwrap(), v))
            .collect();
        let dsv = by_name.get("datasource").expect("datasource variable");
        if dsv["type"] != "datasource"
            || dsv["query"] != "prometheus"
            || dsv["current"]["value"] != DATASOURCE_UID
        {
            err(&mut errors, format!("datasource variable is {dsv}"));
        }
        let mut used = BTreeSet::new();
        for t in targets(dash) {
            used.extend(variables_used(t.expr));
        }
        let names: Vec<&str> = vars.iter().filter_map(|v| v["name"].as_str()).collect();
        let expected = [
            "datasource",
            "job",
            "instance",
            "engine",
            "account",
            "mode",
            "agent",
            "symbol",
            "timeframe",
        ];
        if names != expected {
            err(
                &mut errors,
                format!("variables {names:?}, expected {expected:?}"),
            );
        }
        for name in &expected[1..] {
            let Some(v) = by_name.get(name) else {
                err(&mut errors, format!("no `{name}` variable"));
                continue;
            };
            if v["type"] != "query"
                || v["multi"] != true
                || v["includeAll"] != true
                || v["datasource"] != ds
            {
                err(
                    &mut errors,
                    format!(
                        "variable `{name}` must be a multi-value query with All on ${{datasource}}"
                    ),
                );
            }
            // Target labels always exist: All is `.+`. Fleet and breakdown
            // labels may be absent (single-engine setups): All is `.*`.
            let all = if matches!(*name, "job" | "instance") {
                ".+"
            } else {
                ".*"
            };
            if v["allValue"] != all {
                err(
                    &mut errors,
                    format!(
                        "variable `{name}` allValue {} instead of {all}",
                        v["allValue"]
                    ),
                );
            }
            if FLEET_LABELS.contains(name) {
                let query =
                    format!("label_values(velocitytrader_build_info{{job=~\"$job\"}}, {name})");
                if v["query"]["query"] != query.as_str() {
                    err(
                        &mut errors,
                        format!("variable `{name}` query {}", v["query"]),
                    );
                }
            }
            let visible = v["hide"].as_u64() == Some(0);
            if visible != used.contains(*name) {
                err(
                    &mut errors,
                    format!(
                        "variable `{name}` visible={visible} but used={}",
                        used.contains(*name)
                    ),
                );
            }
        }
        for name in &used {
            if !by_name.contains_key(name.as_str()) {
                err(&mut errors, format!("uses undefined variable `${name}`"));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// A panel repeated per value of a variable (per symbol, per agent) names
/// the value in its title, repeats across a line of its own (its copies
/// take the whole width, so they must overlap nothing), and repeats by a
/// multi-value variable its queries filter by.
#[test]
fn repeated_panels_have_a_line_of_their_own() {
    let mut repeated = 0;
    for (path, dash) in dashboards() {
        let panels = all_panels(&dash);
        for p in panels.iter().filter(|p| p["repeat"].is_string()) {
            repeated += 1;
            let var = p["repeat"].as_str().unwrap();
            let title = p["title"].as_str().unwrap_or_default();
            assert!(title.contains(&format!("${var}")), "{path} `{title}`");
            assert_eq!(p["repeatDirection"], "h", "{path} `{title}`");
            assert!(p["maxPerRow"].as_u64().is_some(), "{path} `{title}`");
            let filter = format!("=~\"${var}\"");
            for t in p["targets"].as_array().unwrap() {
                assert!(
                    t["expr"].as_str().unwrap().contains(&filter),
                    "{path} `{title}`: a query not filtered by ${var}"
                );
            }
            let (y, h) = (
                p["gridPos"]["y"].as_u64().unwrap(),
                p["gridPos"]["h"].as_u64().unwrap(),
            );
            for other in &panels {
                if other["id"] == p["id"] {
                    continue;
                }
                let (oy, oh) = (
                    other["gridPos"]["y"].as_u64().unwrap(),
                    other["gridPos"]["h"].as_u64().unwrap(),
                );
                assert!(
                    oy + oh <= y || y + h <= oy,
                    "{path} `{title}` shares its line with `{}`",
                    other["title"]
                );
            }
        }
    }
    assert!(repeated >= 2, "only {repeated} repeated panels");
}

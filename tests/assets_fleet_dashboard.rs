//! The Fleet Overview and the per-engine dashboards reach each other with
//! the variables kept: every dashboard's menu lists the others (the fleet
//! dashboard included), the fleet's engine and run tables link each row to
//! that engine's dashboards with its job, instance and identity, and the
//! backtest tables link each run to its dashboards on the dates it
//! simulated.

#[path = "support/asset_files.rs"]
mod asset_files;
#[path = "support/promql_schema.rs"]
mod promql_schema;

use serde_json::Value as Json;

use asset_files::*;
use promql_schema::*;

const FLEET: &str = "dashboards/velocitytrader-fleet.json";
const ROW_FIELDS: [&str; 5] = ["job", "instance", "engine", "account", "mode"];

#[test]
fn every_dashboard_lists_the_others_with_variables_and_time_kept() {
    for (path, dash) in dashboards() {
        let tags = dash["tags"].as_array().unwrap();
        assert!(
            tags.contains(&Json::from("velocitytrader")),
            "{path}: not in the menu"
        );
        let menu = dash["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["type"] == "dashboards")
            .unwrap_or_else(|| panic!("{path}: no dashboards menu"));
        assert_eq!(
            menu["tags"],
            serde_json::json!(["velocitytrader"]),
            "{path}"
        );
        assert_eq!(menu["includeVars"], true, "{path}");
        assert_eq!(menu["keepTime"], true, "{path}");
    }
}

#[test]
fn fleet_tables_link_each_engine_to_its_dashboards() {
    let fleet = dashboards()
        .into_iter()
        .find(|(p, _)| p == FLEET)
        .map(|(_, d)| d)
        .unwrap();
    let schema = Schema::new();
    let mut tables = 0;
    for panel in all_panels(&fleet) {
        let links = field_links(panel, "engine");
        if links.is_empty() {
            continue;
        }
        tables += 1;
        let title = panel["title"].as_str().unwrap();
        // The fields the links read are in every row.
        assert_every_row_has(&schema, panel, title, &ROW_FIELDS);
        let mut targets = Vec::new();
        for link in links {
            let url = link["url"].as_str().unwrap();
            let uid = link_passes_the_row(title, url);
            assert!(uid != "velocitytrader-fleet", "{title}: {url}");
            targets.push(uid);
            assert!(
                url.contains("${__url_time_range}"),
                "{title}: time range lost in {url}"
            );
        }
        assert!(
            targets.contains(&"velocitytrader-performance"),
            "{title}: {targets:?}"
        );
    }
    assert_eq!(tables, 2, "the Engines and Backtest runs tables");
}

/// Every query of the table `panel` gives the columns `fields`.
fn assert_every_row_has(schema: &Schema, panel: &Json, title: &str, fields: &[&str]) {
    for t in panel["targets"].as_array().unwrap() {
        let expr = parse(&substitute(t["expr"].as_str().unwrap())).unwrap();
        let labels = schema.output_labels(&expr).unwrap_or_default();
        for field in fields {
            assert!(
                labels.contains(*field),
                "{title} {}: no `{field}` column",
                t["refId"]
            );
        }
    }
}

/// Asserts that `url` opens a shipped dashboard with the datasource and the
/// row's job, instance and identity as its variables; returns its uid.
fn link_passes_the_row<'a>(title: &str, url: &'a str) -> &'a str {
    let uid = url
        .strip_prefix("/d/")
        .and_then(|u| u.split('/').next())
        .unwrap_or_else(|| panic!("{title}: {url}"));
    assert!(UIDS.contains(&uid), "{title}: {url}");
    assert!(url.contains("var-datasource=${datasource}"), "{url}");
    for field in ROW_FIELDS {
        assert!(
            url.contains(&format!("var-{field}=${{__data.fields.{field}}}")),
            "{title}: {url} does not pass the row's {field}"
        );
    }
    uid
}

/// The `links` of a panel's overrides on field `field`.
fn field_links<'a>(panel: &'a Json, field: &str) -> Vec<&'a Json> {
    panel["fieldConfig"]["overrides"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["matcher"]["options"] == field)
        .flat_map(|o| o["properties"].as_array().unwrap())
        .filter(|p| p["id"] == "links")
        .flat_map(|p| p["value"].as_array().unwrap())
        .collect()
}

#[test]
fn backtest_tables_link_each_run_to_its_simulated_dates() {
    let schema = Schema::new();
    let mut tables = Vec::new();
    for (path, dash) in dashboards() {
        for panel in all_panels(&dash) {
            let links = field_links(panel, "run_id");
            if links.is_empty() {
                continue;
            }
            let title = format!("{path} {}", panel["title"].as_str().unwrap());
            // Every query gives the row's identity and run_id.
            assert_every_row_has(&schema, panel, &title, &ROW_FIELDS);
            assert_every_row_has(&schema, panel, &title, &["run_id"]);
            // The columns the time range comes from: renamed value columns
            // of timestamps in milliseconds, shown as dates.
            let renames = panel["transformations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["id"] == "organize")
                .map(|t| t["options"]["renameByName"].clone())
                .unwrap();
            let date_column = |name: &str| {
                let (value, _) = renames
                    .as_object()
                    .unwrap()
                    .iter()
                    .find(|(_, to)| *to == name)
                    .unwrap_or_else(|| panic!("{title}: no column `{name}`"));
                let ref_id = value.strip_prefix("Value #").unwrap();
                let target = panel["targets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|t| t["refId"] == ref_id)
                    .unwrap();
                let expr = target["expr"].as_str().unwrap();
                assert!(
                    expr.contains("(1000 * velocitytrader_run_simulated_"),
                    "{title} {name}: {expr}"
                );
                let unit = panel["fieldConfig"]["overrides"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|o| o["matcher"]["options"] == value.as_str())
                    .map(|o| o["properties"][0]["value"].clone());
                assert_eq!(unit, Some(Json::from("dateTimeAsIso")), "{title} {name}");
            };
            let mut targets = Vec::new();
            for link in links {
                let url = link["url"].as_str().unwrap();
                targets.push(link_passes_the_row(&title, url));
                let query = url.split_once('?').unwrap().1;
                let mut range = query.split('&').filter_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    let column = v.strip_prefix("${__data.fields[\"")?.strip_suffix("\"]}")?;
                    ["from", "to"].contains(&k).then_some((k, column))
                });
                let (from, to) = (range.next(), range.next());
                let (Some(("from", from)), Some(("to", to))) = (from, to) else {
                    panic!("{title}: {url} does not open the run's own dates");
                };
                date_column(from);
                date_column(to);
                assert!(!url.contains("__url_time_range"), "{title}: {url}");
            }
            assert!(
                targets.contains(&"run-control-meta"),
                "{title}: {targets:?}"
            );
            tables.push(title);
        }
    }
    tables.sort();
    assert_eq!(
        tables,
        [
            "dashboards/run-control-meta.json Backtest runs and the dates they simulated",
            "dashboards/velocitytrader-fleet.json Backtest runs",
        ]
    );
}

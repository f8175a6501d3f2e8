//! The Fleet Overview and the per-engine dashboards reach each other with
//! the variables kept: every dashboard's menu lists the others (the fleet
//! dashboard included), and the fleet's engine and run tables link each row
//! to that engine's dashboards with its job, instance and identity.

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
        let links: Vec<&Json> = panel["fieldConfig"]["overrides"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["matcher"]["options"] == "engine")
            .flat_map(|o| o["properties"].as_array().unwrap())
            .filter(|p| p["id"] == "links")
            .flat_map(|p| p["value"].as_array().unwrap())
            .collect();
        if links.is_empty() {
            continue;
        }
        tables += 1;
        let title = panel["title"].as_str().unwrap();
        // The fields the links read are in every row.
        for t in panel["targets"].as_array().unwrap() {
            let expr = parse(&substitute(t["expr"].as_str().unwrap())).unwrap();
            let labels = schema.output_labels(&expr).unwrap_or_default();
            for field in ROW_FIELDS {
                assert!(
                    labels.contains(field),
                    "{title} {}: no `{field}` column",
                    t["refId"]
                );
            }
        }
        let mut targets = Vec::new();
        for link in links {
            let url = link["url"].as_str().unwrap();
            let uid = url
                .strip_prefix("/d/")
                .and_then(|u| u.split('/').next())
                .unwrap_or_else(|| panic!("{title}: {url}"));
            assert!(
                UIDS.contains(&uid) && uid != "velocitytrader-fleet",
                "{title}: {url}"
            );
            targets.push(uid);
            assert!(
                url.contains("${__url_time_range}"),
                "{title}: time range lost in {url}"
            );
            assert!(url.contains("var-datasource=${datasource}"), "{url}");
            for field in ROW_FIELDS {
                assert!(
                    url.contains(&format!("var-{field}=${{__data.fields.{field}}}")),
                    "{title}: {url} does not pass the row's {field}"
                );
            }
        }
        assert!(
            targets.contains(&"velocitytrader-performance"),
            "{title}: {targets:?}"
        );
    }
    assert_eq!(tables, 2, "the Engines and Backtest runs tables");
}
